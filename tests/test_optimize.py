"""Fitting FSRS parameters to the user's history: refusal with too little, a better fit with enough,
and the fitted parameters kept in the database and used by the policy."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta, timezone

import pytest

from quizprep import config, store
from quizprep.api import Policy, answer, recall
from quizprep.errors import QuizprepError
from quizprep.optimize import MIN_REVIEWS, fit, fit_and_store, review_histories, training_steps

START = datetime(2026, 6, 1, 8, 0, tzinfo=timezone.utc)
# A learner who forgets faster than FSRS-6's defaults assume: the fit should learn that.
WEIGHTS = (
    0.1, 0.5, 1.0, 4.0, 6.4133, 0.8334, 3.0194, 0.001, 1.2, 0.1666, 0.796,
    1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
)  # fmt: skip
FORGETFUL = Policy(parameters=WEIGHTS)


def synthetic_log(items: int, seed: int = 0) -> list[store.Review]:
    """Each item studied, then reviewed after gaps of 1-12 days; recalled with the learner's true probability."""
    rng = random.Random(seed)
    rows = []
    for n in range(items):
        key, when, state = f"item-{n}", START + timedelta(hours=rng.randrange(0, 48)), None
        for _ in range(6):
            rating = 3 if state is None or rng.random() < recall(state, when, FORGETFUL) else 1
            rows.append(store.Review(key, store.iso(when), rating, "review"))
            state = answer(state, rating, when, FORGETFUL)
            when += timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 3))
    return rows


def test_days_between_answers_are_counted_in_local_days():
    rows = [
        store.Review("a", "2026-06-01T22:30:00+00:00", 3, "review"),
        store.Review("a", "2026-06-02T01:00:00+00:00", 3, "review"),  # the same day in UTC-05:00
        store.Review("a", "2026-06-04T12:00:00+00:00", 1, "review"),
    ]
    utc = training_steps(review_histories(rows, timezone.utc)["a"])
    new_york = training_steps(review_histories(rows, timezone(timedelta(hours=-5)))["a"])
    assert utc == [(3, 0), (3, 1), (1, 2)]
    assert new_york == [(3, 0), (3, 0), (1, 3)]


def test_too_little_history_is_refused_with_the_numbers():
    with pytest.raises(QuizprepError, match=f"the fit needs {MIN_REVIEWS}"):
        fit(synthetic_log(5), timezone.utc, None)


def test_a_fit_predicts_the_learners_answers_better_than_the_defaults():
    pytest.importorskip("fsrs_rs_python", reason="the optimizer extra is not installed")
    result = fit(synthetic_log(150), timezone.utc, None)
    assert result.reviews >= MIN_REVIEWS and len(result.parameters) == 21
    assert result.log_loss_after < result.log_loss_before
    assert all(math.isfinite(value) for value in result.parameters)


def test_fitted_parameters_round_trip_through_the_database_and_drive_the_policy(tmp_path):
    pytest.importorskip("fsrs_rs_python", reason="the optimizer extra is not installed")
    conn = store.connect(tmp_path / "q.db")
    with store.transaction(conn):
        for row in synthetic_log(150):
            conn.execute(
                "INSERT OR IGNORE INTO card_state (item_id, card_json, due, state, updated_at) "
                "VALUES (?, '{}', ?, 2, ?)",
                (row.item_id, row.reviewed_at, row.reviewed_at),
            )
            conn.execute(
                "INSERT INTO review_log (item_id, reviewed_at, rating, mode) VALUES (?, ?, ?, ?)",
                (row.item_id, row.reviewed_at, row.rating, row.mode),
            )
    result = fit_and_store(conn, timezone.utc)
    stored = config.load(conn)["fsrs-parameters"]
    assert stored == pytest.approx(result.parameters, abs=1e-9)
    from quizprep.scheduler import Plan, make_policy

    policy = make_policy(Plan(parameters=stored), timezone.utc)
    state = answer(None, 3, START, policy)
    assert state.stability == pytest.approx(stored[2])  # a first Good starts at w2: the fitted w2
