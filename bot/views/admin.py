"""``/admin``: the agent's system status as a Turkish HTML card."""

from __future__ import annotations

from agent.status import SystemStatus
from bot import texts
from bot.rendering import escape
from bot.views.quantities import format_bytes, format_duration, format_number


def admin_card(status: SystemStatus) -> str:
    """Model, backend, load state, device, memory, queue, speed, last hour, uptime, database."""
    model = status.model_hizmeti
    database = status.database_dialect or "?"
    if status.database_size_bytes is not None:
        database = f"{database}, {format_bytes(status.database_size_bytes)}"
    else:
        database = f"{database}, {texts.ADMIN_UNKNOWN_SIZE}"
    values = {
        "model": model.model_adi,
        "backend": model.backend,
        "state": texts.ADMIN_LOAD_STATES.get(model.state, model.state),
        "device": model.device,
        "quantization": model.quantization + (f" ({model.dtype})" if model.dtype else ""),
        "memory": f"{format_number(model.memory_mb, decimals=0)} MB",
        "queue_depth": status.queue_depth,
        "tokens_per_s": format_number(model.tokens_per_s),
        "turns": status.turns_last_hour,
        "errors": status.errors_last_hour,
        "uptime": format_duration(status.uptime_s),
        "database": database,
        "tools": status.arac_sayisi,
    }
    escaped = {key: escape(value) for key, value in values.items()}
    lines = [texts.ADMIN_TITLE, *(line.format(**escaped) for line in texts.ADMIN_LINES)]
    if model.reason:
        lines.append(texts.ADMIN_REASON.format(reason=escape(model.reason)))
    if model.error:
        lines.append(texts.ADMIN_ERROR.format(error=escape(model.error)))
    return "\n".join(lines)
