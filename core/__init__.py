"""Shared ground for every package: settings, logging and Turkish formatting."""
