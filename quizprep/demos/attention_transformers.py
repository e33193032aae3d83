"""Demos for the attention and transformers topic: scaled dot-product attention, masks, positions, its cost, caching and
tokenisation."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo


@demo("attention")
def attention(d: Demo, q=None, k=None, v=None):
    """Scaled dot-product attention softmax(QK^T/sqrt(d))V."""
    Q = d.array("q", q, lambda: kit.rounded_normal(d, (3, 4)))
    K = d.array("k", k, lambda: kit.rounded_normal(d, (4, 4)))
    V = d.array("v", v, lambda: kit.rounded_normal(d, (4, 3)))
    if Q.ndim not in (1, 2) or V.ndim not in (1, 2):
        raise DemoInputError(f"q and v must be vectors or matrices; got q of shape {Q.shape} and v of shape {V.shape}")
    if K.ndim != 2:
        raise DemoInputError(f"k must be a matrix with one key per row, like [[1, 0], [0, 1]]; got shape {K.shape}")
    single_query, single_value = Q.ndim == 1, V.ndim == 1
    Q2 = Q.reshape(1, -1) if single_query else Q
    V2 = V.reshape(-1, 1) if single_value else V
    if Q2.shape[1] != K.shape[1]:
        raise DemoInputError(
            f"q has width {Q2.shape[1]} but k has width {K.shape[1]}: every query is dotted with every key, "
            "so q and k need the same number of columns d_k"
        )
    if V2.shape[0] != K.shape[0]:
        raise DemoInputError(
            f"k has {K.shape[0]} rows (keys) but v has {V2.shape[0]} rows (values): each key needs exactly one value"
        )
    d_k = K.shape[1]
    scores = Q2 @ K.T / np.sqrt(d_k)
    weights = kit.softmax(scores)
    out = weights @ V2

    d.show(f"Q ({Q2.shape[0]} queries x d_k = {d_k})", Q2)
    d.show(f"K ({K.shape[0]} keys x d_k = {d_k})", K)
    d.show(f"V ({V2.shape[0]} values x {V2.shape[1]})", V2)
    unscaled_top = kit.softmax(Q2 @ K.T)[0].max()
    d.show(
        "scores QK^T / √d_k",
        scores,
        text=(
            f"Each dot product is divided by √{d_k} = {kit.fmt(np.sqrt(d_k))}; without it the top "
            f"weight of query 1 would be {kit.fmt(unscaled_top)} instead of {kit.fmt(weights[0].max())}."
        ),
    )
    d.show(
        "attention weights softmax(scores)",
        weights,
        text="Row i says how much query i takes from each value; every row sums to 1.",
    )
    d.bars("weights of query 1", [f"key {j + 1}" for j in range(K.shape[0])], weights[0])
    d.show("output = weights · V", out)
    if K.shape[0] <= 6:
        mix = " + ".join(f"{kit.fmt(weights[0, j])}·v{j + 1}" for j in range(K.shape[0]))
        d.say(f"Output row 1 is the mix {mix} = {kit.vec_text(out[0])}.")
    else:
        d.say(
            f"Output row 1 is a weighted average of the {K.shape[0]} value rows, "
            f"mostly value {int(weights[0].argmax()) + 1}."
        )
    if single_value:
        out = out[:, 0]
    return out[0] if single_query else out


@demo("causal-mask")
def causal_mask(d: Demo, scores=None):
    """Masking future positions in self-attention."""
    S = d.array("scores", scores, lambda: kit.rounded_normal(d, (4, 4)), ndim=2)
    n, m = S.shape
    if n != m:
        raise DemoInputError(f"scores must be square for self-attention (n queries x the same n keys); got {n}x{m}")
    allowed = np.tril(np.ones((n, n), dtype=int))
    weights = kit.softmax(np.where(allowed == 1, S, -np.inf))
    d.show("scores (query row, key column)", S)
    d.show(
        "allowed (1) or masked (0)",
        allowed,
        text="Position i may look at keys 1..i: the diagonal and everything below it.",
    )
    d.say("Masked scores become -∞ before the softmax, so exp gives exactly 0 and the row still sums to 1.")
    d.show("causal attention weights", weights)
    d.show("without the mask", kit.softmax(S), text="Here every position, even the first, would read the future.")
    d.say(
        f"Position 1 attends only to itself (weight {kit.fmt(weights[0, 0])}) "
        f"and position {n} to all {n}; GPT-style decoders use this mask, BERT does not."
    )
    return {"mask": allowed, "weights": weights}


@demo("positional-encoding")
def positional_encoding(d: Demo, length=None, dim=None):
    """Sinusoidal position encodings and their dot products by distance."""
    length = d.number("length", length, 8, low=2, high=512, integer=True)
    dim = d.number("dim", dim, 8, low=2, high=512, integer=True)
    if dim % 2:
        raise DemoInputError(f"dim must be even (each frequency fills a sine and a cosine column), not {dim}")
    positions = np.arange(length)[:, None]
    freqs = 1.0 / 10000 ** (np.arange(0, dim, 2) / dim)  # one angular frequency per (sin, cos) pair
    pe = np.zeros((length, dim))
    pe[:, 0::2] = np.sin(positions * freqs)
    pe[:, 1::2] = np.cos(positions * freqs)
    d.say(
        f"PE(p, 2i) = sin(p / 10000^(2i/{dim})) and PE(p, 2i+1) "
        f"= cos(p / 10000^(2i/{dim})): one frequency per pair of columns."
    )
    d.show(
        "frequencies ω_i",
        freqs,
        text=f"Wavelengths run from 2π ≈ 6.28 up to {kit.fmt(2 * np.pi / freqs[-1])} positions.",
    )
    d.show(f"PE ({length} positions x {dim})", pe)
    dots = pe @ pe[0]
    later = pe[1:] @ pe[1]
    distances = np.arange(length - 1)
    d.series("PE_p · PE_(p+k) by distance k", {"from p = 0": dots[:-1], "from p = 1": later}, x=distances)
    d.say(
        "Both curves agree: the dot product is Σ cos(ω_i k), "
        f"which depends only on the distance k; at k = 0 it is {dim // 2}."
    )
    return {"encoding": pe, "dot_by_distance": dots}


@demo("attention-scaling")
def attention_scaling(d: Demo, dims=None, keys=None, samples=None):
    """Why attention divides by sqrt(d_k): the variance of q·k and softmax saturation by head size."""
    aux = d.side_rng()
    widths = d.array("dims", dims, [4, 16, 64, 256, 512], ndim=1, integer=True)
    keys = d.number("keys", keys, 8, low=2, high=64, integer=True)
    samples = d.number("samples", samples, 1000, low=100, high=20000, integer=True)
    d.require(widths.min() >= 1 and widths.max() <= 4096, "dims must be head sizes between 1 and 4096")
    d.require(widths.size <= 8, f"at most 8 head sizes, not {widths.size}")
    d.require(
        samples * int(widths.sum()) <= 2_000_000,
        f"samples x sum(dims) = {samples * int(widths.sum()):,} is too much work; keep it under 2,000,000",
    )

    var_raw, var_scaled, ent_raw, ent_scaled, top_raw, top_scaled, jac_raw, jac_scaled = ([] for _ in range(8))
    trials = 100
    for dk in widths:
        dk = int(dk)
        q = aux.standard_normal(size=(samples, dk))
        k = aux.standard_normal(size=(samples, dk))
        dots = np.einsum("ij,ij->i", q, k)
        var_raw.append(float(dots.var()))
        var_scaled.append(float((dots / math.sqrt(dk)).var()))
        query = aux.standard_normal(size=(trials, dk))
        key_set = aux.standard_normal(size=(trials, keys, dk))
        scores = np.einsum("td,tkd->tk", query, key_set)
        for scale, ents, tops, jacs in (
            (1.0, ent_raw, top_raw, jac_raw),
            (math.sqrt(dk), ent_scaled, top_scaled, jac_scaled),
        ):
            p = kit.softmax(scores / scale)
            ents.append(float(kit.entropy(p).mean()))
            tops.append(float(p.max(axis=1).mean()))
            jacobian = np.einsum("ti,ij->tij", p, np.eye(keys)) - p[:, :, None] * p[:, None, :]
            jacs.append(float(np.sqrt((jacobian**2).sum(axis=(1, 2))).mean()))

    d.say(
        "If query and key entries are independent with mean 0 and variance 1, "
        "q·k is a sum of d_k products of variance 1, so Var(q·k) = d_k."
    )
    d.show(
        f"d_k, Var(q·k), Var(q·k/√d_k) over {samples} pairs",
        np.column_stack([widths, np.round(var_raw, 2), np.round(var_scaled, 3)]),
    )
    xs = [int(v) for v in widths]
    d.series(
        f"mean entropy of the softmax over {keys} keys (nats)",
        {"unscaled": ent_raw, "scaled by √d_k": ent_scaled},
        x=xs,
        text=(
            f"The most spread-out weighting has entropy ln {keys} = {kit.fmt(math.log(keys))}; "
            "unscaled scores push it towards 0, a one-hot choice."
        ),
    )
    d.series("mean largest weight", {"unscaled": top_raw, "scaled by √d_k": top_scaled}, x=xs)
    d.series(
        "mean size of the softmax Jacobian (Frobenius norm)",
        {"unscaled": jac_raw, "scaled by √d_k": jac_scaled},
        x=xs,
        text="A nearly one-hot softmax has a nearly zero Jacobian, so little gradient reaches the queries and keys.",
    )
    d.say(
        f"At d_k = {xs[-1]} the unscaled softmax puts {kit.fmt(top_raw[-1])} on its top key on average; "
        f"dividing by √{xs[-1]} keeps it at {kit.fmt(top_scaled[-1])}, about where d_k = {xs[0]} was."
    )
    return {
        "dims": xs,
        "variance_raw": var_raw,
        "variance_scaled": var_scaled,
        "entropy_raw": ent_raw,
        "entropy_scaled": ent_scaled,
        "max_entropy": math.log(keys),
        "jacobian_norm_raw": jac_raw,
        "jacobian_norm_scaled": jac_scaled,
    }


def blockwise_attention(Q: np.ndarray, K: np.ndarray, V: np.ndarray, block: int) -> tuple[np.ndarray, int]:
    """Exact softmax(QK^T/√d)V one block x block tile of scores at a time, with a running max and sum per query
    (the online softmax FlashAttention uses). Returns the output and the largest score tile held."""
    n, dim = Q.shape
    out = np.zeros((n, V.shape[1]))
    largest = 0
    for q0 in range(0, n, block):
        q = Q[q0 : q0 + block]
        running_max = np.full(len(q), -np.inf)
        running_sum = np.zeros(len(q))
        acc = np.zeros((len(q), V.shape[1]))
        for k0 in range(0, K.shape[0], block):
            tile = q @ K[k0 : k0 + block].T / math.sqrt(dim)
            largest = max(largest, tile.size)
            new_max = np.maximum(running_max, tile.max(axis=1))
            rescale = np.exp(running_max - new_max)
            e = np.exp(tile - new_max[:, None])
            running_sum = running_sum * rescale + e.sum(axis=1)
            acc = acc * rescale[:, None] + e @ V[k0 : k0 + block]
            running_max = new_max
        out[q0 : q0 + block] = acc / running_sum[:, None]
    return out, largest


@demo("attention-cost")
def attention_cost(d: Demo, lengths=None, heads=None, head_dim=None, bytes_per_value=None, n=None, block=None):
    """The n x n score matrix's memory by sequence length, and exact attention computed tile by tile."""
    aux = d.side_rng()
    ns = d.array("lengths", lengths, [512, 1024, 2048, 4096, 8192, 16384], ndim=1, integer=True)
    heads = d.number("heads", heads, 16, low=1, high=256, integer=True)
    head_dim = d.number("head_dim", head_dim, 64, low=1, high=1024, integer=True)
    width = d.number("bytes_per_value", bytes_per_value, 2, low=1, high=8, integer=True)
    n = d.number("n", n, 12, low=2, high=256, integer=True)
    block = d.number("block", block, 4, low=1, high=256, integer=True)
    d.require(ns.min() >= 1 and ns.size <= 12, "lengths must be at most 12 positive sequence lengths")

    lengths_list = [int(v) for v in ns]
    score_mib = [heads * m * m * width / 2**20 for m in lengths_list]
    qkv_mib = [3 * heads * m * head_dim * width / 2**20 for m in lengths_list]
    d.say(
        "Each head scores every query against every key: an n x n matrix, "
        f"so one layer holds heads·n²·bytes = {heads}·n²·{width} bytes of scores per sequence."
    )
    d.series(
        "MiB per layer and sequence",
        {"score matrices": score_mib, "Q, K and V": qkv_mib},
        x=lengths_list,
        text="Doubling n quadruples the scores but only doubles Q, K and V.",
    )
    d.show(
        "n, score MiB, Q/K/V MiB",
        np.column_stack([lengths_list, np.round(score_mib, 2), np.round(qkv_mib, 2)]),
        text=f"Time grows the same way: QK^T and the weighted sum each take n²·{head_dim} multiply-adds per head.",
    )

    Q = aux.normal(size=(n, 4))
    K = aux.normal(size=(n, 4))
    V = aux.normal(size=(n, 4))
    full = kit.softmax(Q @ K.T / 2.0) @ V
    tiled, largest = blockwise_attention(Q, K, V, block)
    difference = float(np.abs(full - tiled).max())
    d.say(
        f"The quadratic memory is not needed for an exact answer: with {n} tokens, "
        f"tiles of {block} x {block} scores and a running max and sum per query "
        f"give the same output to {difference:.1e}, holding {largest} scores at a time instead of {n * n}."
    )
    d.say(
        "That is FlashAttention's trick (done in fast on-chip memory); it keeps the n² arithmetic, "
        "whereas sparse, local or linear attention change the computation to cut it."
    )
    return {
        "lengths": lengths_list,
        "score_mib": score_mib,
        "qkv_mib": qkv_mib,
        "max_difference": difference,
        "largest_tile": largest,
        "full_entries": n * n,
    }


