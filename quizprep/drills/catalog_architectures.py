"""Drill names with (title, topic) for CNN arithmetic, attention and transformers (issue 9); merged into quizprep.drills.CATALOG."""

CATALOG: dict[str, tuple[str, str]] = {
    "dilated-conv-output-size": ("Output size of a dilated convolution", "cnn"),
    "depthwise-separable-params": ("Weights of a standard and a depthwise-separable conv", "cnn"),
    "transposed-conv-output-size": ("Output size of a transposed convolution", "cnn"),
    "receptive-field-stack": ("Receptive field of a stack of strided layers", "cnn"),
    "kv-cache-memory": ("KV-cache memory of a decoder in MiB", "attention-transformers"),
    "attention-score-memory": ("Memory of one layer's attention scores in MiB", "attention-transformers"),
}
