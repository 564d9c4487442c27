"""Human handoff: a customer's private chat relayed to a topic of the support group.

The public API, for handlers and other features (answer ratings offer a
person after a 👎 through :func:`offer_person`):

- :func:`offer_person` sends the offer with the **Temsilciye bağlan** button
  (callback data :data:`OFFER_CALLBACK_DATA`, handled in
  ``bot.handlers.handoff``); without a support group it names the call centre.
- :func:`request_person` hands a chat over: it opens (or reopens) the
  customer's topic in ``telegram.support_chat_id``, posts the summary
  (``bot.handoff_summary``), records the handoff (``db.handoffs``) and tells
  the customer. Without a support group the customer gets the call-centre
  number (``agent.call_centre_phone``).
- :func:`relay_from_customer` / :func:`relay_from_agent` carry one message
  across; :func:`close` ends a handoff (``/bitir``, idle, unreachable).

While a chat is handed off the assistant stays silent there. Nothing of a
customer's account goes anywhere but the support group's topic of that
customer. Every Telegram failure is logged and answered in Turkish.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, TelegramError
from telegram.ext import ExtBot

from bot import handoff_texts as texts
from bot.delivery import UndeliverableError, send_html, with_retries
from bot.handoff_summary import SummarySubject, account_facts, read_stored_facts, summary_html
from bot.rendering import escape
from bot.services import BotServices
from db.handoffs import (
    OpenHandoff,
    close_handoff,
    failed_turns_in_a_row,
    last_topic_of,
    note_activity,
    open_handoff,
    open_handoff_of_chat,
    record_relayed,
)
from db.models.handoffs import FROM_AGENT, FROM_CUSTOMER
from db.retries import run_sync_in_transaction

log = logging.getLogger(__name__)

T = TypeVar("T")

OFFER_CALLBACK_DATA = "h:offer"
TOPIC_NAME_MAX = 128
# How a handoff began (``handoffs.reason``).
REQUESTED, OFFERED = "requested", "offered"
# How it ended (``handoffs.close_reason``).
CLOSED_BY_AGENT, CLOSED_IDLE, CLOSED_UNREACHABLE = "agent", "idle", "unreachable"
# Member statuses that may answer a customer from the support group.
SUPPORT_MEMBER_STATUSES = frozenset({"creator", "administrator", "member"})


@dataclass(frozen=True)
class HandoffCustomer:
    """The customer asking: their private chat, linked customer (or None) and first name."""

    chat_id: int
    customer_id: int | None
    name: str


def offer_keyboard() -> InlineKeyboardMarkup:
    """The **Temsilciye bağlan** button; its press starts a handoff (``bot.handlers.handoff``)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(texts.OFFER_BUTTON, callback_data=OFFER_CALLBACK_DATA)]]
    )


def support_chat_id(services: BotServices) -> int | None:
    """The support group's chat id, or None when none is configured."""
    return services.settings.telegram.support_chat_id


async def offer_person(
    bot: ExtBot[None], services: BotServices, chat_id: int, *, after_bad_rating: bool = False
) -> None:
    """Offer the customer in private chat ``chat_id`` a person.

    With a support group: an apology and the **Temsilciye bağlan** button
    (``after_bad_rating`` words it for a 👎). Without one: the call centre.
    A failed send is only logged (``bot.delivery``).
    """
    try:
        if support_chat_id(services) is None:
            await send_html(bot, chat_id, _call_centre(services))
            return
        text = texts.OFFER_AFTER_BAD_RATING if after_bad_rating else texts.OFFER_AFTER_FAILURES
        await send_html(bot, chat_id, text, reply_markup=offer_keyboard())
    except UndeliverableError:
        return


async def offer_after_failures(bot: ExtBot[None], services: BotServices, chat_id: int) -> None:
    """Offer a person once the chat's last answers failed ``handoff_offer_after_failures`` times.

    Called after a failed turn in a private chat; offered once per run of
    failures (a third failure in a row offers nothing new).
    """
    needed = services.settings.telegram.handoff_offer_after_failures
    in_a_row = await _run(
        services,
        lambda c: failed_turns_in_a_row(c, str(chat_id), needed + 1),
        f"chat {chat_id}: failed turns",
    )
    if in_a_row == needed:
        log.info("chat %s: %d failed answers in a row; offering a person", chat_id, needed)
        await offer_person(bot, services, chat_id)


