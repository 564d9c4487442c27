"""Requests about someone else's account, which are refused.

Only the account linked to the chat may be shown or changed. A customer who
asks about a relative's bill ("eşimin faturası ne kadar"), another line by
its number ("0532 000 10 05 numaralı hattın faturası") or another customer
("1002 numaralı müşterinin ödemeleri") is told so plainly, instead of being
shown their own data as if it were the other person's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from agent.rules import texts
from agent.rules.dialogue import user_text_before
from agent.rules.intents import Understanding, understand
from agent.rules.normalize import Message, analyse
from agent.rules.slots import find_phone
from agent.rules.tool_contract import needs_customer
from agent.turns import ChatTurn

# People a customer asks on behalf of, with the first-person possessive
# ("eşim", "annem", "kardeşim"), folded.
_PEOPLE: Final = (
    "esim",
    "annem",
    "anneannem",
    "babaannem",
    "babam",
    "kardesim",
    "abim",
    "ablam",
    "oglum",
    "kizim",
    "cocugum",
    "cocuklarim",
    "kocam",
    "karim",
    "hanimim",
    "arkadasim",
    "komsum",
    "teyzem",
    "halam",
    "dayim",
    "amcam",
    "dedem",
    "ninem",
    "yegenim",
    "kuzenim",
    "sevgilim",
    "nisanlim",
    "patronum",
    "kayinvalidem",
    "kayinpederim",
)
# The genitive ending that makes the person the owner: "eşimin", "annemin".
_GENITIVE: Final = re.compile(r"^(?:" + "|".join(_PEOPLE) + r")(?:in|un|nin|nun)$")
# Someone else named without a relation.
_SOMEONE_ELSE: Final = ("baskasinin", "baska birinin", "baska bir musteri", "musterinin")
# A line given by its number and spoken of in the third person.
_OTHER_LINE: Final = (
    "numarali hat",
    "nolu hat",
    "numarali musteri",
    "hattin$",
    "hattinin",
    "numaranin",
    "numarasinin",
    "numarasina ait",
)
_OWN_LINE: Final = ("hattim", "numaram", "benim", "kendi")
# What is asked about: without one of these, "annemin doğum günü" is no account question.
_ACCOUNT_WORDS: Final = (
    "fatura",
    "borc",
    "hat",
    "numara",
    "paket",
    "tarife",
    "internet",
    "kota",
    "kalan",
    "dakika",
    "odeme",
    "hesab",
    "hesap",
    "kayit",
    "kayd",
    "profil",
    "bilgi",
    "adres",
    "roaming",
    "sim",
)
_ENGLISH: Final = re.compile(
    r"\b(?:wife|husband|mother|mom|mum|father|dad|brother|sister|son|daughter|friend|"
    r"someone else|somebody else|another customer|another person)'s\b",
    re.IGNORECASE,
)
# "1002 numaralı müşteri", "müşteri no 1002": another customer by number.
_CUSTOMER_NUMBER: Final = re.compile(
    r"\b\d{3,8}\s*(?:numaral[ıi]|nolu|no'?lu)\s+m[üu][şs]teri(?:nin|ye ait)", re.IGNORECASE
)


# "benimkini söyle", "o zaman kendi faturam": the same question about the customer's own.
_MINE_INSTEAD: Final = ("benimki", "benimkini", "kendiminki", "kendiminkini", "bende", "benim$")


def guard(turns: Sequence[ChatTurn], own: Understanding) -> str | Understanding | None:
    """The refusal when the newest message asks about someone else's account.

    After a refusal, "tamam benimkini söyle" asks the refused question about
    the customer's own account: that request is returned instead. None when
    the message is neither.
    """
    text = turns[-1].content
    if asks_about_someone_else(text) and (own.tool is None or needs_customer(own.tool)):
        return texts.OTHER_PERSON_DATA
    refused = len(turns) >= 3 and turns[-2].content == texts.OTHER_PERSON_DATA
    if not refused or own.tool is not None or not analyse(text).has(*_MINE_INSTEAD):
        return None
    asked = user_text_before(turns, len(turns) - 2)
    earlier = understand(asked) if asked else None
    return earlier if earlier is not None and earlier.tool is not None else None


def asks_about_someone_else(text: str) -> bool:
    """Whether ``text`` asks about an account that is not the customer's own."""
    if _ENGLISH.search(text) or _CUSTOMER_NUMBER.search(text):
        return True
    message = analyse(text)
    if not message.has(*_ACCOUNT_WORDS):
        return False
    if any(_GENITIVE.match(word) for word in message.words) or message.has(*_SOMEONE_ELSE):
        return True
    return _names_another_line(message, text)


def _names_another_line(message: Message, text: str) -> bool:
    if find_phone(text) is None:
        return False
    return message.has(*_OTHER_LINE) and not message.has(*_OWN_LINE)
