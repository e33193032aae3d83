"""Drill names with (title, topic) for initialisation, activations and normalisation (issue 9); merged into quizprep.drills.CATALOG."""

CATALOG: dict[str, tuple[str, str]] = {}
