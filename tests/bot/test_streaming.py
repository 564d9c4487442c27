"""Streaming a long answer: drafts in private chats, throttled edits in groups, split finals.

The rules backend answers in one piece, so here a scripted backend
(``tests/agent/scripted.py``) stands in for the language model, which needs
a GPU, and streams its answer in small chunks; the real agent runtime, bot and
stand-in run around it.
"""

from __future__ import annotations

from itertools import pairwise

from agent.runtime import AgentRuntime
from bot.context import SERVICES_KEY
from bot.rendering import MAX_MESSAGE_LENGTH
from bot.standin import StandinServer
from core.settings import Settings
from tests.agent.scripted import ScriptedBackend
from tests.bot.conftest import BotStarter, RunningBot, with_telegram

ANSWER = " ".join(f"Cümle {n}: faturanız & paketiniz <hakkında> bilgi." for n in range(12))


async def _model(bot: RunningBot, backend: ScriptedBackend) -> None:
    runtime = bot.application.bot_data[SERVICES_KEY].agent
    assert isinstance(runtime, AgentRuntime)
    await runtime.backends.install(backend)


async def test_private_answer_streams_as_growing_drafts(bot: RunningBot) -> None:
    await _model(bot, ScriptedBackend(ANSWER, delay_s=0.03, chunk=12))
    user = bot.driver.create_user("Ahmet")

    (answer,) = await bot.say(user, "merhaba")

    assert answer.text == ANSWER  # "&" and "<...>" arrive as typed: escaped HTML
    (draft,) = bot.driver.drafts(user)
    assert len(draft.texts) >= 3
    for earlier, later in pairwise(draft.texts):
        assert later.startswith(earlier)
    assert ANSWER.startswith(draft.texts[-1])
    assert draft.final_message_id == answer.message_id


async def test_group_preview_is_edited_sparingly_and_replaced_by_the_answer(
    start_bot: BotStarter, bot_settings: Settings, standin: StandinServer
) -> None:
    settings = with_telegram(bot_settings, stream_edit_interval_s=0.5)
    async with start_bot(settings) as bot:
        await _model(bot, ScriptedBackend(ANSWER, delay_s=0.05, chunk=12))  # ~2.5 s of writing
        member = bot.driver.create_user("Ahmet")
        group = bot.driver.create_group("Aile", [member])
        standin.inject_faults(1, status=429, method="editMessageText", retry_after=1)
        question = bot.driver.send_text(
            member, f"@{bot.driver.bot_username} bir şey soracağım", chat=group
        )
        await bot.settle()

    messages = bot.driver.bot_messages(group, include_deleted=True)
    preview, final = messages
    assert preview.deleted
    assert not final.deleted
    assert final.text == ANSWER
    assert final.reply_to_message_id == question.message_id
    shown = [text for text in preview.text_history if text]
    assert len(shown) >= 2  # it did stream
    assert len(shown) <= 2.5 / 0.5 + 2  # at most one edit per interval (and a 429 pause)
    for text in shown:
        assert ANSWER.startswith(text)


async def test_a_long_answer_is_split_at_paragraphs(bot: RunningBot) -> None:
    paragraphs = [f"{n}. paragraf: " + " ".join(["uzun bir açıklama"] * 30) for n in range(1, 16)]
    long_answer = "\n\n".join(paragraphs)
    assert len(long_answer) > MAX_MESSAGE_LENGTH
    await _model(bot, ScriptedBackend(long_answer, chunk=500))
    user = bot.driver.create_user("Ahmet")

    answers = await bot.say(user, "her şeyi anlat")

    texts = [answer.text or "" for answer in answers]
    assert len(texts) >= 2
    assert all(len(text) <= MAX_MESSAGE_LENGTH for text in texts)
    assert "\n\n".join(texts) == long_answer  # nothing lost, cut only between paragraphs
    for text, following in pairwise(texts):
        next_paragraph = following.split("\n\n")[0]
        assert len(text) + 2 + len(next_paragraph) > MAX_MESSAGE_LENGTH  # parts are full
