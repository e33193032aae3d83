#!/usr/bin/env python3
"""Simulate learners preparing for an interview under several schedulers and print Markdown tables.

usage: python scripts/simulate.py [--quick] [--items 343] [--seeds 20] [--workers 2] [--only LEARNER]

The learner's memory is this script's own FSRS-6 (fsrs's default weights, continuous time), with
its own seeded numpy Generator: a first look leaves the item at the stability of a Good answer;
afterwards each recall succeeds with the learner's TRUE recall probability (success: Good, or Hard
/ Easy with 5% each; failure: Again). Costs: 60 s a first look, 20 s a recall, 40 s a lapse. One
session a day at 19:00 in America/New_York (a daylight-saving change falls inside every run); the
interview is at 10:00 local on the last day; `spent_today_s` restarts at local midnight.

Learners: `default` (exactly the planner's model), `faster` (forgets 1.5x faster than assumed:
true stabilities divided by 1.5), `spread` (per-item initial difficulty +- N(0, 2) and per-item
forgetting speed lognormal(0, 0.4)).

Schedulers, all given the same minutes a day: quizprep with the interview date (through
quizprep.api); quizprep without a date at retention 0.8 / 0.9 / 0.95 (plain FSRS: due cards, then
new items, until the minutes are used); Anki's SM-2 (the anki-sm-2 package); and a greedy oracle
that knows the learner's true model and state. Runs without a budget compare quizprep's stopping
rule with plain FSRS at 0.95 and its default limits of 20 new and 200 reviews a day.
"""

from __future__ import annotations

import argparse
import copy
import math
import random
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from multiprocessing import Pool
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizprep.api import Policy, answer, next_item  # noqa: E402

ZONE = ZoneInfo("America/New_York")
FIRST_DAY = datetime(2026, 3, 2, tzinfo=ZONE)
SESSION_HOUR, INTERVIEW_HOUR = 19, 10
NEW_S, RECALL_S, LAPSE_S = 60.0, 20.0, 40.0
DAY = 86400.0
# The learner's weights: fsrs's FSRS-6 defaults, written out here so the learner shares no code with quizprep.
TRUE_W = (
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
    1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
)  # fmt: skip
LEARNERS = ("default", "faster", "spread")


