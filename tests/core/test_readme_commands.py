"""The README's shell examples work as written, in order, from a clean start.

Every command line of every fenced ``sh`` block of README.md is either run
here (as a subprocess, against a fresh SQLite file and a copy of
``config.yaml`` whose log goes to the temporary folder) or listed in
:data:`SKIPPED` with the reason: a Telegram token or the network, a GPU or
model weights, a server that runs until stopped, or a set-up step that would
install packages or run this suite again. A README command that is neither
fails the test, so a new example must be classified when it is added.

``.venv/bin/python`` runs as the interpreter running the tests (CI may keep
its virtualenv elsewhere), and the placeholder ``FILE.jsonl`` is a small
file of two questions. ``MODEL_BACKEND=rules``: no example here may need a
GPU, even on a machine that has one.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

# Command (as README writes it, comment removed) -> why it is not run here.
SKIPPED_BY_PREFIX = {
    "make run": "installs packages from the network (first run), then the bot until stopped",
    "make test": "installs packages, then runs this whole suite again",
    "TELEGRAM_BOT_TOKEN=": "needs a real Telegram token and the network",
    ".venv/bin/python -m bot --sandbox-server": "a server that runs until Ctrl-C "
    "(tests/bot/test_sandbox.py starts and stops it)",
    ".venv/bin/python -m agent chat --backend transformers": "needs the GGUF weights "
    "(downloaded by the model tests)",
    ".venv/bin/python -m agent.backends.gguf_conversion": "needs a GGUF file (FILE.gguf "
    "is a placeholder) and the model libraries",
}
# The agent HTTP API walk-through: every line talks to the `agent serve` it starts
# in the background (a long-running server; tests/service covers these routes).
SKIPPED_BLOCK_MARKER = "-m agent serve"

# What a command that is run reads on standard input (the chats are piped).
STDIN = {
    ".venv/bin/python -m agent chat --customer 1001": "kalan internetim ne kadar\n",
    ".venv/bin/python -m bot --sandbox": "/start\n/contact\n/fatura\n",
    ".venv/bin/python -m bot --sandbox --customer 1004": "/contact\n/fatura\n",
}
# Exit status other than 0 that README promises for a command run in this order.
EXPECTED_STATUS = {
    # "asks for --yes while customers are on file": refused, one line, status 2.
    ".venv/bin/python -m db downgrade base": 2,
}
# What the output must say (README's own words for what the command does).
EXPECTED_OUTPUT = {
    ".venv/bin/python -m db seed": "the empty database was seeded as it was opened",
    ".venv/bin/python -m db downgrade base": "--yes",
    ".venv/bin/python -m agent tools list": '"get_current_bill"',
    ".venv/bin/python -m bot --sandbox": "Telekom Asistan:",
    ".venv/bin/python -m bot --sandbox --customer 1004": "(customer 1004)",
}

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_sh_blocks() -> list[list[str]]:
    """Each fenced ``sh`` block of README.md as its command lines (comments removed)."""
    blocks = re.findall(r"^```sh\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)
    commands_per_block = []
    for block in blocks:
        joined = block.replace("\\\n", " ")  # continuation lines
        commands = []
        for line in joined.splitlines():
            command = _without_comment(line).strip()
            if command:
                commands.append(command)
        commands_per_block.append(commands)
    return commands_per_block


def _without_comment(line: str) -> str:
    """``line`` up to a ``#`` that starts a shell comment (outside quotes)."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index]
    return line


def _classified() -> tuple[list[str], dict[str, str]]:
    """README's commands to run, in order, and those skipped with the reason."""
    to_run: list[str] = []
    skipped: dict[str, str] = {}
    for commands in _readme_sh_blocks():
        if any(SKIPPED_BLOCK_MARKER in command for command in commands):
            skipped.update(
                dict.fromkeys(commands, "the agent HTTP API walk-through: needs `agent serve`")
            )
            continue
        for command in commands:
            reason = next(
                (why for prefix, why in SKIPPED_BY_PREFIX.items() if command.startswith(prefix)),
                None,
            )
            if reason is not None:
                skipped[command] = reason
            elif command.startswith(".venv/bin/python -m "):
                to_run.append(command)
            else:
                pytest.fail(f"README command neither run nor skipped here: {command!r}")
    return to_run, skipped


@pytest.fixture
def readme_environment(tmp_path: Path, project_root: Path) -> dict[str, str]:
    config = yaml.safe_load((project_root / "config.yaml").read_text(encoding="utf-8"))
    config["logging"]["file"] = str(tmp_path / "app.log")
    config_file = tmp_path / "config.yaml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TELEGRAM_BOT_TOKEN", "AGENT_URL", "TELEGRAM_API_BASE_URL"}
    }
    environment.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'readme.db'}",
        TELEKOM_CONFIG=str(config_file),
        MODEL_BACKEND="rules",
    )
    return environment


def _as_run_here(command: str, tmp_path: Path) -> list[str]:
    words = shlex.split(command)
    assert words[0] == ".venv/bin/python"
    words[0] = sys.executable
    if "FILE.jsonl" in words:
        questions = tmp_path / "questions.jsonl"
        questions.write_text(
            '{"text": "Bu ayki faturam ne kadar?", "tool": "get_current_bill", "args": {}}\n'
            '{"text": "kalan internetim ne kadar", "tool": "get_remaining_quotas", "args": {}}\n',
            encoding="utf-8",
        )
        words[words.index("FILE.jsonl")] = str(questions)
    if "--output" in words:  # export-training writes its file here, not into the checkout
        output = words.index("--output") + 1
        words[output] = str(tmp_path / words[output])
    return words


def test_every_readme_command_is_run_or_skipped_with_a_reason() -> None:
    to_run, skipped = _classified()
    assert ".venv/bin/python -m db seed" in to_run
    assert ".venv/bin/python -m bot --sandbox --customer 1004" in to_run
    assert all(skipped.values())
    assert "make run" in skipped


def test_readme_commands_work_as_written(
    readme_environment: dict[str, str], tmp_path: Path, project_root: Path
) -> None:
    to_run, _ = _classified()
    for command in to_run:
        done = subprocess.run(
            _as_run_here(command, tmp_path),
            cwd=project_root,
            env=readme_environment,
            input=STDIN.get(command, ""),
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        shown = f"{command}\nstdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"
        assert done.returncode == EXPECTED_STATUS.get(command, 0), shown
        assert "Traceback" not in done.stdout + done.stderr, shown
        expected = EXPECTED_OUTPUT.get(command)
        assert expected is None or expected in done.stdout + done.stderr, shown


def test_seeding_again_and_a_closed_pipe_are_quiet(
    readme_environment: dict[str, str], tmp_path: Path, project_root: Path
) -> None:
    def shell(line: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-c", line.replace(".venv/bin/python", shlex.quote(sys.executable))],
            cwd=project_root,
            env=readme_environment,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    first = shell(".venv/bin/python -m db seed")
    second = shell(".venv/bin/python -m db seed")
    assert "seeded as it was opened" in first.stdout, first.stderr
    assert "(already seeded)" in second.stdout, second.stderr

    # `| head` closes the pipe after one line: the list ends quietly.
    listed = shell(".venv/bin/python -m agent tools list | head -n 1")
    assert listed.returncode == 0
    assert listed.stdout == "[\n"
    assert listed.stderr == ""