async def request_person(
    bot: ExtBot[None], services: BotServices, customer: HandoffCustomer, *, reason: str
) -> None:
    """Hand ``customer``'s chat to the support group, or name the call centre."""
    support = support_chat_id(services)
    if support is None:
        log.info("chat %s asked for a person; no support group: call centre", customer.chat_id)
        await _tell(bot, customer.chat_id, _call_centre(services))
        return
    existing, last_topic = await _run(
        services,
        lambda c: (
            open_handoff_of_chat(c, customer.chat_id),
            last_topic_of(c, customer.chat_id, support),
        ),
        f"chat {customer.chat_id}: read handoff",
    )
    if existing is not None:
        await _tell(bot, customer.chat_id, texts.ALREADY_CONNECTED)
        return
    try:
        topic_id = await _topic_for(bot, support, customer, last_topic)
    except TelegramError as error:
        log.error("chat %s: no topic in support group %s: %s", customer.chat_id, support, error)
        await _tell(bot, customer.chat_id, _unreachable(services))
        return
    try:
        handoff_id = await _run(
            services,
            lambda c: open_handoff(
                c,
                customer_chat_id=customer.chat_id,
                customer_id=customer.customer_id,
                support_chat_id=support,
                topic_id=topic_id,
                reason=reason,
            ),
            f"chat {customer.chat_id}: open handoff",
        )
    except IntegrityError:
        # Another instance handed this chat over a moment ago.
        await _tell(bot, customer.chat_id, texts.ALREADY_CONNECTED)
        return
    if not await _post_summary(bot, services, support, topic_id, customer, reason):
        await _run(
            services,
            lambda c: close_handoff(c, handoff_id, CLOSED_UNREACHABLE),
            f"handoff {handoff_id}: close",
        )
        await _tell(bot, customer.chat_id, _unreachable(services))
        return
    log.info(
        "chat %s handed off (%s) to topic %s of support group %s",
        customer.chat_id,
        reason,
        topic_id,
        support,
    )
    await _tell(bot, customer.chat_id, texts.CONNECTING)


async def relay_from_customer(
    bot: ExtBot[None], services: BotServices, handoff: OpenHandoff, message: Message
) -> None:
    """Post the customer's message into their topic (text only; other kinds are noted)."""
    if message.text is None:
        kind = _message_kind(message)
        await _tell(bot, handoff.customer_chat_id, texts.ONLY_TEXT_RELAYED)
        html_text = texts.CUSTOMER_SENT_MEDIA.format(kind=kind)
    else:
        html_text = texts.FROM_CUSTOMER.format(text=escape(message.text))
    try:
        await send_html(bot, handoff.support_chat_id, html_text, message_thread_id=handoff.topic_id)
    except UndeliverableError:
        log.error("handoff %s: the topic is out of reach; back to the assistant", handoff.id)
        await close(bot, services, handoff, CLOSED_UNREACHABLE)
        return
    text = message.text

    def noted(connection: Connection) -> None:
        note_activity(connection, handoff.id)
        if text is not None:
            record_relayed(connection, handoff.id, sender=FROM_CUSTOMER, text=text)

    await _run(services, noted, f"handoff {handoff.id}")


async def relay_from_agent(
    bot: ExtBot[None], services: BotServices, handoff: OpenHandoff, message: Message
) -> None:
    """Send a support agent's text to the customer, marked as from a person.

    A delivered text is kept with the handoff (``handoff_messages``) for the
    training export, never in the chat history the model reads.
    """
    agent, text = message.from_user, message.text
    if text is None or agent is None:
        return
    first_answer = await _run(
        services,
        lambda c: note_activity(c, handoff.id, agent_user_id=agent.id),
        f"handoff {handoff.id}",
    )
    try:
        if first_answer:
            await send_html(bot, handoff.customer_chat_id, texts.AGENT_JOINED)
        await send_html(bot, handoff.customer_chat_id, texts.FROM_AGENT.format(text=escape(text)))
    except UndeliverableError:
        await _tell_topic(bot, handoff, texts.AGENT_NOT_DELIVERED)
        return
    await _run(
        services,
        lambda c: record_relayed(
            c, handoff.id, sender=FROM_AGENT, text=text, agent_user_id=agent.id
        ),
        f"handoff {handoff.id}: keep the reply",
    )


async def is_support_member(bot: ExtBot[None], support_chat: int, user_id: int) -> bool:
    """Whether ``user_id`` belongs to the support group now (``getChatMember``)."""
    try:
        member = await with_retries(
            lambda: bot.get_chat_member(support_chat, user_id), what="getChatMember"
        )
    except TelegramError as error:
        log.warning("support group %s: membership of %s unknown: %s", support_chat, user_id, error)
        return False
    return member.status in SUPPORT_MEMBER_STATUSES


