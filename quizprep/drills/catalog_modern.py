"""Drill names with (title, topic) for generative and representation learning, smaller models, honest data (issue 9); merged into quizprep.drills.CATALOG."""

CATALOG: dict[str, tuple[str, str]] = {
    "int8-quantization-params": ("Int8 zero point and code of a value", "efficiency-and-data"),
    "distillation-temperature": ("A distillation soft target at temperature T", "efficiency-and-data"),
    "infonce-loss": ("InfoNCE loss of one anchor in a batch", "generative-unsupervised"),
    "pruned-param-count": ("Parameters left after unstructured and structured pruning", "efficiency-and-data"),
    "beam-length-normalization": ("Length-normalised beam scores of two hypotheses", "sequence-models"),
}
