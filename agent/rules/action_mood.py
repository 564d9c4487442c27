"""Whether a message asking about an action really asks for it.

"Roamingi açmayın" names roaming and the verb "aç", but says no; "Premium
pakete geçsem kaç para?" and "faturamı ödemem gerekiyor mu?" wonder about an
action without asking for it. Proposing the action there would put a card the
customer never wanted in front of them. :func:`reconsider` reads the mood
(``agent.consent`` knows Turkish negative and conditional verb forms) and
returns what to do instead: nothing, or the information the customer is
weighing (the bill, the package, what roaming or a suspension costs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# A module import: agent.consent reads with the rules' own parts (a cycle by name only).
from agent import consent
from agent.rules import cues, texts
from agent.rules.intents import ChatAct, Understanding
from agent.rules.normalize import analyse
from agent.rules.slots import find_packages
from core.turkish import format_money
from db.reference_data import MAX_SUSPENSION_DAYS, REACTIVATION_FEE

# "ödemelerim", "ödememi": the payments made; with a verb of seeing they are looked at.
_PAYMENT_NOUNS = ("odemem", "odemeler", "odemelerim", "odemeyi gor", "odeme gecmis")
_SEE_VERBS = ("gor", "goster", "listele", "bak", "neler", "hangi")
# On/off services: "istemiyorum, kapatın" is the request to switch off, not a refusal.
_SWITCHES = frozenset({"enable_roaming", "setup_autopay"})


@dataclass(frozen=True)
class Reconsidered:
    """Instead of proposing: a read-only request, a chat act, or a text."""

    understanding: Understanding | None = None
    text: str | None = None


def reconsider(texts_read: Sequence[str], own: Understanding) -> Reconsidered | None:
    """What to do instead of proposing ``own.tool``; None when the message asks for it.

    ``texts_read``: the message as typed and as the spelling correction read
    it (a correction may turn "geçsek" into "geçmek", so both are read).
    """
    tool = own.tool
    if tool is None:
        return None
    if any(_leaves_for_later(text) for text in texts_read):
        # "Ödeyince haber veririm": nothing is asked for now.
        return Reconsidered(Understanding(chat=ChatAct.GOODBYE))
    if tool == "pay_bill" and any(_asks_to_see_payments(text) for text in texts_read):
        return Reconsidered(Understanding("get_payment_history", {}, own.score))
    if any(consent.wonders_about_action(text, tool) for text in texts_read):
        state_asked = any(consent.asks_state(text) for text in texts_read)
        if own.tool == "enable_roaming" and state_asked:
            named = _package_named(texts_read)
            if named is not None:
                # "Gamer Pro'da yurt dışı kullanım var mı": that package, not the own line.
                return Reconsidered(
                    Understanding("get_package_details", {"package_name": named}, 4)
                )
        return _information_about(own, state_asked=state_asked)
    switching_off = tool in _SWITCHES and own.args.get("status") is False
    if not switching_off and any(consent.declines_action(text, tool) for text in texts_read):
        return Reconsidered(text=texts.DECLINED)
    return None


def _leaves_for_later(text: str) -> bool:
    """ "Ödeyince haber veririm", not "sonra bakarım, son ödeme tarihi ne zamandı"."""
    return analyse(text).has(*cues.LATER) and not consent.is_question(text)


def _package_named(texts_read: Sequence[str]) -> str | None:
    """The catalogue package a message names, if it names one."""
    for text in texts_read:
        named = find_packages(analyse(text), limit=1)
        if named:
            return named[0]
    return None


def _asks_to_see_payments(text: str) -> bool:
    """ "Son üç ödememi görebilir miyim": payments made, to look at, not one to make."""
    message = analyse(text)
    return message.has(*_PAYMENT_NOUNS) and message.has(*_SEE_VERBS)


def _information_about(own: Understanding, *, state_asked: bool = False) -> Reconsidered | None:
    """The facts someone weighing ``own``'s action needs."""
    match own.tool:
        case "pay_bill":
            return Reconsidered(Understanding("get_current_bill", {}, own.score))
        case "change_package" if own.args.get("new_package_name"):
            name = own.args["new_package_name"]
            return Reconsidered(Understanding("get_package_details", {"package_name": name}, 4))
        case "change_package":
            return Reconsidered(Understanding("get_available_packages", {}, own.score))
        case "enable_roaming" if state_asked:
            # "Roaming açık mı?": the package says whether roaming is on.
            return Reconsidered(Understanding("get_customer_package", {}, own.score))
        case "enable_roaming":
            return Reconsidered(Understanding(chat=ChatAct.ROAMING_INFO))
        case "setup_autopay":
            return Reconsidered(Understanding(chat=ChatAct.AUTOPAY_INFO))
        case "suspend_line" | "reactivate_line":
            return Reconsidered(
                text=texts.SUSPENSION_TERMS.format(
                    days=MAX_SUSPENSION_DAYS, fee=format_money(REACTIVATION_FEE)
                )
            )
    return None