class TinyDecoder:
    """A toy decoder: token plus position embeddings, single-head causal self-attention layers with residuals,
    a linear head. It counts the multiply-adds it performs."""

    def __init__(self, rng: np.random.Generator, vocab: int, dim: int, layers: int, max_len: int):
        self.E = rng.normal(size=(vocab, dim))
        self.P = rng.normal(scale=0.5, size=(max_len, dim))
        scale = 1 / math.sqrt(dim)
        self.W = [[rng.normal(scale=scale, size=(dim, dim)) for _ in range(4)] for _ in range(layers)]  # q, k, v, out
        self.U = rng.normal(scale=scale, size=(dim, vocab))
        self.dim, self.vocab = dim, vocab
        self.macs = 0

    def forward(self, tokens: list[int]) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
        """Run the whole sequence with a causal mask; return the last position's logits and every layer's K and V."""
        t, dim = len(tokens), self.dim
        h = self.E[tokens] + self.P[:t]
        kv = []
        mask = np.triu(np.ones((t, t), dtype=bool), 1)
        for wq, wk, wv, wo in self.W:
            q, k, v = h @ wq, h @ wk, h @ wv
            scores = np.where(mask, -np.inf, q @ k.T / math.sqrt(dim))
            h = h + (kit.softmax(scores) @ v) @ wo
            kv.append((k, v))
            self.macs += 4 * t * dim * dim + 2 * t * t * dim
        self.macs += dim * self.vocab
        return h[-1] @ self.U, kv

    def step(self, token: int, position: int, cache: list[list[np.ndarray]]) -> np.ndarray:
        """One new token: compute its own q, k, v per layer, append k and v to the cache, attend over the cache."""
        dim = self.dim
        h = self.E[token] + self.P[position]
        for layer, (wq, wk, wv, wo) in enumerate(self.W):
            q, k, v = h @ wq, h @ wk, h @ wv
            keys = np.vstack([cache[layer][0], k])
            values = np.vstack([cache[layer][1], v])
            cache[layer] = [keys, values]
            weights = kit.softmax(keys @ q / math.sqrt(dim))
            h = h + (weights @ values) @ wo
            t = len(keys)
            self.macs += 4 * dim * dim + 2 * t * dim
        self.macs += dim * self.vocab
        return h @ self.U


