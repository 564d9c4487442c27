"""``python -m agent serve`` as a subprocess: the token rule, start-up and graceful shutdown."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.service.live_server import TOKEN, free_port

START_TIMEOUT_S = 60


@pytest.fixture
def environment(database_url: str, tmp_path: Path) -> dict[str, str]:
    """Environment for the subprocess: the test database, rules backend, no token."""
    env = {k: v for k, v in os.environ.items() if k not in ("AGENT_API_TOKEN", "TELEKOM_CONFIG")}
    env.update({"DATABASE_URL": database_url, "MODEL_BACKEND": "rules", "PYTHONUNBUFFERED": "1"})
    return env


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """A config that keeps the subprocess's log file out of the repository."""
    path = tmp_path / "config.yaml"
    path.write_text("logging:\n  file: logs/app.log\n", encoding="utf-8")
    return path


def agent_command(config_file: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "agent", "--config", str(config_file), *args]


def test_refuses_a_public_address_without_a_token(
    project_root: Path, environment: dict[str, str], config_file: Path
) -> None:
    done = subprocess.run(
        agent_command(config_file, "serve", "--host", "0.0.0.0", "--port", str(free_port())),
        cwd=project_root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_S,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "0.0.0.0" in lines[0]
    assert "AGENT_API_TOKEN" in lines[0]
    assert done.stdout == ""


def test_serves_on_loopback_and_shuts_down_gracefully(
    project_root: Path, environment: dict[str, str], config_file: Path
) -> None:
    port = free_port()
    environment["AGENT_API_TOKEN"] = TOKEN
    process = subprocess.Popen(
        agent_command(config_file, "serve", "--port", str(port)),
        cwd=project_root,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:
                if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the service did not start in time"
            time.sleep(0.2)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        status = httpx.get(f"{base_url}/api/v1/chat/system/status", headers=headers, timeout=10)
        assert status.json()["data"]["model_hizmeti"]["backend"] == "rules"
        assert httpx.get(f"{base_url}/api/v1/chat/system/status").status_code == 401
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=START_TIMEOUT_S)
    assert process.returncode == 0, output
    assert "Traceback" not in output
