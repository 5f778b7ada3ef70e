"""``manage.py compile_translations``: compile every ``locale/*/LC_MESSAGES/*.po`` into its ``.mo`` with polib.

Django's ``compilemessages`` needs GNU gettext's ``msgfmt``; a fresh machine may not have it, and ``make run`` must
work with Python alone. The ``.mo`` files are committed, so only translators run this (``make messages`` does:
``makemessages`` — which does need gettext's ``xgettext`` — then this command). Fuzzy, obsolete and untranslated
entries are left out of the ``.mo``, exactly like ``msgfmt``; ``tests/portal/test_catalogues.py`` fails while any
exist, and when a committed ``.mo`` differs from what its ``.po`` compiles to.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogue_paths() -> list[Path]:
    """Every ``.po`` file under ``settings.LOCALE_PATHS``, sorted."""
    paths: list[Path] = []
    for locale_dir in settings.LOCALE_PATHS:
        paths.extend(sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")))
    return paths


def compile_catalogue(po_path: Path, mo_path: Path | None = None) -> Path:
    """Compile ``po_path`` to ``mo_path`` (default: next to it, ``.mo``); return the ``.mo`` path.

    Raises ``OSError``/``ValueError`` (from polib) when the ``.po`` cannot be read or parsed.
    """
    import polib  # dev/translator dependency: imported here so the site itself never needs it

    mo_path = mo_path or po_path.with_suffix(".mo")
    polib.pofile(str(po_path), wrapwidth=0).save_as_mofile(str(mo_path))
    return mo_path


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po into .mo files with polib (no GNU gettext needed)."

    def handle(self, *args, **options):
        paths = catalogue_paths()
        if not paths:
            raise CommandError(f"No .po files under {[str(p) for p in settings.LOCALE_PATHS]}")
        for po_path in paths:
            try:
                mo_path = compile_catalogue(po_path)
            except (OSError, ValueError) as exc:
                raise CommandError(f"{po_path}: {exc}") from exc
            self.stdout.write(f"compiled {mo_path.relative_to(settings.BASE_DIR)}")
