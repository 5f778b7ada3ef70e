"""Set up the locales and translate the demo home page and main menu (through :mod:`portal.i18n`)."""

from .translations import HOME, LANGUAGES, MENU


def translate_home_and_menu(home, menu) -> list[str]:
    """Create the locales, alias every English page into each locale, then translate ``home`` and ``menu``.

    ``home``: the English ``HomePage``; ``menu``: the English ``MainMenu``. Uses :func:`portal.i18n.ensure_locales`,
    :func:`portal.i18n.sync_page_trees` and :func:`portal.i18n.translate_instance` (wagtail-localize), all
    idempotent. Returns the language codes translated into.
    """
    from portal.i18n import ensure_locales, sync_page_trees, translate_instance

    ensure_locales()
    # load_demo publishes a revision for every page it changes, which refreshes that page's aliases already.
    sync_page_trees(refresh_aliases=False)
    for language in LANGUAGES:
        translate_instance(home, language, HOME[language])
        translated_menu = translate_instance(menu, language, MENU[language])
        translate_menu_labels(translated_menu, MENU[language])
    return LANGUAGES


def translate_menu_labels(menu, mapping: dict[str, str]) -> int:
    """Replace the English labels of ``menu``'s items by their translations in ``mapping``; return how many changed.

    Needed because ``MenuItem`` is not a ``TranslatableMixin`` model: wagtail-localize copies the items of a
    translated menu unchanged (a synchronised child relation), so their labels arrive in English. Labels that are
    already translated are left alone, so this is a no-op once the CMS makes the items translatable.
    """
    changed = 0
    for item in menu.items.all():
        if item.label in mapping and mapping[item.label] != item.label:
            item.label = mapping[item.label]
            item.save(update_fields=["label"])
            changed += 1
    return changed
