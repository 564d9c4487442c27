"""The service fixtures (real uvicorn, rules backend) and the bot's (Telegram stand-in)."""

from tests.bot.conftest import (  # noqa: F401
    bot,
    bot_settings,
    driver,
    standin,
    standin_settings,
    start_bot,
)
from tests.service.conftest import api, database, live, runtime, service_settings  # noqa: F401
