"""Demos for the efficient-training topic: ring all-reduce, tensor, pipeline and 3D parallelism, ZeRO sharding,
gradient accumulation, activation checkpointing, the memory budget of training, 16-bit and 8-bit float formats,
overlapping communication with computation, and model FLOPs utilisation."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, demo

GB = 1e9


# Communication and parallelism


def ring_all_reduce(buffers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum the rows of `buffers` across n simulated GPUs with a ring: reduce-scatter, then all-gather.

    Returns every GPU's final buffer and the number of values each GPU sent."""
    n = len(buffers)
    data = buffers.astype(float).copy()
    parts = np.array_split(np.arange(data.shape[1]), n)
    sent = np.zeros(n, dtype=int)
    for step in range(n - 1):  # reduce-scatter: after n - 1 steps GPU i owns the full sum of chunk (i + 1) mod n
        outgoing = [data[i, parts[(i - step) % n]].copy() for i in range(n)]
        for i in range(n):
            data[(i + 1) % n, parts[(i - step) % n]] += outgoing[i]
            sent[i] += outgoing[i].size
    for step in range(n - 1):  # all-gather: pass the finished chunks around the ring
        outgoing = [data[i, parts[(i + 1 - step) % n]].copy() for i in range(n)]
        for i in range(n):
            data[(i + 1) % n, parts[(i + 1 - step) % n]] = outgoing[i]
            sent[i] += outgoing[i].size
    return data, sent


@demo("ring-all-reduce")
def ring_all_reduce_demo(d: Demo, gpus=None, size=None):
    """Ring all-reduce on simulated GPUs: every GPU ends with the sum, each sending 2(n-1)/n of its buffer."""
    n = d.number("gpus", gpus, 4, low=2, high=64, integer=True)
    size = d.number("size", size, 12, low=1, high=10000, integer=True)
    buffers = d.rng.integers(0, 10, size=(n, size))
    d.say(f"{n} GPUs each hold a gradient buffer of {size} values; the ring splits it into {n} chunks.")
    if size <= 16 and n <= 8:
        d.show("buffers before (one row per GPU)", buffers)
    result, sent = ring_all_reduce(buffers)
    if size <= 16 and n <= 8:
        d.show("buffers after reduce-scatter and all-gather", result)
    d.show("values sent by each GPU", sent, f"The formula 2(n - 1)/n × size gives {2 * (n - 1) / n * size:g}.")
    d.say(
        f"Every GPU now holds the column sums. A naive exchange, sending the whole buffer to each other GPU, would "
        f"send {(n - 1) * size} values per GPU; the ring's traffic stays below 2 × {size} however many GPUs join."
    )
    return {"buffers": buffers, "result": result, "sent": sent, "formula": 2 * (n - 1) / n * size}


def multi_head_attention(X, Wq, Wk, Wv, heads: int) -> np.ndarray:
    """Each head's output before the output projection, concatenated: (tokens, heads × head size)."""
    size = Wq.shape[1] // heads
    outs = []
    for h in range(heads):
        cols = slice(h * size, (h + 1) * size)
        q, k, v = X @ Wq[:, cols], X @ Wk[:, cols], X @ Wv[:, cols]
        outs.append(kit.softmax(q @ k.T / math.sqrt(size)) @ v)
    return np.concatenate(outs, axis=1)


