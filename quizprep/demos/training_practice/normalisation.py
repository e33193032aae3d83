"""Demos of normalisation layers: batch norm in training and inference, layer norm and RMSNorm."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo


@demo("batch-norm")
def batch_norm(d: Demo, x=None, eps=None):
    """Normalise a batch per feature with the batch mean and variance."""
    X = d.array(
        "x",
        x,
        lambda: np.round(d.rng.normal([5.0, -2.0, 0.0], [2.0, 0.5, 10.0], size=(4, 3)), 2),
        ndim=2,
    )
    eps = d.number("eps", eps, 1e-5, low=0.0, high=1.0)
    n, f = X.shape
    mean = X.mean(axis=0)
    var = ((X - mean) ** 2).mean(axis=0)
    if eps == 0 and np.any(var == 0):
        raise DemoInputError("a feature of x is constant, so its batch variance is 0; use eps > 0 to normalise it")
    d.show(
        "batch x (rows are examples, columns features)",
        X,
        f"{n} examples of {f} features; each column is normalised on its own.",
    )
    d.show("batch mean μ_B per feature", mean)
    d.show(
        "batch variance σ²_B per feature",
        var,
        f"The biased variance: squared deviations summed and divided by N = {n}, not N - 1.",
    )
    x_hat = (X - mean) / np.sqrt(var + eps)
    d.say(f"x̂ = (x - μ_B) / sqrt(σ²_B + ε) with ε = {eps:g}; with scale γ = 1 and shift β = 0 the output is x̂ itself.")
    d.show("normalised batch x̂", x_hat)
    d.show(
        "per feature after normalising",
        {"mean": x_hat.mean(axis=0), "std": x_hat.std(axis=0)},
        "Every column now has mean 0 and standard deviation just under 1 (ε keeps it below 1).",
    )
    return x_hat


def normalise(values: np.ndarray, axis: int, eps: float) -> np.ndarray:
    mean = values.mean(axis=axis, keepdims=True)
    var = ((values - mean) ** 2).mean(axis=axis, keepdims=True)
    return (values - mean) / np.sqrt(var + eps)


@demo("layer-norm-vs-batch-norm")
def layer_norm_vs_batch_norm(d: Demo, x=None, eps=None):
    """Normalise one batch over each axis: batch norm per feature, layer norm and RMSNorm per example."""
    draws = d.side_rng()
    X = d.array(
        "x", x, lambda: kit.rounded(d.rng.normal([2.0, -1.0, 0.0, 5.0], [1.0, 3.0, 0.5, 2.0], size=(4, 4)), 1), ndim=2
    )
    d.require(
        2 <= X.shape[0] <= 64 and 2 <= X.shape[1] <= 64,
        "x must have 2 to 64 rows (examples) and 2 to 64 columns (features)",
    )
    eps = d.number("eps", eps, 1e-5, low=1e-12, high=1.0)
    n, f = X.shape
    d.show("batch x (rows are examples, columns features)", X)
    bn = normalise(X, 0, eps)
    d.show(
        "batch norm: each column (feature) normalised over the batch, axis 0",
        bn,
        f"Each column now has mean 0 and variance about 1; the statistics mix all {n} examples.",
    )
    ln = normalise(X, 1, eps)
    d.show(
        "layer norm: each row (example) normalised over its own features, axis 1",
        ln,
        f"Each row now has mean 0 and variance about 1; the statistics come from that example's {f} features only.",
    )
    rms = X / np.sqrt((X**2).mean(axis=1, keepdims=True) + eps)
    d.show(
        "RMSNorm: each row divided by its root mean square, no mean subtracted",
        rms,
        "Rows keep their mean offset; only the scale is fixed, and there is no β shift, which saves a little compute.",
    )
    others = kit.rounded(draws.normal(X.mean(axis=0) + 3.0, X.std(axis=0) + 1.0, size=(n - 1, f)), 1)
    other_batch = np.vstack([X[:1], others])
    bn_other = normalise(other_batch, 0, eps)[0]
    ln_other = normalise(other_batch, 1, eps)[0]
    bn_alone = normalise(X[:1], 0, eps)[0]
    d.show(
        "example 1 normalised again, in a different batch and alone",
        {
            "batch norm, this batch": bn[0],
            "batch norm, other batch": bn_other,
            "batch norm, batch of 1": bn_alone,
            "layer norm, any batch": ln_other,
        },
    )
    d.say(
        "Batch norm's output for the same example changes with "
        "its batch mates and collapses to zeros in a batch of one; "
        "layer norm gives the same answer whatever the batch, "
        "in training and at inference, which suits transformers and RNNs."
    )
    return {
        "batch_norm": bn,
        "layer_norm": ln,
        "rms_norm": rms,
        "bn_first_other_batch": bn_other,
        "ln_first_other_batch": ln_other,
        "bn_first_alone": bn_alone,
    }


@demo("batch-norm-inference")
def batch_norm_inference(d: Demo, batches=None, test=None, momentum=None, gamma=None, beta=None, eps=None):
    """Running statistics built with momentum, and train-mode against eval-mode outputs of batch norm."""
    data = d.array("batches", batches, lambda: kit.rounded(d.rng.normal(3.0, 2.0, (30, 8))), ndim=2)
    d.require(
        data.shape[1] >= 2, "each training batch (a row of batches) needs at least 2 values for an unbiased variance"
    )
    d.require(data.shape[0] <= 500 and data.shape[1] <= 256, "use at most 500 batches of at most 256 values")
    test_x = d.array("test", test, lambda: kit.rounded(d.rng.normal(3.0, 2.0, 4)), ndim=1)
    d.require(len(test_x) <= 256, "test may have at most 256 values")
    momentum = d.number("momentum", momentum, 0.1, low=0.0, high=1.0)
    gamma = d.number("gamma", gamma, 1.0, low=-1e6, high=1e6)
    beta = d.number("beta", beta, 0.0, low=-1e6, high=1e6)
    eps = d.number("eps", eps, 1e-5, low=1e-12, high=1.0)
    steps, m = data.shape
    d.say(
        f"One feature through a batch-norm layer: {steps} training batches of {m} values. After each batch the running "
        f"statistics move towards the batch's: running ← (1 - {momentum:g})·running + {momentum:g}·batch "
        "(PyTorch's convention; Keras's momentum 0.99 is the weight on the old value)."
    )
    running_mean, running_var = 0.0, 1.0  # the initial values frameworks use
    means, variances, batch_means = [], [], []
    for row in data:
        mu = float(row.mean())
        unbiased = float(((row - mu) ** 2).sum() / (m - 1))
        running_mean = (1 - momentum) * running_mean + momentum * mu
        running_var = (1 - momentum) * running_var + momentum * unbiased
        means.append(running_mean)
        variances.append(running_var)
        batch_means.append(mu)
    d.series(
        "running mean after each training batch",
        {"batch mean": batch_means, "running mean": means},
        x=np.arange(1, steps + 1),
        text=(
            "It starts at 0, and that start keeps a weight of (1 - momentum)^k after k batches: "
            f"{(1 - momentum) ** steps:.2g} "
            f"after all {steps}. Each batch mean alone is noisy; the average smooths it."
        ),
    )
    d.show(
        "stored statistics at the end of training",
        {"running mean": running_mean, "running variance": running_var},
        "The running variance averages the unbiased batch variances (divide by m - 1), as PyTorch does.",
    )
    mu_t = float(test_x.mean())
    var_t = float(((test_x - mu_t) ** 2).mean())
    train_out = gamma * (test_x - mu_t) / math.sqrt(var_t + eps) + beta
    scale = gamma / math.sqrt(running_var + eps)
    shift = beta - scale * running_mean
    eval_out = scale * test_x + shift
    d.show("test batch", test_x)
    d.show(
        "output in train mode (the test batch's own statistics) and in eval mode (running statistics)",
        {"train mode": train_out, "eval mode": eval_out},
        (
            "Left in train mode, a prediction depends on the other test examples in its batch, "
            "and the running statistics keep changing."
        ),
    )
    single_train = beta  # (x - x)/sqrt(0 + eps) = 0 for a batch of one
    single_eval = scale * float(test_x[0]) + shift
    d.show(
        "the first test value alone, as a batch of one",
        {"train mode": single_train, "eval mode": single_eval},
        "In train mode a lone example is its own mean, so the output is just β whatever the input "
        "(PyTorch refuses one value per channel); eval mode gives the same answer as inside the batch.",
    )
    d.say(
        "In eval mode batch norm is a fixed affine map y = "
        f"{scale:.4g}·x {'-' if shift < 0 else '+'} {abs(shift):.4g}, "
        "which can be folded into the preceding layer's weights and bias."
    )
    return {
        "running_mean": means,
        "running_var": variances,
        "train_output": train_out,
        "eval_output": eval_out,
        "eval_scale": scale,
        "eval_shift": shift,
        "single_train": single_train,
        "single_eval": single_eval,
    }
