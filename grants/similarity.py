"""Near-duplicate texts: word shingles, Jaccard similarity and a locality-sensitive index (issue 4, item 7).

Used by :mod:`grants.integrity` to find proposals whose text is nearly the same as another application's.

* A text becomes a set of **word shingles**: Unicode NFKC, case-folded, split into words (``\\w+``), every run of
  :data:`SHINGLE_WORDS` consecutive words, each hashed to a stable 64-bit integer (BLAKE2b, so results do not
  depend on ``PYTHONHASHSEED``). Texts with fewer than :data:`MIN_SHINGLES` shingles (a dozen words) are not
  compared: short boilerplate would otherwise make everything look alike.
* Two texts are **near duplicates** when the Jaccard similarity of their shingle sets
  (``|A ∩ B| / |A ∪ B|``) is at least :data:`NEAR_DUPLICATE_JACCARD` (0.8: four shingles in five shared, e.g. a
  copied proposal with a few sentences changed).
* To avoid comparing every pair (O(n²) for a call of n applications), :func:`near_duplicate_pairs` builds a
  **one-permutation MinHash** signature per text (one hash per shingle, :data:`SIGNATURE_BINS` bins, the minimum
  per bin, O(shingles) per text) and puts each text into :data:`BANDS` buckets keyed by bands of
  :data:`ROWS_PER_BAND` bins (LSH banding). Only texts sharing a bucket are compared exactly. A pair at Jaccard
  0.8 shares a bucket with probability ``1 - (1 - 0.8**4)**16 ≈ 0.9998``; at 0.3 with about 0.12.
  Cost: O(total shingles) to sign, O(n × BANDS) to bucket, and per bucket at most :data:`MAX_COMPARISONS_PER_TEXT`
  exact comparisons per text (a bucket of 5,000 identical copies costs 5,000 × that, not 12.5 million pairs), so
  the whole is linear in n. Memory: the shingle hashes are kept as 8-byte arrays (about 8 bytes × words).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterable

#: Words per shingle.
SHINGLE_WORDS = 3
#: Texts with fewer shingles than this are never reported as near duplicates.
MIN_SHINGLES = 10
#: Jaccard similarity (0..1) from which two texts are near duplicates.
NEAR_DUPLICATE_JACCARD = 0.8
#: Bins of the one-permutation MinHash signature (= BANDS × ROWS_PER_BAND).
SIGNATURE_BINS = 64
BANDS = 16
ROWS_PER_BAND = 4
#: In one LSH bucket, each text is compared with at most this many texts that came before it.
MAX_COMPARISONS_PER_TEXT = 8

_WORD = re.compile(r"\w+")
_EMPTY_BIN = -1


def _hash(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def shingles(text: str) -> array:
    """The sorted, distinct 64-bit hashes of ``text``'s word shingles (an ``array('Q')``; empty for short text)."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text or "").casefold())
    if len(words) < SHINGLE_WORDS:
        return array("Q")
    hashes = {_hash(" ".join(words[i : i + SHINGLE_WORDS])) for i in range(len(words) - SHINGLE_WORDS + 1)}
    return array("Q", sorted(hashes))


def jaccard(a: array, b: array) -> float:
    """Jaccard similarity (0..1) of two shingle sets as returned by :func:`shingles`; 0.0 when both are empty."""
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    common = len(set(small).intersection(large))
    return common / (len(a) + len(b) - common)


def signature(hashes: array) -> tuple[int, ...]:
    """One-permutation MinHash: the smallest ``hash // BINS`` per bin ``hash % BINS`` (``-1`` for an empty bin)."""
    bins = [_EMPTY_BIN] * SIGNATURE_BINS
    for value in hashes:
        slot = value % SIGNATURE_BINS
        rest = value // SIGNATURE_BINS
        if bins[slot] == _EMPTY_BIN or rest < bins[slot]:
            bins[slot] = rest
    return tuple(bins)


def near_duplicate_pairs(texts: Iterable[tuple[int, str]]) -> list[tuple[int, int, float]]:
    """Pairs of near-duplicate texts among ``texts`` (``(key, text)`` pairs, keys distinct integers).

    Returns ``[(key_a, key_b, jaccard), ...]`` with ``key_a < key_b``, each pair once, similarity at least
    :data:`NEAR_DUPLICATE_JACCARD`, sorted by keys. See the module docstring for the method and its cost; a pair
    is missed only when LSH puts it in no common bucket (probability about 2 in 10,000 at Jaccard 0.8, lower above).
    """
    shingle_sets: dict[int, array] = {}
    buckets: dict[tuple, list[int]] = defaultdict(list)
    for key, text in texts:
        hashes = shingles(text)
        if len(hashes) < MIN_SHINGLES:
            continue
        shingle_sets[key] = hashes
        sig = signature(hashes)
        for band in range(BANDS):
            start = band * ROWS_PER_BAND
            buckets[(band, sig[start : start + ROWS_PER_BAND])].append(key)
    found: dict[tuple[int, int], float] = {}
    compared: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) < 2:
            continue
        for index, key in enumerate(members):
            for other in members[max(0, index - MAX_COMPARISONS_PER_TEXT) : index]:
                pair = (other, key) if other < key else (key, other)
                if pair in compared:
                    continue
                compared.add(pair)
                similarity = jaccard(shingle_sets[pair[0]], shingle_sets[pair[1]])
                if similarity >= NEAR_DUPLICATE_JACCARD:
                    found[pair] = similarity
    return [(a, b, found[(a, b)]) for a, b in sorted(found)]


def near_duplicates_of(target: tuple[int, str], others: Iterable[tuple[int, str]]) -> list[tuple[int, float]]:
    """Texts among ``others`` that are near duplicates of ``target`` (one text against n: O(n), no index needed).

    Returns ``[(key, jaccard), ...]`` sorted by key.
    """
    key, text = target
    mine = shingles(text)
    if len(mine) < MIN_SHINGLES:
        return []
    result = []
    for other_key, other_text in others:
        if other_key == key:
            continue
        similarity = jaccard(mine, shingles(other_text))
        if similarity >= NEAR_DUPLICATE_JACCARD:
            result.append((other_key, similarity))
    return sorted(result)