@demo("kv-cache")
def kv_cache(d: Demo, prompt=None, steps=None, layers=None, dim=None, vocab=None, example=None):
    """Greedy decoding with and without a KV cache: identical tokens, far less compute, memory per token."""
    aux = d.side_rng()
    vocab = d.number("vocab", vocab, 16, low=2, high=1000, integer=True)
    tokens = d.array("prompt", prompt, lambda: d.rng.integers(0, vocab, size=3), ndim=1, integer=True)
    steps = d.number("steps", steps, 6, low=1, high=40, integer=True)
    layers = d.number("layers", layers, 2, low=1, high=8, integer=True)
    dim = d.number("dim", dim, 8, low=1, high=64, integer=True)
    config = d.array("example", example, [32, 32, 128, 2, 4096], ndim=1, integer=True)
    d.require(
        config.size == 5 and config.min() >= 1,
        "example is [layers, kv heads, head size, bytes per value, tokens], all positive",
    )
    d.require(tokens.size <= 40, f"the prompt has at most 40 tokens, not {tokens.size}")
    bad = [int(t) for t in tokens if not 0 <= t < vocab]
    d.require(not bad, f"prompt tokens must lie between 0 and {vocab - 1}; got {bad[0] if bad else ''}")
    prompt_list = [int(t) for t in tokens]
    model = TinyDecoder(aux, vocab, dim, layers, len(prompt_list) + steps)

    seq, plain_tokens, plain_logits, plain_macs = list(prompt_list), [], [], []
    for _ in range(steps):
        before = model.macs
        logits, _ = model.forward(seq)
        plain_macs.append(model.macs - before)
        plain_logits.append(logits)
        seq.append(int(np.argmax(logits)))
        plain_tokens.append(seq[-1])

    cached_tokens, cached_logits, cached_macs = [], [], []
    before = model.macs
    logits, kv = model.forward(prompt_list)  # prefill: the prompt in one pass, keeping every layer's K and V
    cache = [[k, v] for k, v in kv]
    cached_macs.append(model.macs - before)
    for i in range(steps):
        if i:
            before = model.macs
            logits = model.step(cached_tokens[-1], len(prompt_list) + i - 1, cache)
            cached_macs.append(model.macs - before)
        cached_logits.append(logits)
        cached_tokens.append(int(np.argmax(logits)))
    difference = float(np.abs(np.array(plain_logits) - np.array(cached_logits)).max())

    d.say(
        f"A toy decoder ({layers} layers, width {dim}, {vocab} tokens) continues the prompt "
        f"{prompt_list} greedily for {steps} steps, once recomputing everything and once with a cache."
    )
    d.show(
        "generated tokens: without cache, with cache",
        [plain_tokens, cached_tokens],
        text=f"Identical; the logits differ by at most {difference:.1e}.",
    )
    d.say(
        "Causal masking means earlier positions never change when a token is added, "
        "so their keys and values can be stored instead of recomputed."
    )
    d.series(
        "multiply-adds per generated token",
        {"recompute all": plain_macs, "with KV cache": cached_macs},
        x=list(range(1, steps + 1)),
        text="Step 1 is the prefill of the prompt; after it each step projects one token and reads the cache.",
    )
    d.say(
        f"Total: {kit.thousands(sum(plain_macs))} multiply-adds without the cache, "
        f"{kit.thousands(sum(cached_macs))} with it ({sum(plain_macs) / sum(cached_macs):.1f} times fewer)."
    )
    d.show("cache shape per layer: keys and values (tokens x width)", [layers, 2, len(cache[0][0]), dim])
    n_layers, kv_heads, head_size, width, context = (int(v) for v in config)
    per_token = 2 * n_layers * kv_heads * head_size * width
    total_mib = per_token * context / 2**20
    d.say(
        "Memory per token = 2 (K and V)·layers·heads·head size·bytes = "
        f"2·{n_layers}·{kv_heads}·{head_size}·{width} = {kit.thousands(per_token)} bytes; "
        f"{kit.thousands(context)} tokens take {kit.fmt(total_mib)} MiB per sequence."
    )
    return {
        "tokens_without_cache": plain_tokens,
        "tokens_with_cache": cached_tokens,
        "max_logit_difference": difference,
        "macs_without_cache": plain_macs,
        "macs_with_cache": cached_macs,
        "bytes_per_token": per_token,
        "cache_mib": total_mib,
    }


