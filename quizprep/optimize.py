"""Fitting FSRS parameters to the user's own review log, with the Rust optimizer (`fsrs-rs-python`).

    review_histories(reviews, tz) -> {item id: [(local day, rating), ...]}   pure
    training_items(histories)     -> the optimizer's items: every prefix that ends in a review
                                     on a later day than the one before it
    fit(reviews, tz, current)     -> Fit: parameters, and log loss / RMSE before and after

The optimizer is an optional dependency (`pip install 'quizprep[optimizer]'`); without it the
command says how to install it. Parameters are stored as a setting (see `config`) and used by
every schedule, recall figure, readiness and plan from then on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from quizprep.errors import QuizprepError

MIN_REVIEWS = 200  # reviews on a later day than the one before: fewer fit noise, not memory
INSTALL_HINT = "the FSRS optimizer is not installed; install it with: pip install 'quizprep[optimizer]'"


@dataclass(frozen=True)
class Fit:
    parameters: tuple[float, ...]
    reviews: int  # long-term reviews the fit learned from
    items: int  # items with at least one of them
    log_loss_before: float
    rmse_before: float
    log_loss_after: float
    rmse_after: float

    def to_dict(self) -> dict:
        return {
            "parameters": list(self.parameters),
            "reviews": self.reviews,
            "items": self.items,
            "before": {"log_loss": self.log_loss_before, "rmse": self.rmse_before},
            "after": {"log_loss": self.log_loss_after, "rmse": self.rmse_after},
        }


def review_histories(reviews, tz: tzinfo) -> dict[str, list[tuple[date, int]]]:
    """Each item's answers as (local day, rating), oldest first. `reviews` are store.Review rows."""
    histories: dict[str, list[tuple[date, int]]] = {}
    for review in sorted(reviews, key=lambda r: (r.item_id, r.reviewed_at)):
        day = datetime.fromisoformat(review.reviewed_at).astimezone(tz).date()
        histories.setdefault(review.item_id, []).append((day, int(review.rating)))
    return histories


def training_steps(history: list[tuple[date, int]]) -> list[tuple[int, int]]:
    """(rating, days since the previous answer) for each answer; the first has 0 days."""
    steps = []
    previous = None
    for day, rating in history:
        steps.append((rating, 0 if previous is None else (day - previous).days))
        previous = day
    return steps


def long_term_count(histories: dict[str, list[tuple[date, int]]]) -> tuple[int, int]:
    """(answers given on a later day than the item's previous answer, items with any)."""
    counts = [sum(1 for _, gap in training_steps(h)[1:] if gap > 0) for h in histories.values()]
    return sum(counts), sum(1 for c in counts if c)


def training_items(histories: dict[str, list[tuple[date, int]]]):
    """The optimizer's items: for each answer after the first, the history up to it (fsrs-rs learns
    to predict the last answer of each item from the ones before it); only prefixes ending in a
    later-day answer carry information about long-term memory."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    items = []
    for history in histories.values():
        steps = training_steps(history)
        for end in range(2, len(steps) + 1):
            if steps[end - 1][1] > 0:
                items.append(FSRSItem([FSRSReview(rating, gap) for rating, gap in steps[:end]]))
    return items


def fit(reviews, tz: tzinfo, current: tuple[float, ...] | None) -> Fit:
    """Fit parameters to `reviews`; raises QuizprepError when there is too little history or no optimizer."""
    histories = review_histories(reviews, tz)
    count, items = long_term_count(histories)
    if count < MIN_REVIEWS:
        raise QuizprepError(
            f"not enough history to fit your own parameters yet: {count} answers given a day or more after "
            f"the item's previous one, and the fit needs {MIN_REVIEWS}. "
            "Keep reviewing; the defaults serve well meanwhile."
        )
    try:
        from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS
    except ImportError:
        raise QuizprepError(INSTALL_HINT) from None
    data = training_items(histories)
    start = list(current) if current else list(DEFAULT_PARAMETERS)
    before = FSRS(start).evaluate(data)
    fitted = FSRS(start).compute_parameters(data)
    after = FSRS(fitted).evaluate(data)
    return Fit(
        tuple(round(float(w), 6) for w in fitted),
        count,
        items,
        float(before.log_loss),
        float(before.rmse_bins),
        float(after.log_loss),
        float(after.rmse_bins),
    )


def fit_and_store(conn, tz: tzinfo) -> Fit:
    """`quizprep optimize`: fit to the whole review log and keep the parameters as a setting."""
    from quizprep import config, store

    current = config.load(conn)["fsrs-parameters"]
    result = fit(store.reviews(conn), tz, current)
    config.store(conn, "fsrs-parameters", config.show_parameters(result.parameters))
    return result
