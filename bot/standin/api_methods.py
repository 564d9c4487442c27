"""The Bot API methods the stand-in answers, and the dispatch of one call.

Method names are matched case-insensitively, as Telegram does. A name not
listed is answered 404 ``Not Found``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType

from bot.standin import api_bot, api_forum, api_media, api_messages
from bot.standin.api_error import not_found
from bot.standin.request_params import Params
from bot.standin.state import StandinState

Handler = Callable[[StandinState, Params], Awaitable[object]]

_ALL_HANDLERS: dict[str, Handler] = {
    **api_bot.HANDLERS,
    **api_messages.HANDLERS,
    **api_media.HANDLERS,
    **api_forum.HANDLERS,
}
METHOD_NAMES: tuple[str, ...] = tuple(sorted(_ALL_HANDLERS))
_BY_LOWER_NAME: Mapping[str, tuple[str, Handler]] = MappingProxyType(
    {name.lower(): (name, handler) for name, handler in _ALL_HANDLERS.items()}
)


async def call_method(state: StandinState, method: str, params: Params) -> object:
    """Run one Bot API call and return its ``result``.

    Raises ``ApiError`` for every refusal, including armed faults.
    """
    found = _BY_LOWER_NAME.get(method.lower())
    if found is None:
        raise not_found()
    name, handler = found
    fault = state.faults.take(name)
    if fault is not None and not fault.applied:
        raise fault.error()
    result = await handler(state, params)
    if fault is not None:
        raise fault.error()
    return result
