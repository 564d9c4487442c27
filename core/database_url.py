"""What a usable ``database.url`` (``DATABASE_URL``) looks like, checked without connecting.

:func:`database_url_problem` says in one line what is wrong with a URL, or
returns None. The settings loader uses it so that every entry point stops
with one line before it opens anything; ``db.engine`` uses it for URLs given
in code. A problem never repeats the URL itself: it may hold a password.
"""

from __future__ import annotations

import ipaddress
import re

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

SUPPORTED_BACKENDS = ("sqlite", "postgresql", "postgres")
EXPECTED_FORMS = "sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DATABASE"

# One label of a host name: letters, digits, '-' and '_' (not at either end), at most 63.
_LABEL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$")
_MAX_HOST_CHARS = 253
_MAX_PORT = 65535


def database_url_problem(url: str | URL) -> str | None:
    """One line naming what is wrong with ``url``, or None when it can be used."""
    if isinstance(url, str):
        if not url.strip():
            return f"must not be blank; expected {EXPECTED_FORMS}"
        try:
            parsed = make_url(url.strip())
        except ArgumentError:
            return f"not a database URL; expected {EXPECTED_FORMS}"
        except ValueError:  # SQLAlchemy's int() of the port
            return f"malformed port; expected {EXPECTED_FORMS}"
    else:
        parsed = url
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        return f"unsupported database {backend!r}; use sqlite or postgresql ({EXPECTED_FORMS})"
    if backend == "sqlite":
        return _sqlite_problem(parsed)
    return _server_problem(parsed)


def _sqlite_problem(parsed: URL) -> str | None:
    if parsed.host or parsed.port is not None:
        return "a sqlite URL names a file, not a host; write sqlite:///PATH (three slashes)"
    if "\x00" in (parsed.database or ""):
        return "the sqlite file name holds a NUL character"
    return None


def _server_problem(parsed: URL) -> str | None:
    if parsed.port is not None and not 1 <= parsed.port <= _MAX_PORT:
        return f"port {parsed.port} is out of range (1-{_MAX_PORT})"
    if parsed.host is not None and "@" in parsed.host:
        # Part of the password may have become the host: never shown.
        return "malformed host: it holds '@' (write an '@' inside a password as %40)"
    if parsed.host is not None and not is_host_name(parsed.host):
        return f"malformed host {parsed.host!r}; expected a host name or an IP address"
    return None


def is_host_name(host: str) -> bool:
    """Whether ``host`` is an IP address or a syntactically valid DNS host name."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return True
    name = host[:-1] if host.endswith(".") else host
    if not name or len(name) > _MAX_HOST_CHARS:
        return False
    return all(_LABEL.match(label) for label in name.split("."))
