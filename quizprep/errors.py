"""The exception type for mistakes a user can fix, and the bank's problem report."""

from __future__ import annotations

from dataclasses import dataclass


class QuizprepError(Exception):
    """A failure the user can fix; the CLI prints it as `Error: ...` and exits with `exit_code`."""

    exit_code = 1


class BadValueError(QuizprepError):
    """An option or argument names something that does not exist (a topic, an id): a usage error."""

    exit_code = 2


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a bank file, reported as `FILE:LINE: ID: message`."""

    file: str
    line: int
    item_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.item_id or '-'}: {self.message}"


class BankError(QuizprepError):
    """The bank has problems; every one of them is carried, sorted by file and line."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"the question bank has {count} {noun}:\n{lines}")
