"""Demo names and summaries for optimisation practice, losses and numerics (issue 9); merged into quizprep.demos.catalog.DEMOS."""

DEMOS: dict[str, str] = {}