async def close(
    bot: ExtBot[None], services: BotServices, handoff: OpenHandoff, reason: str
) -> None:
    """End ``handoff``: the assistant answers again; customer and topic are told."""
    closed = await _run(
        services, lambda c: close_handoff(c, handoff.id, reason), f"handoff {handoff.id}: close"
    )
    if not closed:
        return  # closed meanwhile (another instance, or the idle sweep)
    log.info("handoff %s of chat %s closed: %s", handoff.id, handoff.customer_chat_id, reason)
    minutes = _idle_minutes(services)
    customer_text = {
        CLOSED_BY_AGENT: texts.CLOSED_BY_AGENT,
        CLOSED_IDLE: texts.CLOSED_IDLE.format(minutes=minutes),
    }.get(reason, texts.CONNECTION_LOST.format(phone=escape(_phone(services))))
    await _tell(bot, handoff.customer_chat_id, customer_text)
    if reason == CLOSED_UNREACHABLE:
        return
    topic_text = (
        texts.CLOSED_IN_TOPIC_IDLE.format(minutes=minutes)
        if reason == CLOSED_IDLE
        else texts.CLOSED_IN_TOPIC.format(who="temsilci tarafından")
    )
    await _tell_topic(bot, handoff, topic_text)
    try:
        await with_retries(
            lambda: bot.close_forum_topic(handoff.support_chat_id, handoff.topic_id),
            what="closeForumTopic",
        )
    except TelegramError as error:
        log.info("handoff %s: topic %s left open: %s", handoff.id, handoff.topic_id, error)


# -- internals -------------------------------------------------------------------


async def _topic_for(
    bot: ExtBot[None], support: int, customer: HandoffCustomer, last_topic: int | None
) -> int:
    """The customer's earlier topic, reopened, or a new one. Raises ``TelegramError``."""
    if last_topic is not None:
        try:
            await with_retries(
                lambda: bot.reopen_forum_topic(support, last_topic), what="reopenForumTopic"
            )
            return last_topic
        except BadRequest as error:
            if "topic_not_modified" in error.message.lower():
                return last_topic  # it was still open
            log.info("topic %s not reopened (%s); opening a new one", last_topic, error)
    topic = await with_retries(
        lambda: bot.create_forum_topic(support, _topic_name(customer)), what="createForumTopic"
    )
    return topic.message_thread_id


def _topic_name(customer: HandoffCustomer) -> str:
    if customer.customer_id is not None:
        name = texts.TOPIC_NAME_LINKED.format(customer_id=customer.customer_id, name=customer.name)
    else:
        name = texts.TOPIC_NAME_UNLINKED.format(name=customer.name)
    name = " ".join(name.split()) or str(customer.chat_id)
    return name[:TOPIC_NAME_MAX]


async def _post_summary(
    bot: ExtBot[None],
    services: BotServices,
    support: int,
    topic_id: int,
    customer: HandoffCustomer,
    reason: str,
) -> bool:
    subject = SummarySubject(customer.chat_id, customer.customer_id, customer.name)
    facts = await _run(
        services, lambda c: read_stored_facts(c, subject), f"chat {customer.chat_id}: summary"
    )
    account = (
        await account_facts(services.agent, customer.customer_id)
        if customer.customer_id is not None
        else None
    )
    try:
        await send_html(
            bot,
            support,
            summary_html(subject, reason, facts, account),
            message_thread_id=topic_id,
        )
    except UndeliverableError:
        return False
    return True


async def _tell(bot: ExtBot[None], chat_id: int, html_text: str) -> None:
    try:
        await send_html(bot, chat_id, html_text)
    except UndeliverableError:
        return  # logged by bot.delivery; no one left to tell


async def _tell_topic(bot: ExtBot[None], handoff: OpenHandoff, html_text: str) -> None:
    try:
        await send_html(bot, handoff.support_chat_id, html_text, message_thread_id=handoff.topic_id)
    except UndeliverableError:
        return


async def _run(services: BotServices, work: Callable[[Connection], T], what: str) -> T:
    return await run_sync_in_transaction(
        services.database.sessions, work, what=what, policy=services.database.retry
    )


def _phone(services: BotServices) -> str:
    return services.settings.agent.call_centre_phone


def _call_centre(services: BotServices) -> str:
    return texts.CALL_CENTRE.format(phone=escape(_phone(services)))


def _unreachable(services: BotServices) -> str:
    return texts.SUPPORT_UNREACHABLE.format(phone=escape(_phone(services)))


def _idle_minutes(services: BotServices) -> str:
    minutes = services.settings.telegram.handoff_idle_minutes
    return f"{minutes:g}"


def _message_kind(message: Message) -> str:
    for kind, label in (
        ("photo", "fotoğraf"),
        ("voice", "sesli mesaj"),
        ("document", "dosya"),
        ("sticker", "çıkartma"),
        ("video", "video"),
        ("contact", "kişi"),
        ("location", "konum"),
    ):
        if getattr(message, kind, None):
            return label
    return "mesaj"
