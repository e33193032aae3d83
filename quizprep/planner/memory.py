"""The FSRS-6 memory model in plain Python: forgetting curve, stability and difficulty updates.

`Memory` holds one set of 21 parameters and gives the scalar formulas that `review_state` (in
`quizprep.planner.state`) chains into a review, the same way the `fsrs` package's Scheduler does
with fuzzing off. The planner's versions over many items (for NumPy columns or one item at a time)
live in `quizprep.planner.values`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

# FSRS-6 default weights, as shipped with fsrs 6.x.
DEFAULT_PARAMETERS = (
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
    1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
)  # fmt: skip
# fsrs's own bounds for each weight; outside them its Scheduler refuses the parameters.
LOWER_BOUNDS = (
    0.001, 0.001, 0.001, 0.001, 1.0, 0.001, 0.001, 0.001, 0.0, 0.0, 0.001,
    0.001, 0.001, 0.001, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.1,
)  # fmt: skip
UPPER_BOUNDS = (
    100.0, 100.0, 100.0, 100.0, 10.0, 4.0, 4.0, 0.75, 4.5, 0.8, 3.5,
    5.0, 0.25, 0.9, 4.0, 1.0, 6.0, 2.0, 2.0, 0.8, 0.8,
)  # fmt: skip

STABILITY_MIN = 0.001
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


def parameter_problems(parameters) -> list[str]:
    """Every way `parameters` is not a valid FSRS-6 weight vector (empty when it is)."""
    values = list(parameters)
    if len(values) != len(DEFAULT_PARAMETERS):
        return [f"FSRS-6 needs 21 parameters, got {len(values)}"]
    problems = []
    for index, (value, low, high) in enumerate(zip(values, LOWER_BOUNDS, UPPER_BOUNDS)):
        if not (isinstance(value, (int, float)) and low <= value <= high):
            problems.append(f"parameters[{index}] = {value!r} is outside [{low}, {high}]")
    return problems


@dataclass(frozen=True)
class Memory:
    """FSRS-6 formulas for one parameter vector `w` (stabilities in days)."""

    w: tuple[float, ...]

    @property
    def decay(self) -> float:
        return self.w[20]

    @property
    def factor(self) -> float:
        # chosen so that recall is exactly 0.9 when elapsed time equals the stability
        return 0.9 ** (-1.0 / self.w[20]) - 1.0

    def recall(self, elapsed_days: float, stability: float) -> float:
        """R(t, S) = (1 + F t / S)^(-w20)."""
        return (1.0 + self.factor * max(elapsed_days, 0.0) / stability) ** -self.w[20]

    def initial_stability(self, rating: int) -> float:
        return max(self.w[rating - 1], STABILITY_MIN)

    def initial_difficulty(self, rating: int, clamp: bool = True) -> float:
        value = self.w[4] - math.exp(self.w[5] * (rating - 1)) + 1.0
        return min(max(value, 1.0), 10.0) if clamp else value

    def next_difficulty(self, difficulty: float, rating: int) -> float:
        change = -self.w[6] * (rating - 3)
        damped = difficulty + (10.0 - difficulty) * change / 9.0
        # mean reversion towards the (unclamped) initial difficulty of an Easy first answer
        value = self.w[7] * self.initial_difficulty(EASY, clamp=False) + (1.0 - self.w[7]) * damped
        return min(max(value, 1.0), 10.0)

    def short_term_stability(self, stability: float, rating: int) -> float:
        """Stability after a second look on the same day (less than a whole day since the last)."""
        growth = math.exp(self.w[17] * (rating - 3 + self.w[18])) * stability ** -self.w[19]
        if rating >= HARD:
            growth = max(growth, 1.0)
        return max(stability * growth, STABILITY_MIN)

    def success_stability(self, difficulty: float, stability: float, recall: float, rating: int) -> float:
        hard = self.w[15] if rating == HARD else 1.0
        easy = self.w[16] if rating == EASY else 1.0
        growth = (
            math.exp(self.w[8]) * (11.0 - difficulty) * stability ** -self.w[9]
            * (math.exp((1.0 - recall) * self.w[10]) - 1.0) * hard * easy
        )  # fmt: skip
        return max(stability * (1.0 + growth), STABILITY_MIN)

    def lapse_stability(self, difficulty: float, stability: float, recall: float) -> float:
        long_term = (
            self.w[11] * difficulty ** -self.w[12] * ((stability + 1.0) ** self.w[13] - 1.0)
            * math.exp((1.0 - recall) * self.w[14])
        )  # fmt: skip
        short_term = stability / math.exp(self.w[17] * self.w[18])
        return max(min(long_term, short_term), STABILITY_MIN)

    def next_stability(self, difficulty: float, stability: float, recall: float, rating: int) -> float:
        if rating == AGAIN:
            return self.lapse_stability(difficulty, stability, recall)
        return self.success_stability(difficulty, stability, recall, rating)

    def interval_days(self, stability: float, desired_retention: float, maximum: int = 36500) -> int:
        """Whole days until recall is expected to fall to `desired_retention` (at least 1)."""
        days = stability / self.factor * (desired_retention ** (-1.0 / self.w[20]) - 1.0)
        return min(max(round(days), 1), maximum)


@lru_cache(maxsize=16)
def memory_for(parameters: tuple[float, ...] | None) -> Memory:
    return Memory(DEFAULT_PARAMETERS if parameters is None else tuple(float(x) for x in parameters))
