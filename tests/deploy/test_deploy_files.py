"""The files an operator deploys with (``deploy/``), checked with the real tools.

- The systemd units pass ``systemd-analyze verify`` (with ExecStart pointed at
  this interpreter: verify insists the binary exists) and ``systemd-analyze
  security`` rates them OK; they declare what an operator relies on: restart
  on failure, a stop timeout above the shutdown limit of the settings they
  start with, the secrets in an environment file and none in the unit.
- The nginx configurations pass ``nginx -t``; the webhook's server is also run
  for real in front of a stand-in listener: only the exact path, only POST,
  only Telegram's addresses, the secret header passed on, /healthz hidden.
- The environment file examples list exactly the variables the code reads,
  and filled in as shipped they load with the production settings.

A missing tool (``systemd-analyze``, ``nginx``, ``openssl``) skips with the
reason locally and fails in CI (``CI`` set; ``.ci/run`` installs nginx).
"""

from __future__ import annotations

import contextlib
import http.server
import ipaddress
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from core.config_loader import CONFIG_PATH_ENV, load_settings
from core.settings import ENV_OVERRIDES, Settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEPLOY = PROJECT_ROOT / "deploy"
PRODUCTION_CONFIG = DEPLOY / "config.production.yaml"
BOT_UNIT = DEPLOY / "systemd" / "telekom-bot.service"
AGENT_UNIT = DEPLOY / "systemd" / "telekom-agent.service"
BOT_ENV = DEPLOY / "env" / "bot.env.example"
AGENT_ENV = DEPLOY / "env" / "agent.env.example"
WEBHOOK_SITE = DEPLOY / "nginx" / "telekom-bot.conf"
AGENT_SITE = DEPLOY / "nginx" / "telekom-agent.conf"

# Where the units expect the installation (README, "Running in production").
INSTALLED_PYTHON = "/opt/telekom-asistan/.venv/bin/python"
INSTALLED_CONFIG = "/etc/telekom-asistan/config.yaml"
STATE_DIR = "/var/lib/telekom-asistan"
# What systemd needs beyond the program's own limit to see it exit.
STOP_MARGIN_S = 5.0
# Ports Telegram posts webhooks to.
TELEGRAM_WEBHOOK_PORTS = {443, 80, 88, 8443}
# Telegram's published webhook senders.
TELEGRAM_RANGES = {"149.154.160.0/20", "91.108.4.0/22"}
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# The nginx upstream of the bot's webhook listeners.
WEBHOOK_UPSTREAM = "telekom_bot_webhook"
# Read by a library the processes use, not by our code, and listed on purpose.
LIBRARY_ENV = {"SSL_CERT_FILE": "httpx: the CA bundle that verifies the agent service's TLS"}
# Settings of the Telegram front end only: the agent service never reads them.
BOT_ONLY_ENV = {"ADMIN_TELEGRAM_IDS", "AGENT_URL", "SUPPORT_CHAT_ID"}


def require_tool(name: str) -> str:
    """The tool's path; skipped with the reason locally, a failure in CI."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if path is None:
        reason = f"{name} is not installed (apt-get install -y nginx-light systemd openssl)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must check the deploy files with the real tool: {reason}")
        pytest.skip(reason)
    return path


# -- systemd units -------------------------------------------------------------------


def unit_entries(path: Path) -> dict[str, list[tuple[str, str]]]:
    """A unit file as its sections' (key, value) pairs, in order (keys may repeat)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        assert current is not None, f"{path.name}: {line!r} outside a section"
        key, _, value = line.partition("=")
        current.append((key.strip(), value.strip()))
    return sections


def unit_value(path: Path, section: str, key: str) -> str:
    values = [value for name, value in unit_entries(path).get(section, []) if name == key]
    assert values, f"{path.name} sets no {key}= in [{section}]"
    return values[-1]


def seconds(span: str) -> float:
    """A systemd time span (``45s``, ``2min 30s``, ``150``) in seconds."""
    units = {"ms": 0.001, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "": 1}
    total = 0.0
    for number, unit in re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", span):
        total += float(number) * units[unit]
    return total


def production_settings() -> Settings:
    """The settings the units start with: the production file, the bot's example env."""
    return load_settings(PRODUCTION_CONFIG, environ=example_values(BOT_ENV))


