"""The names of the NumPy demos that bank items may point at, each with a one-line summary.

This is the one list of demo names the bank uses; `quizprep validate` checks every
item's `demo` against it. Plain data: importing it never imports NumPy.
"""

DEMOS: dict[str, str] = {
    # Named demos with fixed parameters (see the demo issue).
    "softmax": "Turn a vector of logits into probabilities, stably for large logits.",
    "matmul": "Multiply two matrices, showing how one entry is a row times a column.",
    "hadamard": "Multiply two same-shaped matrices entry by entry.",
    "transpose": "Swap the rows and columns of a matrix.",
    "sigmoid": "Apply the logistic sigmoid elementwise and show its derivative.",
    "tanh": "Apply tanh elementwise and show its derivative.",
    "relu": "Apply ReLU elementwise and show its derivative.",
    "mse": "Mean squared error between predictions and targets.",
    "cross-entropy": "Mean softmax cross-entropy over a batch of logits and class indices.",
    "binary-cross-entropy": "Mean binary cross-entropy between probabilities and 0/1 targets.",
    "conv2d": "Slide a kernel over an image (cross-correlation, stride, zero padding).",
    "max-pool": "Take the maximum of each pooling window of a feature map.",
    "batch-norm": "Normalise a batch per feature with the batch mean and variance.",
    "attention": "Scaled dot-product attention softmax(QK^T/sqrt(d))V.",
    "one-hot": "Turn class labels into one-hot rows.",
    "gradient-descent": "Run gradient descent on a named function and print iterates and losses.",
    # Conceptual demos.
    "xor-hidden-layer": "A linear model fails on XOR; one hidden layer solves it.",
    "adversarial-fgsm": "A small signed-gradient perturbation flips a linear classifier.",
    "chain-rule-graph": "Forward and backward passes through a small computational graph.",
    "bootstrap-bagging": "Bootstrap resamples, their out-of-bag share, and the variance an average removes.",
    "linear-autoencoder": "Compress data through a narrow linear code and reconstruct it.",
    "denoising-autoencoder": "Reconstruct clean inputs from corrupted ones through a small code.",
    "boltzmann-energy": "Energies and Boltzmann probabilities of every state of a tiny RBM.",
    "fft-two-tone": "An FFT picks out the two frequencies in a two-tone signal.",
    "vanishing-gradient": "The gradient shrinking through 20 sigmoid layers against ReLU.",
    "exploding-gradient": "Gradients growing through repeated multiplication by a large recurrent matrix.",
    "gradient-clipping": "Rescale a gradient whose norm exceeds a threshold.",
    "learning-rate-compare": "A learning rate too low, about right, and too high, side by side.",
    "neuron": "One artificial neuron: weighted sum plus bias through an activation.",
    "perceptron": "The perceptron learning rule converging on linearly separable data.",
    "mlp-forward": "A forward pass through a small multilayer network, layer by layer.",
    "backprop-check": "Backpropagated gradients of a tiny network against finite differences.",
    "universal-approximation": "A sum of ReLU units fits a smooth curve better as units are added.",
    "depth-efficiency": "Stacked ReLU layers carve exponentially many linear pieces.",
    "data-scaling": "Learning curves: a flexible model keeps improving with data, a simple one plateaus.",
    "feature-scaling": "Min-max scaling and z-scores of features with very different ranges.",
    "scaled-gd-convergence": "Gradient descent needs far fewer steps once features are standardised.",
    "activation-compare": "Sigmoid, tanh, ReLU, leaky ReLU, ELU and step side by side with derivatives.",
    "leaky-relu": "Leaky ReLU keeps a small slope for negative inputs.",
    "step-function": "The binary step activation and why its zero gradient stops learning.",
    "mae": "Mean absolute error between predictions and targets.",
    "huber-loss": "Huber loss: quadratic near zero, linear for large errors.",
    "hinge-loss": "Hinge loss of margin classifiers for labels in {-1, +1}.",
    "kl-divergence": "KL divergence between two discrete distributions, and its asymmetry.",
    "loss-outlier": "MSE against MAE when one target is an outlier.",
    "gd-variants": "Batch, mini-batch and stochastic gradient descent on the same regression.",
    "batch-size-noise": "The spread of a mini-batch gradient estimate shrinking with batch size.",
    "momentum": "Momentum against plain gradient descent in a narrow valley.",
    "adagrad": "AdaGrad's per-parameter step sizes shrinking with accumulated squared gradients.",
    "rmsprop": "RMSprop's moving average of squared gradients setting per-parameter steps.",
    "adam": "Adam's bias-corrected first and second moments over a few steps.",
    "optimizer-race": "SGD, momentum, AdaGrad, RMSprop and Adam on the same ill-conditioned bowl.",
    "lr-schedules": "Constant, step, exponential and cosine learning-rate schedules by epoch.",
    "residual-connection": "Gradient size through a deep stack with and without skip connections.",
    "zero-init-symmetry": "With zero or equal weights every hidden unit stays identical.",
    "init-scale": "Activation spread across layers for too-small, Xavier and He initialisation.",
    "random-vs-grid-search": "Random search covers an important hyperparameter better than a grid.",
    "epoch-batch-iteration": "Counting iterations per epoch for a dataset and batch size.",
    "dropout": "Inverted dropout masks units and keeps the expected activation unchanged.",
    "weight-decay": "L2 regularisation shrinking the weights of a least-squares fit.",
    "l1-sparsity": "L1 regularisation driving small weights exactly to zero.",
    "early-stopping": "Stop at the epoch where validation loss is lowest.",
    "polynomial-fit": "Underfitting and overfitting: train and validation error by polynomial degree.",
    "data-augmentation": "Flips, shifts and noise turn one small image into several training examples.",
    "transfer-learning": "A frozen feature extractor plus a new head learns from a few examples.",
    "adaboost": "Boosting reweights misclassified points round after round.",
    "flatten": "Flatten a stack of feature maps into one vector for a dense layer.",
    "conv-output-size": "Output size of a convolution from input size, kernel, stride and padding.",
    "avg-pool": "Average pooling of a feature map.",
    "rnn-unroll": "The recurrence h_t = tanh(W h_{t-1} + U x_t + b) unrolled over a short sequence.",
    "lstm-step": "One LSTM step: forget, input and output gates and the cell state.",
    "gru-step": "One GRU step: update and reset gates.",
    "embedding-lookup": "An embedding lookup equals a one-hot row times the embedding matrix.",
    "positional-encoding": "Sinusoidal position encodings and their dot products by distance.",
    "causal-mask": "Masking future positions in self-attention.",
    "gan-discriminator": "The optimal discriminator p_data/(p_data + p_g) and the GAN value.",
    "kmeans": "k-means clustering of unlabelled points.",
    "pca": "Principal components of correlated data and the variance each explains.",
    "confusion-matrix": "Accuracy, precision, recall and F1 from a confusion matrix.",
    "roc-auc": "ROC curve points and the area under it.",
    "tensor-rank": "Scalars, vectors, matrices and higher-rank tensors with their shapes.",
    "k-fold-cv": "k-fold split indices, each fold's validation score and their mean.",
    "mixup": "Blend two inputs and their one-hot labels with a weight drawn from Beta(a, a).",
    "lr-warmup": "A linear warmup followed by cosine decay of the learning rate, step by step.",
    "fft-convolution": "Convolution through the FFT matches direct convolution once both are zero-padded.",
    "clip-value-vs-norm": "Clipping a gradient by value turns its direction; clipping by norm keeps it.",
    "truncated-bptt": "The gradient reaching early time steps under full and truncated backpropagation through time.",
    "bayesian-optimization": "A Gaussian-process surrogate and expected improvement choose the next point to try.",
    "successive-halving": "Many configurations on a small budget, keeping the best half each round.",
    "rnn-gradient-through-time": "Gradient norm across time steps for recurrent matrices with spectral radius below and above 1.",
    "sliding-window-forecast": "Turn a series into (window, next value) pairs and beat a 'same as last' baseline.",
    "receptive-field-growth": "The receptive field of stacked 3x3 convolutions, strides and pooling, layer by layer.",
    "self-organizing-map": "A small self-organising map pulled onto 2-D data, winner and neighbours moving.",
    "input-gradient-saliency": "The gradient of a small network's output with respect to its input as feature importance.",
}


def _merge_area_catalogs() -> None:
    """Later areas keep their names in their own small files (plain data, like this one)."""
    from quizprep.demos import catalog_architectures, catalog_modern, catalog_practice, catalog_signal

    for module in (catalog_signal, catalog_practice, catalog_architectures, catalog_modern):
        clash = set(module.DEMOS) & set(DEMOS)
        if clash:
            raise ValueError(f"demo names defined twice: {sorted(clash)}")
        DEMOS.update(module.DEMOS)


_merge_area_catalogs()
