"""Interface catalogues: complete in every language, compiled, and covering every msgid used in the code.

To refresh after adding strings: ``make messages`` (``makemessages`` needs GNU gettext's xgettext; it then runs
``manage.py compile_translations``, which needs only polib), translate the new entries in every
``locale/*/LC_MESSAGES/django.po``, run ``manage.py compile_translations`` again and commit the ``.po`` and ``.mo``.
"""

import ast
import io
import os
import tokenize
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation.template import templatize

from portal.management.commands.compile_translations import catalogue_paths, compile_catalogue

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
EXPECTED_LOCALES = {"bs", "sq", "mk", "sr_Latn", "tr"}
CATALOGUES = catalogue_paths()
# Catalogues live in every LOCALE_PATHS entry (locale/ and locale_allauth/): name them from the project root.
CATALOGUE_IDS = [str(path.relative_to(settings.BASE_DIR)) for path in CATALOGUES]
# The project's own catalogues (``make messages``); locale_allauth/ holds django-allauth's strings only.
PROJECT_CATALOGUES = [path for path in CATALOGUES if path.is_relative_to(LOCALE_DIR)]
PROJECT_CATALOGUE_IDS = [str(path.relative_to(settings.BASE_DIR)) for path in PROJECT_CATALOGUES]

# The keywords Django's makemessages passes to xgettext, plus xgettext's own Python defaults:
# name → (index of msgctxt or None, index of msgid).
KEYWORDS = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}
# What `make messages` skips: its --ignore options, makemessages' defaults (hidden files), STATIC_ROOT/MEDIA_ROOT,
# and what is never source (caches, build output, the catalogues themselves).
IGNORED_DIRS = {".venv", "node_modules", "__pycache__", "staticfiles", "media", "private-media", "build", "locale"}


def test_every_language_has_a_catalogue():
    assert {path.parent.parent.name for path in CATALOGUES} >= EXPECTED_LOCALES
    assert {path.name for path in CATALOGUES} == {"django.po"}


@pytest.mark.parametrize("po_path", CATALOGUES, ids=CATALOGUE_IDS)
def test_catalogue_is_complete(po_path):
    """(a) No untranslated and no fuzzy entry: every later feature ships translated."""
    po = polib.pofile(str(po_path))
    assert not po.metadata_is_fuzzy, f"{po_path}: the header is marked fuzzy"
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"{po_path}: untranslated entries {untranslated}"
    assert not fuzzy, f"{po_path}: fuzzy entries {fuzzy}"
    assert po.metadata.get("Plural-Forms", "").startswith("nplurals="), f"{po_path}: Plural-Forms missing"


@pytest.mark.parametrize("po_path", CATALOGUES, ids=CATALOGUE_IDS)
def test_mo_matches_po(po_path, tmp_path):
    """(b) The committed .mo is exactly what the .po compiles to (run `manage.py compile_translations`)."""
    committed = po_path.with_suffix(".mo")
    assert committed.exists(), f"{committed} is missing: run manage.py compile_translations"
    fresh = compile_catalogue(po_path, tmp_path / "fresh.mo")
    as_dict = lambda mo: {(e.msgctxt, e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo}  # noqa: E731
    assert as_dict(polib.mofile(str(committed))) == as_dict(polib.mofile(str(fresh))), (
        f"{committed} is out of date: run manage.py compile_translations"
    )


def _calls_in_python(source: str, filename: str):
    for node in ast.walk(ast.parse(source, filename=filename)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in KEYWORDS:
            continue
        ctxt_index, msgid_index = KEYWORDS[name]
        args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
        if len(args) <= msgid_index or args[msgid_index] is None:
            continue
        yield (args[ctxt_index] if ctxt_index is not None else None, args[msgid_index])


def _calls_in_templatized(code: str):
    """Find gettext calls in templatize() output (Python-like text, as xgettext reads it)."""
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type != tokenize.NL]
    for index, token in enumerate(tokens):
        if token.type != tokenize.NAME or token.string not in KEYWORDS or tokens[index + 1].string != "(":
            continue
        args, cursor = [], index + 2
        while tokens[cursor].type == tokenize.STRING:
            args.append(ast.literal_eval(tokens[cursor].string))
            cursor += 1
            if tokens[cursor].string != ",":
                break
            cursor += 1
        ctxt_index, msgid_index = KEYWORDS[token.string]
        if len(args) > msgid_index:
            yield (args[ctxt_index] if ctxt_index is not None else None, args[msgid_index])


def msgids_in_code(root: Path) -> dict[tuple[str | None, str], str]:
    """(msgctxt, msgid) → first file using it, for every .py/.html/.txt file that makemessages would scan."""
    found: dict[tuple[str | None, str], str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in IGNORED_DIRS]
        for filename in filenames:
            if filename.startswith(".") or Path(filename).suffix not in {".py", ".html", ".txt"}:
                continue
            path = Path(dirpath) / filename
            source = path.read_text(encoding="utf-8")
            if filename.endswith(".py"):
                calls = _calls_in_python(source, str(path))
            else:
                calls = _calls_in_templatized(templatize(source, origin=str(path)))
            for key in calls:
                found.setdefault(key, str(path.relative_to(root)))
    return found


def test_extractor_finds_template_and_python_strings():
    code = templatize(
        '{% load i18n %}{% translate "Apply" context "verb" %}{% blocktranslate trimmed with n=x %}\n'
        "  {{ n }} calls\n{% endblocktranslate %}",
        origin="t.html",
    )
    assert set(_calls_in_templatized(code)) == {("verb", "Apply"), (None, "%(n)s calls")}
    python = "from django.utils.translation import gettext_lazy as _, pgettext\nx = _('A' 'B')\ny = pgettext('c', 'D')"
    assert set(_calls_in_python(python, "x.py")) == {(None, "AB"), ("c", "D")}


@pytest.mark.parametrize("po_path", PROJECT_CATALOGUES, ids=PROJECT_CATALOGUE_IDS)
def test_catalogue_has_every_msgid_used_in_the_code(po_path):
    """(c) Every string marked for translation in the code is in the catalogue (run `make messages`)."""
    in_catalogue = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(po_path)) if not entry.obsolete}
    missing = {key: where for key, where in msgids_in_code(Path(settings.BASE_DIR)).items() if key not in in_catalogue}
    assert not missing, f"{po_path}: run `make messages` and translate: {missing}"
