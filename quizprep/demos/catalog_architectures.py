"""Demo names and summaries for CNN arithmetic, attention and transformers (issue 9); merged into quizprep.demos.catalog.DEMOS."""

DEMOS: dict[str, str] = {
    "dilated-conv": "A dilated convolution: effective kernel, output size, and receptive fields of dilated stacks.",
    "conv-param-count": "Counting a conv layer's weights and biases against a dense layer, and the bias batch norm makes redundant.",
    "one-by-one-conv": "A 1x1 convolution mixes channels pixel by pixel; a bottleneck of them saves weights.",
    "depthwise-separable": "Depthwise-separable against standard convolution: parameters, multiply-adds, same output shape.",
    "transposed-conv": "Upsampling with a transposed convolution: output size, overlapping stamps and checkerboards.",
    "attention-scaling": "Why attention divides by sqrt(d_k): the variance of q·k and softmax saturation by head size.",
    "attention-cost": "The n x n score matrix's memory by sequence length, and exact attention computed tile by tile.",
    "kv-cache": "Greedy decoding with and without a KV cache: identical tokens, far less compute, memory per token.",
    "rope": "Rotary position embeddings: rotated queries and keys whose dot product depends only on distance.",
    "weight-tying": "Sharing the embedding matrix with the output layer: parameters saved, logits as dot products.",
    "bpe-merges": "Byte-pair encoding learns merges on a tiny corpus and splits unseen words into known pieces.",
}
