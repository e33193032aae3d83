"""Shell completion as bash, zsh and fish ask for it: the scripts, and the candidates for names and bank values."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from quizprep.bank import load_bank
from quizprep.options import matching


def complete(words: str, home, shell: str = "bash") -> list[str]:
    """What the completion script would offer for the command line `words` (the cursor after the last word)."""
    env = {**os.environ, "QUIZPREP_HOME": str(home), "_QUIZPREP_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        env.update(COMP_WORDS=words, COMP_CWORD=str(len(words.split()) - (0 if words.endswith(" ") else 1)))
    else:
        env.update(_TYPER_COMPLETE_ARGS=words, _TYPER_COMPLETE_FISH_ACTION="get-args")
    result = subprocess.run([sys.executable, "-m", "quizprep"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and not result.stderr, result.stderr
    return [line for line in result.stdout.splitlines() if line]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_every_shell_gets_a_script(run, shell, monkeypatch):
    # Without this, --show-completion takes no value and asks shellingham which shell runs the tests.
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    result = run("--show-completion", shell)
    assert result.exit_code == 0, result.output
    assert "_QUIZPREP_COMPLETE" in result.stdout
    assert f"complete_{shell}" in result.stdout


def test_demo_names_complete(quizprep_home):
    assert complete("quizprep demo soft", quizprep_home) == ["softmax", "softmax-ce-gradient"]


def test_topics_complete_from_the_bank(quizprep_home):
    assert complete("quizprep list --topic optim", quizprep_home) == ["optimization"]
    assert complete("quizprep review -t llm-a", quizprep_home) == ["llm-adaptation", "llm-architecture"]


def test_tags_and_ids_complete_from_the_bank(quizprep_home):
    bank = load_bank()
    tags = sorted(tag for tag in bank.tags() if tag.startswith("adam"))
    assert complete("quizprep list --tag adam", quizprep_home) == tags
    ids = [item.id for item in bank.items if item.id.startswith("adam")]
    assert ids and complete("quizprep show adam", quizprep_home) == ids


def test_drills_exercises_and_settings_complete(quizprep_home):
    assert complete("quizprep drill kv-cache-", quizprep_home) == ["kv-cache-gib", "kv-cache-memory"]
    assert "softmax" in complete("quizprep code check soft", quizprep_home)
    assert complete("quizprep config interview-", quizprep_home) == ["interview-date", "interview-time"]


def test_zsh_and_fish_get_the_summaries_too(quizprep_home):
    zsh = "\n".join(complete("quizprep demo early-st", quizprep_home, "zsh"))
    assert '"early-stopping":"' in zsh
    fish = complete("quizprep demo early-st", quizprep_home, "fish")
    assert fish[0].startswith("early-stopping\t")


def test_a_broken_bank_completes_nothing_and_says_nothing(quizprep_home, write_bank, monkeypatch):
    monkeypatch.setenv("QUIZPREP_BANK", str(write_bank("bad.yaml", "- id: [unclosed\n")))
    assert complete("quizprep list --topic optim", quizprep_home) == []


def test_matching_prefers_prefixes_then_substrings():
    assert matching("soft", ["softmax", "log-softmax", "relu"]) == ["softmax"]
    assert matching("max", ["softmax", "log-softmax", "relu"]) == ["softmax", "log-softmax"]
    assert matching("", [("a", "first"), ("b", "")]) == [("a", "first"), "b"]
