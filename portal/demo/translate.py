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
    sync_page_trees()
    for language in LANGUAGES:
        translate_instance(home, language, HOME[language])
        translate_instance(menu, language, MENU[language])
    return LANGUAGES
