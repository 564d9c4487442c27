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
_COMPARED: Final = ("daha cok", "daha fazla", "daha yuksek", "daha buyuk", "more than", "yetmiyor")
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
_FEATURE_WORDS: Final[Mapping[str, str]] = {
    "internet_gb": "{} GB internet",
    "voice_minutes": "{} dakika",
    "sms_count": "{} SMS",
}


def read_need(text: str) -> Need | None:
    """The need ``text`` states while asking for a package, or None."""
    message = analyse(text)
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
    picked = _by_audience(packages, need) if not need.superlative else None
    if picked is None and need.feature is not None:
        picked = max(packages, key=lambda p: _feature(p, need.feature or ""), default=None)
    if picked is None:
        return None
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