@demo("tensor-parallel")
def tensor_parallel(d: Demo, gpus=None, tokens=None, width=None, heads=None):
    """Tensor parallelism: an MLP split by columns then rows, and attention split by heads, equal the full layer."""
    g = d.number("gpus", gpus, 2, low=1, high=8, integer=True)
    tokens = d.number("tokens", tokens, 3, low=1, high=32, integer=True)
    width = d.number("width", width, 4, low=1, high=32, integer=True)
    heads = d.number("heads", heads, 4, low=1, high=32, integer=True)
    d.require(heads % g == 0 and width % heads == 0, "heads must divide width, and gpus must divide heads")
    d.require((4 * width) % g == 0, "gpus must divide the MLP's hidden size 4 × width")
    X = kit.rounded(d.rng.normal(size=(tokens, width)), 2)
    A = kit.rounded(d.rng.normal(0, 0.5, size=(width, 4 * width)), 2)
    B = kit.rounded(d.rng.normal(0, 0.5, size=(4 * width, width)), 2)
    full = kit.gelu(X @ A) @ B
    cols = np.array_split(np.arange(4 * width), g)
    partials = [kit.gelu(X @ A[:, c]) @ B[c, :] for c in cols]  # GPU i holds A's columns c and B's rows c
    mlp_error = float(np.abs(sum(partials) - full).max())
    d.say(f"MLP Y = GeLU(XA)B with X of shape {X.shape}, split over {g} GPUs: A by columns, B by rows.")
    d.show("full output Y", kit.rounded(full, 4))
    d.show(
        "sum of the GPUs' partial outputs (one all-reduce)",
        kit.rounded(sum(partials), 4),
        f"The largest difference from Y is {mlp_error:.1e}.",
    )
    rows = np.array_split(np.arange(width), g)
    wrong = sum(kit.gelu(X[:, r] @ A[r, :]) for r in rows) @ B  # splitting A by rows: GeLU applied to partial sums
    wrong_error = float(np.abs(wrong - full).max())
    d.show(
        "splitting A by rows instead, GeLU on partial sums: largest error",
        wrong_error,
        "GeLU(a + b) is not GeLU(a) + GeLU(b), so that split needs a sum before the nonlinearity.",
    )
    Wq, Wk, Wv, Wo = (d.rng.normal(0, 0.5, size=(width, width)) for _ in range(4))
    attention = multi_head_attention(X, Wq, Wk, Wv, heads) @ Wo
    size, per_gpu = width // heads, heads // g
    parallel = 0
    for i in range(g):
        c = slice(i * per_gpu * size, (i + 1) * per_gpu * size)  # this GPU's heads
        parallel = parallel + multi_head_attention(X, Wq[:, c], Wk[:, c], Wv[:, c], per_gpu) @ Wo[c, :]
    attention_error = float(np.abs(parallel - attention).max())
    d.say(
        f"Attention with {heads} heads: each GPU runs {per_gpu} whole heads and its rows of the output projection; "
        f"the summed partials differ from the full layer by {attention_error:.1e}."
    )
    return {
        "x": X,
        "a": A,
        "b": B,
        "y": full,
        "mlp_error": mlp_error,
        "row_split_error": wrong_error,
        "attention_error": attention_error,
    }


def gpipe_timeline(stages: int, micro: int, backward: int) -> np.ndarray:
    """Which micro-batch (1-based, 0 = idle) each stage works on in each time slot of one GPipe step.

    A forward pass through one stage takes one slot, a backward pass `backward` slots."""
    fill = micro + stages - 1
    grid = np.zeros((stages, fill * (1 + backward)), dtype=int)
    for s in range(stages):
        for j in range(micro):
            grid[s, s + j] = j + 1
            start = fill + (stages - 1 - s + j) * backward  # backward runs from the last stage to the first
            grid[s, start : start + backward] = j + 1
    return grid


@demo("pipeline-schedule")
def pipeline_schedule(d: Demo, stages=None, micro_batches=None, backward=None):
    """A GPipe schedule: micro-batches flowing through pipeline stages, and the idle bubble it leaves."""
    p = d.number("stages", stages, 4, low=1, high=16, integer=True)
    m = d.number("micro_batches", micro_batches, 6, low=1, high=64, integer=True)
    b = d.number("backward", backward, 2, low=1, high=4, integer=True)
    grid = gpipe_timeline(p, m, b)
    d.say(f"{p} stages, {m} micro-batches; a forward pass takes one slot per stage and a backward pass {b}.")
    d.show("forward phase: micro-batch on each stage (rows) per time slot (columns), 0 = idle", grid[:, : m + p - 1])
    idle = float(np.mean(grid == 0))
    formula = (p - 1) / (m + p - 1)
    d.show(
        "idle share of all GPU slots, counted", round(idle, 4), f"The formula (p - 1)/(m + p - 1) gives {formula:.4f}."
    )
    counts = np.arange(1, 129)
    d.series("bubble by number of micro-batches", {"(p-1)/(m+p-1)": (p - 1) / (counts + p - 1)}, x=counts)
    needed = next((int(c) for c in counts if (p - 1) / (c + p - 1) < 0.1), None)
    d.say(
        f"GPipe keeps the activations of all {m} micro-batches until their backward passes. Under 10% bubble needs "
        + (f"{needed} micro-batches here." if needed else "more than 128 micro-batches here.")
    )
    return {"grid": grid, "bubble": idle, "formula": formula, "needed_for_10_percent": needed}


