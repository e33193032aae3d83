"""Demo names and summaries for CNN arithmetic, attention and transformers (issue 9); merged into quizprep.demos.catalog.DEMOS."""

DEMOS: dict[str, str] = {}
