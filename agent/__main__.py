"""``python -m agent``: see :mod:`agent.cli`."""

from agent.cli import main
from core.cli import run_main

run_main(main)
