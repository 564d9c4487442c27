"""Forum topics and chat membership, through python-telegram-bot and the driver.

Supergroups with topics hold threads: ``createForumTopic`` (names of 1-128
characters, the bot an administrator with "Manage topics"), messages sent
and received with ``message_thread_id``, topics closed and reopened with
their service messages, and ``getChatMember`` telling members from others.
"""

from __future__ import annotations

import pytest
from telegram import Bot, ChatMemberAdministrator, ChatMemberLeft, ChatMemberMember, Update
from telegram.error import BadRequest

from bot.standin import StandinDriver, UserView


async def test_a_topic_is_created_and_the_bot_writes_into_it(
    bot: Bot, driver: StandinDriver
) -> None:
    agent = driver.create_user("Zeynep")
    forum = driver.create_forum("Destek", [agent])

    topic = await bot.create_forum_topic(forum.id, "Müşteri 1001 · Ahmet")
    sent = await bot.send_message(forum.id, "Özet", message_thread_id=topic.message_thread_id)

    assert topic.name == "Müşteri 1001 · Ahmet"
    assert sent.message_thread_id == topic.message_thread_id
    assert sent.is_topic_message
    (created, summary) = driver.topic_messages(forum, topic.message_thread_id)
    assert created.attachment == {
        "forum_topic_created": {"name": "Müşteri 1001 · Ahmet", "icon_color": 0x6FB9F0}
    }
    assert summary.text == "Özet"
    assert [t.name for t in driver.topics(forum)] == ["Müşteri 1001 · Ahmet"]


async def test_topic_names_follow_telegrams_limits(bot: Bot, driver: StandinDriver) -> None:
    forum = driver.create_forum("Destek", [])

    await bot.create_forum_topic(forum.id, "x" * 128)
    with pytest.raises(BadRequest, match=r"(?i)TOPIC_TITLE_INVALID"):
        await bot.create_forum_topic(forum.id, "x" * 129)
    with pytest.raises(BadRequest, match=r"(?i)TOPIC_TITLE_EMPTY"):
        await bot.create_forum_topic(forum.id, "   ")
    with pytest.raises(BadRequest, match=r"(?i)TOPIC_ICON_COLOR_INVALID"):
        await bot.create_forum_topic(forum.id, "Renkli", icon_color=0x123456)


async def test_topics_need_a_forum_and_the_right_to_manage_them(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    plain = driver.create_group("Aile", [customer], supergroup=True)
    no_rights = driver.create_forum("Destek", [], bot_can_manage_topics=False)

    with pytest.raises(BadRequest, match=r"(?i)the chat is not a forum"):
        await bot.create_forum_topic(plain.id, "Konu")
    with pytest.raises(BadRequest, match=r"(?i)not enough rights"):
        await bot.create_forum_topic(no_rights.id, "Konu")
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(plain.id, "Merhaba", message_thread_id=5)


async def test_unknown_topics_are_refused(bot: Bot, driver: StandinDriver) -> None:
    forum = driver.create_forum("Destek", [])

    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(forum.id, "Merhaba", message_thread_id=999)
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.close_forum_topic(forum.id, 999)


async def test_closing_and_reopening_a_topic(bot: Bot, driver: StandinDriver) -> None:
    forum = driver.create_forum("Destek", [])
    topic = await bot.create_forum_topic(forum.id, "Konu")
    thread = topic.message_thread_id

    assert await bot.close_forum_topic(forum.id, thread)
    with pytest.raises(BadRequest, match=r"(?i)TOPIC_NOT_MODIFIED"):
        await bot.close_forum_topic(forum.id, thread)
    # The bot manages topics: it may still write into a closed one.
    await bot.send_message(forum.id, "Kapandı", message_thread_id=thread)
    assert driver.topics(forum)[0].closed
    assert await bot.reopen_forum_topic(forum.id, thread)

    kinds = [next(iter(m.attachment), "text") for m in driver.topic_messages(forum, thread)]
    assert kinds == ["forum_topic_created", "forum_topic_closed", "text", "forum_topic_reopened"]
    assert not driver.topics(forum)[0].closed


async def test_a_members_message_in_a_topic_carries_its_thread(
    bot: Bot, driver: StandinDriver
) -> None:
    agent = driver.create_user("Zeynep")
    forum = driver.create_forum("Destek", [agent])
    topic = await bot.create_forum_topic(forum.id, "Konu")

    driver.send_text(agent, "Merhaba, ben Zeynep", chat=forum, thread_id=topic.message_thread_id)
    (update,) = await bot.get_updates()

    assert isinstance(update, Update)
    assert update.message is not None
    assert update.message.message_thread_id == topic.message_thread_id
    assert update.message.is_topic_message
    assert update.message.chat.is_forum


async def test_get_chat_member_tells_members_administrators_and_others(
    bot: Bot, driver: StandinDriver
) -> None:
    agent, lead, stranger = (driver.create_user(n) for n in ("Zeynep", "Murat", "Can"))
    forum = driver.create_forum("Destek", [agent], administrators=[lead])

    member = await bot.get_chat_member(forum.id, agent.id)
    admin = await bot.get_chat_member(forum.id, lead.id)
    other = await bot.get_chat_member(forum.id, stranger.id)
    me = await bot.get_chat_member(forum.id, bot.id)
    driver.remove_member(forum, agent)
    gone = await bot.get_chat_member(forum.id, agent.id)

    assert isinstance(member, ChatMemberMember)
    assert isinstance(admin, ChatMemberAdministrator)
    assert isinstance(other, ChatMemberLeft)
    assert isinstance(me, ChatMemberAdministrator)
    assert me.can_manage_topics
    assert isinstance(gone, ChatMemberLeft)
    with pytest.raises(BadRequest, match=r"(?i)PARTICIPANT_ID_INVALID"):
        await bot.get_chat_member(forum.id, 42)
