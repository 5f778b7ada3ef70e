"""One canonical form of an email address, used by forms and by the database uniqueness constraint.

``canonical_email(value) -> str`` folds what a person would read as the same address into one key:

* Unicode NFKC normalisation (full-width and compatibility letters become plain ones);
* Turkish dotted and dotless i: ``İ``, ``I``, ``ı`` and ``i`` all fold to ``i`` (default lower-casing turns
  ``İ`` into ``i`` + U+0307, and leaves ``ı`` apart from ``i``);
* case folding (``casefold``, so ``ß`` and ``ss`` meet);
* confusable letters (Cyrillic ``а`` for Latin ``a``, Greek ``ο`` for ``o``…) are replaced by their Latin
  look-alike, using the Unicode confusables table shipped by ``confusable-homoglyphs``.

The result is only a key for comparisons: the address the user typed is kept as entered for sending mail.
"""

import functools
import unicodedata

from confusable_homoglyphs import confusables

_TURKISH_I = str.maketrans({"İ": "i", "I": "i", "ı": "i", "\u0307": ""})


@functools.lru_cache(maxsize=4096)
def _latin_lookalike(char: str) -> str:
    """Return the Latin (ASCII) look-alike of ``char`` if the confusables table has one, else ``char``."""
    if char.isascii():
        return char
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin", "common"])
    if found:
        for homoglyph in found[0]["homoglyphs"]:
            candidate = homoglyph["c"]
            if candidate.isascii() and len(candidate) == 1 and candidate.isalnum():
                return candidate.lower()
    return char


def canonical_email(value: str) -> str:
    """Return the comparison key of an email address (``str`` in, ``str`` out; empty for empty input).

    Never raises on odd input: a value without ``@`` is folded as a whole.
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFKC", value.strip())
    text = text.translate(_TURKISH_I).casefold()
    text = unicodedata.normalize("NFKC", text)
    return "".join(_latin_lookalike(ch) for ch in text)
