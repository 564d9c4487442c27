""" "typing" and previews only for turns that take noticeable time (``telegram.preview_after_s``).

Telegram recommends chat actions only when an answer takes a while; each
preview is a Bot API call. A quick answer arrives with neither; a slow one
shows "typing" and what has been written once the delay has passed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

from agent.backends.base import BackendStatus, GenerationRequest
from agent.runtime import AgentRuntime
from bot.context import SERVICES_KEY
from core.settings import Settings
from tests.bot.conftest import BotStarter, with_telegram


class PausingModel:
    """Stands in for a language model (which needs a GPU): writes, pauses, writes on."""

    name = "pausing"

    def __init__(self, first: str, rest: str, *, pause_s: float) -> None:
        self._parts = (first, rest)
        self._pause_s = pause_s

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[str, None]:
        first, rest = self._parts
        yield first
        await asyncio.sleep(self._pause_s)
        yield rest

    def status(self) -> BackendStatus:
        return BackendStatus(backend=self.name, model_name="pausing", state="loaded")

    async def close(self) -> None:
        return None


async def test_a_quick_answer_comes_without_typing_or_draft(
    start_bot: BotStarter, bot_settings: Settings
) -> None:
    async with start_bot(with_telegram(bot_settings, preview_after_s=5.0)) as bot:
        user = await bot.linked_customer(1001)
        (answer,) = await bot.say(user, "kalan internetim ne kadar")

    assert "İnternet:" in (answer.text or "")
    assert bot.driver.drafts(user) == []
    assert "typing" not in bot.driver.chat_actions(user)


async def test_a_slow_answer_shows_typing_and_what_was_written_once_the_delay_ends(
    start_bot: BotStarter, bot_settings: Settings
) -> None:
    async with start_bot(with_telegram(bot_settings, preview_after_s=0.3)) as bot:
        runtime = bot.application.bot_data[SERVICES_KEY].agent
        assert isinstance(runtime, AgentRuntime)
        await runtime.backends.install(
            PausingModel("Faturanızı kontrol ediyorum", " ve işte yanıtınız.", pause_s=1.5)
        )
        user = bot.driver.create_user("Ahmet")
        (answer,) = await bot.say(user, "faturam ne durumda")

    assert answer.text == "Faturanızı kontrol ediyorum ve işte yanıtınız."
    # Written before the delay ended, shown when it did, though nothing new came meanwhile.
    (draft,) = bot.driver.drafts(user)
    assert draft.texts[0] == "Faturanızı kontrol ediyorum"
    assert draft.final_message_id == answer.message_id
    assert "typing" in bot.driver.chat_actions(user)
