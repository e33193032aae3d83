"""The bundled bank is complete: every item has everything a quiz needs, and every seed question is answered."""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
from collections import Counter

import pytest

from quizprep.bank import load_bank
from quizprep.demos import CATALOG as DEMOS
from tests.helpers.bank import BANK_DIR, REPO, SEEDS_DIR

BANK = load_bank(use_cache=False)  # at collection time, before the per-test QUIZPREP_HOME: write no cache


def sentences(text: str) -> int:
    """Sentence count of an answer, with math spans counted as words."""
    prose = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", "X", text, flags=re.S)
    prose = re.sub(r"\b(e\.g|i\.e|etc|vs|approx|cf|al)\.", r"\1", prose)
    prose = re.sub(r"\d\.\d", "0", prose)
    return len(re.findall(r"[.!?](?:\s|$)", prose.strip()))


# The topics built from the seed articles: their items say which seed question they answer.
ARTICLE_TOPICS = {
    "activations", "attention-transformers", "backprop-and-gradients", "cnn", "efficiency-and-data", "evaluation",
    "foundations", "generative-unsupervised", "losses", "math-for-dl", "optimization", "regularization",
    "sequence-models", "tools-frameworks", "training-practice",
}


def test_bank_size_and_shape():
    assert len(BANK.items) >= 150
    files = list(BANK_DIR.glob("*.yaml"))
    assert 10 <= len(files) <= 30
    assert {path.stem for path in files} == set(BANK.topics())
    levels = Counter(item.difficulty for item in BANK.items)
    for level in (1, 2, 3):
        assert levels[level] >= 0.15 * len(BANK.items), levels


def test_each_file_holds_one_topic():
    for item in BANK.items:
        assert item.file.endswith(f"{item.topic}.yaml"), (item.id, item.file)


@pytest.mark.parametrize("item", BANK.items, ids=lambda item: item.id)
def test_item_is_complete(item):
    assert 2 <= sentences(item.answer) <= 6, item.answer
    assert 3 <= len(item.key_points) <= 5
    assert item.pitfalls
    assert item.tags
    cites = item.topic in ARTICLE_TOPICS
    assert bool(item.sources) == cites, "article topics cite their seed questions; others cite none"
    assert item.demo in DEMOS
    assert item.choices is not None and len(item.choices.wrong) >= 3
    lengths = [len(option) for option in item.choices.wrong]
    ratio = len(item.choices.correct) / statistics.mean(lengths)
    assert 0.6 <= ratio <= 1.5, f"correct option is {ratio:.2f}x the wrong ones' mean length"
    for option in [item.choices.correct, *item.choices.wrong]:
        assert "all of the above" not in option.lower() and "none of the above" not in option.lower()


def test_follow_ups_are_used():
    linked = sum(1 for item in BANK.items if item.follow_ups)
    assert linked >= 0.8 * len(BANK.items)


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="the seed articles live in ../shared/seeds beside the repository")
def test_every_seed_question_is_answered():
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "seed_coverage.py"), "--quiet", "--seeds", str(SEEDS_DIR)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "102 of 102 seed questions answered" in result.stdout
