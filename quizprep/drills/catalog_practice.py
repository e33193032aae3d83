"""Drill names with (title, topic) for optimisation practice, losses and numerics (issue 9); merged into quizprep.drills.CATALOG."""

CATALOG: dict[str, tuple[str, str]] = {
    "label-smoothed-target": ("Label-smoothed targets for the true and other classes", "losses"),
    "focal-loss-value": ("Focal loss and cross-entropy of one anchor", "losses"),
    "log-sum-exp-value": ("Log-sum-exp and log-softmax of huge logits", "losses"),
    "adamw-step": ("One AdamW step: decoupled decay and new weight", "optimization"),
    "linear-scaled-lr": ("Learning rate scaled for a bigger batch, with warmup", "optimization"),
    "gradient-check-error": ("Central difference and relative error of a gradient check", "optimization"),
}
