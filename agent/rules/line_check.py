"""A line that does not work: recognising the complaint and reading the line's state.

"Hattım çekmiyor", "hattım neden kapalı", "arayamıyorum", "telefonum
çalışmıyor": before a fault ticket is offered, the customer's line is checked
(``get_customer_profile`` lists the lines with their status). A suspended line
is the answer itself, with an offer to reactivate it; on an active line the
network of the customer's city is checked next (``check_network_status``),
and only then is a ticket offered.

Complaints about one service of a working line (internet, SMS, call quality,
weak signal) and reports that already ask for a ticket ("hattımda sorun var",
"arıza kaydı açın") keep their own routes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent.rules.normalize import Message, analyse
from agent.rules.slots import find_place

# The line or the phone as the subject: "hattım", "numaram", "telefonum".
_LINE = (
    "hat$",
    "hatti$",
    "hattim",
    "hattin",
    "hattimiz",
    "numaram",
    "numara$",
    "telefonum",
    "telefon$",
    "cep telefonum",
    "my line",
    "my phone",
)
# The whole line down or closed.
_DOWN = (
    "cekmiyor",
    "calismiyor",
    "kapali",
    "kapandi",
    "kapatilmis",
    "kapatildi",
    "kesildi",
    "gitti",
    "acilmiyor",
    "aktif degil",
    "devre disi",
    "kullanilamiyor",
    "not working",
    "doesnt work",
    "is down",
)
# A question about the line's state: "hattım aktif mi", "numaram açık mı".
_STATE = (
    "aktif mi",
    "aktifmi",
    "acik mi",
    "acikmi",
    "calisiyor mu",
    "kapali mi",
    "kapalimi",
    "durum",
    "status",
)
# Everything down at once: "internet yok arama yok", "hiçbir şey çalışmıyor".
_NOTHING_WORKS = (
    "hicbir sey calismiyor",
    "hicbir sey yok",
    "hic bir sey calismiyor",
    "hepsi gitti",
)
_DATA = ("internet", "mobil veri", "data")
_CALLS = ("arama", "arayam", "aranam", "konusam", "telefon")
_GONE = ("yok$", "calismiyor", "gitti", "kesildi", "cekmiyor")
# Calls that do not go through at all.
_CALLS_FAIL = (
    "arayamiyorum",
    "aranamiyorum",
    "arama yapamiyorum",
    "arama yapamiyor",
    "beni arayamiyor",
    "kimse arayamiyor",
    "arama gelmiyor",
    "aramalar gelmiyor",
    "cannot call",
    "cant call",
)
# A single service or the quality of a working line: these keep their routes.
_OTHER_SUBJECT = (
    "internet",
    "mobil veri",
    "veri",
    "data",
    "modem",
    "wifi",
    "sms",
    "mesaj",
    "sinyal",
    "sebeke",
    "cekim",
    "kesiliyor",
    "kopuyor",
    "duymuyor",
    "duyamiyor",
    "cizirti",
    "yavas",
    "zayif",
)
# The customer already reports a fault or asks for a ticket.
_REPORTS_FAULT = ("sorun", "problem", "ariza", "kayit ac", "kayit olustur", "sikayet")
# Abroad or a suspension the customer asks for: roaming and suspension routes.
_ELSEWHERE = (
    "yurt disi",
    "yurt disinda",
    "roaming",
    "dolasim",
    "dondur",
    "askiya al",
    "kapat$",
    "kapatin",
    "kapatir",
    "kapatmak",
    "calindi",
    "kaybettim",
)


def asks_line_check(message: Message) -> bool:
    """Whether the message says the customer's line itself does not work (or asks if it does)."""
    if message.has(*_REPORTS_FAULT, *_ELSEWHERE):
        return False
    if message.has(*_NOTHING_WORKS) or (
        message.has(*_DATA) and message.has(*_CALLS) and message.has(*_GONE)
    ):
        return find_place(message) is None
    if message.has(*_OTHER_SUBJECT):
        return False
    if find_place(message) is not None:
        return False  # "Bursa'da hattım çekmiyor": the network there
    if message.has(*_CALLS_FAIL):
        return True
    return message.has(*_LINE) and message.has(*_DOWN, *_STATE)


def is_line_check(text: str | None) -> bool:
    """``asks_line_check`` for a raw text (the question an answer replies to)."""
    return bool(text) and asks_line_check(analyse(text or ""))


def asks_state_only(text: str | None) -> bool:
    """ "Hattımın durumu ne", "hattım aktif mi": the status is the whole answer, no fault."""
    message = analyse(text or "")
    return (
        message.has(*_STATE)
        and not message.has(*_DOWN, *_CALLS_FAIL, *_NOTHING_WORKS)
        and not (message.has("neden", "niye") and message.has("kapali"))
    )


@dataclass(frozen=True)
class LineState:
    """The customer's lines as the profile lists them."""

    suspended: tuple[str, ...]  # numbers of suspended lines
    active: tuple[str, ...]  # numbers of active lines
    city: str | None  # the province of the customer's address, for the network check


def line_state(profile: dict[str, Any]) -> LineState:
    """Read the lines and the city from a ``get_customer_profile`` result."""
    suspended: list[str] = []
    active: list[str] = []
    for entry in profile.get("phone_numbers") or []:
        if not isinstance(entry, dict):
            continue
        number = str(entry.get("number") or "")
        status = str(entry.get("status") or "").lower()
        if status == "suspended":
            suspended.append(number)
        elif status == "active":
            active.append(number)
    address = profile.get("address")
    city = _city_of(address) if isinstance(address, str) else None
    return LineState(tuple(suspended), tuple(active), city)


def _city_of(address: str) -> str | None:
    """The province of an address: the last part that names one ("..., Osmangazi, Bursa")."""
    for part in reversed(address.split(",")):
        place = find_place(analyse(part))
        if place is not None:
            return place
    return None
