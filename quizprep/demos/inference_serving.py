"""Demos for the inference-serving topic: KV-cache budgets, the decoding roofline, continuous batching, paged
caches, speculative decoding, sampling filters and repetition penalties, and weight and cache quantization
(group-wise int4, GPTQ, AWQ, LLM.int8 outliers, fp8 against int8)."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, demo


@demo("kv-cache-budget")
def kv_cache_budget(
    d: Demo,
    layers=None,
    kv_heads=None,
    head_dim=None,
    bytes_per_value=None,
    context=None,
    batch=None,
    params_billion=None,
    weight_bytes=None,
    gpu_gib=None,
):
    """KV-cache bytes per token, per sequence and per batch, and how many sequences fit beside the weights."""
    layers = d.number("layers", layers, 80, low=1, high=500, integer=True)
    kv_heads = d.number("kv_heads", kv_heads, 8, low=1, high=512, integer=True)
    head_dim = d.number("head_dim", head_dim, 128, low=1, high=1024, integer=True)
    width = d.number("bytes_per_value", bytes_per_value, 2, low=0.25, high=8)
    context = d.number("context", context, 4096, low=1, high=10_000_000, integer=True)
    batch = d.number("batch", batch, 8, low=1, high=100_000, integer=True)
    params = d.number("params_billion", params_billion, 70, low=0.001, high=10_000)
    weight_bytes = d.number("weight_bytes", weight_bytes, 2, low=0.25, high=8)
    gpu = d.number("gpu_gib", gpu_gib, 160, low=1, high=100_000)

    per_token = 2 * layers * kv_heads * head_dim * width
    per_sequence = per_token * context / kit.GIB
    weights = params * 1e9 * weight_bytes / kit.GIB
    d.say(
        f"Per token: 2·{layers}·{kv_heads}·{head_dim}·{kit.fmt(width)} = {kit.thousands(per_token)} bytes "
        f"({kit.fmt(per_token / 1024)} KiB); per {kit.thousands(context)}-token sequence {kit.fmt(per_sequence)} GiB."
    )
    d.say(
        f"A batch of {batch} takes {kit.fmt(batch * per_sequence)} GiB of cache; "
        f"the weights take {kit.fmt(weights)} GiB."
    )
    free = gpu - weights
    max_batch = max(0, math.floor(free / per_sequence)) if free > 0 else 0
    d.say(
        f"With {kit.fmt(gpu)} GiB in all, {kit.fmt(max(free, 0))} GiB remain for the cache: at most {max_batch} "
        f"sequences of {kit.thousands(context)} tokens."
    )
    batches = [1, 2, 4, 8, 16, 32, 64, 128]
    read = [weights + b * per_sequence for b in batches]
    d.series(
        "GiB read per decoding step at full context, by batch size",
        {"weights + cache": read, "weights alone": [weights] * len(batches)},
        x=batches,
        text="The weights are read once per step for the whole batch; each sequence adds its own cache.",
    )
    return {
        "bytes_per_token": per_token,
        "gib_per_sequence": per_sequence,
        "batch_cache_gib": batch * per_sequence,
        "weights_gib": weights,
        "max_batch": max_batch,
        "gib_read_by_batch": read,
    }


@demo("decode-roofline")
def decode_roofline(
    d: Demo, params_billion=None, bytes_per_param=None, bandwidth_tbs=None, tflops=None, prompt=None, batches=None
):
    """Decode step time and throughput by batch size on a roofline, and the prefill time behind time to first token."""
    n = d.number("params_billion", params_billion, 7, low=0.001, high=10_000) * 1e9
    width = d.number("bytes_per_param", bytes_per_param, 2, low=0.25, high=8)
    bandwidth = d.number("bandwidth_tbs", bandwidth_tbs, 2.0, low=0.01, high=100) * 1e12
    flops = d.number("tflops", tflops, 300, low=0.1, high=100_000) * 1e12
    prompt = d.number("prompt", prompt, 1000, low=1, high=10_000_000, integer=True)
    sizes = d.array("batches", batches, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512], ndim=1, integer=True)
    d.require(sizes.size <= 20 and sizes.min() >= 1, "batches must be at most 20 positive batch sizes")

    memory_time = n * width / bandwidth
    steps = [max(memory_time, 2 * n * b / flops) for b in sizes]
    rate = [b / t for b, t in zip(sizes, steps, strict=True)]
    ridge = flops * width / (2 * bandwidth)
    d.say(
        f"Each step reads all {kit.fmt(n * width / 1e9)} GB of weights: at least {kit.fmt(memory_time * 1e3)} ms, "
        f"so one sequence gets at most {kit.fmt(1 / memory_time)} tokens/s."
    )
    d.series("step time (ms) by batch size", {"step": [t * 1e3 for t in steps]}, x=sizes.tolist())
    d.series(
        "tokens per second, all sequences together",
        {"throughput": rate},
        x=sizes.tolist(),
        text=f"Flat step time, linear throughput, until the arithmetic 2·N·B FLOPs catches up near "
        f"B = {kit.fmt(ridge)}; beyond it each extra sequence adds time.",
    )
    prefill = max(memory_time, 2 * n * prompt / flops)
    d.say(
        f"Prefill of a {kit.thousands(prompt)}-token prompt does 2·N·{prompt} FLOPs in one pass: "
        f"{kit.fmt(prefill * 1e3)} ms, compute-bound; it sets the time to first token."
    )
    return {
        "step_seconds": steps,
        "tokens_per_second": rate,
        "ridge_batch": ridge,
        "single_tokens_per_second": 1 / memory_time,
        "prefill_seconds": prefill,
    }


def run_static(lengths: list[int], slots: int) -> list[int]:
    """Finish step of each request when batches of `slots` run until their longest member ends."""
    finish, clock = [], 0
    for start in range(0, len(lengths), slots):
        group = lengths[start : start + slots]
        finish += [clock + length for length in group]
        clock += max(group)
    return finish


def run_continuous(lengths: list[int], slots: int) -> list[int]:
    """Finish step of each request when a free slot is refilled from the queue at every step."""
    free_at = [0] * slots
    finish = []
    for length in lengths:
        slot = min(range(slots), key=lambda s: free_at[s])
        free_at[slot] += length
        finish.append(free_at[slot])
    return finish


@demo("continuous-batching")
def continuous_batching(d: Demo, lengths=None, slots=None):
    """Static against continuous batching for queued requests of different output lengths."""
    out = d.array("lengths", lengths, lambda: d.rng.integers(2, 41, size=16), ndim=1, integer=True)
    slots = d.number("slots", slots, 4, low=1, high=64, integer=True)
    d.require(1 <= out.size <= 200 and out.min() >= 1, "lengths must be 1-200 positive output lengths (tokens)")
    lengths = [int(v) for v in out]
    work = sum(lengths)
    results = {}
    for name, run in (("static", run_static), ("continuous", run_continuous)):
        finish = run(lengths, slots)
        total = max(finish)
        results[name] = {
            "finish": finish,
            "steps": total,
            "utilisation": work / (total * slots),
            "mean_finish": sum(finish) / len(finish),
        }
    d.say(
        f"{len(lengths)} queued requests need {work} decode steps of work in all; the server has {slots} slots "
        "(prefill ignored, one token per slot per step)."
    )
    d.bars("steps until every request is done", list(results), [r["steps"] for r in results.values()])
    d.bars(
        "busy slot-steps (utilisation)",
        list(results),
        [r["utilisation"] for r in results.values()],
        text="Static batches wait for their longest member, so finished slots idle; continuous refills them.",
    )
    d.bars("mean step at which a request finishes", list(results), [r["mean_finish"] for r in results.values()])
    return results


@demo("paged-kv")
def paged_kv(d: Demo, lengths=None, max_len=None, block=None, samples=None, prompt=None, generated=None):
    """A paged KV cache against max-length reservations, and prompt blocks shared between parallel samples."""
    max_len = d.number("max_len", max_len, 2048, low=1, high=1_000_000, integer=True)
    block = d.number("block", block, 16, low=1, high=4096, integer=True)
    seqs = d.array("lengths", lengths, lambda: d.rng.integers(50, 900, size=8), ndim=1, integer=True)
    d.require(
        seqs.size <= 1000 and seqs.min() >= 1 and seqs.max() <= max_len,
        f"lengths must be up to 1000 token counts between 1 and max_len ({max_len})",
    )
    samples = d.number("samples", samples, 4, low=1, high=64, integer=True)
    prompt = d.number("prompt", prompt, 500, low=1, high=1_000_000, integer=True)
    generated = d.number("generated", generated, 100, low=1, high=1_000_000, integer=True)

    used = int(seqs.sum())
    reserved = max_len * seqs.size
    blocks = [math.ceil(int(n) / block) for n in seqs]
    paged = block * sum(blocks)
    d.say(f"{seqs.size} sequences hold {kit.thousands(used)} tokens of keys and values.")
    d.bars(
        "token slots allocated",
        ["reserve max_len each", f"blocks of {block}"],
        [reserved, paged],
        text=f"Useful share: {used / reserved:.1%} with reservations, {used / paged:.1%} with paging; "
        f"paging wastes only the tail of each last block, at most {block - 1} slots per sequence.",
    )

    plain = samples * math.ceil((prompt + generated) / block)
    full_prompt_blocks = prompt // block
    own = math.ceil((prompt % block + generated) / block)  # the partial prompt block is copied on first write
    shared = full_prompt_blocks + samples * own
    d.say(
        f"{samples} samples of {generated} tokens from one {prompt}-token prompt: {plain} blocks if each sample "
        f"copies the prompt, {shared} when the {full_prompt_blocks} full prompt blocks are shared and only the "
        "partly filled one is copied on write."
    )
    return {
        "used": used,
        "reserved": reserved,
        "paged": paged,
        "blocks": blocks,
        "blocks_unshared": plain,
        "blocks_shared": shared,
    }


def read_distribution(d: Demo, name: str, value, default) -> np.ndarray:
    p = kit.vector(d, name, value, default, min_len=2, max_len=50)
    d.require(bool(np.all(p >= 0)) and p.sum() > 0, f"{name} must be non-negative with a positive sum")
    return p / p.sum()


@demo("speculative-sampling")
def speculative_sampling(d: Demo, p=None, q=None, samples=None):
    """The speculative accept/reject rule: its output follows the target distribution exactly."""
    aux = d.side_rng()
    target = read_distribution(d, "p", p, [0.4, 0.25, 0.2, 0.1, 0.05])
    draft = read_distribution(d, "q", q, [0.2, 0.45, 0.1, 0.15, 0.1])
    d.require(target.size == draft.size, f"p and q must cover the same tokens; got {target.size} and {draft.size}")
    samples = d.number("samples", samples, 20000, low=100, high=200_000, integer=True)

    accept = np.minimum(1.0, np.divide(target, draft, out=np.ones_like(target), where=draft > 0))
    overlap = np.minimum(target, draft)
    residual = np.maximum(target - draft, 0.0)
    beta = float(overlap.sum())
    residual = residual / residual.sum() if residual.sum() > 0 else target
    output = overlap + (1 - beta) * residual
    d.show("accept probability min(1, p/q) per drafted token", accept)
    d.show(
        "residual distribution max(0, p − q), normalised",
        residual,
        text=f"A draft is accepted with total probability Σ min(p, q) = {kit.fmt(beta)}.",
    )
    d.show("P(emit token) = min(p, q) + (1 − β)·residual", output, text="Exactly p, token by token.")

    drafted = aux.choice(target.size, size=samples, p=draft)
    kept = aux.random(samples) < accept[drafted]
    fallback = aux.choice(target.size, size=samples, p=residual)
    emitted = np.where(kept, drafted, fallback)
    empirical = np.bincount(emitted, minlength=target.size) / samples
    d.bars(
        f"frequencies of {kit.thousands(samples)} emitted tokens",
        [f"token {i}" for i in range(target.size)],
        empirical,
        text=f"Largest gap to p: {float(np.abs(empirical - target).max()):.3f}, sampling noise only.",
    )
    wrong = overlap + (1 - beta) * target
    d.say(f"Resampling from p instead of the residual would emit {kit.vec_text(wrong)}, no longer p.")
    return {
        "accept": accept,
        "residual": residual,
        "output": output,
        "acceptance_rate": beta,
        "empirical": empirical,
        "wrong_rule_output": wrong,
    }


def expected_tokens(alpha: float, k: int) -> float:
    return float(k + 1) if alpha == 1 else (1 - alpha ** (k + 1)) / (1 - alpha)


@demo("speculative-speedup")
def speculative_speedup(d: Demo, alpha=None, k=None, cost=None, rounds=None, max_k=None):
    """Expected tokens per speculative round, (1 − α^(k+1))/(1 − α), checked by simulation; the best draft length."""
    aux = d.side_rng()
    alpha = d.number("alpha", alpha, 0.8, low=0.0, high=1.0)
    k = d.number("k", k, 4, low=1, high=64, integer=True)
    cost = d.number("cost", cost, 0.05, low=0.0, high=1.0)
    rounds = d.number("rounds", rounds, 5000, low=10, high=200_000, integer=True)
    max_k = d.number("max_k", max_k, 12, low=1, high=64, integer=True)

    accepted = aux.random((rounds, k)) < alpha
    first_reject = np.where(accepted.all(axis=1), k, np.argmin(accepted, axis=1))
    simulated = float(np.mean(first_reject + 1))  # accepted drafts plus the target's own token
    expected = expected_tokens(alpha, k)
    d.say(
        f"With α = {kit.fmt(alpha)} and k = {k}: (1 − α^{k + 1})/(1 − α) = {kit.fmt(expected)} tokens per target "
        f"pass; {kit.thousands(rounds)} simulated rounds average {kit.fmt(simulated)}."
    )
    ks = list(range(1, max_k + 1))
    tokens = [expected_tokens(alpha, j) for j in ks]
    speedup = [t / (cost * j + 1) for t, j in zip(tokens, ks, strict=True)]
    best = ks[int(np.argmax(speedup))]
    d.series(
        "by draft length k",
        {"tokens per round": tokens, f"speed-up (draft cost {kit.fmt(cost)})": speedup},
        x=ks,
        text=f"Tokens level off below 1/(1 − α); the speed-up peaks at k = {best}.",
    )
    return {
        "expected": expected,
        "simulated": simulated,
        "ks": ks,
        "tokens": tokens,
        "speedup": speedup,
        "best_k": best,
    }


def nucleus(probs: np.ndarray, top_p: float) -> np.ndarray:
    """Indexes of the smallest most-probable set whose total reaches top_p (the crossing token included)."""
    order = np.argsort(-probs, kind="stable")
    totals = np.cumsum(probs[order])
    count = int(np.searchsorted(totals, top_p - 1e-12)) + 1
    return order[: min(count, probs.size)]


@demo("sampling-filters")
def sampling_filters(d: Demo, logits=None, temperature=None, top_k=None, top_p=None):
    """Temperature, top-k and top-p (nucleus) filtering applied to one next-token distribution."""
    z = kit.vector(
        d, "logits", logits, lambda: np.round(np.log([0.5, 0.2, 0.15, 0.1, 0.05]), 4), min_len=2, max_len=100
    )
    t = d.number("temperature", temperature, 1.0, low=0.01, high=100)
    k = d.number("top_k", top_k, 2, low=1, high=z.size, integer=True)
    p = d.number("top_p", top_p, 0.8, low=0.01, high=1.0)
    probs = kit.softmax(z / t)
    labels = [f"token {i}" for i in range(z.size)]
    d.say(f"The temperature divides the logits first (T = {kit.fmt(t)}); the filters then act on the result.")
    d.bars(f"softmax(logits / {kit.fmt(t)})", labels, probs)
    kept_k = np.argsort(-probs, kind="stable")[:k]
    top_k_probs = np.zeros_like(probs)
    top_k_probs[kept_k] = probs[kept_k] / probs[kept_k].sum()
    d.bars(f"top-k with k = {k}, renormalised", labels, top_k_probs)
    kept_p = nucleus(probs, p)
    top_p_probs = np.zeros_like(probs)
    top_p_probs[kept_p] = probs[kept_p] / probs[kept_p].sum()
    totals = np.cumsum(np.sort(probs)[::-1])
    d.show("running totals of the sorted probabilities", totals[: min(8, totals.size)])
    d.bars(
        f"top-p with p = {kit.fmt(p)}: {kept_p.size} tokens survive, renormalised",
        labels,
        top_p_probs,
        text="Top-p keeps the token whose probability carries the total past p.",
    )
    return {"probs": probs, "top_k_probs": top_k_probs, "top_p_probs": top_p_probs, "top_p_kept": int(kept_p.size)}


WORDS = ["the", "cat", "sat", "on", "mat", "and", "slept", "."]
# Bigram logits of a toy language model: row = previous word, column = next word; unlisted pairs are 0.
BIGRAMS = {
    ("the", "cat"): 2.0,
    ("the", "mat"): 1.8,
    ("cat", "sat"): 2.0,
    ("cat", "slept"): 1.2,
    ("sat", "on"): 2.5,
    ("on", "the"): 2.5,
    ("mat", "and"): 1.5,
    ("mat", "."): 1.0,
    ("and", "the"): 1.5,
    ("and", "slept"): 1.4,
    ("slept", "."): 2.0,
    (".", "the"): 1.0,
}


def bigram_logits() -> np.ndarray:
    table = np.zeros((len(WORDS), len(WORDS)))
    for (a, b), value in BIGRAMS.items():
        table[WORDS.index(a), WORDS.index(b)] = value
    return table


def penalised(logits: np.ndarray, counts: np.ndarray, ctrl: float, frequency: float) -> np.ndarray:
    """CTRL-style penalty on seen tokens (divide positive logits, multiply negative ones) and a frequency penalty."""
    seen = counts > 0
    out = np.where(seen & (logits > 0), logits / ctrl, np.where(seen, logits * ctrl, logits))
    return out - frequency * counts


def greedy_words(table: np.ndarray, steps: int, ctrl: float, frequency: float) -> list[int]:
    tokens = [0]
    counts = np.zeros(len(WORDS))
    counts[0] = 1
    for _ in range(steps):
        scores = penalised(table[tokens[-1]], counts, ctrl, frequency)
        nxt = int(np.argmax(scores))
        tokens.append(nxt)
        counts[nxt] += 1
    return tokens


def distinct_bigram_share(tokens: list[int]) -> float:
    pairs = list(zip(tokens, tokens[1:], strict=False))
    return len(set(pairs)) / len(pairs)


@demo("repetition-penalty")
def repetition_penalty(d: Demo, steps=None, penalty=None, frequency=None):
    """Greedy decoding of a toy bigram model loops; CTRL and frequency penalties on seen tokens change the path."""
    steps = d.number("steps", steps, 16, low=2, high=200, integer=True)
    ctrl = d.number("penalty", penalty, 1.2, low=1.0, high=10.0)
    frequency = d.number("frequency", frequency, 0.3, low=0.0, high=10.0)
    table = bigram_logits()
    runs = {
        "greedy": greedy_words(table, steps, 1.0, 0.0),
        f"CTRL penalty {kit.fmt(ctrl)}": greedy_words(table, steps, ctrl, 0.0),
        f"frequency penalty {kit.fmt(frequency)}": greedy_words(table, steps, 1.0, frequency),
    }
    for name, tokens in runs.items():
        d.say(f"{name}: " + " ".join(WORDS[t] for t in tokens))
    shares = {name: distinct_bigram_share(tokens) for name, tokens in runs.items()}
    d.bars(
        "share of distinct word pairs in the output",
        list(shares),
        list(shares.values()),
        text="Greedy repeats its best loop forever. The CTRL factor hits a seen word the same however often it "
        "recurs, so once the loop's words have all been seen it can fall back in; the frequency penalty grows "
        "with every repeat.",
    )
    return {"tokens": {name: tokens for name, tokens in runs.items()}, "distinct_share": shares}


@demo("group-quantization")
def group_quantization(d: Demo, params_billion=None, group=None, rows=None, cols=None, outliers=None):
    """Weight memory at fp16, int8 and int4 with group scales, and int4 error by group size on a weight matrix."""
    aux = d.side_rng()
    params = d.number("params_billion", params_billion, 7, low=0.001, high=10_000)
    group = d.number("group", group, 128, low=1, high=100_000, integer=True)
    rows = d.number("rows", rows, 64, low=1, high=512, integer=True)
    cols = d.number("cols", cols, 512, low=8, high=4096, integer=True)
    outliers = d.number("outliers", outliers, 8, low=0, high=1000, integer=True)
    d.require(cols % 8 == 0, f"cols must be a multiple of 8 so that groups of 8 to cols divide it, not {cols}")

    d.say("Weight memory is parameters × bits per weight / 8; low-bit formats also store their scales.")
    bits = {"fp16": 16.0, "int8": 8.0, "int4": 4.0, f"int4 + fp16 scale per {group}": 4 + 16 / group}
    gigabytes = {name: params * 1e9 * b / 8 / 1e9 for name, b in bits.items()}
    d.bars(
        f"weights of a {kit.fmt(params)}B-parameter model (GB)",
        list(gigabytes),
        list(gigabytes.values()),
        text=f"A 16-bit scale per group of {group} adds 16/{group} = {kit.fmt(16 / group)} bits per weight.",
    )

    W = aux.normal(scale=0.02, size=(rows, cols))
    spots = aux.choice(W.size, size=min(outliers, W.size), replace=False)
    W.flat[spots] *= 15  # a few large weights, as trained LLM layers have
    sizes = [s for s in (8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096) if s <= cols and cols % s == 0]
    errors = {
        "per tensor": kit.relative_rms(kit.quantize(W, 4) - W, W),
        "per row": kit.relative_rms(kit.quantize(W, 4, cols) - W, W),
    }
    errors.update({f"groups of {s}": kit.relative_rms(kit.quantize(W, 4, s) - W, W) for s in sizes if s < cols})
    d.bars(
        f"int4 relative RMS error on a {rows} x {cols} matrix with {outliers} large weights",
        list(errors),
        list(errors.values()),
        text="A large weight stretches the scale of its whole group; smaller groups confine the damage.",
    )
    return {"gigabytes": gigabytes, "bits_per_weight": bits, "errors": errors}


def row_grid(W: np.ndarray, bits: int) -> tuple[np.ndarray, int]:
    """One symmetric scale per output row, from the original weights."""
    levels = 2 ** (bits - 1) - 1
    scale = np.abs(W).max(axis=1) / levels
    return np.where(scale > 0, scale, 1.0), levels


def gptq_quantize(W: np.ndarray, X: np.ndarray, bits: int, damp: float = 0.01) -> np.ndarray:
    """GPTQ without grouping: quantize column by column, pushing each rounding error onto the later columns
    through the rows of the upper Cholesky factor of H^-1, with H = 2XXᵀ (+ damping)."""
    scale, levels = row_grid(W, bits)
    H = 2 * X @ X.T
    H += damp * np.mean(np.diag(H)) * np.eye(len(H))
    U = np.linalg.cholesky(np.linalg.inv(H)).T  # H^-1 = UᵀU, U upper triangular
    work = W.astype(float).copy()
    for j in range(W.shape[1]):
        q = np.clip(np.round(work[:, j] / scale), -levels, levels) * scale
        err = (work[:, j] - q) / U[j, j]
        work[:, j:] -= np.outer(err, U[j, j:])  # column j lands exactly on q; later columns compensate
        work[:, j] = q
    return work


@demo("gptq-compensation")
def gptq_compensation(d: Demo, rows=None, cols=None, samples=None, bits=None, correlation=None):
    """GPTQ against round-to-nearest: compensating each rounding error with the not-yet-quantized weights."""
    w_rng, x_rng = d.streams()
    rows = d.number("rows", rows, 8, low=1, high=64, integer=True)
    cols = d.number("cols", cols, 16, low=2, high=128, integer=True)
    samples = d.number("samples", samples, 256, low=2, high=4096, integer=True)
    bits = d.number("bits", bits, 3, low=2, high=8, integer=True)
    rho = d.number("correlation", correlation, 0.8, low=0.0, high=0.99)
    W = w_rng.normal(size=(rows, cols))
    shared = x_rng.normal(size=samples)
    X = math.sqrt(rho) * shared + math.sqrt(1 - rho) * x_rng.normal(size=(cols, samples))  # correlated inputs

    scale, levels = row_grid(W, bits)
    rtn = np.clip(np.round(W / scale[:, None]), -levels, levels) * scale[:, None]
    gptq = gptq_quantize(W, X, bits)
    reference = W @ X
    out_err = {
        "round to nearest": kit.relative_rms((rtn - W) @ X, reference),
        "GPTQ": kit.relative_rms((gptq - W) @ X, reference),
    }
    weight_err = {"round to nearest": kit.relative_rms(rtn - W, W), "GPTQ": kit.relative_rms(gptq - W, W)}
    d.say(
        f"A {rows} x {cols} layer, {bits}-bit grid with one scale per row; {samples} calibration inputs whose "
        f"features share a common factor (correlation {kit.fmt(rho)})."
    )
    d.bars("relative error of the layer's outputs WX", list(out_err), list(out_err.values()))
    d.bars(
        "relative error of the weights themselves",
        list(weight_err),
        list(weight_err.values()),
        text="GPTQ moves weights further from their originals on purpose: the later columns absorb earlier "
        "rounding errors along the directions the inputs actually vary in.",
    )
    return {"w": W, "x": X, "rtn": rtn, "gptq": gptq, "output_error": out_err, "weight_error": weight_err}


@demo("awq-scaling")
def awq_scaling(d: Demo, cols=None, rows=None, salient=None, boost=None, bits=None, group=None):
    """AWQ: scaling up the weight channels that meet large activations before rounding, activations scaled down."""
    w_rng, x_rng = d.streams()
    cols = d.number("cols", cols, 128, low=4, high=1024, integer=True)
    rows = d.number("rows", rows, 32, low=1, high=256, integer=True)
    salient = d.number("salient", salient, 2, low=1, high=cols, integer=True)
    boost = d.number("boost", boost, 10.0, low=1.0, high=1000.0)
    bits = d.number("bits", bits, 3, low=2, high=8, integer=True)
    group = d.number("group", group, 32, low=1, high=cols, integer=True)
    d.require(cols % group == 0, f"group ({group}) must divide cols ({cols})")
    W = w_rng.normal(size=(rows, cols))
    X = x_rng.normal(size=(256, cols))
    X[:, :salient] *= boost  # the first channels meet large activations
    reference = X @ W.T
    magnitude = np.abs(X).mean(axis=0)

    def error(weights: np.ndarray) -> float:
        return kit.relative_rms(X @ weights.T - reference, reference)

    alphas = [round(0.1 * i, 1) for i in range(11)]
    by_alpha = []
    for a in alphas:
        s = magnitude**a
        by_alpha.append(error(kit.quantize(W * s, bits, group) / s))  # Q(W·s)/s: the product with X/s·s is unchanged
    best = alphas[int(np.argmin(by_alpha))]
    mixed = kit.quantize(W, bits, group)
    mixed[:, :salient] = W[:, :salient]  # the alternative: salient channels kept in 16-bit
    d.say(
        f"{salient} of {cols} input channels carry activations {kit.fmt(boost)} times larger; weights quantized "
        f"to {bits} bits in groups of {group}."
    )
    d.series(
        "output error by α, with scales s = mean|x|^α",
        {"error": by_alpha},
        x=alphas,
        text=f"α = 0 is plain rounding ({kit.fmt(by_alpha[0])}); the best α = {best} gives {kit.fmt(min(by_alpha))}.",
    )
    d.say(
        f"Keeping the {salient} salient channels in 16-bit instead gives {kit.fmt(error(mixed))}, "
        "but needs a mixed-precision kernel; scaling keeps one uniform low-bit format."
    )
    return {"alphas": alphas, "errors": by_alpha, "best_alpha": best, "mixed_precision_error": error(mixed)}


@demo("int8-outliers")
def int8_outliers(d: Demo, tokens=None, features=None, outlier_dims=None, magnitude=None, threshold=None):
    """LLM.int8(): outlier feature dimensions ruin absmax int8; vector-wise scales plus a 16-bit split fix it."""
    x_rng, w_rng = d.streams()
    tokens = d.number("tokens", tokens, 32, low=1, high=512, integer=True)
    features = d.number("features", features, 64, low=2, high=1024, integer=True)
    dims = d.number("outlier_dims", outlier_dims, 2, low=0, high=features - 1, integer=True)
    magnitude = d.number("magnitude", magnitude, 20.0, low=1.0, high=1000.0)
    threshold = d.number("threshold", threshold, 6.0, low=0.1, high=1000.0)
    X = x_rng.normal(size=(tokens, features))
    X[:, :dims] = magnitude * (1 + 0.1 * x_rng.normal(size=(tokens, dims)))  # the same dimensions in every token
    W = w_rng.normal(scale=1 / math.sqrt(features), size=(features, 16))
    exact = X @ W

    per_tensor = kit.quantize(X, 8) @ kit.quantize(W, 8)
    vector_wise = kit.quantize(X, 8, features, axis=1) @ kit.quantize(W, 8, features, axis=0)  # rows of X, columns of W
    outlier = np.abs(X).max(axis=0) > threshold
    regular = ~outlier
    decomposed = X[:, outlier] @ W[outlier]  # the outlier dimensions in 16-bit (exact here)
    if regular.any():
        decomposed = decomposed + kit.quantize(X[:, regular], 8, int(regular.sum()), axis=1) @ kit.quantize(
            W[regular], 8, int(regular.sum()), axis=0
        )
    ordinary = X[:, dims:] @ W[dims:]  # what the ordinary dimensions contribute: the signal rounding must keep
    errors = {
        "absmax per tensor": kit.relative_rms(per_tensor - exact, ordinary),
        "vector-wise": kit.relative_rms(vector_wise - exact, ordinary),
        "vector-wise + 16-bit outliers": kit.relative_rms(decomposed - exact, ordinary),
    }
    share = float(outlier.sum() * tokens / X.size)
    d.say(
        f"{dims} of {features} feature dimensions hold values near {kit.fmt(magnitude)} in every token; the rest are "
        "standard normal."
    )
    d.bars(
        "int8 error of X·W, relative to the ordinary dimensions' share of it",
        list(errors),
        list(errors.values()),
        text=f"One scale per row still contains an outlier, so ordinary values fall on a coarse grid. Splitting off "
        f"the {int(outlier.sum())} dimensions above {kit.fmt(threshold)} ({share:.1%} of the entries) "
        "restores accuracy.",
    )
    return {"errors": errors, "outlier_dims": np.flatnonzero(outlier), "share_16bit": share}


@demo("fp8-vs-int8")
def fp8_vs_int8(d: Demo, samples=None):
    """fp8 (E4M3) against int8, each with one absmax scale: error on uniform, Gaussian and heavy-tailed values."""
    aux = d.side_rng()
    samples = d.number("samples", samples, 20000, low=100, high=200_000, integer=True)
    grid = kit.fp8_grid(4, 3)
    d.say(
        f"E4M3 has {2 * len(grid) - 1} finite values up to {kit.fmt(grid[-1])}; steps are 1/8 of a power of two, "
        f"e.g. {kit.fmt(grid[57] - grid[56])} near 1 but {kit.fmt(grid[-1] - grid[-2])} near 448. "
        "int8 steps are all equal."
    )
    data = {
        "uniform": aux.uniform(-1, 1, samples),
        "Gaussian": aux.normal(size=samples),
        "heavy-tailed (Student t, 3 dof)": aux.standard_t(3, size=samples),
    }
    int8_err, fp8_err = {}, {}
    for name, x in data.items():
        peak = np.abs(x).max()
        int8_err[name] = kit.relative_rms(kit.quantize(x, 8) - x, x)
        fp8_err[name] = kit.relative_rms(kit.round_to_grid(x / (peak / grid[-1]), grid) * (peak / grid[-1]) - x, x)
    d.bars("relative RMS error, int8", list(int8_err), list(int8_err.values()))
    d.bars(
        "relative RMS error, fp8 E4M3",
        list(fp8_err),
        list(fp8_err.values()),
        text="int8 wins when values fill their range evenly; fp8 wins when a few large values set the scale "
        "and the bulk sits near zero, where its steps are fine.",
    )
    return {"grid_size": int(len(grid)), "largest": float(grid[-1]), "int8_error": int8_err, "fp8_error": fp8_err}


@demo("kv-quantization")
def kv_quantization(d: Demo, tokens=None, channels=None, outlier_channels=None, boost=None, bits=None):
    """Quantizing a KV cache: keys have outlier channels, so per-channel scales beat per-token ones for keys."""
    k_rng, v_rng, q_rng = d.streams(3)
    tokens = d.number("tokens", tokens, 64, low=2, high=1024, integer=True)
    channels = d.number("channels", channels, 32, low=2, high=256, integer=True)
    extra = d.number("outlier_channels", outlier_channels, 2, low=0, high=channels, integer=True)
    boost = d.number("boost", boost, 10.0, low=1.0, high=1000.0)
    bits = d.number("bits", bits, 4, low=2, high=8, integer=True)
    K = k_rng.normal(size=(tokens, channels))
    K[:, :extra] = boost * (1 + 0.2 * k_rng.normal(size=(tokens, extra)))  # large in the same channels throughout
    V = v_rng.normal(size=(tokens, channels))
    queries = q_rng.normal(size=(8, channels))

    def attend(keys, values):
        return kit.softmax(queries @ keys.T / math.sqrt(channels)) @ values

    exact = attend(K, V)
    schemes = {"per token": (channels, 1), "per channel": (tokens, 0)}
    key_err = {n: kit.relative_rms(kit.quantize(K, bits, g, a) - K, K) for n, (g, a) in schemes.items()}
    value_err = {n: kit.relative_rms(kit.quantize(V, bits, g, a) - V, V) for n, (g, a) in schemes.items()}
    out_err = {
        f"keys {kn}, values {vn}": kit.relative_rms(
            attend(kit.quantize(K, bits, *schemes[kn]), kit.quantize(V, bits, *schemes[vn])) - exact, exact
        )
        for kn, vn in (("per token", "per token"), ("per channel", "per token"))
    }
    d.say(
        f"{tokens} cached tokens, {channels} channels, {extra} key channels about {kit.fmt(boost)} times larger; "
        f"{bits}-bit cache: {16 / bits:g} times smaller than 16-bit."
    )
    d.bars("relative error of the keys", list(key_err), list(key_err.values()))
    d.bars(
        "relative error of the values",
        list(value_err),
        list(value_err.values()),
        text="Per token, the outlier channels set every token's key scale; per channel they only affect themselves.",
    )
    d.bars("relative error of the attention output", list(out_err), list(out_err.values()))
    return {"key_error": key_err, "value_error": value_err, "output_error": out_err, "compression": 16 / bits}
