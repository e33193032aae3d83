"""Shared fixtures: every test gets its own QUIZPREP_HOME, and a CLI runner with fixed width and no colour."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizprep.cli import app


@pytest.fixture(autouse=True)
def quizprep_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("QUIZPREP_HOME", str(home))
    monkeypatch.delenv("QUIZPREP_BANK", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TERM", "dumb")
    return home


@pytest.fixture
def run():
    """Invoke the CLI; returns the click Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(
            app, list(args), input=input, catch_exceptions=False, env={"COLUMNS": "100", "NO_COLOR": "1"}
        )

    return invoke


@pytest.fixture
def write_bank(tmp_path):
    """Write a bank file under tmp_path/banks and return its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / "banks" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write