class Learner:
    """True memory of every item: FSRS-6 stability and difficulty, with per-item forgetting speed."""

    def __init__(self, items: int, kind: str, seed: int):
        self.rng = np.random.default_rng([seed, LEARNERS.index(kind)])
        self.w = TRUE_W
        self.factor = 0.9 ** (-1.0 / self.w[20]) - 1.0
        self.speed = np.ones(items)  # > 1: forgets faster than the stability says
        self.offset = np.zeros(items)  # added to the initial difficulty
        if kind == "faster":
            self.speed[:] = 1.5
        elif kind == "spread":
            self.offset = self.rng.normal(0.0, 2.0, items)
            self.speed = self.rng.lognormal(0.0, 0.4, items)
        self.stability = np.ones(items)
        self.difficulty = np.full(items, 5.0)
        self.last = np.zeros(items)  # days
        self.seen = np.zeros(items, dtype=bool)
        # clock-free parts of each item's next stabilities, for the oracle (kept by refresh)
        self.parts = {name: np.ones(items) for name in ("short_good", "short_again", "growth", "lapse", "cap")}

    def recall(self, t_days, index=slice(None)):
        """True recall probability at `t_days` (0 for unseen items)."""
        elapsed = np.maximum(t_days - self.last[index], 0.0) * self.speed[index]
        value = (1.0 + self.factor * elapsed / self.stability[index]) ** -self.w[20]
        return np.where(self.seen[index], value, 0.0)

    def study(self, index: int, t_days: float) -> tuple[int, float]:
        """Show item `index` at `t_days`; returns the rating given and the seconds it took."""
        w = self.w
        if not self.seen[index]:
            self.seen[index] = True
            self.stability[index] = w[2]
            self.difficulty[index] = clamp(w[4] - math.exp(w[5] * 2) + 1.0 + self.offset[index], 1.0, 10.0)
            self.last[index] = t_days
            self.refresh(index)
            return 3, NEW_S
        elapsed = max(t_days - self.last[index], 0.0) * self.speed[index]
        p = (1.0 + self.factor * elapsed / self.stability[index]) ** -w[20]  # plain math: one item
        draw = self.rng.random()
        if draw < p:
            rating = 2 if draw < 0.05 * p else 4 if draw > 0.95 * p else 3
        else:
            rating = 1
        self.update(index, t_days, p, rating)
        return rating, RECALL_S if rating > 1 else LAPSE_S

    def update(self, index: int, t_days: float, p: float, rating: int) -> None:
        s, d = self.stability[index], self.difficulty[index]
        self.stability[index] = true_next_stability(self.w, s, d, p, rating, t_days - self.last[index] < 1.0)
        easy_d = self.w[4] - math.exp(self.w[5] * 3) + 1.0
        damped = d + (10.0 - d) * (-self.w[6] * (rating - 3)) / 9.0
        self.difficulty[index] = clamp(self.w[7] * easy_d + (1 - self.w[7]) * damped, 1.0, 10.0)
        self.last[index] = t_days
        self.refresh(index)

    def refresh(self, index: int) -> None:
        w, s, d = self.w, self.stability[index], self.difficulty[index]
        self.parts["short_good"][index] = true_next_stability(w, s, d, 1.0, 3, True)
        self.parts["short_again"][index] = true_next_stability(w, s, d, 1.0, 1, True)
        self.parts["growth"][index] = math.exp(w[8]) * (11 - d) * s ** (1 - w[9])
        self.parts["lapse"][index] = w[11] * d ** -w[12] * ((s + 1) ** w[13] - 1)
        self.parts["cap"][index] = s / math.exp(w[17] * w[18])

    def oracle_gains(self, t_days: float, target_days: float):
        """Expected gain in true recall at the target per expected second, for every item (unseen: first look)."""
        w, power = self.w, -self.w[20]
        p = self.recall(t_days)
        miss = 1.0 - p
        same, parts = (t_days - self.last) < 1.0, self.parts
        good = np.where(same, parts["short_good"], self.stability + parts["growth"] * np.expm1(miss * w[10]))
        bad = np.minimum(parts["lapse"] * np.exp(miss * w[14]), parts["cap"])
        bad = np.where(same, parts["short_again"], np.maximum(bad, 0.001))
        reach = self.factor * (target_days - t_days) * self.speed  # true elapsed-time factor up to the target
        kept = p * (1.0 + reach / good) ** power + miss * (1.0 + reach / bad) ** power
        gain = np.where(self.seen, kept - self.recall(target_days), (1.0 + reach / w[2]) ** power)
        cost = np.where(self.seen, RECALL_S + (LAPSE_S - RECALL_S) * miss, NEW_S)
        return gain, cost


def true_next_stability(w, s, d, r, rating, same_day):
    """The learner's FSRS-6 stability after a rating (same day: short-term rule)."""
    if same_day:
        growth = math.exp(w[17] * (rating - 3 + w[18])) * s ** -w[19]
        return max(s * (max(growth, 1.0) if rating > 1 else growth), 0.001)
    if rating == 1:
        long_term = w[11] * d ** -w[12] * ((s + 1) ** w[13] - 1) * math.exp((1 - r) * w[14])
        return max(min(long_term, s / math.exp(w[17] * w[18])), 0.001)
    bonus = w[15] if rating == 2 else w[16] if rating == 4 else 1.0
    return max(s * (1 + math.exp(w[8]) * (11 - d) * s ** -w[9] * (math.exp((1 - r) * w[10]) - 1) * bonus), 0.001)


def clamp(x, low, high):
    return min(max(x, low), high)


