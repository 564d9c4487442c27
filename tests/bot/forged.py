"""Presses Telegram's own apps cannot make: a modified client's, or an old screen's."""

from __future__ import annotations

from bot.standin import MessageView, StandinServer, UserView
from bot.standin.records import CallbackQueryRecord
from bot.standin.telegram_json import user_json


def forged_press(standin: StandinServer, presser: UserView, message: MessageView, data: str) -> str:
    """A modified client presses ``data`` on ``message``, a button that is not on it.

    Telegram's own apps cannot do this; the bot must not rely on them. Returns
    the callback query id.
    """
    state = standin.state
    record = state.chats[message.chat_id].messages[message.message_id]
    query_id = str(900_000_000 + state.serial())
    state.callback_queries[query_id] = CallbackQueryRecord(
        id=query_id,
        user_id=presser.id,
        chat_id=message.chat_id,
        message_id=message.message_id,
        data=data,
        pressed_at=state.monotonic(),
    )
    state.queue_update(
        "callback_query",
        {
            "id": query_id,
            "from": user_json(state.users[presser.id]),
            "message": state.render_message(record),
            "chat_instance": "1",
            "data": data,
        },
    )
    state.changed()
    return query_id
