"""Drill names with (title, topic) for initialisation, activations and normalisation (issue 9); merged into quizprep.drills.CATALOG."""

CATALOG: dict[str, tuple[str, str]] = {
    "he-xavier-std": ("He and Xavier weight standard deviations", "training-practice"),
    "layer-norm-value": ("Layer norm and RMSNorm of one feature", "training-practice"),
    "silu-gelu-value": ("SiLU and GELU at a point", "activations"),
    "bn-running-stats": ("Batch norm's running mean and variance update", "training-practice"),
    "linear-layers-merge": ("One layer equal to two stacked linear layers", "activations"),
}
