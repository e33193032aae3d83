"""Demos for the llm-architecture topic: shared key/value heads, tiled exact attention, RoPE scaling, ALiBi,
sliding windows, norm placement, RMSNorm, SwiGLU, parameter and FLOP counts, masks at inference, and
mixture-of-experts routing, capacity and parameter counts."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, demo


@demo("gqa-cache")
def gqa_cache(d: Demo, layers=None, query_heads=None, kv_heads=None, head_dim=None, tokens=None, bytes_per_value=None):
    """Multi-head, grouped-query and multi-query attention: cache size, bytes read per step, and the same scores."""
    aux = d.side_rng()
    layers = d.number("layers", layers, 80, low=1, high=200, integer=True)
    h = d.number("query_heads", query_heads, 64, low=1, high=256, integer=True)
    g = d.number("kv_heads", kv_heads, 8, low=1, high=h, integer=True)
    head_dim = d.number("head_dim", head_dim, 128, low=1, high=1024, integer=True)
    tokens = d.number("tokens", tokens, 4096, low=1, high=10_000_000, integer=True)
    width = d.number("bytes_per_value", bytes_per_value, 2, low=0.5, high=8)
    d.require(
        h % g == 0, f"query_heads ({h}) must be a multiple of kv_heads ({g}): each group shares one key/value head"
    )

    per_token = {name: 2 * layers * heads * head_dim * width for name, heads in (("MHA", h), ("GQA", g), ("MQA", 1))}
    cache_gib = {name: b * tokens / kit.GIB for name, b in per_token.items()}
    d.say(
        f"Cache per token = 2 (K and V)·layers·KV heads·head size·bytes; with {layers} layers, head size {head_dim} "
        f"and {kit.fmt(width)} bytes per value:"
    )
    d.bars(
        f"KV cache for {kit.thousands(tokens)} tokens (GiB)",
        [f"MHA ({h} KV heads)", f"GQA ({g})", "MQA (1)"],
        list(cache_gib.values()),
    )
    d.say(
        f"GQA stores and rereads {h // g} times less than MHA at each decoding step; MQA {h} times less. "
        f"Every variant still has {h} query heads, so the number of attention scores is the same."
    )

    # A toy check with 4 query heads and 2 key/value heads: grouped attention equals multi-head attention
    # whose key/value heads are copied to every query head of their group.
    n, small_h, small_g, dh = 3, 4, 2, 2
    q = np.round(aux.normal(size=(small_h, n, dh)), 2)
    k = np.round(aux.normal(size=(small_g, n, dh)), 2)
    v = np.round(aux.normal(size=(small_g, n, dh)), 2)
    group = small_h // small_g
    grouped = np.stack([kit.softmax(q[i] @ k[i // group].T / math.sqrt(dh)) @ v[i // group] for i in range(small_h)])
    k_rep, v_rep = np.repeat(k, group, axis=0), np.repeat(v, group, axis=0)
    copied = np.stack([kit.softmax(q[i] @ k_rep[i].T / math.sqrt(dh)) @ v_rep[i] for i in range(small_h)])
    difference = float(np.abs(grouped - copied).max())
    d.say(
        f"Toy check: {small_h} query heads reading {small_g} key/value heads (heads 1-2 share one, 3-4 the other) give "
        f"the same output as multi-head attention with the shared heads copied, to {difference:.1e}; "
        f"only {small_g} instead of {small_h} key/value heads need storing."
    )
    return {
        "bytes_per_token": per_token,
        "cache_gib": cache_gib,
        "saving_factor": h // g,
        "toy_q": q,
        "toy_k": k,
        "toy_v": v,
        "toy_output": grouped,
        "toy_difference": difference,
    }


def online_attention(Q: np.ndarray, K: np.ndarray, V: np.ndarray, block: int):
    """Exact softmax attention over key blocks with a running max m, running sum l and unnormalised output o.
    Also returns the (m, l) history of query 0 after each block."""
    n_q = Q.shape[0]
    m = np.full(n_q, -np.inf)
    l_sum = np.zeros(n_q)
    o = np.zeros((n_q, V.shape[1]))
    history = []
    for start in range(0, K.shape[0], block):
        s = Q @ K[start : start + block].T / math.sqrt(Q.shape[1])
        m_new = np.maximum(m, s.max(axis=1))
        old = np.exp(m - m_new)  # rescales the old state to the new reference point; exp(-inf) = 0 at the start
        p = np.exp(s - m_new[:, None])
        l_sum = old * l_sum + p.sum(axis=1)
        o = old[:, None] * o + p @ V[start : start + block]
        m = m_new
        history.append((float(m[0]), float(l_sum[0])))
    return o / l_sum[:, None], history


@demo("flash-tiles")
def flash_tiles(d: Demo, n=None, block=None, head_dim=None, seq_len=None, sram=None):
    """FlashAttention's online softmax: exact attention block by block, and the memory traffic it saves."""
    aux = d.side_rng()
    n = d.number("n", n, 10, low=2, high=200, integer=True)
    block = d.number("block", block, 3, low=1, high=200, integer=True)
    head_dim = d.number("head_dim", head_dim, 64, low=1, high=512, integer=True)
    seq_len = d.number("seq_len", seq_len, 4096, low=16, high=1_000_000, integer=True)
    sram = d.number("sram", sram, 100_000, low=1000, high=10_000_000, integer=True)
    d.require(sram >= 4 * head_dim, f"sram ({sram} numbers) must hold at least 4·head_dim = {4 * head_dim} numbers")
    Q, K, V = (np.round(aux.normal(size=(n, 4)), 2) for _ in range(3))

    full = kit.softmax(Q @ K.T / 2.0) @ V
    tiled, history = online_attention(Q, K, V, block)
    difference = float(np.abs(full - tiled).max())
    d.say(f"{n} queries and keys of width 4, keys processed in blocks of {block}; each query keeps only m, ℓ and o.")
    d.show(
        "query 1: running max m and running sum ℓ after each block",
        [list(pair) for pair in history],
        text="When a block raises m, the old ℓ and o are multiplied by exp(m_old − m_new) before the block is added.",
    )
    d.say(
        f"Dividing o by ℓ at the end gives standard attention to {difference:.1e}: the same numbers, not an estimate."
    )

    # Element counts moved to and from slow memory (HBM) for one head, in a simple model of both kernels.
    tile = max(1, sram // (4 * head_dim))  # rows of Q, K, V and O that fit on chip together
    standard = 4 * seq_len * head_dim + 4 * seq_len * seq_len  # Q, K, V, O; S written, read; P written, read
    passes = math.ceil(seq_len / tile)  # K and V are streamed once per tile of queries
    tiled_traffic = 2 * seq_len * head_dim + passes * 2 * seq_len * head_dim + 2 * seq_len
    d.say(
        f"Traffic for one head with n = {kit.thousands(seq_len)}, d = {head_dim}: standard attention moves "
        f"4nd + 4n² = {kit.thousands(standard)} numbers, mostly the n x n scores and probabilities."
    )
    d.say(
        f"Tiled, with {kit.thousands(sram)} numbers of on-chip memory ({tile} rows per tile), K and V are read "
        "once per "
        f"query tile: {kit.thousands(tiled_traffic)} numbers, {standard / tiled_traffic:.1f} times fewer, "
        "for the same FLOPs."
    )
    return {
        "q": Q,
        "k": K,
        "v": V,
        "full": full,
        "tiled": tiled,
        "max_difference": difference,
        "history": history,
        "tile_rows": tile,
        "traffic_standard": standard,
        "traffic_tiled": tiled_traffic,
    }


@demo("rope-scaling")
def rope_scaling(d: Demo, head_dim=None, base=None, train_len=None, target_len=None):
    """RoPE beyond its training length: which frequencies see new angles, and what interpolation and NTK scaling do."""
    dim = d.number("head_dim", head_dim, 128, low=4, high=1024, integer=True)
    base = d.number("base", base, 10000.0, low=2.0, high=1e8)
    train = d.number("train_len", train_len, 4096, low=2, high=10_000_000, integer=True)
    target = d.number("target_len", target_len, 16384, low=2, high=100_000_000, integer=True)
    d.require(dim % 2 == 0, f"head_dim must be even (RoPE rotates pairs), not {dim}")
    d.require(target > train, f"target_len ({target}) must exceed train_len ({train})")
    s = target / train
    pairs = np.arange(dim // 2)
    theta = base ** (-2 * pairs / dim)
    wavelength = 2 * np.pi / theta
    trained_angle = train * theta
    partial = trained_angle < 2 * np.pi  # pairs that never turned a full circle in training
    d.say(
        f"Pair i turns θ_i = {kit.fmt(base)}^(-2i/{dim}) radians per position; wavelengths run from "
        f"{kit.fmt(wavelength[0])} to {kit.thousands(wavelength[-1])} positions."
    )
    d.say(
        f"Within {kit.thousands(train)} training positions, {int(partial.sum())} of {dim // 2} pairs never complete a "
        "turn: they only ever saw angles up to train_len·θ_i."
    )

    plain = target * theta
    pi_theta = theta / s
    ntk_base = base * s ** (dim / (dim - 2))
    ntk_theta = ntk_base ** (-2 * pairs / dim)
    unseen = {
        "no scaling": int(np.sum(partial & (plain > trained_angle * (1 + 1e-12)))),
        "interpolation": int(np.sum(partial & (target * pi_theta > trained_angle * (1 + 1e-12)))),
        "NTK-aware": int(np.sum(partial & (target * ntk_theta > trained_angle * (1 + 1e-12)))),
    }
    d.bars(
        f"pairs reaching angles never seen in training, at {kit.thousands(target)} positions",
        list(unseen),
        list(unseen.values()),
    )
    shown = sorted({0, dim // 4, dim // 2 - 1})
    d.show(
        f"θ_i for pairs {[int(i) for i in shown]}: original, interpolation (÷{kit.fmt(s)}), NTK-aware",
        np.column_stack([theta[shown], pi_theta[shown], ntk_theta[shown]]),
        text=f"Interpolation slows every pair by {kit.fmt(s)}; NTK raises the base to {kit.thousands(ntk_base)}, "
        "keeping the fastest pair and slowing the slowest one by exactly the same factor.",
    )
    return {
        "theta": theta,
        "wavelength": wavelength,
        "partial_pairs": int(partial.sum()),
        "unseen_pairs": unseen,
        "scale": s,
        "pi_theta": pi_theta,
        "ntk_base": ntk_base,
        "ntk_theta": ntk_theta,
    }


@demo("alibi-bias")
def alibi_bias(d: Demo, heads=None, n=None, scores=None):
    """ALiBi: a fixed, head-specific linear penalty on query-key distance instead of position embeddings."""
    heads = d.number("heads", heads, 8, low=1, high=64, integer=True)
    n = d.number("n", n, 8, low=2, high=64, integer=True)
    d.require(heads & (heads - 1) == 0, f"heads must be a power of two (the slope rule used here), not {heads}")
    S = d.array("scores", scores, lambda: np.zeros((n, n)), ndim=2)
    kit.need_shape("scores", S, (n, n), "n queries x n keys of content scores")
    slopes = 2.0 ** (-8.0 * np.arange(1, heads + 1) / heads)
    distance = np.arange(n)[:, None] - np.arange(n)[None, :]
    causal = distance >= 0
    weights = []
    for m in slopes:
        biased = np.where(causal, S - m * distance, -np.inf)
        weights.append(kit.softmax(biased)[-1])
    weights = np.array(weights)
    d.show("slopes m (one per head)", slopes, text=f"A geometric sequence 2^(-8k/{heads}); fixed, not learned.")
    d.show("bias of head 1: -m·(i - j) for key j ≤ query i", np.where(causal, -slopes[0] * distance, np.nan)[:6, :6])
    d.series(
        f"weights of the last query (position {n}) on keys 1..{n}",
        {"head 1": weights[0], f"head {heads}": weights[-1]},
        x=list(range(1, n + 1)),
        text="The steep head looks almost only at recent keys; the shallow one spreads over the whole prefix.",
    )
    d.say(
        "The bias depends only on the distance i - j, which exists for any length, so a longer input brings no "
        "position value the model has not met."
    )
    return {"slopes": slopes, "weights_last_query": weights}


@demo("sliding-window")
def sliding_window(d: Demo, n=None, window=None, layers=None):
    """Sliding-window attention: the reach of the last token grows by w - 1 per layer, and the cache stays w long."""
    n = d.number("n", n, 24, low=2, high=200, integer=True)
    w = d.number("window", window, 4, low=1, high=n, integer=True)
    layers = d.number("layers", layers, 6, low=1, high=50, integer=True)
    gap = np.arange(n)[:, None] - np.arange(n)[None, :]
    mask = ((gap >= 0) & (gap < w)).astype(int)
    reach = np.eye(n, dtype=int)
    sizes = []
    for _ in range(layers):
        reach = (mask @ reach > 0).astype(int)  # positions that can influence each output after one more layer
        sizes.append(int(reach[-1].sum()))
    d.show(f"mask (first 8 rows): query i sees keys i-{w - 1}..i", mask[:8, :8])
    d.series(
        f"input positions that can reach the last token ({n}), by layer",
        {"sliding window": sizes, "l·(w-1)+1": [min(n, depth * (w - 1) + 1) for depth in range(1, layers + 1)]},
        x=list(range(1, layers + 1)),
    )
    slots = [i % w for i in range(n)]
    d.say(
        f"A rolling cache writes position i into slot i mod {w}: {w} slots per layer hold everything attention needs, "
        f"instead of {n} entries for full attention."
    )
    return {"mask": mask, "reach_by_layer": sizes, "slots": slots, "cache_entries": min(n, w), "full_cache_entries": n}


def rms_norm(x: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    return x / np.sqrt(np.mean(x**2) + eps)


@demo("pre-post-norm")
def pre_post_norm(d: Demo, depth=None, width=None, weights=None, x=None):
    """Pre-norm against post-norm residual stacks: how the residual stream and each block's relative update grow."""
    depth, width, stack, x0 = kit.read_stack(d, depth, width, weights, x, 24, 32, lambda w: 1 / math.sqrt(w))
    d.require(width >= 2, "width must be at least 2 for a layer norm")
    pre, post = x0.copy(), x0.copy()
    pre_norms, post_norms, pre_updates = [], [], []
    for W in stack:
        branch = W @ kit.layer_norm(pre)  # pre-norm: the sub-layer sees a normalised copy, the stream is left alone
        pre_updates.append(float(np.linalg.norm(branch) / np.linalg.norm(pre)))
        pre = pre + branch
        post = kit.layer_norm(post + W @ post)  # post-norm: the sum itself is normalised
        pre_norms.append(float(np.linalg.norm(pre)))
        post_norms.append(float(np.linalg.norm(post)))
    d.say(f"{depth} residual blocks of width {width}, each sub-layer a random linear map; layer norm without gain.")
    d.series(
        "norm of the residual stream after each block",
        {"pre-norm": pre_norms, "post-norm": post_norms},
        x=list(range(1, depth + 1)),
        text=f"Post-norm pins the stream at √{width} ≈ {kit.fmt(math.sqrt(width))}; "
        f"pre-norm's grows, here to {kit.fmt(pre_norms[-1])}.",
    )
    d.series(
        "pre-norm: size of a block's update relative to the stream",
        {"|F| / |x|": pre_updates},
        x=list(range(1, depth + 1)),
        text=f"From {kit.fmt(pre_updates[0])} at block 1 to {kit.fmt(pre_updates[-1])} at block {depth}: "
        "later blocks move the stream less, and a final norm is needed before the output head.",
    )
    return {"pre_norms": pre_norms, "post_norms": post_norms, "pre_relative_update": pre_updates}


@demo("rmsnorm-invariance")
def rmsnorm_invariance(d: Demo, x=None, shift=None, scale=None):
    """LayerNorm and RMSNorm on a vector, a shifted copy and a scaled copy: which changes each one ignores."""
    v = kit.vector(d, "x", x, lambda: kit.rounded_normal(d, 6, scale=2.0), min_len=2, max_len=64)
    c = d.number("shift", shift, 3.0, low=-1000, high=1000)
    k = d.number("scale", scale, 2.5, low=1e-3, high=1000)
    table = {}
    for label, u in (("x", v), (f"x + {kit.fmt(c)}", v + c), (f"{kit.fmt(k)}·x", k * v)):
        table[label] = (kit.layer_norm(u, 0.0), rms_norm(u, 0.0))
    d.show("LayerNorm of x, x + c, k·x", np.array([ln for ln, _ in table.values()]))
    d.show("RMSNorm of x, x + c, k·x", np.array([rms for _, rms in table.values()]))
    ln = [pair[0] for pair in table.values()]
    rms = [pair[1] for pair in table.values()]
    shift_ln = float(np.abs(ln[1] - ln[0]).max())
    shift_rms = float(np.abs(rms[1] - rms[0]).max())
    scale_both = max(float(np.abs(rms[2] - rms[0]).max()), float(np.abs(ln[2] - ln[0]).max()))
    d.say(
        f"Shift: LayerNorm changes by {shift_ln:.1e}, RMSNorm by {kit.fmt(shift_rms)}. "
        f"Scale: both change by at most {scale_both:.1e}."
    )
    d.say("RMSNorm skips the mean: one reduction instead of two, and it matches LayerNorm when x already has mean 0.")
    return {"layer_norm": ln, "rms_norm": rms, "shift_change_rms": shift_rms}


@demo("swiglu-ffn")
def swiglu_ffn(d: Demo, d_model=None, multiple=None):
    """A SwiGLU feed-forward block on one token, and the hidden width that matches a 4d MLP's parameters."""
    aux = d.side_rng()
    dm = d.number("d_model", d_model, 4096, low=1, high=100_000, integer=True)
    multiple = d.number("multiple", multiple, 256, low=1, high=4096, integer=True)
    exact = 8 * dm / 3
    hidden = multiple * math.ceil(int(exact) / multiple)
    d.say(
        f"A 4d MLP has 2·d·4d = 8d² = {kit.thousands(8 * dm * dm)} weights. SwiGLU has three d x h matrices, so "
        f"3dh = 8d² gives h = 8d/3 = {exact:,.1f}, rounded up to a multiple of {multiple}: {hidden}."
    )
    d.show("weights: plain 4d MLP, SwiGLU with that width", [8 * dm * dm, 3 * dm * hidden])

    x = np.round(aux.normal(size=4), 2)
    W, V = np.round(aux.normal(size=(2, 4, 6)) / 2, 2)
    W2 = np.round(aux.normal(size=(6, 4)) / 2, 2)
    gate_in = x @ W
    gate = gate_in * kit.sigmoid(gate_in)  # SiLU
    up = x @ V
    out = (gate * up) @ W2
    d.say("Toy token: width 4, hidden width 6.")
    d.show("gate SiLU(xW)", gate, text="Negative pre-activations give gates near 0, switching those units off.")
    d.show("linear branch xV", up)
    d.show("output (SiLU(xW) ⊙ xV) W2", out)
    return {
        "hidden": hidden,
        "params_mlp": 8 * dm * dm,
        "params_swiglu": 3 * dm * hidden,
        "x": x,
        "w": W,
        "v": V,
        "w2": W2,
        "output": out,
    }


def decoder_counts(dm: int, layers: int, vocab: int, context: int, tied: bool) -> dict:
    """Exact weights of a GPT-2/3-style decoder: biases everywhere, two layer norms per block, learned positions."""
    attention = 4 * dm * dm + 4 * dm
    mlp = 8 * dm * dm + 5 * dm
    norms = 4 * dm
    embedding = vocab * dm
    total = layers * (attention + mlp + norms) + embedding * (1 if tied else 2) + context * dm + 2 * dm
    return {"attention": attention, "mlp": mlp, "norms": norms, "embedding": embedding, "total": total}


@demo("decoder-params")
def decoder_params(d: Demo, d_model=None, layers=None, vocab=None, context=None, tied=None, position=None):
    """Parameters of a GPT-style decoder from width, depth and vocabulary, and its FLOPs per token."""
    dm = d.number("d_model", d_model, 12288, low=1, high=100_000, integer=True)
    layers = d.number("layers", layers, 96, low=1, high=1000, integer=True)
    vocab = d.number("vocab", vocab, 50257, low=1, high=2_000_000, integer=True)
    context = d.number("context", context, 2048, low=1, high=10_000_000, integer=True)
    tied = bool(d.number("tied", tied, 1, low=0, high=1, integer=True))
    t = d.number("position", position, context, low=1, high=context, integer=True)
    c = decoder_counts(dm, layers, vocab, context, tied)
    approx = 12 * layers * dm * dm
    d.bars("weights per layer", ["attention 4d²", "MLP 8d²", "norms"], [c["attention"], c["mlp"], c["norms"]])
    d.say(
        f"12·L·d² = 12·{layers}·{dm}² = {kit.thousands(approx)}; exact count with biases, norms, "
        f"{'tied' if tied else 'untied'} embeddings and {context} learned positions: {kit.thousands(c['total'])}."
    )
    share = c["embedding"] / c["total"]
    d.say(
        f"The token embedding V·d = {kit.thousands(c['embedding'])} is {share:.1%} of the model"
        f"{'; untying would add the same again' if tied else ''}."
    )
    matmul = layers * (12 * dm * dm) + vocab * dm  # every weight used in a product; the lookup itself is free
    attention_flops = 4 * layers * t * dm  # scores and weighted sum over t cached positions
    forward = 2 * matmul + attention_flops
    d.show(
        "forward FLOPs per token: 2·(matmul weights), attention over the context",
        [2 * matmul, attention_flops],
        text=f"At position {t}: {forward:.3e} FLOPs in all; training costs about 3 times that per token.",
    )
    return {
        "counts": c,
        "approx_12ld2": approx,
        "embedding_share": share,
        "matmul_weights": matmul,
        "forward_flops": forward,
        "attention_flops": attention_flops,
        "training_flops": 3 * forward,
    }


def causal_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, offset: int) -> np.ndarray:
    """Queries at positions offset, offset+1, ... over keys at 0, 1, ...: each sees keys up to its own position."""
    positions = offset + np.arange(len(q))
    allowed = np.arange(len(k))[None, :] <= positions[:, None]
    scores = np.where(allowed, q @ k.T / math.sqrt(q.shape[1]), -np.inf)
    return kit.softmax(scores) @ v


@demo("decode-mask")
def decode_mask(d: Demo, prompt=None, new=None, width=None):
    """The causal mask at inference: not needed for one new token, needed for prefill and for verifying drafts."""
    aux = d.side_rng()
    n = d.number("prompt", prompt, 5, low=1, high=64, integer=True)
    k = d.number("new", new, 3, low=2, high=16, integer=True)
    width = d.number("width", width, 4, low=1, high=16, integer=True)
    X = np.round(aux.normal(size=(n + k, width)), 2)
    Wq, Wk, Wv = (aux.normal(scale=1 / math.sqrt(width), size=(width, width)) for _ in range(3))
    Q, K, V = X @ Wq, X @ Wk, X @ Wv
    reference = causal_attention(Q, K, V, 0)
    d.say(f"One attention layer over a prompt of {n} tokens followed by {k} new tokens; reference: one causal pass.")

    step_rows = []
    for i in range(n, n + k):  # one token at a time: its query against every cached key, no mask at all
        step_rows.append(kit.softmax(Q[i] @ K[: i + 1].T / math.sqrt(width)) @ V[: i + 1])
    step_diff = float(np.abs(np.array(step_rows) - reference[n:]).max())
    d.say(
        f"Decoding one token at a time with no mask matches the causal pass to {step_diff:.1e}: "
        "the cache holds only earlier positions."
    )

    chunk_masked = causal_attention(Q[n:], K, V, n)
    chunk_open = kit.softmax(Q[n:] @ K.T / math.sqrt(width)) @ V
    masked_diff = float(np.abs(chunk_masked - reference[n:]).max())
    open_diff = float(np.abs(chunk_open - reference[n:]).max())
    chunk_mask = (np.arange(n + k)[None, :] <= (n + np.arange(k))[:, None]).astype(int)
    d.show(f"mask for verifying {k} tokens in one pass (rows: new tokens, columns: all {n + k} keys)", chunk_mask)
    d.say(
        f"With that mask the {k} rows match to {masked_diff:.1e}; without it they are off by {kit.fmt(open_diff)}, "
        "because earlier drafted tokens would read later ones."
    )
    return {
        "step_difference": step_diff,
        "chunk_masked_difference": masked_diff,
        "chunk_unmasked_difference": open_diff,
        "chunk_mask": chunk_mask,
        "reference": reference,
    }


def top_k_routes(logits: np.ndarray, k: int) -> np.ndarray:
    """Expert indexes per token, best first; ties go to the lower index."""
    return np.argsort(-logits, axis=1, kind="stable")[:, :k]


def read_router_logits(d: Demo, logits, tokens, experts) -> np.ndarray:
    """Router logits (tokens x experts) from the user or drawn, bounded in size."""
    L = d.array("logits", logits, lambda: kit.rounded_normal(d, (tokens, experts)), ndim=2)
    d.require(
        2 <= L.shape[1] <= 64 and 1 <= L.shape[0] <= 512,
        f"logits must have 1-512 rows (tokens) and 2-64 columns (experts); got {L.shape}",
    )
    return L


@demo("moe-routing")
def moe_routing(d: Demo, tokens=None, experts=None, k=None, alpha=None, logits=None, skew=None):
    """Top-k routing in a mixture-of-experts layer, the load per expert, and the Switch load-balancing loss."""
    tokens = d.number("tokens", tokens, 16, low=1, high=512, integer=True)
    experts = d.number("experts", experts, 4, low=2, high=64, integer=True)
    L = read_router_logits(d, logits, tokens, experts)
    tokens, experts = L.shape
    k = d.number("k", k, 2, low=1, high=experts, integer=True)
    alpha = d.number("alpha", alpha, 0.01, low=0.0, high=10.0)
    skew = d.number("skew", skew, 3.0, low=0.0, high=50.0)

    chosen = top_k_routes(L, k)
    picked = np.take_along_axis(L, chosen, axis=1)
    gates = kit.softmax(picked)  # Mixtral style: softmax over the k chosen logits only
    d.show(
        "token 1: chosen experts (numbered from 0) and their gates",
        [chosen[0].tolist(), gates[0].tolist()],
        text="Output = Σ gate·expert(x) over the chosen experts; the others do no work for this token.",
    )

    def balance(logit_matrix):
        routes = top_k_routes(logit_matrix, k)
        counts = np.bincount(routes.ravel(), minlength=experts)
        f = counts / (len(logit_matrix) * k)  # share of token-expert assignments
        P = kit.softmax(logit_matrix).mean(axis=0)  # mean full-softmax router probability
        return counts, f, P, float(alpha * experts * np.sum(f * P))

    counts, f, P, loss = balance(L)
    d.bars("assignments per expert", [f"expert {i}" for i in range(experts)], counts)
    d.show("f_i (share of assignments) and P_i (mean router probability)", [f.tolist(), P.tolist()])
    skewed = L.copy()
    skewed[:, 0] += skew
    _, f_skew, _, loss_skew = balance(skewed)
    d.say(
        f"Loss α·E·Σ f_i·P_i = {kit.fmt(loss)}; perfectly even routing gives α = {kit.fmt(alpha)}. "
        f"Adding {kit.fmt(skew)} to expert 0's logits sends it {f_skew[0]:.0%} of the assignments and the loss "
        f"rises to {kit.fmt(loss_skew)}."
    )
    return {
        "chosen": chosen,
        "gates": gates,
        "counts": counts,
        "f": f,
        "P": P,
        "aux_loss": loss,
        "aux_loss_skewed": loss_skew,
    }


def dispatch(routes: np.ndarray, experts: int, capacity: int) -> tuple[np.ndarray, np.ndarray]:
    """First come, first served: all first choices in token order, then all second choices, and so on.
    Returns the accepted flag per (token, choice) and the load per expert."""
    accepted = np.zeros(routes.shape, dtype=bool)
    load = np.zeros(experts, dtype=int)
    for rank in range(routes.shape[1]):
        for t in range(routes.shape[0]):
            e = routes[t, rank]
            if load[e] < capacity:
                load[e] += 1
                accepted[t, rank] = True
    return accepted, load


@demo("moe-capacity")
def moe_capacity(d: Demo, tokens=None, experts=None, k=None, capacity_factor=None, devices=None, logits=None):
    """Expert capacity in a mixture-of-experts layer: dropped tokens, empty slots, and the load on each device."""
    tokens = d.number("tokens", tokens, 32, low=1, high=512, integer=True)
    experts = d.number("experts", experts, 8, low=2, high=64, integer=True)
    L = read_router_logits(d, logits, tokens, experts)
    tokens, experts = L.shape
    k = d.number("k", k, 1, low=1, high=experts, integer=True)
    factor = d.number("capacity_factor", capacity_factor, 1.0, low=0.1, high=16.0)
    devices = d.number("devices", devices, 4, low=1, high=experts, integer=True)
    d.require(experts % devices == 0, f"experts ({experts}) must split evenly over devices ({devices})")

    routes = top_k_routes(L, k)
    wanted = np.bincount(routes.ravel(), minlength=experts)
    capacity = math.ceil(factor * tokens * k / experts)
    accepted, load = dispatch(routes, experts, capacity)
    dropped_tokens = int(np.sum(~accepted.any(axis=1)))
    d.say(f"Capacity = ⌈factor·tokens·k/experts⌉ = ⌈{kit.fmt(factor)}·{tokens}·{k}/{experts}⌉ = {capacity} per expert.")
    d.bars("tokens that chose each expert", [f"expert {i}" for i in range(experts)], wanted)
    d.say(
        f"{int((~accepted).sum())} assignments overflow; {dropped_tokens} tokens get no expert at all and pass on "
        f"through the residual connection. {int(capacity * experts - load.sum())} buffer slots stay empty."
    )

    factors = [0.5, 1.0, 1.25, 1.5, 2.0]
    drop_share, empty_share = [], []
    for cf in factors:
        cap = math.ceil(cf * tokens * k / experts)
        ok, used = dispatch(routes, experts, cap)
        drop_share.append(float(np.mean(~ok)))
        empty_share.append(float(1 - used.sum() / (cap * experts)))
    d.series(
        "by capacity factor",
        {"share of assignments dropped": drop_share, "share of slots empty": empty_share},
        x=factors,
        text="More slack drops fewer tokens but pays for more empty buffer slots.",
    )

    per_device = load.reshape(devices, experts // devices).sum(axis=1)
    d.bars(
        f"tokens each device receives in the all-to-all ({experts // devices} experts per device)",
        [f"device {i}" for i in range(devices)],
        per_device,
        text=f"The busiest device processes {int(per_device.max())} tokens against a mean of "
        f"{kit.fmt(per_device.mean())}; it sets the layer's time.",
    )
    return {
        "routes": routes,
        "capacity": capacity,
        "wanted": wanted,
        "load": load,
        "accepted": accepted,
        "dropped_tokens": dropped_tokens,
        "factors": factors,
        "drop_share": drop_share,
        "empty_share": empty_share,
        "per_device": per_device,
    }


def moe_counts(dm, layers, experts, k, hidden, vocab, q_heads, kv_heads) -> dict:
    """Weights of a Mixtral-style decoder: GQA attention, SwiGLU experts, a router, RMSNorm gains, untied embeddings."""
    head = dm // q_heads
    attention = 2 * dm * q_heads * head + 2 * dm * kv_heads * head
    expert = 3 * dm * hidden
    shared_per_layer = attention + dm * experts + 2 * dm
    embeddings = 2 * vocab * dm
    total = layers * (shared_per_layer + experts * expert) + embeddings + dm
    active = layers * (shared_per_layer + k * expert) + embeddings + dm
    return {"attention": attention, "expert": expert, "total": total, "active": active, "embeddings": embeddings}


@demo("moe-params")
def moe_params(
    d: Demo,
    d_model=None,
    layers=None,
    experts=None,
    k=None,
    ffn_hidden=None,
    vocab=None,
    query_heads=None,
    kv_heads=None,
    bytes_per_param=None,
):
    """Total against active parameters of a mixture-of-experts model (Mixtral 8x7B by default): memory vs FLOPs."""
    dm = d.number("d_model", d_model, 4096, low=1, high=100_000, integer=True)
    layers = d.number("layers", layers, 32, low=1, high=1000, integer=True)
    experts = d.number("experts", experts, 8, low=1, high=1024, integer=True)
    k = d.number("k", k, 2, low=1, high=experts, integer=True)
    hidden = d.number("ffn_hidden", ffn_hidden, 14336, low=1, high=1_000_000, integer=True)
    vocab = d.number("vocab", vocab, 32000, low=1, high=2_000_000, integer=True)
    q_heads = d.number("query_heads", query_heads, 32, low=1, high=1024, integer=True)
    kv_heads = d.number("kv_heads", kv_heads, 8, low=1, high=q_heads, integer=True)
    width = d.number("bytes_per_param", bytes_per_param, 2, low=0.25, high=8)
    d.require(dm % q_heads == 0, f"d_model ({dm}) must be a multiple of query_heads ({q_heads})")
    c = moe_counts(dm, layers, experts, k, hidden, vocab, q_heads, kv_heads)
    naive = experts * (c["total"] - layers * (experts - 1) * c["expert"])
    d.say(
        f"One expert (a SwiGLU block) holds 3·{dm}·{hidden} = {kit.thousands(c['expert'])} weights; "
        f"attention takes {kit.thousands(c['attention'])} per layer and is shared."
    )
    d.bars(
        "billions of parameters",
        ["total (all experts)", f"active (top-{k})", f"{experts} dense copies"],
        [c["total"] / 1e9, c["active"] / 1e9, naive / 1e9],
        text="Only the feed-forward experts are replicated, so the total is far below 'experts × dense size'.",
    )
    flops = 2 * (c["active"] - vocab * dm)  # the input embedding is a lookup, not a product
    memory_gb = c["total"] * width / 1e9
    d.say(
        f"FLOPs per token ≈ 2·(active weights used in products) = {flops / 1e9:.1f} GFLOPs, like a "
        f"{c['active'] / 1e9:.1f}B dense model; memory holds all {c['total'] / 1e9:.1f}B: "
        f"{memory_gb:.1f} GB at {kit.fmt(width)} bytes each."
    )
    return {**c, "flops_per_token": flops, "memory_gb": memory_gb, "dense_copies": naive}