def rope_angles(dim: int, base: float) -> np.ndarray:
    return base ** (-np.arange(0, dim, 2) / dim)


def rope_rotate(x: np.ndarray, position: float, theta: np.ndarray) -> np.ndarray:
    """Rotate each pair (x[2i], x[2i+1]) by the angle position·theta[i]."""
    angle = position * theta
    cos, sin = np.cos(angle), np.sin(angle)
    even, odd = x[0::2], x[1::2]
    out = np.empty_like(x, dtype=float)
    out[0::2] = even * cos - odd * sin
    out[1::2] = even * sin + odd * cos
    return out


def sinusoid(position: float, dim: int, base: float) -> np.ndarray:
    freqs = rope_angles(dim, base)
    pe = np.empty(dim)
    pe[0::2] = np.sin(position * freqs)
    pe[1::2] = np.cos(position * freqs)
    return pe


@demo("rope")
def rope(d: Demo, q=None, k=None, positions=None, shifts=None, base=None):
    """Rotary position embeddings: rotated queries and keys whose dot product depends only on distance."""
    qv = d.array("q", q, lambda: np.round(d.rng.normal(size=8), 1), ndim=1)
    kv = d.array("k", k, lambda: np.round(d.rng.normal(size=qv.size), 1), ndim=1)
    pos = d.array("positions", positions, [6, 2], ndim=1, integer=True)
    shifts = d.number("shifts", shifts, 8, low=1, high=200, integer=True)
    base = d.number("base", base, 10000.0, low=2.0, high=1e7)
    d.require(qv.size % 2 == 0, f"q must have an even length (RoPE rotates pairs of entries), not {qv.size}")
    d.require(kv.size == qv.size, f"q has {qv.size} entries but k has {kv.size}; they are dotted together")
    d.require(pos.size == 2, f"positions is [query position, key position], not {pos.size} numbers")
    dim = qv.size
    m, n = int(pos[0]), int(pos[1])
    theta = rope_angles(dim, base)

    d.say(
        f"RoPE cuts q and k into {dim // 2} pairs and rotates pair i by the angle position·θ_i, "
        f"with θ_i = {kit.fmt(base) if base < 1e4 or base != int(base) else kit.thousands(base)}^(-2i/{dim})."
    )
    d.show("θ_i (radians per position)", theta)
    q_rot = rope_rotate(qv, m, theta)
    d.show(
        f"q, and q rotated for position {m}",
        np.vstack([qv, q_rot]),
        text=(
            f"A rotation keeps the length: |q| = {kit.fmt(np.linalg.norm(qv))}, "
            f"|R q| = {kit.fmt(np.linalg.norm(q_rot))}."
        ),
    )

    offsets = list(range(shifts + 1))
    rotary = [float(rope_rotate(qv, m + s, theta) @ rope_rotate(kv, n + s, theta)) for s in offsets]
    additive = [float((qv + sinusoid(m + s, dim, base)) @ (kv + sinusoid(n + s, dim, base))) for s in offsets]
    d.series(
        f"score of query at {m}+s and key at {n}+s, by shift s",
        {"RoPE": rotary, "added sinusoids": additive},
        x=offsets,
        text=(
            f"RoPE's score stays {kit.fmt(rotary[0])} at every shift: it sees only the distance {m - n}. "
            "Adding encodings leaves terms that depend on the absolute positions."
        ),
    )
    distances = list(range(-shifts, shifts + 1))
    by_distance = [float(rope_rotate(qv, r, theta) @ kv) for r in distances]
    d.series("RoPE score by relative distance m - n", {"q·k": by_distance}, x=distances)
    d.say(
        "The rotation is applied to queries and keys in every layer (values are left alone), "
        "adds no parameters, and R_m q · R_n k = q · R_(n-m) k."
    )
    return {
        "theta": theta,
        "scores_by_shift": rotary,
        "additive_scores_by_shift": additive,
        "distances": distances,
        "scores_by_distance": by_distance,
    }


