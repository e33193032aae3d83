"""Shared fixtures: every test gets its own QUIZPREP_HOME, and a CLI runner with fixed width and no colour."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizprep.cli import app

REPO = Path(__file__).resolve().parent.parent
BANK_DIR = REPO / "question_bank"
SEEDS_DIR = REPO.parent / "shared" / "seeds"


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
        return runner.invoke(app, list(args), input=input, catch_exceptions=False, env={"COLUMNS": "100", "NO_COLOR": "1"})

    return invoke


def item_yaml(item_id: str, **fields) -> str:
    """A complete, valid item as YAML text; keyword arguments override or add fields."""
    base = {
        "topic": "testing",
        "difficulty": 1,
        "question": f"What is {item_id}?",
        "answer": f"It is {item_id}. That is all.",
    }
    base.update(fields)
    lines = [f"- id: {item_id}"]
    for key, value in base.items():
        lines.append(f"  {key}: {value}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def write_bank(tmp_path):
    """Write a bank file under tmp_path/banks and return its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / "banks" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write
