"""Typo and short-form correction against the domain's vocabulary.

``corrected(text)`` rewrites the words of a message that the cues do not know
onto the nearest word of ``vocabulary.DOMAIN_WORDS`` ("farura" -> "fatura",
"internetm" -> "internetim", "rooming" -> "roaming", "fatrum" -> "faturam")
and expands the short forms customers type ("kdr" -> "kadar"). Matching uses
``rapidfuzz``: optimal string alignment distance (a swapped pair of letters is
one edit) for ordinary typos, and for words typed with vowels left out or
moved, the same consonants in the same order plus an ``fuzz.ratio`` floor.

Guards keep real words as typed: a word is never corrected when it is short,
already matches a cue, is an ordinary Turkish word (``COMMON_WORDS``), a
place or a package name, holds a digit or an ``@``, or when its first letter
differs from the candidate's (customers seldom mistype the first letter).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from agent.rules import cues
from agent.rules.vocabulary import ABBREVIATIONS, COMMON_WORDS, DOMAIN_WORDS, KNOWN_STEMS
from core.turkish import fold
from db.reference_data import CATALOGUE, PROVINCES, REGIONS

# Shortest word corrected by edit distance, and the edits allowed by length.
_MIN_LENGTH = 5
_LONG_WORD = 8
# Shortest word matched by its consonants, and how alike the words must be.
_MIN_SKELETON_LENGTH = 4
_SKELETON_RATIO = 75.0

_VOWELS = re.compile(r"[aeiou]")
_WORD = re.compile(r"[^\W\d_]+")


def _cue_words() -> frozenset[str]:
    """Every word of every cue in ``cues`` (the words the scorers already know)."""
    words: set[str] = set()
    for value in vars(cues).values():
        if isinstance(value, tuple):
            for item in value:
                phrase = item[0] if isinstance(item, tuple) else item
                if isinstance(phrase, str):
                    words.update(part.rstrip("$") for part in phrase.split())
    return frozenset(word for word in words if word.isalpha())


def _names() -> frozenset[str]:
    """The words of place and package names, which are never corrected."""
    names = [*REGIONS, *(province for province, _ in PROVINCES.values())]
    names += [spec.name for spec in CATALOGUE]
    return frozenset(part for name in names for part in fold(name).split())


_CUE_WORDS = _cue_words()
# Cue words of three letters or more count as known prefixes ("fatura" knows
# "faturalarimizi"); shorter ones ("ac", "on") would make almost every word known.
# A word that starts with a domain noun is that noun with an ending ("numaralı",
# "hesabına"): correcting its ending would only change what it says.
_KNOWN_PREFIXES = tuple(sorted({*(word for word in _CUE_WORDS if len(word) >= 3), *KNOWN_STEMS}))
_NAMES = _names()
# Only domain words are targets: the cues' own words include ordinary verbs
# ("anladim", "getir") that real words are one letter away from.
_TARGETS = frozenset(DOMAIN_WORDS)


def _by_first_letter(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for word in words:
        grouped.setdefault(word[0], []).append(word)
    return {letter: tuple(found) for letter, found in grouped.items()}


def _skeleton(word: str) -> str:
    return _VOWELS.sub("", word)


def _by_skeleton(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for word in words:
        grouped.setdefault(_skeleton(word), []).append(word)
    return {key: tuple(found) for key, found in grouped.items()}


_TARGETS_BY_LETTER = _by_first_letter(DOMAIN_WORDS)
# Stems ending in a consonant, longest first, for endings typed without their vowel.
_CONSONANT_STEMS = tuple(
    sorted((stem for stem in KNOWN_STEMS if stem[-1] not in "aeiou"), key=len, reverse=True)
)
_TARGETS_BY_SKELETON = _by_skeleton(DOMAIN_WORDS)


def is_cue_word(word: str) -> bool:
    """Whether the folded ``word`` is a word of some cue."""
    return word in _CUE_WORDS


def is_known(word: str) -> bool:
    """Whether the folded ``word`` is left as typed."""
    return (
        word in COMMON_WORDS
        or word in _NAMES
        or word in _TARGETS
        or word.startswith(_KNOWN_PREFIXES)
    )


@lru_cache(maxsize=4096)
def correct_word(word: str) -> str | None:
    """The domain word the folded ``word`` was meant to be, or None to keep it."""
    if word in ABBREVIATIONS:
        return ABBREVIATIONS[word]
    if len(word) < _MIN_SKELETON_LENGTH or not word.isalpha():
        return None
    vowel_dropped = _ending_without_vowel(word)
    if vowel_dropped is not None:
        return vowel_dropped
    if is_known(word):
        return None
    if len(word) >= _MIN_LENGTH:
        edits = 1 if len(word) < _LONG_WORD else 2
        choices = _TARGETS_BY_LETTER.get(word[0], ())
        found = [
            hit
            for hit in process.extract(word, choices, scorer=OSA.distance, score_cutoff=edits)
            # Two edits only between words of about the same length ("yatirdim" is not "yardim").
            if hit[1] < 2 or abs(len(hit[0]) - len(word)) <= 1
        ]
        if found:
            # Equally near: the likelier slip ("faturm" -> "faturam", not "fatura").
            return min(found, key=lambda hit: (hit[1], -fuzz.ratio(word, hit[0])))[0]
    skeleton = _skeleton(word)
    if len(skeleton) < 3:
        return None
    alike = tuple(
        target for target in _TARGETS_BY_SKELETON.get(skeleton, ()) if target[0] == word[0]
    )
    best = process.extractOne(word, alike, scorer=fuzz.ratio, score_cutoff=_SKELETON_RATIO)
    return str(best[0]) if best is not None else None


def _ending_without_vowel(word: str) -> str | None:
    """ "paketm" -> "paketim", "hattm" -> "hattim": a possessive typed without its vowel."""
    for stem in _CONSONANT_STEMS:
        ending = word[len(stem) :]
        if word.startswith(stem) and ending and not _VOWELS.search(ending):
            for vowel in "iu":
                if stem + vowel + ending in _TARGETS:
                    return stem + vowel + ending
    return None


def corrected(text: str) -> str | None:
    """``text`` with its misspelt words corrected; None when nothing changed.

    Only whole words made of letters are looked at: e-mail addresses, numbers
    and ids stay exactly as typed.
    """
    changed = False
    parts: list[str] = []
    for chunk in re.split(r"(\s+)", text):
        if not chunk or chunk.isspace() or "@" in chunk or any(c.isdigit() for c in chunk):
            parts.append(chunk)
            continue
        fixed = _WORD.sub(lambda match: _fixed(match.group()), chunk)
        changed = changed or fixed != chunk
        parts.append(fixed)
    return "".join(parts) if changed else None


def _fixed(word: str) -> str:
    replacement = correct_word(fold(word))
    return word if replacement is None else replacement
