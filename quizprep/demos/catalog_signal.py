"""Demo names and summaries for initialisation, activations and normalisation (issue 9); merged into quizprep.demos.catalog.DEMOS."""

DEMOS: dict[str, str] = {
    "he-vs-xavier": "Activation variance layer by layer under Xavier and He initialisation, for tanh and ReLU.",
    "dead-relu": "One large gradient step pushes ReLU biases negative and leaves units dead with zero gradient.",
    "gelu-silu": "GELU and SiLU values and derivatives next to ReLU, with the dip below zero.",
    "linear-collapse": "Two stacked linear layers give exactly the output of one matrix W2·W1 and bias W2·b1 + b2.",
    "xor-minimal": "XOR with two ReLU hidden units and explicit weights; no single hidden unit can do it.",
    "layer-norm-vs-batch-norm": "Normalise one batch over each axis: batch norm per feature, layer norm and RMSNorm per example.",
    "batch-norm-inference": "Running statistics built with momentum, and train-mode against eval-mode outputs of batch norm.",
}
