"""Drill names with (title, topic) for CNN arithmetic, attention and transformers (issue 9); merged into quizprep.drills.CATALOG."""

CATALOG: dict[str, tuple[str, str]] = {}