@dataclass(frozen=True)
class Run:
    learner: str
    days: int
    minutes: float | None
    seed: int
    items: int


def days_of(moment: datetime) -> float:
    return moment.timestamp() / DAY


class QuizprepChooser:
    """Any quizprep.api policy, called exactly as documented."""

    def __init__(self, items: int, policy: Policy):
        self.ids = [f"item{i:05d}" for i in range(items)]
        self.index = {key: i for i, key in enumerate(self.ids)}
        self.cards = dict.fromkeys(self.ids)
        self.policy = policy

    def pick(self, now: datetime, spent: float):
        key = next_item(self.cards, now, self.policy, spent)
        return None if key is None else self.index[key]

    def record(self, index: int, rating: int, now: datetime, seconds: float) -> None:
        key = self.ids[index]
        self.cards[key] = answer(self.cards[key], rating, now, self.policy, seconds)


class Sm2Chooser:
    """Anki SM-2: due learning steps, due reviews, new items, learning steps due within 20 minutes.
    Stops when less than 10 s of the budget is left (or, without one, after 20 new items a day)."""

    def __init__(self, items: int, minutes: float | None, seed: int):
        import anki_sm_2.anki_sm_2 as package
        from anki_sm_2 import Scheduler

        # its cards hold only numbers, enums and datetimes: a shallow copy is the same, and much cheaper
        package.deepcopy = copy.copy
        random.seed(seed)  # anki-sm-2 fuzzes intervals with the random module
        self.scheduler = Scheduler()
        self.cards: list = [None] * items
        self.due = np.full(items, np.inf)  # epoch seconds; unseen: never due
        self.stepping = np.zeros(items, dtype=bool)  # learning or relearning
        self.minutes = minutes
        self.new_today, self.day, self.next_new = 0, None, 0

    def pick(self, now: datetime, spent: float):
        if self.minutes is not None and self.minutes * 60 - spent < 10:
            return None
        day = now.astimezone(ZONE).date()
        if day != self.day:
            self.day, self.new_today = day, 0
        moment = now.timestamp()
        for mask in (self.stepping & (self.due <= moment), ~self.stepping & (self.due <= moment)):
            if mask.any():
                return int(np.argmin(np.where(mask, self.due, np.inf)))
        if self.next_new < len(self.cards) and (self.minutes is not None or self.new_today < 20):
            self.new_today += 1
            return self.next_new
        soon = self.stepping & (self.due <= moment + 20 * 60)
        return int(np.argmin(np.where(soon, self.due, np.inf))) if soon.any() else None

    def record(self, index: int, rating: int, now: datetime, seconds: float) -> None:
        from anki_sm_2 import Card, Rating

        utc = now.astimezone(timezone.utc)
        if self.cards[index] is None:
            self.next_new += 1
        card = self.cards[index] or Card(card_id=index, due=utc)
        card, _ = self.scheduler.review_card(card, Rating(rating), utc)
        self.cards[index] = card
        self.due[index], self.stepping[index] = card.due.timestamp(), card.state != 2


class OracleChooser:
    """Greedy on the TRUE learner: the most expected true recall at T per expected second."""

    def __init__(self, learner: Learner, minutes: float, target: datetime):
        self.learner, self.minutes, self.target = learner, minutes, days_of(target)

    def pick(self, now: datetime, spent: float):
        left = self.minutes * 60 - spent
        if left <= 0:
            return None
        gain, cost = self.learner.oracle_gains(days_of(now), self.target)
        value = np.where(cost <= 2 * left, gain / cost, -np.inf)
        best = int(np.argmax(value))
        return best if np.isfinite(value[best]) else None

    def record(self, index, rating, now, seconds):
        pass  # the learner's state is the oracle's state


