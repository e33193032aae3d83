"""Drill names with (title, topic) for optimisation practice, losses and numerics (issue 9); merged into quizprep.drills.CATALOG."""

CATALOG: dict[str, tuple[str, str]] = {}
