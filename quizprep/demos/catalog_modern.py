"""Demo names and summaries for generative and representation learning, smaller models, honest data (issue 9); merged into quizprep.demos.catalog.DEMOS."""

DEMOS: dict[str, str] = {
    "vae-reparam": "The gradient of the mean of f(z) by reparameterization z = mu + sigma*eps against the noisier score-function estimate.",
    "gan-mode-collapse": "A generator trained hard against a frozen discriminator piles onto one mode of a mixture and hops between modes.",
    "teacher-forcing": "Decoder inputs with and without teacher forcing, and how one slip compounds when the decoder feeds itself.",
    "beam-search": "Greedy against beam search on a tiny next-token table where greedy loses, with length-normalised scores.",
    "contrastive-infonce": "The InfoNCE loss of a batch of embedding pairs and how the temperature focuses it on hard negatives.",
    "distillation-soft-targets": "Softmax at temperature T reveals a teacher's dark knowledge; the KL to soft targets and its T^2 factor.",
    "magnitude-pruning": "Zero the smallest weights of a linear classifier: test accuracy against sparsity, with and without refitting.",
    "int8-quantization": "Affine int8 quantization: scale, zero point, codes and round-trip error, against symmetric and an outlier.",
    "data-leakage": "Feature selection or duplicates leaking across folds give high validation scores on pure noise.",
    "double-descent": "Min-norm least squares on random features: test error peaks at the interpolation threshold, then falls.",
    "compute-optimal-scaling": "A scaling law L(N, D) and the model size and data that minimise loss for each compute budget.",
}