@demo("weight-tying")
def weight_tying(d: Demo, vocab=None, dim=None, token=None, target=None, example=None):
    """Sharing the embedding matrix with the output layer: parameters saved, logits as dot products."""
    aux = d.side_rng()
    vocab = d.number("vocab", vocab, 8, low=2, high=200, integer=True)
    dim = d.number("dim", dim, 4, low=1, high=64, integer=True)
    token = d.number("token", token, lambda: int(d.rng.integers(vocab)), low=0, high=vocab - 1, integer=True)
    target = d.number("target", target, lambda: int(d.rng.integers(vocab)), low=0, high=vocab - 1, integer=True)
    sizes = d.array("example", example, [50257, 768], ndim=1, integer=True)
    d.require(sizes.size == 2 and sizes.min() >= 1, "example is [vocabulary size, model width], both positive")
    E = np.round(aux.normal(size=(vocab, dim)), 2)
    W = aux.normal(scale=1 / math.sqrt(dim), size=(dim, dim))

    untied, tied = 2 * vocab * dim, vocab * dim
    big_v, big_d = (int(v) for v in sizes)
    d.say(
        f"Untied, the input embedding and the output projection are two {vocab} x "
        f"{dim} matrices ({untied} weights); tied, one matrix E serves both ({tied})."
    )
    d.say(
        f"At GPT-2 small's scale ({kit.thousands(big_v)} tokens, "
        f"width {big_d}) tying saves {kit.thousands(big_v * big_d)} parameters."
    )
    d.show(f"E ({vocab} x {dim})", E)
    x = E[token]
    h = np.tanh(W @ x)
    logits = E @ h
    p = kit.softmax(logits)
    d.show(f"hidden state h after reading token {token}", h)
    d.show(
        "logits = E h",
        logits,
        text=(
            "Logit j is the dot product of h with token j's own embedding: "
            "the model predicts tokens whose vectors point where h points."
        ),
    )
    d.bars("next-token probabilities", [f"token {j}" for j in range(vocab)], p)

    delta = p.copy()
    delta[target] -= 1.0
    output_grad = np.outer(delta, h)  # dL/dE through the logits
    input_grad = np.zeros_like(E)
    input_grad[token] = W.T @ ((1 - h**2) * (E.T @ delta))  # dL/dE through the lookup
    rows_out = int((np.abs(output_grad).sum(axis=1) > 0).sum())
    rows_in = int((np.abs(input_grad).sum(axis=1) > 0).sum())
    d.say(
        f"With target {target}, the output side sends a gradient to {rows_out} of {vocab} rows of E, "
        f"the lookup to just {rows_in} (row {token}); "
        "tied, every token's vector learns at every step, rare ones included."
    )
    return {
        "untied_params": untied,
        "tied_params": tied,
        "saved": tied,
        "example_saved": big_v * big_d,
        "embedding": E,
        "hidden": h,
        "logits": logits,
        "output_grad": output_grad,
        "rows_updated_output": rows_out,
        "rows_updated_input": rows_in,
    }