def runnable_copy(unit: Path, folder: Path) -> Path:
    """The unit with its interpreter replaced by this one (verify checks it exists)."""
    text = unit.read_text(encoding="utf-8")
    assert INSTALLED_PYTHON in text, f"{unit.name} does not run {INSTALLED_PYTHON}"
    copy = folder / unit.name
    copy.write_text(text.replace(INSTALLED_PYTHON, sys.executable), encoding="utf-8")
    return copy


@pytest.mark.parametrize("unit", [BOT_UNIT, AGENT_UNIT], ids=lambda unit: unit.name)
def test_unit_passes_systemd_analyze_verify(unit: Path, tmp_path: Path) -> None:
    tool = require_tool("systemd-analyze")
    copy = runnable_copy(unit, tmp_path)
    result = subprocess.run(
        [tool, "verify", "--man=no", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # Unknown keys and unparsable values are only warnings (status 0): none allowed.
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, output
    assert output == ""


@pytest.mark.parametrize("unit", [BOT_UNIT, AGENT_UNIT], ids=lambda unit: unit.name)
def test_unit_is_hardened(unit: Path, tmp_path: Path) -> None:
    tool = require_tool("systemd-analyze")
    copy = runnable_copy(unit, tmp_path)
    # systemd's exposure score, 0-100 (shown as 0.0-10.0): 20 and below is "OK".
    result = subprocess.run(
        [tool, "security", "--offline=yes", "--threshold=20", "--no-pager", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    verdict = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr
    assert result.returncode == 0, verdict
    service = dict(unit_entries(unit)["Service"])
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["PrivateTmp"] == "yes"
    assert service["ProtectHome"] == "yes"
    assert service["User"] not in {"", "root", "0"}
    # The only writable places: the state folder (a SQLite file, the model cache) and logs.
    writable = service["ReadWritePaths"].split()
    assert STATE_DIR in writable


def test_units_start_what_the_project_ships() -> None:
    bot = shlex.split(unit_value(BOT_UNIT, "Service", "ExecStart"))
    agent = shlex.split(unit_value(AGENT_UNIT, "Service", "ExecStart"))
    assert bot == [INSTALLED_PYTHON, "-m", "bot", "--config", INSTALLED_CONFIG]
    assert agent == [INSTALLED_PYTHON, "-m", "agent", "--config", INSTALLED_CONFIG, "serve"]
    for unit in (BOT_UNIT, AGENT_UNIT):
        assert unit_value(unit, "Service", "WorkingDirectory") == "/opt/telekom-asistan"


@pytest.mark.parametrize(
    ("module", "extra"), [("bot", []), ("agent", ["serve"])], ids=["bot", "agent"]
)
def test_unit_command_lines_are_accepted(module: str, extra: list[str]) -> None:
    # The units' argument order (--config before the subcommand) as the program parses it.
    result = subprocess.run(
        [sys.executable, "-m", module, "--config", str(PRODUCTION_CONFIG), *extra, "--help"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_units_restart_on_failure_and_outlast_the_shutdown_limit() -> None:
    settings = production_settings()
    limits = {
        # SIGTERM: the bot finishes its turns within telegram.shutdown_timeout_s.
        BOT_UNIT: settings.telegram.shutdown_timeout_s,
        # uvicorn's graceful shutdown waits up to agent.timeout_s for turns in flight.
        AGENT_UNIT: settings.agent.timeout_s,
    }
    for unit, limit in limits.items():
        assert unit_value(unit, "Service", "Restart") == "on-failure"
        assert seconds(unit_value(unit, "Service", "RestartSec")) >= 1
        assert unit_value(unit, "Service", "KillSignal") == "SIGTERM"
        stop = seconds(unit_value(unit, "Service", "TimeoutStopSec"))
        assert limit + STOP_MARGIN_S <= stop <= limit + 60, (unit.name, stop, limit)


def test_units_take_secrets_from_an_environment_file_only() -> None:
    secret_names = {name for name in code_env_names() if is_secret(name)}
    for unit, example in ((BOT_UNIT, BOT_ENV), (AGENT_UNIT, AGENT_ENV)):
        environment_file = unit_value(unit, "Service", "EnvironmentFile")
        assert environment_file == f"/etc/telekom-asistan/{example.name.removesuffix('.example')}"
        text = unit.read_text(encoding="utf-8")
        for name in secret_names:
            assert f"{name}=" not in text, f"{unit.name} holds {name}"
        assert not re.search(r"://[^/\s:@]+:[^/\s@]+@", text), f"{unit.name} holds a password"


# -- environment file examples -------------------------------------------------------

_ASSIGNMENT = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$")
_ENV_READ = re.compile(r"""(?:environ\.get|getenv|environ\[)\(?\s*["']([A-Z][A-Z0-9_]*)["']""")


def example_names(path: Path) -> set[str]:
    """Every variable the example names, set or commented out."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {match[1] for line in lines if (match := _ASSIGNMENT.match(line.strip()))}


def example_values(path: Path) -> dict[str, str]:
    """The variables the example sets (not the commented ones), as systemd reads them."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#") and (match := _ASSIGNMENT.match(line.strip())):
            values[match[1]] = match[2]
    return values


def code_env_names() -> set[str]:
    """The variables the program reads: the settings' overrides, the config path, and
    every ``os.environ``/``getenv`` lookup of a literal name in the application's code."""
    names = set(ENV_OVERRIDES) | {CONFIG_PATH_ENV}
    for package in ("agent", "bot", "core", "db"):
        for source in (PROJECT_ROOT / package).rglob("*.py"):
            names |= set(_ENV_READ.findall(source.read_text(encoding="utf-8")))
    return names


def is_secret(name: str) -> bool:
    return any(word in name for word in ("TOKEN", "SECRET", "KEY", "PASSWORD")) or (
        name == "DATABASE_URL"
    )


def bot_only(name: str) -> bool:
    return name.startswith("TELEGRAM_") or name in BOT_ONLY_ENV


def test_env_reader_finds_lookups() -> None:
    # The scan that the next tests rely on sees a lookup the model loader does.
    assert "HF_HUB_OFFLINE" in code_env_names()


def test_bot_env_example_lists_every_variable_the_code_reads() -> None:
    expected = code_env_names() | set(LIBRARY_ENV)
    listed = example_names(BOT_ENV)
    assert listed - expected == set(), "stale names in bot.env.example"
    assert expected - listed == set(), "missing from bot.env.example"


def test_agent_env_example_lists_what_the_agent_service_reads() -> None:
    expected = {name for name in code_env_names() if not bot_only(name)}
    listed = example_names(AGENT_ENV)
    assert listed - expected == set(), "stale or bot-only names in agent.env.example"
    assert expected - listed == set(), "missing from agent.env.example"


@pytest.mark.parametrize("example", [BOT_ENV, AGENT_ENV], ids=lambda path: path.name)
def test_env_examples_hold_placeholders_only(example: Path) -> None:
    for line in example.read_text(encoding="utf-8").splitlines():
        match = _ASSIGNMENT.match(line.strip())
        if match and is_secret(match[1]) and match[2]:
            assert "change-me" in match[2], f"{example.name}: {match[1]} is not a placeholder"


@pytest.mark.parametrize("example", [BOT_ENV, AGENT_ENV], ids=lambda path: path.name)
def test_env_examples_load_with_the_production_settings(example: Path) -> None:
    settings = load_settings(PRODUCTION_CONFIG, environ=example_values(example))
    assert settings.database.url.startswith("postgresql://")
    assert settings.agent.api_token.get_secret_value()
    if example == BOT_ENV:
        assert settings.telegram.bot_token.get_secret_value()
        assert settings.telegram.webhook.secret_token.get_secret_value()


# -- production settings and the webhook's reverse proxy -----------------------------


def nginx_directives(path: Path, name: str) -> list[str]:
    """The values of every ``name ...;`` directive of an nginx file (comments removed)."""
    text = re.sub(r"#[^\n]*", "", path.read_text(encoding="utf-8"))
    return [value.strip() for value in re.findall(rf"(?:^|[\s{{;]){name}\s+([^;{{}}]*);", text)]


def test_production_settings_match_the_webhook_proxy() -> None:
    settings = production_settings()
    telegram = settings.telegram
    assert telegram.mode == "webhook"
    assert not settings.database.seed_demo
    assert ipaddress.ip_address(telegram.webhook.listen).is_loopback
    url = urlsplit(telegram.webhook.url)
    assert url.scheme == "https"
    assert (url.port or 443) in TELEGRAM_WEBHOOK_PORTS
    # nginx serves that URL: its host, its port, its exact path, to the bot's listener.
    assert nginx_directives(WEBHOOK_SITE, "server_name") == [url.hostname]
    listens = {
        int(value.split()[0].rsplit(":", 1)[-1])
        for value in nginx_directives(WEBHOOK_SITE, "listen")
    }
    assert listens == {url.port or 443}
    assert f"location = {url.path} {{" in WEBHOOK_SITE.read_text(encoding="utf-8")
    assert nginx_directives(WEBHOOK_SITE, "proxy_pass") == [f"http://{WEBHOOK_UPSTREAM}"]
    assert f"upstream {WEBHOOK_UPSTREAM} {{" in WEBHOOK_SITE.read_text(encoding="utf-8")
    bot_listener = f"{telegram.webhook.listen}:{telegram.webhook.port}"
    assert nginx_directives(WEBHOOK_SITE, "server") == [bot_listener]
    assert set(nginx_directives(WEBHOOK_SITE, "allow")) == TELEGRAM_RANGES
    # The agent service listens on loopback behind its own TLS server.
    assert ipaddress.ip_address(settings.service.host).is_loopback
    assert nginx_directives(AGENT_SITE, "proxy_pass") == [
        f"http://{settings.service.host}:{settings.service.port}"
    ]


@dataclass
class NginxPrefix:
    """A private nginx: its own prefix folder, configuration, certificate and logs."""

    folder: Path
    nginx: str
    cert: Path = field(init=False)
    key: Path = field(init=False)

    def __post_init__(self) -> None:
        openssl = require_tool("openssl")
        self.cert = self.folder / "cert.pem"
        self.key = self.folder / "key.pem"
        subprocess.run(
            [
                *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
                *("-subj", "/CN=bot.example.com", "-keyout", str(self.key), "-out", str(self.cert)),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def site(self, source: Path, replacements: dict[str, str]) -> Path:
        """The shipped site with its certificate paths (and ``replacements``) swapped in."""
        text = source.read_text(encoding="utf-8")
        for directive, path in (("ssl_certificate", self.cert), ("ssl_certificate_key", self.key)):
            text, count = re.subn(rf"(\s{directive}\s+)[^;]+;", rf"\g<1>{path};", text)
            assert count == 1, f"{source.name}: one {directive} expected"
        for old, new in replacements.items():
            assert old in text, f"{source.name}: {old!r} not found"
            text = text.replace(old, new)
        copy = self.folder / source.name
        copy.write_text(text, encoding="utf-8")
        return copy

    def main_config(self, site: Path) -> Path:
        """An nginx.conf that includes ``site`` in its http block, as sites-enabled does."""
        main = self.folder / "nginx.conf"
        main.write_text(
            f"pid {self.folder}/nginx.pid;\n"
            f"error_log {self.folder}/error.log;\n"
            "events {}\n"
            "http {\n"
            f"    access_log {self.folder}/access.log;\n"
            f"    client_body_temp_path {self.folder}/body;\n"
            f"    proxy_temp_path {self.folder}/proxy;\n"
            f"    include {site};\n"
            "}\n",
            encoding="utf-8",
        )
        return main

    def command(self, main: Path, *extra: str) -> list[str]:
        return [
            self.nginx,
            "-p",
            str(self.folder),
            "-e",
            str(self.folder / "error.log"),
            "-c",
            str(main),
            *extra,
        ]


@pytest.fixture
def nginx_prefix(tmp_path: Path) -> NginxPrefix:
    return NginxPrefix(tmp_path, require_tool("nginx"))


@pytest.mark.parametrize("site", [WEBHOOK_SITE, AGENT_SITE], ids=lambda path: path.name)
def test_nginx_accepts_the_shipped_site(site: Path, nginx_prefix: NginxPrefix) -> None:
    main = nginx_prefix.main_config(nginx_prefix.site(site, {}))
    result = subprocess.run(
        nginx_prefix.command(main, "-t"), capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class _Recorder(http.server.BaseHTTPRequestHandler):
    """The bot's webhook listener, stood in for: records each request, answers 200."""

    received: list[Received]

    def do_POST(self) -> None:
        self._record()

    def do_GET(self) -> None:
        self._record()

    def _record(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.received.append(Received(self.command, self.path, dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def listener() -> Iterator[tuple[int, list[Received]]]:
    received: list[Received] = []
    handler = type("Recorder", (_Recorder,), {"received": received})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], received
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def _running_nginx(nginx_prefix: NginxPrefix, site: Path) -> Iterator[None]:
    main = nginx_prefix.main_config(site)
    started = subprocess.run(
        nginx_prefix.command(main), capture_output=True, text=True, timeout=60, check=False
    )
    assert started.returncode == 0, started.stderr
    try:
        yield
    finally:
        subprocess.run(
            nginx_prefix.command(main, "-s", "stop"), capture_output=True, timeout=60, check=False
        )
        pid_file = nginx_prefix.folder / "nginx.pid"
        deadline = time.monotonic() + 10
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)


def _webhook_site(
    nginx_prefix: NginxPrefix, tls_port: int, bot_port: int, *, allow_here: bool
) -> Path:
    """The shipped webhook site on a free port, in front of the stand-in listener;
    ``allow_here`` adds this machine to Telegram's addresses (the test is not Telegram)."""
    settings = production_settings()
    bot = f"{settings.telegram.webhook.listen}:{settings.telegram.webhook.port}"
    replacements = {
        "listen 443 ssl;": f"listen 127.0.0.1:{tls_port} ssl;",
        "listen [::]:443 ssl;": "",
        f"server {bot};": f"server 127.0.0.1:{bot_port};",
    }
    if allow_here:
        replacements["allow 91.108.4.0/22;"] = "allow 91.108.4.0/22;\n        allow 127.0.0.1;"
    return nginx_prefix.site(WEBHOOK_SITE, replacements)


def _client(nginx_prefix: NginxPrefix, tls_port: int) -> httpx.Client:
    context = ssl.create_default_context(cafile=str(nginx_prefix.cert))
    context.check_hostname = False  # the certificate names bot.example.com
    return httpx.Client(base_url=f"https://127.0.0.1:{tls_port}", verify=context, timeout=10)


def test_webhook_proxy_forwards_only_telegrams_posts_to_the_exact_path(
    nginx_prefix: NginxPrefix, listener: tuple[int, list[Received]]
) -> None:
    bot_port, received = listener
    tls_port = _free_port()
    path = urlsplit(production_settings().telegram.webhook.url).path
    site = _webhook_site(nginx_prefix, tls_port, bot_port, allow_here=True)
    update = b'{"update_id": 1, "message": {"message_id": 1}}'
    headers = {"Content-Type": "application/json", SECRET_HEADER: "s3cret_-token"}
    with _running_nginx(nginx_prefix, site), _client(nginx_prefix, tls_port) as client:
        answer = client.post(path, content=update, headers=headers)
        assert answer.status_code == 200
        assert len(received) == 1
        forwarded = received[0]
        assert (forwarded.method, forwarded.path, forwarded.body) == ("POST", path, update)
        assert forwarded.headers[SECRET_HEADER] == "s3cret_-token"
        assert forwarded.headers["Content-Type"] == "application/json"
        # Health, other paths, other methods, oversized bodies never reach the bot.
        assert client.get("/healthz").status_code == 404
        assert client.get("/readyz").status_code == 404
        assert client.post(path + "/x", content=update, headers=headers).status_code == 404
        assert client.post(path.rstrip("/") + "x", content=update).status_code == 404
        assert client.get(path).status_code == 403
        assert client.post(path, content=b"x" * (2 * 2**20), headers=headers).status_code == 413
        assert len(received) == 1


def test_webhook_proxy_refuses_addresses_outside_telegrams(
    nginx_prefix: NginxPrefix, listener: tuple[int, list[Received]]
) -> None:
    bot_port, received = listener
    tls_port = _free_port()
    path = urlsplit(production_settings().telegram.webhook.url).path
    site = _webhook_site(nginx_prefix, tls_port, bot_port, allow_here=False)
    with _running_nginx(nginx_prefix, site), _client(nginx_prefix, tls_port) as client:
        answer = client.post(path, content=b"{}", headers={"Content-Type": "application/json"})
        assert answer.status_code == 403
    assert received == []
