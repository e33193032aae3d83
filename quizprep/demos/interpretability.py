"""Demos for the interpretability topic: integrated gradients, SmoothGrad, occlusion, probing with control tasks,
attention weights against attributions, superposition of sparse features, sanity checks for saliency maps
and Grad-CAM.
"""

from __future__ import annotations

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, demo


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Rank correlation of two vectors (ties broken by position, which is enough for continuous values)."""
    ra = np.argsort(np.argsort(a, kind="stable"), kind="stable").astype(float)
    rb = np.argsort(np.argsort(b, kind="stable"), kind="stable").astype(float)
    return float(np.corrcoef(ra, rb)[0, 1])


def sigmoid_model_gradient(w: np.ndarray, b: float, x: np.ndarray) -> np.ndarray:
    """∇x σ(w·x + b) = σ'(z) w."""
    s = kit.sigmoid(w @ x + b)
    return s * (1 - s) * w


@demo("integrated-gradients")
def integrated_gradients(d: Demo, x=None, baseline=None, w=None, b=None, steps=None):
    """Integrated gradients for a saturated sigmoid unit: gradients near zero, attributions that still add up
    to F(x) - F(baseline).
    """
    w = d.array("w", w, [2.0, -1.0, 0.5, 3.0], ndim=1)
    d.require(w.size <= 100, "w may have at most 100 entries")
    x = d.array("x", x, lambda: [2.0, 1.0, 1.0, 1.5] if w.size == 4 else np.ones(w.size), ndim=1)
    base = d.array("baseline", baseline, lambda: np.zeros(w.size), ndim=1)
    d.require(x.size == w.size and base.size == w.size, f"x and baseline need {w.size} entries, one per weight")
    b = d.number("b", b, 0.0, low=-100, high=100)
    m = d.number("steps", steps, 32, low=1, high=10000, integer=True)

    def f(v: np.ndarray) -> float:
        return float(kit.sigmoid(w @ v + b))

    d.show("F(x) = σ(w·x + b), F(baseline)", [f(x), f(base)])
    grad = sigmoid_model_gradient(w, b, x)
    d.show(
        "plain gradient ∂F/∂x at x",
        grad,
        text="The unit is saturated, so every gradient is tiny although the inputs clearly matter.",
    )
    alphas = (np.arange(m) + 0.5) / m  # midpoints of m equal steps along the straight path
    path_grads = np.array([sigmoid_model_gradient(w, b, base + a * (x - base)) for a in alphas])
    ig = (x - base) * path_grads.mean(axis=0)
    d.show(f"IG_i = (x_i - x'_i) · mean of ∂F/∂x_i over {m} points on the path", ig)
    d.show("completeness: Σ IG and F(x) - F(baseline)", [float(ig.sum()), f(x) - f(base)])
    errors = []
    counts = [1, 2, 4, 8, 16, 32, 64]
    for k in counts:
        a = (np.arange(k) + 0.5) / k
        approx = (x - base) * np.mean([sigmoid_model_gradient(w, b, base + t * (x - base)) for t in a], axis=0)
        errors.append(abs(approx.sum() - (f(x) - f(base))))
    d.series("|Σ IG - (F(x) - F(x'))| by number of steps", {"completeness gap": errors}, x=counts)
    d.bars(
        "gradient × input against IG",
        [f"x{i + 1} grad×input" for i in range(w.size)] + [f"x{i + 1} IG" for i in range(w.size)],
        np.concatenate([grad * x, ig]),
    )
    d.say("IG averages the gradient over the whole path from the baseline, so unsaturated stretches of it still count.")
    return {"ig": ig, "gradient": grad, "f_x": f(x), "f_baseline": f(base), "gap": errors}


