"""What every command needs, built once by the CLI from its options and handed to the core.

A Context carries the moment the command started, the user's time zone, the extra
banks, the seed and the interview date given on the command line. It loads the
bank once, opens the state database, and merges the stored settings with the
command line into the scheduling Policy, so no command does any of that itself.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path


@dataclass
class Selection:
    """The --topic, --tag and --difficulty filters."""

    topics: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    difficulties: list[int] = field(default_factory=list)


@dataclass
class Context:
    now: datetime
    tz: tzinfo
    bank_paths: list[Path] = field(default_factory=list)
    seed: int | None = None
    interview_date: date | None = None
    _bank: object | None = field(default=None, repr=False)

    def bank(self):
        """The loaded banks (bundled, $QUIZPREP_BANK, --bank), loaded on first use."""
        if self._bank is None:
            from quizprep.bank import load_bank

            self._bank = load_bank(self.bank_paths)
        return self._bank

    def items(self, selection: Selection):
        from quizprep.bank.select import select_items

        return select_items(self.bank(), selection.topics, selection.tags, selection.difficulties)

    def today(self) -> date:
        """The user's local date."""
        from quizprep.clock import local_day

        return local_day(self.now, self.tz)

    def draw_seed(self) -> int:
        """The seed given, or a fresh one (printed by the caller, so the session can be replayed)."""
        if self.seed is None:
            import secrets

            self.seed = secrets.randbelow(1_000_000)
        return self.seed

    @contextmanager
    def state(self) -> Iterator[sqlite3.Connection]:
        """The state database, closed afterwards."""
        from quizprep import store

        conn = store.open_state()
        try:
            yield conn
        finally:
            conn.close()

    def plan(self, settings: dict):
        """The schedule's settings: stored ones, with the command line's interview date winning."""
        from quizprep.clock import interview_date
        from quizprep.scheduler import Plan

        return Plan(
            desired_retention=settings["desired-retention"],
            interview_date=interview_date(self.interview_date, settings["interview-date"], self.today()),
            interview_time=settings["interview-time"],
            daily_minutes=settings["daily-minutes"],
            parameters=settings["fsrs-parameters"],
            new_per_day=settings["new-per-day"],
            reviews_per_day=settings["reviews-per-day"],
        )

    def policy(self, conn: sqlite3.Connection):
        """The scheduling policy in force: settings, interview, fitted parameters, the user's own answer times."""
        from quizprep import config, store
        from quizprep.scheduler import expected_seconds, make_policy

        plan = self.plan(config.load(conn))
        return make_policy(plan, self.tz, expected_seconds(store.review_durations(conn)))
