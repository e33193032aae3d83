"""Demo names and summaries for initialisation, activations and normalisation (issue 9); merged into quizprep.demos.catalog.DEMOS."""

DEMOS: dict[str, str] = {}