@demo("zero-memory")
def zero_memory(d: Demo, params=None, gpus=None):
    """Memory per GPU for ZeRO stages 0 to 3 with mixed-precision Adam, and sharded updates that match plain ones."""
    psi = d.number("params", params, 7.5, low=0.001, high=10000) * 1e9
    n = d.number("gpus", gpus, 64, low=1, high=100000, integer=True)
    per_gpu = np.array([16 * psi, 4 * psi + 12 * psi / n, 2 * psi + 14 * psi / n, 16 * psi / n])
    stages = ["0 (plain DP)", "1 (optimizer)", "2 (+ gradients)", "3 (+ parameters)"]
    d.say(
        f"{psi / 1e9:g} billion parameters on {n} GPUs with mixed-precision Adam: 2 bytes of 16-bit weights, 2 of "
        "16-bit gradients and 12 of float32 optimizer state (master weights, momentum, variance) per parameter."
    )
    d.bars("model-state memory per GPU (GB), by ZeRO stage", stages, kit.rounded(per_gpu / GB, 2))
    d.show(
        "communication per GPU per step, in parameter-sized volumes",
        [2, 2, 2, 3],
        "Stages 1 and 2 reuse the reduce-scatter and all-gather of an all-reduce; stage 3 gathers the "
        "parameters twice.",
    )
    shards, size, lr = 4, 12, 0.1
    weights = kit.rounded(d.rng.normal(size=size), 2)
    grads = kit.rounded(d.rng.normal(size=(shards, size)), 2)
    plain = weights - lr * grads.sum(axis=0) / shards  # all-reduce, then every GPU applies the same update
    owned = np.array_split(np.arange(size), shards)
    pieces = [weights[o] - lr * grads[:, o].sum(axis=0) / shards for o in owned]  # reduce-scatter, update own shard
    sharded = np.concatenate(pieces)  # all-gather of the updated shards
    d.say(
        f"A check on {shards} GPUs and {size} parameters: each GPU updates only its own shard from the "
        "reduce-scattered gradient, and an all-gather rebuilds the weights."
    )
    d.show("weights after one step: plain data parallelism, ZeRO", [kit.rounded(plain, 4), kit.rounded(sharded, 4)])
    return {"per_gpu_bytes": per_gpu, "weights": weights, "grads": grads, "plain": plain, "sharded": sharded}


