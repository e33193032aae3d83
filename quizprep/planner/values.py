"""The planner's formulas over items: stabilities after a review, the value of a review now, masks.

Each function takes `xp` first (`numpy`, or `quizprep.planner.arrays.SCALAR` for plain floats),
then one value per item for each column it reads, then constants. The same code thus scores a
whole NumPy column at once or one item at a time; `quizprep.planner.arrays` decides which. Only
exp, expm1, maximum, minimum, where and floor come from `xp`; arithmetic and comparisons are
the operators, and masks are combined with & (never `not` or ~, which differ between the two).
"""

from __future__ import annotations

import math

from quizprep.planner.memory import STABILITY_MIN

DAY = 86400.0


def days_since(xp, last_ts, now_ts):
    """Days since the last review (never negative), and the whole days of it that fsrs counts."""
    elapsed = xp.maximum((now_ts - last_ts) / DAY, 0.0)
    return elapsed, xp.floor(elapsed)


def stabilities_after(xp, stability, inverse, growth, lapse_scale, lapse_cap, short_good, short_again, whole, w):
    """Stabilities after a Good and after an Again, reviewed `whole` days after the last review
    (FSRS-6 as fsrs applies it: whole elapsed days; under one day, the same-day rule). The other
    columns are the clock-free parts kept by `quizprep.planner.columns`."""
    lapsed = 1.0 - (1.0 + inverse * whole) ** -w[20]  # 1 - recall at whole days
    same_day = whole < 1
    good = stability + growth * xp.expm1(lapsed * w[10])
    again = xp.maximum(xp.minimum(lapse_scale * xp.exp(lapsed * w[14]), lapse_cap), STABILITY_MIN)
    return xp.where(same_day, short_good, good), xp.where(same_day, short_again, again)


def stabilities_now_and_next_day(xp, stability, inverse, growth, lapse_scale, lapse_cap, short_good, short_again,
                                 whole, w):  # fmt: skip
    """Good and Again stabilities for a review now, then for one a day later."""
    parts = (stability, inverse, growth, lapse_scale, lapse_cap, short_good, short_again)
    return stabilities_after(xp, *parts, whole, w) + stabilities_after(xp, *parts, whole + 1.0, w)


def recall_at_target(xp, inverse, elapsed, reach, good, again, power):
    """Expected recall at T after a review `elapsed` days after the last one, averaged over its
    outcome (Good with the recall probability p at the review, Again otherwise); and p.
    `reach` is F times the days from the review to T."""
    p = (1.0 + inverse * elapsed) ** power
    kept = p * (1.0 + reach / good) ** power + (1.0 - p) * (1.0 + reach / again) ** power
    return kept, p


def review_scores(xp, inverse, elapsed, good, again, good_next, again_next, left_days, factor, power, seconds,
                  defer_weight):  # fmt: skip
    """Expected gain in recall at T per expected second of a review now; the same gain less
    `defer_weight` times what waiting a day would add to it (None when T is a day away or less:
    then nothing waits); and the expected seconds of a review now (`seconds`: recall, lapse)."""
    recall_s, lapse_s = seconds
    without = (1.0 + inverse * (elapsed + left_days)) ** power  # recall at T if not studied
    kept, p = recall_at_target(xp, inverse, elapsed, factor * left_days, good, again, power)
    cost = recall_s + (lapse_s - recall_s) * (1.0 - p)
    gain = kept - without
    if defer_weight is None:
        return gain / cost, None, cost
    later, _ = recall_at_target(xp, inverse, elapsed + 1.0, factor * (left_days - 1.0), good_next, again_next, power)
    held = gain - defer_weight * xp.maximum(later - without - gain, 0.0)
    return gain / cost, held / cost, cost


def affordable(xp, score, cost, left_s):
    """The score of an item with at least half its expected time left today; minus infinity otherwise."""
    return xp.where(cost <= 2.0 * left_s, score, -math.inf)


def positive(xp, score):
    return score > 0


def differs(xp, value, remembered):
    return value != remembered


def unseen(xp, phase):
    return phase == 0


def first_seen_since(xp, first_ts, start_ts):
    return first_ts >= start_ts


def reviewed_since(xp, seen, last_ts, first_ts, start_ts):
    """Seen before `start_ts` and answered since."""
    return seen & (last_ts >= start_ts) & (first_ts < start_ts)


def step_due(xp, seen, phase, due_ts, moment_ts):
    """In a learning or relearning step due by `moment_ts`."""
    return seen & (phase != 2) & (due_ts <= moment_ts)


def review_due(xp, seen, phase, due_ts, moment_ts):
    return seen & (phase == 2) & (due_ts <= moment_ts)