def simulate(chooser, learner: Learner, run: Run) -> tuple[float, int, float]:
    """Run the daily sessions; returns mean true recall at the interview, items >= 0.9, minutes spent."""
    start = FIRST_DAY
    target = (start + timedelta(days=run.days)).replace(hour=INTERVIEW_HOUR)
    total = 0.0
    cap = 8 * 3600.0  # no session runs longer than this, whatever the scheduler says
    for day in range(run.days):
        now = (start + timedelta(days=day)).replace(hour=SESSION_HOUR).astimezone(timezone.utc)
        midnight = (start + timedelta(days=day + 1)).astimezone(timezone.utc)
        spent = session = 0.0
        while session < cap:
            index = chooser.pick(now, spent)
            if index is None:
                break
            rating, seconds = learner.study(index, days_of(now))
            chooser.record(index, rating, now, seconds)
            before = now
            now = now + timedelta(seconds=seconds)
            spent = seconds if before < midnight <= now else spent + seconds
            session += seconds
            if before < midnight <= now:
                midnight += timedelta(days=1)
        total += session
    recall = learner.recall(days_of(target))
    return float(recall.mean()), int(np.count_nonzero(recall >= 0.9)), total / 60.0


def interview_moment(days: int) -> datetime:
    return (FIRST_DAY + timedelta(days=days)).replace(hour=INTERVIEW_HOUR)


def choosers_for(run: Run, learner: Learner) -> dict:
    """Each scheduler to compare on this run, built fresh (the learner is rebuilt for each one)."""
    minutes, target = run.minutes, interview_moment(run.days)
    budget = {"new_per_day": None, "reviews_per_day": None} if minutes is not None else {}
    made = {
        "quizprep (date)": lambda: QuizprepChooser(
            run.items, Policy(interview_at=target, daily_minutes=minutes, tz=ZONE)
        )
    }
    retentions = (0.8, 0.9, 0.95) if minutes is not None else (0.95,)
    for retention in retentions:
        policy = Policy(daily_minutes=minutes, desired_retention=retention, tz=ZONE, **budget)
        made[f"FSRS {retention} (no date)"] = lambda policy=policy: QuizprepChooser(run.items, policy)
    made["Anki SM-2"] = lambda: Sm2Chooser(run.items, minutes, run.seed)
    if minutes is not None:
        made["greedy oracle"] = lambda: OracleChooser(learner, minutes, target)
    return made


def one_run(run: Run) -> dict:
    results = {}
    names = list(choosers_for(run, Learner(run.items, run.learner, run.seed)))
    for name in names:
        learner = Learner(run.items, run.learner, run.seed)
        chooser = choosers_for(run, learner)[name]()
        results[name] = simulate(chooser, learner, run)
    return {"run": run, "results": results}


T_975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
         14: 2.145, 15: 2.131, 19: 2.093, 24: 2.064, 29: 2.045, 39: 2.023}  # fmt: skip


def interval(values: list[float]) -> tuple[float, float]:
    """Mean and half-width of a 95% t interval over seeds."""
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, float("nan")
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    t = T_975.get(n - 1) or T_975[max(k for k in T_975 if k <= n - 1)]
    return mean, t * sd / math.sqrt(n)


