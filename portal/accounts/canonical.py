"""One canonical form of an email address, used by forms and by the database uniqueness constraint.

``canonical_email(value) -> str`` folds what a person would read as the same address into one key:

* punycode labels of the domain (``xn--exmple-4nf.org``) are decoded to Unicode first, because Django's email
  field and allauth store an internationalised domain in that ASCII form: ``exаmple.org`` with a Cyrillic ``а``
  arrives here as ``xn--exmple-4nf.org`` and must still meet ``example.org``;
* Unicode NFKC normalisation (full-width and compatibility letters become plain ones: ``ａｎａ＠ｘ．ｏｒｇ``);
* Turkish dotted and dotless i: ``İ``, ``I``, ``ı``, ``i`` and ``i`` + combining dot above all fold to ``i``
  (default lower-casing turns ``İ`` into ``i`` + U+0307, and leaves ``ı`` apart from ``i``);
* case folding (``casefold``, so ``ß`` and ``ss`` meet);
* confusable letters (Cyrillic ``а``, ``о``, ``е``, ``р``, ``с`` for Latin ``a``, ``o``, ``e``, ``p``, ``c``, Greek
  ``Ν``/``ο``/``Ι``…) are replaced by their ASCII look-alike, using the Unicode confusables table (UTS #39)
  shipped by ``confusable-homoglyphs``. Upper-case letters are mapped before folding (Greek ``Ν`` looks like
  ``N``, so it becomes ``n``, not ``v`` as its lower case ``ν`` would), and an upper-case vertical stroke
  (Greek ``Ι``, Cyrillic ``І``) reads as capital ``I``, so it becomes ``i``. Letters with diacritics that have no
  ASCII look-alike (``č``, ``ş``, ``ğ``, ``ä``) stay as they are: they are different addresses.

The result is only a key for comparisons (``User.email_canonical`` carries the unique constraint): the address
the user typed is kept as entered for sending mail. The key is at most 254 characters (the column size); a
longer folding result (possible because ``ß`` → ``ss``, ``ﬃ`` → ``ffi``) is shortened with a SHA-256 suffix so
it stays unique.
"""

import functools
import hashlib
import re
import unicodedata

from confusable_homoglyphs.confusables import confusables_data

#: Size of ``User.email_canonical``.
MAX_LENGTH = 254

_TURKISH_I = str.maketrans({"İ": "i", "I": "i", "ı": "i"})
# ``i``/``ı`` followed by a combining dot above reads as a plain ``i`` (what ``"İ".lower()`` produces).
_DOTTED_I = re.compile("[iı]\u0307")
# ASCII characters a look-alike may map to: letters, digits and the punctuation that occurs in addresses.
_ALLOWED_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_+@")
# Full stops that IDNA treats as label separators (RFC 3490 §3.1) but NFKC leaves alone.
_IDNA_DOTS = str.maketrans({"\u3002": ".", "\uff61": "."})


@functools.lru_cache(maxsize=4096)
def _ascii_lookalike(char: str) -> str | None:
    """Return the single ASCII character ``char`` is confusable with (UTS #39 table), or ``None``."""
    for homoglyph in confusables_data.get(char, ()):
        candidate = homoglyph.get("c", "")
        if len(candidate) == 1 and candidate in _ALLOWED_ASCII:
            return candidate
    return None


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """Fold one (NFD-decomposed) character: ASCII is lower-cased, the rest mapped to a look-alike, then folded."""
    if char.isascii():
        return char.lower()
    if char.casefold() != char:  # an upper-case (or title-case) letter
        lookalike = _ascii_lookalike(char)
        if lookalike is not None:
            return "i" if lookalike == "l" else lookalike.lower()
    return "".join(_ascii_lookalike(c) or c for c in char.casefold()).lower()


def _decode_punycode_labels(text: str) -> str:
    """Decode each ``xn--`` label after the last ``@`` (IDNA A-label → U-label); keep labels that do not decode."""
    local, at, domain = text.rpartition("@")
    if not at or "xn--" not in domain.lower():
        return text
    labels = []
    for label in domain.split("."):
        if label[:4].lower() == "xn--":
            try:
                label = label[4:].encode("ascii").decode("punycode")
            except (UnicodeError, ValueError):
                pass
        labels.append(label)
    return f"{local}@{'.'.join(labels)}"


def _fold(text: str) -> str:
    """One folding pass (see the module docstring); :func:`canonical_email` repeats it until nothing changes."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = text.translate(_TURKISH_I).translate(_IDNA_DOTS)
    text = _DOTTED_I.sub("i", unicodedata.normalize("NFD", text))
    folded = _DOTTED_I.sub("i", "".join(_fold_char(ch) for ch in text))
    return unicodedata.normalize("NFKC", folded).strip()


def canonical_email(value: str) -> str:
    """Return the comparison key of an email address (``str`` in, ``str`` of at most 254 characters out).

    Empty or blank input gives ``""``. Never raises on odd input (no ``@``, control characters, lone
    surrogates, very long strings): whatever it is, it is folded as a whole. Deterministic and idempotent
    (``canonical_email(canonical_email(x)) == canonical_email(x)``): the folding pass is repeated until it
    no longer changes the text (a few scripts, e.g. Cherokee, fold case "upwards", so one pass can leave
    a letter that the next pass maps).
    """
    if not value:
        return ""
    key = _fold(_decode_punycode_labels(str(value)))
    for _ in range(8):
        again = _fold(key)
        if again == key:
            break
        key = again
    if len(key) > MAX_LENGTH:
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        key = f"{key[: MAX_LENGTH - len(digest) - 1]}#{digest}"
    return key
