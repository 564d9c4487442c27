"""/admin: the system status for the configured admins, nothing for anyone else."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import make_url

from bot.standin import StandinDriver
from core.settings import Settings
from tests.bot.conftest import BotStarter, with_telegram

UNKNOWN_COMMAND = "Bu komutu tanımıyorum. Neler yapabileceğimi görmek için /help yazabilirsiniz."


async def test_admin_sees_the_system_status(
    start_bot: BotStarter, bot_settings: Settings, driver: StandinDriver
) -> None:
    admin = driver.create_user("Yönetici")
    async with start_bot(with_telegram(bot_settings, admin_ids=[admin.id])) as bot:
        (card,) = await bot.say(admin, "/admin")

    text = card.text or ""
    assert text.startswith("Sistem durumu")
    for line in (
        "Model: rules",
        "Arka uç: rules",
        "Yükleme durumu: yüklendi",
        "Cihaz: cpu",
        "Nicemleme: none",
        "Kuyruktaki tur: 0",
        "Araç sayısı: 19",
    ):
        assert line in text
    # The database the suite runs on: SQLite, or PostgreSQL (TEST_DATABASE_URL).
    dialect = make_url(bot_settings.database.url).get_backend_name()
    assert f"Veritabanı: {dialect}, " in text
    assert "Çalışma süresi: " in text


async def test_admin_can_swap_the_backend(
    start_bot: BotStarter, bot_settings: Settings, driver: StandinDriver
) -> None:
    admin = driver.create_user("Yönetici")
    async with start_bot(with_telegram(bot_settings, admin_ids=[admin.id])) as bot:
        notice, result = await bot.say(admin, "/admin backend rules")
        (usage,) = await bot.say(admin, "/admin backend gpt5")

    assert notice.text == "Model yükleniyor; bu birkaç dakika sürebilir…"
    assert (result.text or "").startswith("Tamam, geçiş tamamlandı.")
    assert "Arka uç: rules" in (result.text or "")
    assert (usage.text or "").startswith("Kullanım:")


async def test_a_stranger_is_refused_without_a_hint(
    start_bot: BotStarter,
    bot_settings: Settings,
    driver: StandinDriver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    admin = driver.create_user("Yönetici")
    stranger = driver.create_user("Meraklı")
    async with start_bot(with_telegram(bot_settings, admin_ids=[admin.id])) as bot:
        with caplog.at_level(logging.WARNING, logger="bot.handlers.admin"):
            (refusal,) = await bot.say(stranger, "/admin")
            (also,) = await bot.say(stranger, "/admin reload")
        (unknown,) = await bot.say(stranger, "/boyle_bir_komut_yok")

    # Exactly what any unknown command gets: nothing says /admin exists.
    assert refusal.text == also.text == unknown.text == UNKNOWN_COMMAND
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert str(stranger.id) in warnings[0].getMessage()


async def test_admin_menu_is_published_for_admins_only(
    start_bot: BotStarter, bot_settings: Settings, driver: StandinDriver
) -> None:
    admin = driver.create_user("Yönetici")
    driver.send_command(admin, "start")  # Telegram knows a chat once the user wrote
    async with start_bot(with_telegram(bot_settings, admin_ids=[admin.id])) as bot:
        await bot.settle()

    everyone = [c["command"] for c in driver.bot_commands()]
    admins = [
        c["command"] for c in driver.bot_commands(scope={"type": "chat", "chat_id": admin.id})
    ]
    assert everyone == ["start", "fatura", "durum", "iptal", "temsilci", "help"]
    assert admins == [*everyone, "admin"]
