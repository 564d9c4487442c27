"""A package recommended for a need: "çok konuşuyorum hangi paket", "en çok internet veren".

A customer who says what they use the line for ("çok online oyun oynuyorum",
"yurt dışına çok gidiyorum") or asks for the package with the most of
something ("en çok internet veren paket", "which one has the most data")
wants one package named, not the catalogue. :func:`read_need` finds the need
in the message; :func:`recommendation` picks the package from the
``get_available_packages`` result: the one whose target audience is that need,
else the one with the most of the feature the need is about.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from agent.rules.normalize import Message, analyse
from core.turkish import fold, format_money


@dataclass(frozen=True)
class Need:
    """What the customer needs: the feature to maximise and the audience that fits."""

    feature: str | None  # "internet_gb", "voice_minutes", "sms_count" or None
    audience: tuple[str, ...]  # folded prefixes of a fitting target audience
    superlative: bool  # "en çok internet veren": the feature decides, not the audience
    # "en ucuz": the lowest fee among the packages with at least ``minimum`` of each
    # feature, leaving out the audiences the customer says they are not in.
    cheapest: bool = False
    minimum: tuple[tuple[str, int], ...] = ()
    not_audience: tuple[str, ...] = ()


# (cues of the need, feature, audience prefixes), first match wins.
_NEEDS: Final[tuple[tuple[tuple[str, ...], str | None, tuple[str, ...]], ...]] = (
    (("oyun", "gamer", "game", "gaming", "oyuncu"), "internet_gb", ("oyuncu",)),
    (
        ("yurt disi", "yurtdisi", "seyahat", "abroad", "travel", "roaming", "ulke disi"),
        None,
        ("sik seyahat",),
    ),
    (("ogrenci", "universite", "student"), None, ("ogrenci",)),
    (("memur", "kamu", "devlet"), None, ("kamu",)),
    (("esnaf", "isletme", "dukkan", "isyeri", "business"), None, ("kucuk isletme", "isletme")),
    (("aile", "cocuk", "family"), None, ("aile",)),
    (
        (
            "konusuyorum",
            "konusurum",
            "konusma",
            "arama yap",
            "ariyorum",
            "dakika",
            "minute",
            "call",
        ),
        "voice_minutes",
        ("cok konusan",),
    ),
    (("sms", "mesaj"), "sms_count", ()),
    (
        (
            "internet",
            "data",
            "gb$",
            "video",
            "dizi",
            "film",
            "youtube",
            "netflix",
            "sosyal medya",
            "online",
            "indirme",
        ),
        "internet_gb",
        ("yogun internet",),
    ),
)
# "en çok", "en fazla", "most": the package with the most of the feature.
_MOST: Final = ("en cok", "en fazla", "en yuksek", "en buyuk", "most", "maksimum", "en bol")
# A comparison with the current or a named package, answered elsewhere.
_COMPARED: Final = ("daha cok", "daha fazla", "daha yuksek", "daha buyuk", "more than")
# Words that say the need is the customer's use ("çok konuşuyorum", "sık gidiyorum").
_MUCH: Final = ("cok", "fazla", "sik", "surekli", "hep", "yogun", "a lot", "lot", "often")
# Words that ask for one package to be picked.
_PICK: Final = (
    "hangi",
    "hangisi",
    "which",
    "oner",
    "tavsiye",
    "mantikli",
    "uygun",
    "uyar",
    "iyi olur",
    "ne alay",
    "recommend",
    "best",
    "paket",
    "tarife",
)
# "en ucuz", "cheapest": the lowest monthly fee.
_CHEAPEST: Final = ("en ucuz", "en uygun fiyat", "en hesapli", "en ekonomik", "cheapest")
# Units after a number: the feature they measure.
_UNITS: Final[Mapping[str, str]] = {
    "gb": "internet_gb",
    "dk": "voice_minutes",
    "dakika": "voice_minutes",
    "sms": "sms_count",
}
# "öğrenci değilim": the audience word, and the folded audience it rules out.
_AUDIENCE_WORDS: Final = (("ogrenci", "ogrenci"), ("memur", "kamu"), ("esnaf", "kucuk isletme"))
_FEATURE_WORDS: Final[Mapping[str, str]] = {
    "internet_gb": "{} GB internet",
    "voice_minutes": "{} dakika",
    "sms_count": "{} SMS",
}


def read_need(text: str) -> Need | None:
    """The need ``text`` states while asking for a package, or None."""
    message = analyse(text)
    if message.has(*_CHEAPEST):
        return Need(
            None,
            (),
            superlative=False,
            cheapest=True,
            minimum=_minimums(message),
            not_audience=_audiences_ruled_out(message),
        )
    if message.has(*_COMPARED):
        return None  # "hangisinde dakika daha çok", "daha fazla internetli paket": compared
    superlative = message.has(*_MOST)
    if not message.has(*_PICK) or not (superlative or _asks_pick(message) or message.has(*_MUCH)):
        return None
    for cues, feature, audience in _NEEDS:
        if not message.has(*cues):
            continue
        if superlative and feature is not None:
            return Need(feature, (), superlative=True)
        if audience and (message.has(*_MUCH) or not feature or _asks_pick(message)):
            return Need(feature, audience, superlative=False)
        if feature is not None and message.has(*_MUCH):
            return Need(feature, audience, superlative=False)
    return None


def _asks_pick(message: Message) -> bool:
    return message.has("hangi", "hangisi", "which", "oner", "tavsiye", "mantikli", "recommend")


def recommendation(packages: Sequence[Mapping[str, Any]], need: Need) -> str | None:
    """The Turkish answer naming the package that fits ``need``, or None when none does."""
    if need.cheapest:
        picked = _cheapest(packages, need)
        return _named(picked) if picked is not None else None
    picked = _by_audience(packages, need) if not need.superlative else None
    if picked is None and need.feature is not None:
        picked = max(packages, key=lambda p: _feature(p, need.feature or ""), default=None)
    if picked is None:
        return None
    return _named(picked)


def _named(picked: Mapping[str, Any]) -> str:
    """The answer naming ``picked``: fee, contents, audience, how to move to it."""
    features = picked.get("features") or {}
    parts = [
        template.format(features[key])
        for key, template in _FEATURE_WORDS.items()
        if features.get(key) is not None
    ]
    fee = _money(picked.get("monthly_fee"))
    lines = [f"İhtiyacınıza en uygun paketimiz {picked['name']}: aylık {fee}."]
    if parts:
        lines.append("İçeriği: " + ", ".join(parts) + ".")
    if picked.get("target_audience"):
        lines.append(f"Kimler için: {picked['target_audience']}.")
    lines.append(f"Geçmek isterseniz “{picked['name']} paketine geç” yazmanız yeterli.")
    return "\n".join(lines)


def _cheapest(packages: Sequence[Mapping[str, Any]], need: Need) -> Mapping[str, Any] | None:
    fitting = [
        package
        for package in packages
        if all(_feature(package, feature) >= least for feature, least in need.minimum)
        and not fold(str(package.get("target_audience") or "")).startswith(
            need.not_audience or ("\0",)
        )
    ]
    return min(fitting, key=lambda p: _fee(p), default=None)


def _minimums(message: Message) -> tuple[tuple[str, int], ...]:
    """ "en az 100 GB", "100 gb internet lazım": the least of a feature the customer needs."""
    found: list[tuple[str, int]] = []
    words = message.words
    for index, word in enumerate(words[:-1]):
        if word.isdigit() and words[index + 1].startswith(tuple(_UNITS)):
            unit = next(u for u in _UNITS if words[index + 1].startswith(u))
            found.append((_UNITS[unit], int(word)))
    return tuple(found)


def _audiences_ruled_out(message: Message) -> tuple[str, ...]:
    """Audiences the package must not be limited to.

    "öğrenci değilim" rules students out; "bana uygun", "benim için" rules out
    every limited audience the customer does not say they belong to. A plain
    "en ucuzu hangisi" rules out nothing (the answer says whom it is for).
    """
    words = message.words
    denied = {
        audience
        for index, word in enumerate(words[:-1])
        if words[index + 1].startswith("degil")
        for cue, audience in _AUDIENCE_WORDS
        if word.startswith(cue)
    }
    if denied or message.has("bana", "benim icin", "bize"):
        claimed = {
            audience
            for cue, audience in _AUDIENCE_WORDS
            if message.has(cue) and audience not in denied
        }
        return tuple(audience for _, audience in _AUDIENCE_WORDS if audience not in claimed)
    return ()


def _fee(package: Mapping[str, Any]) -> Decimal:
    try:
        return Decimal(str(package.get("monthly_fee")))
    except (InvalidOperation, ValueError):
        return Decimal("Infinity")


def _by_audience(packages: Sequence[Mapping[str, Any]], need: Need) -> Mapping[str, Any] | None:
    for prefix in need.audience:
        for package in packages:
            if fold(str(package.get("target_audience") or "")).startswith(prefix):
                return package
    return None


def _feature(package: Mapping[str, Any], feature: str) -> float:
    value = (package.get("features") or {}).get(feature)
    return float(value) if isinstance(value, int | float) else -1.0


def _money(value: Any) -> str:
    try:
        return format_money(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)