def table(learner: str, days: int, minutes: float | None, outcomes: list[dict], items: int) -> str:
    rows = [r["results"] for r in outcomes]
    names = list(rows[0])
    oracle = interval([r["greedy oracle"][0] for r in rows])[0] if "greedy oracle" in names else None
    budget = f"{minutes:g} min/day" if minutes is not None else "no daily budget"
    lines = [
        f"#### {learner} learner, {days} days, {budget} ({len(rows)} seeds, {items} items)",
        "",
        "| scheduler | recall at T (mean ± 95%) | vs oracle | items ≥ 0.9 | minutes spent (total) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name in names:
        mean, half = interval([r[name][0] for r in rows])
        strong = sum(r[name][1] for r in rows) / len(rows)
        spent = sum(r[name][2] for r in rows) / len(rows)
        share = f"{mean / oracle:.1%}" if oracle else "-"
        lines.append(
            f"| {name} | {mean:.3f} ± {half:.3f} | {share} | {strong:.0f} ({strong / items:.0%}) | {spent:.0f} |"
        )
    return "\n".join(lines)


def grid(quick: bool, learners: list[str]) -> list[tuple[str, int, float | None]]:
    if quick:
        return [("default", 14, 30.0)]
    cells = [(kind, days, float(m)) for kind in learners for days in (7, 14, 30, 60) for m in (15, 30, 60)]
    return cells + [(kind, days, None) for kind in learners for days in (21, 30)]


def bench(studied: int, unseen: int, calls: int = 300, interview: bool = True) -> str:
    """Median time of next_item over `studied` studied items and `unseen` unseen ones, answering in
    between; with an interview in 14 days, or plain FSRS (no date)."""
    import statistics

    rng = np.random.default_rng(0)
    now = datetime(2026, 6, 1, 18, tzinfo=timezone.utc)
    target = now + timedelta(days=14) if interview else None
    policy = Policy(interview_at=target, daily_minutes=10_000, tz=ZONE, new_per_day=None, reviews_per_day=None)
    cards = {}
    for i in range(studied):
        state, moment = None, now - timedelta(days=float(rng.uniform(1, 90)))
        for _ in range(int(rng.integers(1, 5))):
            state = answer(state, int(rng.choice([1, 3, 3, 3])), moment, policy)
            moment += timedelta(days=float(rng.uniform(0.5, 15)))
            if moment > now:
                break
        cards[f"seen{i}"] = state
    cards.update((f"new{i}", None) for i in range(unseen))
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        key = next_item(cards, now, policy, 0.0)
        times.append(time.perf_counter() - started)
        cards[key] = answer(cards[key], 3, now, policy, 20.0)
        now += timedelta(seconds=20)
    median, worst = statistics.median(times) * 1e3, max(times) * 1e3
    mode = "interview" if interview else "no date"
    return (
        f"next_item over {studied} states + {unseen} unseen ({mode}): median {median:.2f} ms, max {worst:.1f} ms"
        f" ({calls} calls)"
    )


def bench_all() -> None:
    """10,000 studied + 10,000 unseen items; the bundled bank's size (561 items) both ways."""
    from quizprep.planner.arrays import held_as

    print(bench(10_000, 10_000))
    for kind in ("lists", "numpy"):
        with held_as(kind):
            for studied, interview in ((280, True), (561, True), (280, False)):
                print(f"{kind:>5}:", bench(studied, 561 - studied, interview=interview))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="14 days, 30 min/day, default learner, 8 seeds")
    parser.add_argument("--items", type=int, default=343)
    parser.add_argument("--seeds", type=int, default=None, help="learner seeds per cell (default 20; 8 with --quick)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=LEARNERS, action="append", help="learner(s) to run (default: all three)")
    parser.add_argument(
        "--bench",
        action="store_true",
        help="only time next_item: 10,000 states and 10,000 unseen items, then 561 items with lists and with NumPy",
    )
    args = parser.parse_args(argv)
    if args.bench:
        bench_all()
        return
    seeds = args.seeds or (8 if args.quick else 20)
    cells = grid(args.quick, args.only or list(LEARNERS))
    runs = [Run(kind, days, minutes, seed, args.items) for kind, days, minutes in cells for seed in range(seeds)]
    runs.sort(key=lambda r: -(r.days * (r.minutes or 120)))  # longest first, for even load
    started = time.perf_counter()
    if args.workers > 1:
        with Pool(args.workers) as pool:
            outcomes = pool.map(one_run, runs, chunksize=1)
    else:
        outcomes = [one_run(run) for run in runs]
    for kind, days, minutes in cells:
        chosen = [o for o in outcomes if (o["run"].learner, o["run"].days, o["run"].minutes) == (kind, days, minutes)]
        print(table(kind, days, minutes, chosen, args.items), end="\n\n")
    print(f"{len(runs)} learner runs in {time.perf_counter() - started:.1f} s with {args.workers} worker(s)")


if __name__ == "__main__":
    main()