@demo("smoothgrad")
def smoothgrad(d: Demo, sigma=None, samples=None, ripple=None, frequency=None):
    """SmoothGrad averages gradients over noisy copies of the input, washing out fast ripples that swamp the
    plain gradient.
    """
    side = d.side_rng()
    sigma = d.number("sigma", sigma, 0.15, low=0.0, high=5.0)
    n = d.number("samples", samples, 50, low=1, high=5000, integer=True)
    a = d.number("ripple", ripple, 0.04, low=0.0, high=10.0)
    omega = d.number("frequency", frequency, 50.0, low=0.0, high=1000.0)
    w = np.zeros(16)
    w[4:10] = 1.0  # the trend: only inputs 5 to 10 matter
    x = side.random(16)
    d.say(
        f"Model F(x) = w·x + {a:g}·Σ sin({omega:g}·x_i): a smooth trend on inputs 5-10 plus small fast ripples "
        "on every input."
    )
    raw = w + a * omega * np.cos(omega * x)
    noise = side.normal(0.0, sigma, (n, 16))
    smooth = w + a * omega * np.cos(omega * (x + noise)).mean(axis=0)
    expected = w + a * omega * np.cos(omega * x) * np.exp(-((omega * sigma) ** 2) / 2)
    names = [f"x{i + 1}" for i in range(16)]
    d.bars("plain gradient", names, raw)
    d.bars(f"SmoothGrad: mean gradient over {n} copies with noise σ = {sigma:g}", names, smooth)
    d.show(
        "its expectation w + aω·cos(ωx)·exp(-ω²σ²/2)",
        expected,
        text="Gaussian noise damps a ripple of frequency ω by exp(-ω²σ²/2).",
    )
    corr = {"plain": float(np.corrcoef(raw, w)[0, 1]), "SmoothGrad": float(np.corrcoef(smooth, w)[0, 1])}
    d.show("correlation with the trend weights w", corr)
    return {"raw": raw, "smooth": smooth, "expected": expected, "x": x, "correlation": corr}


def blob_score(image: np.ndarray) -> float:
    """A toy detector: the largest sum over any 2x2 window (a blob filter followed by global max pooling)."""
    sums = image[:-1, :-1] + image[1:, :-1] + image[:-1, 1:] + image[1:, 1:]
    return float(sums.max())


def occlusion_map(image: np.ndarray, patch: int, fill: float) -> np.ndarray:
    """Score drop when a patch x patch square starting at (i, j) is set to `fill`, for every position."""
    base = blob_score(image)
    size = image.shape[0] - patch + 1
    drops = np.zeros((size, size))
    for i in range(size):
        for j in range(size):
            covered = image.copy()
            covered[i : i + patch, j : j + patch] = fill
            drops[i, j] = base - blob_score(covered)
    return drops


@demo("occlusion")
def occlusion(d: Demo, patch=None, fill=None):
    """Occlusion sensitivity: slide a grey patch over the image and record how much the score drops; a second
    copy of the object hides the first.
    """
    patch = d.number("patch", patch, 2, low=1, high=4, integer=True)
    fill = d.number("fill", fill, 0.0, low=-10, high=10)
    one = np.zeros((8, 8))
    one[2:4, 2:4] = 1.0
    two = one.copy()
    two[5:7, 5:7] = 1.0
    d.say("Model: the largest 2x2 window sum of an 8x8 image, i.e. a blob detector with global max pooling.")
    d.show("image with one blob (score)", [one, blob_score(one)])
    single = occlusion_map(one, patch, fill)
    d.show(
        f"score drop with a {patch}x{patch} patch of value {fill:g} at each top-left position",
        single,
        text=f"{single.size} forward passes, one per position.",
    )
    double = occlusion_map(two, patch, fill)
    d.show("the same for an image with two identical blobs", double)
    d.say(
        f"Largest drop: {kit.fmt(single.max())} with one blob, {kit.fmt(double.max())} with two; the second "
        "blob takes over the max, so occluding either looks harmless."
    )
    return {"single": single, "double": double}


