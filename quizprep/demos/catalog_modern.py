"""Demo names and summaries for generative and representation learning, smaller models, honest data (issue 9); merged into quizprep.demos.catalog.DEMOS."""

DEMOS: dict[str, str] = {}
