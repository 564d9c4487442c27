"""Turkish text normalisation for the rules engine.

A customer message becomes a ``Message``: the raw text, a folded form
(Turkish-lower-cased, diacritics removed, so "faturami odemek" and "Faturamı
ödemek" look the same) and a token list. Every token carries its folded form
and its Snowball stem, so cues can be matched with or without the suffixes
Turkish piles onto words ("faturalarımı" -> "fatura").

Cues are short phrases in folded form. Each word of a cue matches a token that
*starts with* it ("fatura" matches "faturami", "faturalarim"); a word ending in
``$`` must match the whole token or its stem ("on$" matches "on", not "once").
The words of a cue must appear on consecutive tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

import snowballstemmer

from core.invisible import remove_format_characters
from core.turkish import fold, tr_lower

# Letters, digits and the characters that stay inside a word. Apostrophes are
# dropped so "İzmir'de" becomes "izmirde", as most customers type it; an
# underscore separates words, so "get_current_bill" reads as "get current bill".
_TOKEN = re.compile(r"[0-9a-zçğıöşüâîû@.+-]+", re.IGNORECASE)
_APOSTROPHES = re.compile(r"['’`´]")

# Case endings a name can carry in running text: "İzmir'de", "Premium'a",
# "Süper Konuşma'ya", "Mega İnternet'e", "Öğrenci Dostu'na" (folded).
CASE_SUFFIXES: frozenset[str] = frozenset(
    {
        "",
        "a",
        "e",
        "ya",
        "ye",
        "na",
        "ne",
        "i",
        "u",
        "yi",
        "yu",
        "ni",
        "nu",
        "in",
        "un",
        "nin",
        "nun",
        "de",
        "da",
        "te",
        "ta",
        "deki",
        "daki",
        "teki",
        "taki",
        "nde",
        "nda",
        "den",
        "dan",
        "ten",
        "tan",
        "la",
        "le",
        "yla",
        "yle",
        "dir",
        "dur",
        "li",
        "lu",
    }
)

# Spellings folded to one form before matching.
# The present tense as it is spoken and often typed: "çekmiyo", "geliyo", "istiyom",
# "diyolar" are "çekmiyor", "geliyor", "istiyorum", "diyorlar". Only after i/u (ı/ü
# folded), so "radyo", "senaryo" and "aksiyon" stay as they are.
_SPOKEN_PRESENT = re.compile(r"(?<=[iu])yo(m|z|sun|lar|du|dum|mus)?$")
_WRITTEN_PRESENT = {
    None: "yor",
    "m": "yorum",
    "z": "yoruz",
    "sun": "yorsun",
    "lar": "yorlar",
    "du": "yordu",
    "dum": "yordum",
    "mus": "yormus",
}


def written_present(folded: str) -> str:
    """``folded`` with a spoken present-tense ending written out ("cekmiyo" -> "cekmiyor")."""
    return _SPOKEN_PRESENT.sub(lambda match: _WRITTEN_PRESENT[match.group(1)], folded)


_COMPOUNDS: dict[str, str] = {
    "yurtdisi": "yurt disi",
    "yurtdisina": "yurt disina",
    "yurtdisinda": "yurt disinda",
    "yurtdisindan": "yurt disindan",
    "yurtdisini": "yurt disini",
    "e-posta": "eposta",
    "e-postami": "epostami",
    "e-postam": "epostam",
    "e-mail": "email",
    "mail": "email",
    "maili": "emaili",
    "mailim": "emailim",
    "mailimi": "emailimi",
    "mailin": "emailin",
}

# Cue look-up goes through an index of tokens by their first letters.
_INDEX_LETTERS = 2

_NUMBER_WORDS: dict[str, int] = {
    "bir": 1,
    "iki": 2,
    "uc": 3,
    "dort": 4,
    "bes": 5,
    "alti": 6,
    "yedi": 7,
    "sekiz": 8,
    "dokuz": 9,
    "on": 10,
    "yirmi": 20,
    "otuz": 30,
}


@dataclass(frozen=True)
class Token:
    """One word of a message."""

    text: str  # as typed, apostrophes removed
    folded: str  # ASCII-folded, lower-case
    stem: str  # Snowball stem of the Turkish-lower-cased word, folded

    def matches(self, word: str) -> bool:
        """Whether this token matches one cue word (prefix, or exact with ``$``)."""
        if word.endswith("$"):
            exact = word[:-1]
            return self.folded == exact or self.stem == exact
        return self.folded.startswith(word)


@dataclass(frozen=True)
class Message:
    """A user message prepared for matching."""

    raw: str
    folded: str
    tokens: tuple[Token, ...]

    @property
    def words(self) -> tuple[str, ...]:
        """The folded tokens."""
        return tuple(token.folded for token in self.tokens)

    @cached_property
    def _starts(self) -> dict[str, tuple[int, ...]]:
        """Token positions by the first two letters of the token (and of its stem)."""
        positions: dict[str, list[int]] = {}
        for index, token in enumerate(self.tokens):
            for key in {token.folded[:_INDEX_LETTERS], token.stem[:_INDEX_LETTERS]}:
                positions.setdefault(key, []).append(index)
        return {key: tuple(found) for key, found in positions.items()}

    def find(self, cue: str) -> int:
        """Index of the first token where ``cue`` matches, or -1."""
        parts = cue.split()
        last_start = len(self.tokens) - len(parts)
        head = parts[0].rstrip("$")
        if len(head) >= _INDEX_LETTERS:
            candidates: Iterable[int] = self._starts.get(head[:_INDEX_LETTERS], ())
        else:
            candidates = range(last_start + 1)
        for start in candidates:
            if start > last_start:
                break
            if all(self.tokens[start + i].matches(part) for i, part in enumerate(parts)):
                return start
        return -1

    def has(self, *cues: str) -> bool:
        """Whether any of ``cues`` occurs in the message."""
        return any(self.find(cue) >= 0 for cue in cues)

    def has_all(self, *cues: str) -> bool:
        """Whether every one of ``cues`` occurs in the message."""
        return all(self.find(cue) >= 0 for cue in cues)

    def without(self, spans: Iterable[tuple[int, int]]) -> Message:
        """A copy with the tokens in the ``[start, end)`` spans removed."""
        drop = {i for start, end in spans for i in range(start, end)}
        kept = tuple(token for i, token in enumerate(self.tokens) if i not in drop)
        return Message(self.raw, " ".join(token.folded for token in kept), kept)


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.TurkishStemmer:
    return snowballstemmer.stemmer("turkish")


# Customers use a few thousand words; Snowball in pure Python is the slow part of analyse.
@lru_cache(maxsize=8192)
def _stem(word: str) -> str:
    """The folded Snowball stem of ``word``."""
    return fold(_stemmer().stemWord(tr_lower(word)))


def analyse(text: str) -> Message:
    """Prepare ``text`` for matching: drop invisible characters, fold, tokenise, stem.

    Zero-width and other format characters (Unicode Cf) go first, so
    "fa\u200btu\u200bra" is the word "fatura"; ``Message.raw`` is the cleaned text.
    """
    text = remove_format_characters(text)
    tokens: list[Token] = []
    for match in _TOKEN.finditer(_APOSTROPHES.sub("", text)):
        word = match.group().strip("._-")
        if not word:
            continue
        folded = written_present(fold(word))
        for part_index, part in enumerate(_COMPOUNDS.get(folded, folded).split()):
            shown = word if part_index == 0 else part
            stem = _stem(shown) if part == folded else part
            tokens.append(Token(shown, part, stem))
    return Message(text, " ".join(token.folded for token in tokens), tuple(tokens))


def number_at(words: tuple[str, ...], index: int) -> tuple[int, int] | None:
    """A number written in digits or Turkish words starting at ``words[index]``.

    Returns ``(value, tokens used)``: "3" -> (3, 1), "uc" -> (3, 1), "on iki" -> (12, 2),
    "yirmi dort" -> (24, 2). Folded words; None when there is no number there.
    """
    if index >= len(words):
        return None
    word = words[index]
    if word.isdigit():
        return int(word), 1
    if word not in _NUMBER_WORDS:
        return None
    value = _NUMBER_WORDS[word]
    if value >= 10 and index + 1 < len(words) and _NUMBER_WORDS.get(words[index + 1], 10) < 10:
        return value + _NUMBER_WORDS[words[index + 1]], 2
    return value, 1
