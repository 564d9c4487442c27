"""System status: what /admin and ``GET /api/v1/chat/system/status`` show.

Field names of the HTTP payload follow the original system's API
(``model_hizmeti``, ``arac_sayisi``); python attributes are the same names so
one model serves both.
"""

from __future__ import annotations

from pydantic import BaseModel


class ModelServiceStatus(BaseModel):
    model_adi: str
    model_loaded: bool
    backend: str
    # not_loaded | loading | loaded | failed
    state: str
    device: str
    quantization: str
    dtype: str = ""
    memory_mb: float = 0.0
    # Why the model failed to load, or why `auto` chose the backend it chose.
    error: str | None = None
    reason: str | None = None
    tokens_per_s: float = 0.0
    # Backend-specific facts (server URL and health for `openai`, load timings ...).
    details: dict[str, str] = {}


class SystemStatus(BaseModel):
    model_hizmeti: ModelServiceStatus
    arac_sayisi: int
    uptime_s: float
    queue_depth: int = 0
    turns_last_hour: int = 0
    errors_last_hour: int = 0
    database_dialect: str = ""
    database_size_bytes: int | None = None
    version: str = ""