def ridge_sign_probe(X: np.ndarray, y: np.ndarray, X_test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A linear probe: least squares to ±1 targets with a bias column, predicted by sign."""
    w = kit.ridge(with_bias(X), y, 1e-3)
    return np.sign(with_bias(X) @ w), np.sign(with_bias(X_test) @ w)


def with_bias(M: np.ndarray) -> np.ndarray:
    return np.hstack([M, np.ones((len(M), 1))])


def nearest_neighbour_probe(X: np.ndarray, y: np.ndarray, X_test: np.ndarray) -> np.ndarray:
    """A probe of very high capacity: the label of the closest training token."""
    dist = (X_test**2).sum(1)[:, None] - 2 * X_test @ X.T + (X**2).sum(1)[None, :]
    return y[dist.argmin(axis=1)]


@demo("probe-control-task")
def probe_control_task(d: Demo, types=None, dim=None, noise=None):
    """Probing with a control task: a linear probe and a 1-nearest-neighbour probe on a real property and on
    random labels per word type.
    """
    side = d.side_rng()
    n_types = d.number("types", types, 100, low=10, high=2000, integer=True)
    dim = d.number("dim", dim, 16, low=2, high=256, integer=True)
    noise = d.number("noise", noise, 0.1, low=0.0, high=5.0)
    centres = side.normal(0.0, 1.0, (n_types, dim))  # one representation per word type
    direction = side.normal(0.0, 1.0, dim)
    task = np.where(centres @ direction > 0, 1.0, -1.0)  # a property encoded linearly
    control = np.where(side.random(n_types) < 0.5, 1.0, -1.0)  # a random label per type
    train_ids, test_ids = np.repeat(np.arange(n_types), 4), np.repeat(np.arange(n_types), 2)
    X = centres[train_ids] + noise * side.normal(0.0, 1.0, (len(train_ids), dim))
    X_test = centres[test_ids] + noise * side.normal(0.0, 1.0, (len(test_ids), dim))
    d.say(
        f"{n_types} word types with {dim}-d representations, 4 training and 2 test tokens each; the control "
        "task gives every type a random label."
    )
    table = {}
    for name, labels in (("property", task), ("control", control)):
        _, linear = ridge_sign_probe(X, labels[train_ids], X_test)
        knn = nearest_neighbour_probe(X, labels[train_ids], X_test)
        table[name] = {
            "linear probe": float(np.mean(linear == labels[test_ids])),
            "1-NN probe": float(np.mean(knn == labels[test_ids])),
        }
    d.show("test accuracy", table)
    selectivity = {
        probe: table["property"][probe] - table["control"][probe] for probe in ("linear probe", "1-NN probe")
    }
    d.show(
        "selectivity = property accuracy - control accuracy",
        selectivity,
        text="A probe that also learns random labels is measuring its own capacity, not the representation.",
    )
    return {"accuracy": table, "selectivity": selectivity}


@demo("attention-vs-attribution")
def attention_vs_attribution(d: Demo):
    """An attention-pooling classifier: attention weights, each token's actual contribution, and a very
    different attention vector with the same output.
    """
    side = d.side_rng()
    X = np.array([[2, 0, 0, 1], [1, 0.5, 0, 0], [0, 1, 0.5, 0], [-1, 2, 1, 0], [0.5, -0.5, 0, 1], [0, 0, 0, 0.5]])
    q, w = np.array([1.5, 0, 0, 0]), np.array([0, 1.0, 1.0, 0])
    alpha = kit.softmax(X @ q)
    values = X @ w  # each token's value as seen by the output
    y = float(alpha @ values)
    d.say("Six tokens; attention α = softmax(X q), output y = w · Σ α_t x_t, so token t adds α_t (w·x_t).")
    names = [f"t{i + 1}" for i in range(6)]
    d.bars("attention weight α_t", names, alpha)
    contribution = alpha * values
    d.bars("contribution α_t (w·x_t) to y", names, contribution)
    loo = np.array([y - float(kit.softmax(np.delete(X @ q, t)) @ np.delete(values, t)) for t in range(6)])
    d.bars("leave-one-out: y minus y without token t", names, loo)
    top_attention, top_contribution = int(alpha.argmax()), int(np.abs(contribution).argmax())
    d.say(f"Most attention goes to t{top_attention + 1}; the largest contribution comes from t{top_contribution + 1}.")
    lo, hi = int(values.argmin()), int(values.argmax())
    other = np.zeros(6)
    other[lo] = (values[hi] - y) / (values[hi] - values[lo])  # mix the extreme tokens to hit the same y
    other[hi] = 1 - other[lo]
    d.show(
        "another attention vector with exactly the same output",
        {"weights": other, "output": float(other @ values), "original output": y},
    )
    shuffled = [abs(float(side.permutation(alpha) @ values) - y) for _ in range(200)]
    d.show("mean |change in y| when the original weights are randomly permuted", float(np.mean(shuffled)))
    return {"alpha": alpha, "contribution": contribution, "leave_one_out": loo, "y": y, "alternative": other}


def feature_directions(n: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """n unit vectors in m dimensions: evenly spaced angles in 2-D, random directions otherwise (columns)."""
    if m == 2:
        angles = 2 * np.pi * np.arange(n) / n
        return np.stack([np.cos(angles), np.sin(angles)])
    W = rng.normal(0.0, 1.0, (m, n))
    return W / np.linalg.norm(W, axis=0)


@demo("superposition-toy")
def superposition_toy(d: Demo, features=None, dims=None, samples=None):
    """More sparse features than dimensions: stored as overlapping directions and read back with ReLU(Wᵀh),
    against keeping only as many features as dimensions.
    """
    side = d.side_rng()
    n = d.number("features", features, 5, low=2, high=64, integer=True)
    m = d.number("dims", dims, 2, low=1, high=n - 1, integer=True)
    count = d.number("samples", samples, 4000, low=100, high=50000, integer=True)
    W = feature_directions(n, m, side)
    d.show(f"{n} feature directions in {m} dimensions (columns)", W)
    d.show("overlaps WᵀW (off-diagonal entries are interference)", W.T @ W)
    probs = np.array([0.02, 0.05, 0.1, 0.2, 0.4, 0.7, 1.0])
    packed, dropped = [], []
    for p in probs:
        x = side.random((count, n)) * (side.random((count, n)) < p)
        x_hat = kit.relu(x @ W.T @ W)  # encode h = W x, decode ReLU(Wᵀ h)
        packed.append(float(np.mean((x_hat - x) ** 2)))
        dropped.append(float(np.mean(x[:, m:] ** 2) * (n - m) / n))  # keep features 1..m exactly, lose the rest
    d.series(
        "mean squared error per feature by activation probability",
        {"all features superposed": packed, f"only {m} features kept": dropped},
        x=probs,
    )
    ratio = np.array(packed) / np.maximum(dropped, 1e-12)
    d.show(
        "error ratio superposed / kept-only, by activation probability",
        ratio,
        text="Below 1, packing every feature in beats dropping the extra ones; interference grows as features "
        "co-occur more often.",
    )
    x = np.zeros(n)
    x[0] = 0.8
    h = W @ x
    back = kit.relu(W.T @ h)
    d.show("one sparse input (feature 1 = 0.8): h = Wx and ReLU(Wᵀh)", {"h": h, "read back": back})
    d.say(
        f"Feature 1 comes back as {kit.fmt(back[0])}; the ReLU zeroes the {int(np.sum((W.T @ h)[1:] < 0))} "
        f"features with negative overlap, and the others leak at most {kit.fmt(back[1:].max())}."
    )
    return {"probs": probs, "superposed": packed, "dropped": dropped, "W": W}


def relu_net_maps(U: np.ndarray, v: np.ndarray, X: np.ndarray) -> dict[str, np.ndarray]:
    """Saliency maps of F(x) = v·ReLU(Ux) for each row of X: |∇F|, |∇F ⊙ x|, and |x| alone."""
    active = (X @ U.T > 0).astype(float)
    grads = (active * v) @ U
    return {
        "|gradient|": np.abs(grads),
        "|gradient × input|": np.abs(grads * X),
        "|input| (ignores the model)": np.abs(X),
    }


@demo("saliency-sanity-check")
def saliency_sanity_check(d: Demo, inputs=None):
    """The model-randomisation sanity check: how much each saliency map changes when the network's weights are
    replaced by random ones.
    """
    side = d.side_rng()
    count = d.number("inputs", inputs, 20, low=2, high=500, integer=True)
    U = side.normal(0.0, 0.05, (8, 16))
    U[:, :4] += side.normal(0.0, 1.0, (8, 4))  # the "trained" model relies on inputs 1-4
    v = side.normal(0.0, 1.0, 8)
    profile = np.linspace(0.2, 2.0, 16)  # inputs have a strong structure of their own
    X = profile * np.abs(side.normal(1.0, 0.3, (count, 16)))
    d.say("A 16-8-1 ReLU network that depends on inputs 1-4; the inputs grow in size from input 1 to 16.")
    trained = relu_net_maps(U, v, X)
    top_random = relu_net_maps(U, side.normal(0.0, 1.0, 8), X)
    all_random = relu_net_maps(side.normal(0.0, 1.0, (8, 16)), side.normal(0.0, 1.0, 8), X)
    table = {}
    for name in trained:
        table[name] = {
            "top layer randomised": float(
                np.mean([spearman(a, b) for a, b in zip(trained[name], top_random[name], strict=True)])
            ),
            "all layers randomised": float(
                np.mean([spearman(a, b) for a, b in zip(trained[name], all_random[name], strict=True)])
            ),
        }
    d.show("mean rank correlation between the map of the model and of its randomised copy", table)
    d.say(
        "A map that stays the same when the weights become random cannot be explaining the model: it reflects "
        "the input."
    )
    return {"correlations": table}


@demo("grad-cam")
def grad_cam(d: Demo, target=None, weights=None):
    """Grad-CAM on a toy last conv layer: channel weights from pooled gradients, a ReLU of the weighted maps,
    one map per class.
    """
    A = np.zeros((3, 6, 6))
    A[0, :3, :3] = 1.0  # channel 1 fires on the top-left object
    A[1, 3:, 3:] = 1.0  # channel 2 fires on the bottom-right object
    A[2] = 0.3  # channel 3 is a weak background response
    Wc = d.array("weights", weights, [[1.5, -0.5, 0.2], [-0.5, 1.5, 0.2]], ndim=2)
    d.require(
        Wc.shape[1] == 3 and 1 <= Wc.shape[0] <= 10,
        f"weights must have 3 columns (one per channel) and 1 to 10 rows (classes); got {Wc.shape}",
    )
    c = d.number("target", target, 0, low=0, high=Wc.shape[0] - 1, integer=True)
    d.say(
        "Class score y^c = Σ_k w_k^c · mean(A^k): global average pooling and a linear layer over 3 channels of "
        "6x6 maps."
    )
    scores = Wc @ A.mean(axis=(1, 2))
    d.show("class scores", scores)
    grads = np.broadcast_to(Wc[c][:, None, None] / 36, A.shape)  # ∂y^c/∂A^k_ij for this head
    alpha = grads.mean(axis=(1, 2))
    d.show(f"α_k = mean over positions of ∂y^{c}/∂A^k (here w_k^{c}/36)", alpha)
    cam = kit.relu(np.tensordot(alpha, A, axes=1))
    d.show(f"Grad-CAM for class {c}: ReLU(Σ_k α_k A^k), 6x6, to be upsampled to the input size", cam)
    others = [kit.relu(np.tensordot(Wc[j] / 36, A, axes=1)) for j in range(len(Wc))]
    d.say("Each class highlights its own region; with this pooled linear head Grad-CAM equals CAM up to a constant.")
    return {"scores": scores, "alpha": alpha, "cam": cam, "all_classes": others}
