"""``/fatura``: the current bill straight from the tools, and its pay buttons.

The bill comes from ``agent.call_tool("get_current_bill")``, no model in the
way. Paying changes the account, so a pay button does not pay: it asks the
agent for the payment in the customer's name (the stored message says what
was asked), and the agent answers with the usual Onayla / Vazgeç proposal.
Every side effect thus goes through the one confirmation path, run at most
once. A pay button acts only in the presser's own private chat: pressed in
a group it is refused with an alert, the bill card keeps its buttons and
nothing is posted there.
"""

from __future__ import annotations

import logging

from telegram import Message, Update

from agent.client import AgentUnavailableError
from bot import texts
from bot.accounts import linked_customer_id
from bot.context import BotContext
from bot.conversation import CustomerMessage, answer_customer
from bot.delivery import remove_buttons
from bot.handlers.account_access import customer_or_refusal
from bot.handlers.replies import answer_press, pressed_in_own_private_chat, reply
from bot.keyboards import parse_pay_press, pay_keyboard
from bot.rendering import escape
from bot.views.bill import bill_card, is_payable
from bot.views.tool_errors import tool_error

log = logging.getLogger(__name__)


async def current_bill(update: Update, context: BotContext) -> None:
    """The latest bill with its items, due date and, while unpaid, pay buttons."""
    customer_id = await customer_or_refusal(update, context)
    if customer_id is None:
        return
    try:
        bill = await context.services.agent.call_tool(
            "get_current_bill", customer_id=customer_id, arguments={"user_id": customer_id}
        )
    except AgentUnavailableError as error:
        log.warning("/fatura for customer %s: agent unavailable: %s", customer_id, error)
        await reply(update, context, texts.AGENT_UNAVAILABLE)
        return
    failure = tool_error(bill)
    if failure is not None:
        code, message = failure
        log.info("/fatura for customer %s: %s", customer_id, code)
        await reply(update, context, escape(message) if message else texts.BILL_UNAVAILABLE)
        return
    markup = pay_keyboard(bill["bill_id"]) if is_payable(bill) else None
    await reply(update, context, bill_card(bill), reply_markup=markup)


async def pay_pressed(update: Update, context: BotContext) -> None:
    """A pay button: remove the buttons and ask the agent to propose the payment."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    press = parse_pay_press(query.data)
    if press is None or not isinstance(query.message, Message):
        await answer_press(query, texts.BUTTON_EXPIRED)
        return
    if not pressed_in_own_private_chat(query):
        log.warning(
            "pay button pressed by telegram user %s outside their private chat: refused",
            query.from_user.id,
        )
        await answer_press(query, texts.PRESS_PRIVATE_ONLY, alert=True)
        return
    customer_id = await linked_customer_id(context, query.from_user.id)
    if customer_id is None:
        await answer_press(query, texts.CONFIRMATION_NOT_LINKED, alert=True)
        return
    await answer_press(query)
    await remove_buttons(context.bot, query.message.chat.id, query.message.message_id)
    request = texts.PAY_REQUEST.format(
        bill_id=press.bill_id, method=texts.PAYMENT_METHOD_WORDS[press.method]
    )
    await answer_customer(
        context.bot,
        context.services,
        CustomerMessage(
            chat_id=query.message.chat.id,
            private=True,
            text=request,
            customer_id=customer_id,
            update_id=update.update_id,
            telegram_message_id=query.message.message_id,
        ),
    )
