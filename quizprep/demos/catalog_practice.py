"""Demo names and summaries for optimisation practice, losses and numerics (issue 9); merged into quizprep.demos.catalog.DEMOS."""

DEMOS: dict[str, str] = {
    "nesterov-vs-momentum": "Heavy-ball and Nesterov momentum in the same valley, with each method's shrink factor per step.",
    "adamw-vs-l2": "Under Adam an L2 term is rescaled per weight; AdamW's decoupled decay shrinks every weight alike.",
    "linear-scaling-rule": "Bigger batches with the same, square-root-scaled and linearly scaled learning rate, and where it breaks.",
    "gradient-check": "Backprop against central differences: relative errors, a planted bug, and the best epsilon.",
    "val-below-train": "Dropout and epoch averaging make the logged training loss sit above the validation loss.",
    "softmax-ce-gradient": "The softmax cross-entropy gradient p - y against finite differences.",
    "log-sum-exp": "Naive log-sum-exp overflowing and underflowing, and the max trick that fixes it.",
    "label-smoothing": "Smoothed targets give the logits a finite optimum; hard targets push them up forever.",
    "focal-loss": "Focal loss down-weighting easy examples, against plain and alpha-balanced cross-entropy.",
    "fp16-loss-scaling": "Small gradients underflowing to zero in float16, rescued by (dynamic) loss scaling; bfloat16 beside them.",
    "fp16-master-weights": "Small updates rounded away in float16 and bfloat16 weights, kept by a float32 master copy.",
}