BPE_WORDS = ["low", "lower", "lowest", "new", "newer", "newest", "wide", "wider", "widest"]


BPE_UNSEEN = ["slowest", "renewer", "zest"]


END = "_"


def apply_merge(symbols: list[str], pair: tuple[str, str]) -> list[str]:
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def learn_bpe(
    counts: dict[str, int], merges: int
) -> tuple[list[tuple[str, str]], list[int], dict[str, list[str]], list[int], list[int]]:
    """Greedy BPE: repeatedly merge the most frequent adjacent pair (ties: the alphabetically first pair)."""
    words = {w: list(w) + [END] for w in counts}
    vocab = {s for symbols in words.values() for s in symbols}
    learned, pair_counts, vocab_sizes, totals = (
        [],
        [],
        [len(vocab)],
        [sum(len(words[w]) * c for w, c in counts.items())],
    )
    for _ in range(merges):
        pairs: Counter = Counter()
        for w, c in counts.items():
            symbols = words[w]
            for pair in zip(symbols, symbols[1:], strict=False):
                pairs[pair] += c
        if not pairs or max(pairs.values()) == 0:
            break
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))
        learned.append(best)
        pair_counts.append(pairs[best])
        words = {w: apply_merge(s, best) for w, s in words.items()}
        vocab.add(best[0] + best[1])
        vocab_sizes.append(len(vocab))
        totals.append(sum(len(words[w]) * c for w, c in counts.items()))
    return learned, pair_counts, words, vocab_sizes, totals


