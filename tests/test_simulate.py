"""scripts/simulate.py: the learner's own FSRS-6 against the fsrs package, and a tiny run end to end."""

from __future__ import annotations

import importlib.util
import math
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fsrs import Card, Rating, Scheduler

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "simulate.py"


@pytest.fixture(scope="module")
def simulate():
    spec = importlib.util.spec_from_file_location("simulate_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_learner_memory_matches_fsrs_on_whole_days(simulate):
    # on whole-day gaps the learner's continuous-time model and fsrs's whole-day one coincide
    learner = simulate.Learner(1, "default", seed=0)
    reference = Scheduler(enable_fuzzing=False, learning_steps=(), relearning_steps=())
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    card, _ = reference.review_card(Card(card_id=1, due=start), Rating.Good, review_datetime=start)
    learner.study(0, start.timestamp() / 86400)
    moment = start
    for gap, rating in [(3, 3), (7, 1), (2, 3), (12, 2), (30, 4)]:
        moment += timedelta(days=gap)
        t = moment.timestamp() / 86400
        p = float(learner.recall(t, 0))
        assert p == pytest.approx(reference.get_card_retrievability(card, moment), rel=1e-12)
        learner.update(0, t, p, rating)
        card, _ = reference.review_card(card, Rating(rating), review_datetime=moment)
        assert learner.stability[0] == pytest.approx(card.stability, rel=1e-12)
        assert learner.difficulty[0] == pytest.approx(card.difficulty, rel=1e-12)


def test_faster_learner_forgets_one_and_a_half_times_faster(simulate):
    plain, faster = simulate.Learner(1, "default", 0), simulate.Learner(1, "faster", 0)
    for learner in (plain, faster):
        learner.study(0, 0.0)
    s, decay = simulate.TRUE_W[2], simulate.TRUE_W[20]
    factor = 0.9 ** (-1 / decay) - 1
    assert float(faster.recall(10.0, 0)) == pytest.approx((1 + factor * 10 * 1.5 / s) ** -decay, rel=1e-12)
    assert float(plain.recall(10.0, 0)) == pytest.approx((1 + factor * 10 / s) ** -decay, rel=1e-12)


def test_tiny_run_keeps_to_the_budget_and_reports_recall(simulate):
    run = simulate.Run("spread", days=3, minutes=5.0, seed=1, items=30)
    outcome = simulate.one_run(run)["results"]
    assert set(outcome) == {"quizprep (date)", "FSRS 0.8 (no date)", "FSRS 0.9 (no date)", "FSRS 0.95 (no date)",
                            "Anki SM-2", "greedy oracle"}  # fmt: skip
    for name, (mean_recall, strong, minutes) in outcome.items():
        assert 0.0 < mean_recall < 1.0, name
        assert 0 <= strong <= 30, name
        # three days of five minutes, plus at most half an item's time over on each day
        assert minutes <= 3 * (5 + 0.5) + 1e-9, (name, minutes)
    # with this little time, the date-aware planner and the oracle see 15 items; the others fewer
    assert outcome["quizprep (date)"][0] > outcome["FSRS 0.9 (no date)"][0]


def test_interval_is_a_t_interval(simulate):
    mean, half = simulate.interval([1.0, 2.0, 3.0, 4.0, 5.0])
    assert mean == 3.0
    assert half == pytest.approx(2.776 * math.sqrt(2.5) / math.sqrt(5), rel=1e-9)


def test_oracle_gain_is_the_expected_true_recall_gain(simulate):
    learner = simulate.Learner(2, "spread", seed=3)
    learner.study(0, 0.0)
    w, now, target = simulate.TRUE_W, 3.2, 9.5
    gain, cost = learner.oracle_gains(now, target)
    speed, s, d = learner.speed[0], learner.stability[0], learner.difficulty[0]
    factor = 0.9 ** (-1 / w[20]) - 1

    def true_recall(days, stability):
        return (1 + factor * days * speed / stability) ** -w[20]

    p = true_recall(now, s)
    good = simulate.true_next_stability(w, s, d, p, 3, False)
    bad = simulate.true_next_stability(w, s, d, p, 1, False)
    expected = p * true_recall(target - now, good) + (1 - p) * true_recall(target - now, bad) - true_recall(target, s)
    assert gain[0] == pytest.approx(expected, rel=1e-9)
    assert cost[0] == pytest.approx(20 * p + 40 * (1 - p), rel=1e-12)
    # the unseen item: one first look now, at the learner's own forgetting speed for it
    first = (1 + factor * (target - now) * learner.speed[1] / w[2]) ** -w[20]
    assert gain[1] == pytest.approx(first, rel=1e-12) and cost[1] == 60.0
