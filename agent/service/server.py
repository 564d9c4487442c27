"""``python -m agent serve``: the database, the runtime and the API on uvicorn.

Refuses to start on a non-loopback address without ``AGENT_API_TOKEN``.
Shuts down gracefully on SIGINT/SIGTERM: stops accepting connections, lets
turns in flight finish (up to ``agent.timeout_s``), then closes the runtime
and the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Iterator

import uvicorn

from agent.service.app import create_app
from agent.service.auth import is_loopback
from core.logs import configure_logging
from core.memory import freeze_start_up_objects
from core.settings import Settings
from db.database import DatabaseUnavailableError, open_database
from db.engine import DatabaseURLError

log = logging.getLogger(__name__)

EXIT_REFUSED = 2


def serve(settings: Settings, *, host: str | None = None, port: int | None = None) -> int:
    """Run the service until interrupted; the process exit code."""
    host = host or settings.service.host
    port = port or settings.service.port
    problem = startup_problem(settings, host)
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_REFUSED
    configure_logging(settings)
    try:
        asyncio.run(_serve(settings, host, port))
    except (DatabaseUnavailableError, DatabaseURLError) as exc:
        print(f"agent serve: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        pass
    return 0


def startup_problem(settings: Settings, host: str) -> str | None:
    """One line saying why the service must not start on ``host``, or None."""
    if settings.agent.api_token.get_secret_value() or is_loopback(host):
        return None
    return (
        f"agent serve: refusing to listen on {host} without a token; "
        "set AGENT_API_TOKEN (agent.api_token) or bind a loopback address (127.0.0.1)."
    )


async def _serve(settings: Settings, host: str, port: int) -> None:
    # Imported here: the runtime pulls in the model backends, the app does not need them.
    from agent.runtime import AgentRuntime

    async with open_database(settings) as database:
        runtime = AgentRuntime(settings, database)
        await runtime.start()
        try:
            app = create_app(settings, runtime, database=database)
            freeze_start_up_objects()
            config = uvicorn.Config(
                app,
                host=host,
                port=port,
                log_config=None,
                timeout_graceful_shutdown=int(settings.agent.timeout_s),
            )
            log.info("agent service on http://%s:%d (docs at /docs)", host, port)
            await _Server(config).serve()
        finally:
            await runtime.close()


class _Server(uvicorn.Server):
    """uvicorn's server, with the shutdown signals handled on the event loop.

    uvicorn re-raises a captured SIGTERM once it has stopped, which would kill
    the process before the runtime and the database are closed; here the
    signal only starts the graceful shutdown and the process exits normally.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        signals = (signal.SIGINT, signal.SIGTERM)
        for number in signals:
            loop.add_signal_handler(number, self.handle_exit, number, None)
        try:
            yield
        finally:
            for number in signals:
                loop.remove_signal_handler(number)