def encode(word: str, learned: list[tuple[str, str]], alphabet: set[str]) -> list[str]:
    symbols = [ch if ch in alphabet else "[UNK]" for ch in word] + [END]
    for pair in learned:
        symbols = apply_merge(symbols, pair)
    return symbols


@demo("bpe-merges")
def bpe_merges(d: Demo, counts=None, merges=None):
    """Byte-pair encoding learns merges on a tiny corpus and splits unseen words into known pieces."""
    freq = d.array("counts", counts, [5, 2, 3, 6, 3, 4, 3, 2, 2], ndim=1, integer=True)
    merges = d.number("merges", merges, 10, low=1, high=40, integer=True)
    d.require(
        freq.size == len(BPE_WORDS),
        (
            f"counts gives one frequency for each of the {len(BPE_WORDS)} "
            f"words {', '.join(BPE_WORDS)}; got {freq.size} numbers"
        ),
    )
    d.require(
        freq.min() >= 0 and freq.max() <= 1000 and freq.sum() > 0,
        "counts must be whole numbers between 0 and 1000, not all zero",
    )
    corpus = {w: int(c) for w, c in zip(BPE_WORDS, freq, strict=False) if c > 0}
    learned, pair_counts, words, vocab_sizes, totals = learn_bpe(corpus, merges)
    alphabet = {ch for w in corpus for ch in w} | {END}

    d.bars("word counts in the tiny corpus", list(corpus), list(corpus.values()))
    d.say(
        f"Start from characters plus an end-of-word mark '{END}': a vocabulary of {vocab_sizes[0]} symbols. "
        "Each round merges the adjacent pair seen most often, weighted by word count."
    )
    d.bars(
        "merges in order, with their counts", [f"{i + 1}. {a} + {b}" for i, (a, b) in enumerate(learned)], pair_counts
    )
    d.series(
        "as merges are learned",
        {"vocabulary size": vocab_sizes, "tokens in the corpus": totals},
        x=list(range(len(vocab_sizes))),
        text="Every merge adds one symbol and shortens the text: a larger vocabulary means shorter sequences.",
    )
    d.say("Words now split as: " + "; ".join(f"{w} → {' '.join(words[w])}" for w in corpus) + ".")
    unseen = {w: encode(w, learned, alphabet) for w in BPE_UNSEEN}
    d.say(
        "Unseen words reuse the learned pieces: "
        + "; ".join(f"{w} → {' '.join(s)}" for w, s in unseen.items())
        + (
            ". A letter never seen in training becomes [UNK]; "
            "byte-level BPE starts from the 256 bytes, so nothing is ever unknown."
        )
    )
    return {
        "merges": [f"{a}+{b}" for a, b in learned],
        "merge_counts": pair_counts,
        "vocab_sizes": vocab_sizes,
        "corpus_tokens": totals,
        "tokenized": {w: words[w] for w in corpus},
        "unseen": unseen,
    }
