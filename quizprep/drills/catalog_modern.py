"""Drill names with (title, topic) for generative and representation learning, smaller models, honest data (issue 9); merged into quizprep.drills.CATALOG."""

CATALOG: dict[str, tuple[str, str]] = {}