@demo("parallel-layout")
def parallel_layout(d: Demo, tp=None, pp=None, dp=None, node=None, params=None):
    """GPU ranks laid out for 3D parallelism: which groups stay inside a node, and the model memory per GPU."""
    tp = d.number("tp", tp, 4, low=1, high=64, integer=True)
    pp = d.number("pp", pp, 2, low=1, high=64, integer=True)
    dp = d.number("dp", dp, 2, low=1, high=64, integer=True)
    node = d.number("node", node, 8, low=1, high=64, integer=True)
    d.require(tp * pp * dp <= 1024, "tp × pp × dp is the GPU count and must be at most 1024")
    psi = d.number("params", params, 20.0, low=0.001, high=10000) * 1e9
    total = tp * pp * dp
    rank = np.arange(total).reshape(dp, pp, tp)  # tensor-parallel neighbours get consecutive ranks
    groups = {
        "tensor": rank.reshape(-1, tp),
        "pipeline": rank.transpose(0, 2, 1).reshape(-1, pp),
        "data": rank.transpose(1, 2, 0).reshape(-1, dp),
    }
    crossing = {k: int(sum(len(set(g // node)) > 1 for g in v)) for k, v in groups.items()}
    d.say(f"{total} GPUs = {dp} data × {pp} pipeline × {tp} tensor, {node} GPUs per node; ranks fill nodes in order.")
    if total <= 64:
        d.show("rank of each GPU, as [data][pipeline][tensor]", rank)
    d.show(
        "groups that span more than one node: tensor, pipeline, data",
        [crossing["tensor"], crossing["pipeline"], crossing["data"]],
        "The frequent tensor-parallel all-reduces stay on fast links when tp divides the node size.",
    )
    share = psi / (tp * pp)
    memory = [16 * share / GB, (4 + 12 / dp) * share / GB]
    d.show(
        "model-state memory per GPU in GB: plain, with ZeRO-1 across the data-parallel group",
        kit.rounded(memory, 2),
        f"Each GPU holds {share / 1e9:.3g} billion of the {psi / 1e9:g} billion parameters.",
    )
    return {"ranks": rank, "crossing": crossing, "memory_gb": memory}


# Batches and memory


@demo("gradient-accumulation")
def gradient_accumulation(d: Demo, batch=None, micro=None, lengths=None):
    """Accumulated micro-batch gradients equal the full-batch gradient; batch statistics and token means do not."""
    batch = d.number("batch", batch, 8, low=2, high=256, integer=True)
    micro = d.number("micro", micro, 2, low=1, high=batch, integer=True)
    d.require(batch % micro == 0, "micro must divide batch")
    k = batch // micro
    X = kit.rounded(d.rng.normal(size=(batch, 3)), 2)
    y = kit.rounded(d.rng.normal(size=batch), 2)
    w = np.array([0.5, -1.0, 0.25])

    def grad(rows):  # gradient of the mean squared error over `rows`
        return 2 * X[rows].T @ (X[rows] @ w - y[rows]) / len(rows)

    full = grad(np.arange(batch))
    parts = [grad(np.arange(i, i + micro)) for i in range(0, batch, micro)]
    accumulated = sum(p / k for p in parts)
    d.say(
        f"Linear regression, batch of {batch}, {k} micro-batches of {micro}; each micro-batch loss is divided by {k}."
    )
    d.show(
        "full-batch gradient, accumulated gradient",
        [kit.rounded(full, 5), kit.rounded(accumulated, 5)],
        f"Without the 1/{k} the sum is {k} times too large: {kit.vec_text(sum(parts))}.",
    )
    micro_means = [float(X[i : i + micro, 0].mean()) for i in range(0, batch, micro)]
    d.show(
        "batch-norm mean of feature 1: full batch, then each micro-batch",
        [round(float(X[:, 0].mean()), 4), kit.rounded(micro_means, 4)],
        "Batch norm would normalise each micro-batch with its own noisier statistics.",
    )
    lengths = d.array("lengths", lengths, [3, 12, 5, 20], ndim=1, integer=True)
    d.require(
        len(lengths) % 2 == 0 and len(lengths) <= 64 and lengths.min() >= 1 and lengths.max() <= 10000,
        "lengths is an even number (up to 64) of sequence lengths between 1 and 10000",
    )
    losses = [d.rng.uniform(1, 4, size=n) for n in lengths]
    pairs = [np.concatenate(losses[i : i + 2]) for i in range(0, len(losses), 2)]
    mean_of_means = float(np.mean([p.mean() for p in pairs]))
    token_mean = float(np.concatenate(losses).mean())
    d.show(
        "token loss over sequences of lengths " + kit.vec_text(lengths) + ", micro-batches of two sequences: "
        "average of micro-batch means, true mean over all tokens",
        [round(mean_of_means, 4), round(token_mean, 4)],
        "Dividing each micro-batch's summed loss by the total token count recovers the true mean.",
    )
    corrected = float(sum(p.sum() for p in pairs) / sum(len(p) for p in pairs))
    return {
        "full": full,
        "accumulated": accumulated,
        "unscaled": sum(parts),
        "x": X,
        "y": y,
        "w": w,
        "micro_means": micro_means,
        "token_losses": losses,
        "mean_of_means": mean_of_means,
        "token_mean": token_mean,
        "corrected": corrected,
    }


def chain_backward(x0: np.ndarray, weights: np.ndarray, segment: int) -> tuple[np.ndarray, int, int]:
    """Gradient of 0.5·|x_n|² for x_{l+1} = tanh(W_l x_l) with respect to x0, keeping only every `segment`-th
    activation in the forward pass and recomputing the others segment by segment in the backward pass.

    Returns the gradient, the peak number of stored activations and the number of recomputed layer forwards."""
    n = len(weights)
    x, saved = x0, {0: x0}
    for layer in range(n):
        x = np.tanh(weights[layer] @ x)
        if (layer + 1) % segment == 0 and layer + 1 < n:
            saved[layer + 1] = x
    grad, peak, recomputed = x, len(saved), 0
    for start in sorted(saved, reverse=True):
        end = min(start + segment, n)
        inputs = [saved[start]]
        for layer in range(start, end - 1):  # rebuild the inputs of this segment's layers from its checkpoint
            inputs.append(np.tanh(weights[layer] @ inputs[-1]))
            recomputed += 1
        peak = max(peak, len(saved) + len(inputs) - 1)
        for layer in range(end - 1, start - 1, -1):
            out = np.tanh(weights[layer] @ inputs[layer - start])
            grad = weights[layer].T @ (grad * (1 - out**2))
    return grad, peak, recomputed


@demo("activation-checkpointing")
def activation_checkpointing(d: Demo, layers=None, segment=None):
    """Checkpointing a chain of layers: the same gradient with about sqrt(n) stored activations and extra forwards."""
    n = d.number("layers", layers, 16, low=1, high=400, integer=True)
    k = d.number("segment", segment, lambda: max(1, round(math.sqrt(n))), low=1, high=n, integer=True)
    width = 4
    weights = d.rng.normal(0, 1 / math.sqrt(width), size=(n, width, width))
    x0 = d.rng.normal(size=width)
    stored_grad, stored_peak, _ = chain_backward(x0, weights, 1)
    grad, peak, recomputed = chain_backward(x0, weights, k)
    d.say(f"A chain of {n} tanh layers of width {width}; checkpoints every {k} layers.")
    d.show(
        "gradient w.r.t. the input: storing every activation, with checkpoints",
        [kit.rounded(stored_grad, 6), kit.rounded(grad, 6)],
    )
    d.show("peak stored activations: every one kept, with checkpoints", [stored_peak, peak])
    d.show(
        "layer forwards recomputed in the backward pass",
        recomputed,
        f"{recomputed / n:.0%} of one forward pass; with backward ≈ 2 forwards the step grows by about "
        f"{recomputed / n / 3:.0%}.",
    )
    sizes = np.arange(1, n + 1)
    d.series(
        "stored activations by segment length k: ceil(n/k) checkpoints + k - 1 rebuilt inputs",
        {"memory": np.ceil(n / sizes) + sizes - 1},
        x=sizes,
    )
    return {
        "grad": grad,
        "stored_grad": stored_grad,
        "peak": peak,
        "stored_peak": stored_peak,
        "recomputed": recomputed,
    }


@demo("training-memory")
def training_memory(d: Demo, params=None, layers=None, hidden=None, heads=None, seq=None, batch=None, tp=None):
    """Training memory: 16 bytes per parameter of model states, plus activations of sbh(34 + 5as/h) per layer."""
    psi = d.number("params", params, 175.0, low=0.001, high=10000) * 1e9
    L = d.number("layers", layers, 96, low=1, high=1000, integer=True)
    h = d.number("hidden", hidden, 12288, low=1, high=1_000_000, integer=True)
    a = d.number("heads", heads, 96, low=1, high=1024, integer=True)
    s = d.number("seq", seq, 2048, low=1, high=10_000_000, integer=True)
    b = d.number("batch", batch, 1, low=1, high=4096, integer=True)
    t = d.number("tp", tp, 8, low=1, high=64, integer=True)
    states = {
        "bf16 weights": 2 * psi,
        "bf16 gradients": 2 * psi,
        "fp32 master weights": 4 * psi,
        "Adam moments": 8 * psi,
    }
    d.say(f"{psi / 1e9:g} billion parameters, {L} layers, hidden {h}, {a} heads, sequence {s}, micro-batch {b}.")
    d.bars("model states (GB)", list(states), kit.rounded(np.array(list(states.values())) / GB, 1))
    sbh = s * b * h
    per_layer = {
        "no parallelism": sbh * (34 + 5 * a * s / h),
        "FlashAttention": sbh * 34,
        f"tensor parallel {t}": sbh * (10 + 24 / t + 5 * a * s / (h * t)),
        f"tensor + sequence parallel {t}": sbh * (34 + 5 * a * s / h) / t,
        "full recomputation": 2 * sbh,
    }
    d.bars(
        "activation memory over all layers (GB), per GPU",
        list(per_layer),
        kit.rounded(np.array(list(per_layer.values())) * L / GB, 1),
    )
    d.say(
        f"Model states take {16 * psi / GB:,.0f} GB (16 bytes per parameter), against {2 * psi / GB:,.0f} GB for "
        f"bf16 inference weights; activations add {per_layer['no parallelism'] * L / GB:,.0f} GB without any of "
        "the savings."
    )
    return {"states_bytes": 16 * psi, "activation_bytes_per_layer": per_layer}


# Number formats


def to_bfloat16(values) -> np.ndarray:
    """Round to the nearest bfloat16 (ties to even): keep the top 16 bits of the float32 pattern."""
    bits = np.asarray(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return rounded.astype(np.uint32).view(np.float32).astype(float)


def show(value: float):
    """A number for a table, with infinities spelled out (plain() would turn them into None)."""
    return float(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")


@demo("float-formats")
def float_formats(d: Demo, values=None):
    """The same numbers in float32, float16 and bfloat16: overflow, underflow and rounding."""
    x = kit.vector(d, "values", values, [70000.0, 1e-8, 1.003, 3.14159, 0.1, 300.5], max_len=20)
    d.require(bool(np.all(np.abs(x) < 1e38)), "values must stay below 1e38 in size")
    with np.errstate(over="ignore"):
        half = x.astype(np.float16).astype(float)
    table = [
        [float(v), float(np.float32(v)), show(f), show(b)] for v, f, b in zip(x, half, to_bfloat16(x), strict=True)
    ]
    d.show("value, float32, float16, bfloat16", table)
    facts = {
        "float16": [65504.0, 2.0**-14, 2.0**-10],
        "bfloat16": [(2 - 2.0**-7) * 2.0**127, 2.0**-126, 2.0**-7],
        "float32": [float(np.finfo(np.float32).max), 2.0**-126, 2.0**-23],
    }
    d.show(
        "largest value, smallest normal value, spacing just above 1: float16, bfloat16, float32",
        [facts[k] for k in ("float16", "bfloat16", "float32")],
    )
    d.say(
        "float16 overflows to infinity above 65504 and flushes values below about 6e-8 to zero; bfloat16 keeps "
        "float32's range but only 8 significant bits, about 2 to 3 decimal digits."
    )
    return {"values": x, "float16": half, "bfloat16": to_bfloat16(x), "facts": facts}


@demo("fp8-scaling")
def fp8_scaling(d: Demo, outlier=None, scale=None, block=None):
    """FP8 E4M3 and E5M2 grids, and why scaling factors (per tensor, per block) decide what survives an 8-bit cast."""
    outlier = d.number("outlier", outlier, 1000.0, low=0.0, high=1e6)
    scale = d.number("scale", scale, 1e-3, low=1e-8, high=1e3)
    block = d.number("block", block, 8, low=1, high=64, integer=True)
    e4m3, e5m2 = kit.fp8_grid(4, 3), kit.fp8_grid(5, 2)
    d.show("largest and smallest positive values: E4M3, E5M2", [[e4m3[-1], e4m3[1]], [e5m2[-1], e5m2[1]]])
    x = d.rng.normal(0, scale, size=64)
    x[5] = outlier
    d.say(f"64 values of typical size {kit.fmt(scale)} with one outlier of {kit.fmt(outlier)}, cast to E4M3.")
    amax = np.abs(x).max()
    tensor_scale = e4m3[-1] / amax if amax > 0 else 1.0
    blocks = np.array_split(np.arange(64), max(1, 64 // block))
    blockwise = np.empty_like(x)
    for idx in blocks:
        top = np.abs(x[idx]).max()
        s = e4m3[-1] / top if top > 0 else 1.0
        blockwise[idx] = kit.round_to_grid(x[idx] * s, e4m3) / s
    results = {
        "no scaling": kit.round_to_grid(x, e4m3),
        "one scale per tensor": kit.round_to_grid(x * tensor_scale, e4m3) / tensor_scale,
        f"one scale per block of {block}": blockwise,
    }
    rest = np.arange(64) != 5
    errors = {k: float(np.median(np.abs(v[rest] - x[rest]) / np.abs(x[rest]))) for k, v in results.items()}
    zeros = {k: int(np.sum(v[rest] == 0)) for k, v in results.items()}
    d.bars("median relative error of the ordinary values", list(errors), list(errors.values()))
    d.bars("ordinary values flushed to zero", list(zeros), list(zeros.values()))
    d.say(
        f"Flushed to zero: {zeros['no scaling']} without a scale, {zeros['one scale per tensor']} with one scale set "
        f"by the largest value, {zeros[f'one scale per block of {block}']} with a scale per block, which confines "
        "the outlier's effect to its own block."
    )
    return {
        "e4m3_max": float(e4m3[-1]),
        "e5m2_max": float(e5m2[-1]),
        "e4m3_min": float(e4m3[1]),
        "e5m2_min": float(e5m2[1]),
        "errors": errors,
        "zeros": zeros,
    }


# Time


def overlapped_step(compute: np.ndarray, sizes: np.ndarray, bandwidth: float, bucket: float) -> tuple[float, list]:
    """Backward pass over layers from last to first; gradients go into buckets, and each full bucket's all-reduce
    starts when it is ready and the link is free. Returns the step time and (ready, start, end) per bucket."""
    clock, link, filled, events = 0.0, 0.0, 0.0, []
    for layer in range(len(compute) - 1, -1, -1):
        clock += compute[layer]
        filled += sizes[layer]
        if filled >= bucket or layer == 0:
            start = max(clock, link)
            link = start + 2 * filled / bandwidth  # a ring all-reduce moves about twice the bucket
            events.append((clock, start, link))
            filled = 0.0
    return max(clock, link), events


@demo("comm-overlap")
def comm_overlap(d: Demo, compute=None, sizes=None, bandwidth=None, bucket=None):
    """Gradient buckets all-reduced during the backward pass: step time with and without overlap."""
    compute = kit.vector(d, "compute", compute, [3.0] * 8, max_len=200)
    sizes = kit.vector(d, "sizes", sizes, [50.0] * 8, len(compute))
    d.require(bool(np.all(compute >= 0) & np.all(sizes >= 0)), "compute (ms) and sizes (MB) must be non-negative")
    bandwidth = d.number("bandwidth", bandwidth, 50.0, low=0.001, high=1e6)  # MB per ms, i.e. GB/s
    bucket = d.number("bucket", bucket, 25.0, low=0.001, high=1e6)
    total, events = overlapped_step(compute, sizes, bandwidth, bucket)
    serial = float(compute.sum() + 2 * sizes.sum() / bandwidth)
    d.say(
        f"{len(compute)} layers' backward passes ({kit.fmt(compute.sum())} ms in all) produce {kit.fmt(sizes.sum())} "
        f"MB of gradients; the link moves {kit.fmt(bandwidth)} GB/s and buckets hold {kit.fmt(bucket)} MB."
    )
    d.show("buckets: ready, all-reduce start, end (ms)", [[round(v, 3) for v in e] for e in events])
    d.show(
        "step time: communication after backward, overlapped",
        [round(serial, 3), round(total, 3)],
        f"Overlap hides {serial - total:.3g} ms; what remains exposed is communication that outlasts the compute.",
    )
    return {"serial": serial, "overlapped": total, "buckets": events}


@demo("mfu-estimate")
def mfu_estimate(d: Demo, params=None, tokens_per_second=None, gpus=None, peak=None, tokens=None):
    """Model FLOPs utilisation from measured throughput, and the days a run of D tokens then takes."""
    n = d.number("params", params, 7.0, low=0.001, high=10000) * 1e9
    rate = d.number("tokens_per_second", tokens_per_second, 1e6, low=1.0, high=1e12)
    g = d.number("gpus", gpus, 256, low=1, high=1_000_000, integer=True)
    peak = d.number("peak", peak, 989.0, low=1.0, high=1e6) * 1e12
    total = d.number("tokens", tokens, 2000.0, low=0.001, high=1e6) * 1e9
    used, available = 6 * n * rate, g * peak
    mfu = used / available
    d.say(f"A {n / 1e9:g}B-parameter model processes {rate:.3g} tokens/s on {g} GPUs of {peak / 1e12:g} TFLOP/s peak.")
    d.show("model FLOP/s (6N × tokens/s), peak FLOP/s, MFU", [used, available, round(mfu, 4)])
    d.show(
        "HFU with full activation recomputation (8N per token)",
        round(8 * n * rate / available, 4),
        "Recomputed forwards count as hardware work but not as model work.",
    )
    seconds = total / rate
    d.show(
        "days and GPU-hours for the whole run",
        [round(seconds / 86400, 2), round(seconds * g / 3600)],
        f"{total / 1e9:g} billion tokens need 6ND = {6 * n * total:.3g} FLOPs.",
    )
    return {"mfu": mfu, "hfu": 8 * n * rate / available, "days": seconds / 86400, "gpu_hours": seconds * g / 3600}
