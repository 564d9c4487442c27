"""The application's settings: one pydantic model per section of config.yaml.

Every setting lives in ``config.yaml`` (commented there). A few, mostly secrets
and deployment choices, are overridden by environment variables; the mapping is
``ENV_OVERRIDES`` below. Loading and validation live in ``core.config_loader``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator


class _Section(BaseModel):
    # A typo in config.yaml must be an error, not a silently ignored key.
    model_config = ConfigDict(extra="forbid")


class WebhookSettings(_Section):
    url: str = ""
    listen: str = "127.0.0.1"
    port: int = Field(8443, ge=1, le=65535)
    secret_token: SecretStr = SecretStr("")


class RateLimitSettings(_Section):
    messages: int = Field(12, ge=1)
    per_seconds: float = Field(60.0, gt=0)


class TelegramSettings(_Section):
    bot_token: SecretStr = SecretStr("")
    api_base_url: str = ""
    mode: Literal["polling", "webhook"] = "polling"
    webhook: WebhookSettings = WebhookSettings()
    admin_ids: list[int] = []
    max_message_chars: int = Field(2000, ge=1, le=4096)
    stream_edit_interval_s: float = Field(1.0, ge=0.1)
    # A turn answered sooner shows no "typing" and no preview (0: show them at once).
    preview_after_s: float = Field(0.5, ge=0)
    # Customer turns run at once; later ones wait, their messages stored.
    max_concurrent_turns: int = Field(16, ge=1)
    rate_limit: RateLimitSettings = RateLimitSettings()
    # The bot's own pacing of its messages across all chats (Telegram: about 30/s).
    max_messages_per_s: float = Field(30.0, gt=0)
    # Seconds between sweeps that close the cards of expired or elsewhere-settled actions.
    card_sweep_interval_s: float = Field(60.0, gt=0)
    # A turn in flight is its instance's for this long, renewed every third of it;
    # another instance takes over (answers or apologises) only once it lapsed.
    turn_lease_s: float = Field(30.0, ge=1.0)
    # Transient Telegram errors at start (5xx, network, flood control) are retried this long.
    start_retry_for_s: float = Field(30.0, ge=0)
    # SIGTERM/SIGINT: turns in flight may finish within this; the process is gone by then.
    shutdown_timeout_s: float = Field(20.0, gt=0)
    # Polling mode: /healthz and /readyz on this port (0: no health listener).
    # Webhook mode serves them on the webhook listener instead.
    health_port: int = Field(0, ge=0, le=65535)
    health_listen: str = "127.0.0.1"
    # The support team's supergroup with topics (None: customers get the call centre).
    support_chat_id: int | None = None
    # A handed-off chat with no message either way for this long returns to the assistant.
    handoff_idle_minutes: float = Field(30.0, gt=0)
    # Failed or apologetic assistant turns in a row before a person is offered.
    handoff_offer_after_failures: int = Field(2, ge=1)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        # ADMIN_TELEGRAM_IDS arrives as "123,456".
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("support_chat_id", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        # SUPPORT_CHAT_ID="" (or support_chat_id: "" in the file) means no support group.
        if isinstance(value, str) and not value.strip():
            return None
        return value


# Where SQLite's calls run: on the event loop's thread, or on aiosqlite's worker thread.
SQLiteCalls = Literal["inline", "thread"]


class DatabaseSettings(_Section):
    url: str = "sqlite:///data/telekom.db"
    echo: bool = False
    busy_timeout_ms: int = Field(5000, ge=0)
    sqlite_calls: SQLiteCalls = "inline"
    pool_size: int = Field(10, ge=1)
    # Keep retrying work that meets a locked or unreachable database this long.
    retry_for_s: float = Field(10.0, ge=0)
    auto_migrate: bool = True
    seed_demo: bool = True


class AgentSettings(_Section):
    url: str = ""
    api_token: SecretStr = SecretStr("")
    timeout_s: float = Field(120.0, gt=0)
    max_steps: int = Field(5, ge=1, le=20)
    history_token_budget: int = Field(3000, ge=256)
    customer_hint: Literal["system", "user_prefix", "none"] = "user_prefix"
    confirmation_ttl_s: int = Field(600, ge=10)
    # "onu iptal et" within this many seconds of an action offers to take it back.
    undo_window_s: int = Field(900, ge=0)
    # The operator's call centre, named where the assistant cannot act itself.
    call_centre_phone: str = "444 0 532"


class ServiceSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    max_body_bytes: int = Field(65536, ge=1024)


class OpenAISettings(_Section):
    base_url: str = "http://127.0.0.1:8001/v1"
    api_key: SecretStr = SecretStr("")
    request_mode: Literal["prompt", "chat"] = "prompt"
    # text: the model writes the tool-call markers (the fine-tune); native: the
    # server parses a stock model's calls (``tools`` out, ``tool_calls`` back).
    tool_mode: Literal["text", "native"] = "text"
    timeout_s: float = Field(120.0, gt=0)


class ModelSettings(_Section):
    backend: Literal["auto", "transformers", "openai", "rules"] = "auto"
    name: str = "Choyrens/ChoyrensAI-Telekom-Agent-v1-merged"
    gguf_file: str = ""
    device: Literal["auto", "cuda", "cpu"] = "auto"
    quantization: Literal["nf4", "none"] = "nf4"
    cpu_quantization: Literal["nf4", "none"] = "none"
    dtype: Literal["bfloat16", "float16", "float32"] = "bfloat16"
    max_new_tokens: int = Field(512, ge=1)
    temperature: float = Field(0.6, ge=0)
    top_p: float = Field(0.9, gt=0, le=1)
    # Temperature while the model writes a tool call (0: greedy, as the seed's inference did).
    tool_call_temperature: float = Field(0.0, ge=0)
    # An instruction before the dialogue, for general models in demos (the fine-tune needs none).
    system_prompt: str = ""
    # transformers backend: requests decoded together, and more waiting for a row.
    max_batch_size: int = Field(16, ge=1, le=1024)
    max_queued_requests: int = Field(64, ge=0)
    batch_window_ms: float = Field(5.0, ge=0, le=1000)
    # Memory for the keys and values of recent prompts, reused by the next step (0: off).
    kv_reuse_mb: float = Field(1024.0, ge=0)
    fallback_to_rules: bool = True
    openai: OpenAISettings = OpenAISettings()


class LoggingSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    file: str = "logs/app.log"
    max_bytes: int = Field(5_000_000, ge=10_000)
    backup_count: int = Field(5, ge=0)


class Settings(_Section):
    telegram: TelegramSettings = TelegramSettings()
    database: DatabaseSettings = DatabaseSettings()
    agent: AgentSettings = AgentSettings()
    service: ServiceSettings = ServiceSettings()
    model: ModelSettings = ModelSettings()
    logging: LoggingSettings = LoggingSettings()

    # Directory that relative paths in the settings are resolved against:
    # the folder of the config file that was loaded.
    base_dir: Path = Path(".")

    def with_model(self, backend: str | None = None, name: str | None = None) -> Settings:
        """These settings with another model backend and/or model (command-line overrides)."""
        update: dict[str, str] = {}
        if backend:
            update["backend"] = backend
        if name:
            update["name"] = name
        if not update:
            return self
        model = ModelSettings.model_validate({**self.model.model_dump(), **update})
        return self.model_copy(update={"model": model})

    def resolve_path(self, path: str) -> Path:
        """An absolute path for a (possibly relative) path from the settings."""
        candidate = Path(path).expanduser()
        return candidate if candidate.is_absolute() else self.base_dir / candidate


# Environment variable -> dotted settings key it overrides.
ENV_OVERRIDES: dict[str, str] = {
    "TELEGRAM_BOT_TOKEN": "telegram.bot_token",
    "TELEGRAM_API_BASE_URL": "telegram.api_base_url",
    "TELEGRAM_WEBHOOK_SECRET": "telegram.webhook.secret_token",
    "TELEGRAM_MODE": "telegram.mode",
    "TELEGRAM_WEBHOOK_URL": "telegram.webhook.url",
    "TELEGRAM_WEBHOOK_LISTEN": "telegram.webhook.listen",
    "TELEGRAM_WEBHOOK_PORT": "telegram.webhook.port",
    "TELEGRAM_HEALTH_PORT": "telegram.health_port",
    "ADMIN_TELEGRAM_IDS": "telegram.admin_ids",
    "SUPPORT_CHAT_ID": "telegram.support_chat_id",
    "DATABASE_URL": "database.url",
    "AGENT_URL": "agent.url",
    "AGENT_API_TOKEN": "agent.api_token",
    "MODEL_BACKEND": "model.backend",
    "MODEL_NAME": "model.name",
    "MODEL_GGUF_FILE": "model.gguf_file",
    "MODEL_DEVICE": "model.device",
    "MODEL_QUANTIZATION": "model.quantization",
    "OPENAI_BASE_URL": "model.openai.base_url",
    "OPENAI_API_KEY": "model.openai.api_key",
    "OPENAI_TOOL_MODE": "model.openai.tool_mode",
    "LOG_LEVEL": "logging.level",
}
