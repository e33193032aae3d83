"""Demos for the llm-adaptation topic: the SFT loss mask and what SFT imitates, LoRA's update, initialisation and
merging, parameter and memory budgets of fine-tuning methods, forgetting and its regularisers, contextual
calibration of few-shot prompts, self-consistency voting, retrieval as a knowledge store, and weight averaging."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo

GB = 1e9


@demo("sft-loss-masking")
def sft_loss_masking(d: Demo, probs=None, prompt_len=None):
    """The SFT loss on a prompt-plus-response sequence: every token against response tokens only, and the mean
    that divides by the wrong count."""
    probs = kit.vector(
        d, "probs", probs, lambda: kit.rounded(d.rng.uniform(0.05, 0.95, size=10)), min_len=2, max_len=64
    )
    d.require(
        bool(np.all((probs > 0) & (probs <= 1))), "probs are probabilities of the correct next token: each in (0, 1]"
    )
    n = probs.size
    prompt_len = d.number("prompt_len", prompt_len, max(1, (3 * n) // 5), low=1, high=n - 1, integer=True)

    losses = -np.log(probs)
    mask = np.arange(n) >= prompt_len
    d.say(
        f"A sequence of {n} target tokens: the first {prompt_len} belong to the prompt (system and user turn), the "
        f"other {n - prompt_len} to the response. The model gave each correct next token the probability shown; "
        "its cross-entropy term is -log p."
    )
    d.bars(
        "per-token loss -log p (prompt first, then response)",
        [f"{'P' if not m else 'R'}{i}" for i, m in enumerate(mask)],
        losses,
    )
    full = float(losses.mean())
    masked = float(losses[mask].mean())
    diluted = float(losses[mask].sum() / n)
    d.show("mean over every token (no mask)", full)
    d.show("mean over response tokens only (the usual SFT loss)", masked)
    d.show("response tokens summed, divided by all tokens (wrong normaliser)", diluted)
    weights = np.where(mask, 1.0 / mask.sum(), 0.0)
    d.show("weight of each token's term in the masked loss", weights)
    d.say(
        "With the mask, prompt positions get weight 0: no gradient asks the model to predict the user's words, yet the "
        "prompt is still in the input for every response token to attend to. Dividing the masked sum by all "
        f"{n} tokens instead of the {mask.sum()} response tokens shrinks this example's loss by a factor "
        f"{kit.fmt(mask.sum() / n)}, so examples with long prompts would count less."
    )
    return {"token_loss": losses, "mask": mask, "full_mean": full, "masked_mean": masked, "diluted_mean": diluted}


@demo("sft-imitates-data")
def sft_imitates_data(d: Demo, clean_count=None, clean_wrong=None, noisy_count=None, noisy_wrong=None, steps=None):
    """Maximum likelihood copies the data: a model fitted to a small clean set and to a large noisy one gives the
    templated wrong answer exactly the share it had in each set."""
    clean_count = d.number("clean_count", clean_count, 1000, low=1, high=10**7, integer=True)
    clean_wrong = d.number("clean_wrong", clean_wrong, 0.02, low=0, high=1)
    noisy_count = d.number("noisy_count", noisy_count, 10000, low=1, high=10**7, integer=True)
    noisy_wrong = d.number("noisy_wrong", noisy_wrong, 0.3, low=0, high=1)
    steps = d.number("steps", steps, 300, low=1, high=5000, integer=True)

    d.say(
        "One kind of prompt with two possible answers: the correct one, and a templated wrong one that crept into "
        f"the data. The clean set has {clean_count} examples, {kit.fmt(100 * clean_wrong)}% of them wrong; the "
        f"noisy set has {noisy_count}, {kit.fmt(100 * noisy_wrong)}% wrong. A model with two logits is fitted to "
        f"each by {steps} gradient steps on the mean cross-entropy."
    )
    fitted = {}
    for name, count, wrong in (("clean", clean_count, clean_wrong), ("noisy", noisy_count, noisy_wrong)):
        n_wrong = round(count * wrong)
        share = np.array([count - n_wrong, n_wrong]) / count
        logits = np.zeros(2)
        curve = []
        for _ in range(steps):
            p = kit.softmax(logits)
            logits -= 1.0 * (p - share)  # gradient of the mean cross-entropy with respect to the logits
            curve.append(kit.softmax(logits)[1])
        fitted[name] = {"wrong_share": float(share[1]), "p_wrong": float(kit.softmax(logits)[1]), "curve": curve}
    d.series(
        "probability the model gives the wrong answer, by step",
        {"clean set": fitted["clean"]["curve"], "noisy set": fitted["noisy"]["curve"]},
        x=np.arange(1, steps + 1),
    )
    d.show(
        "share of wrong answers in the data (clean, noisy)",
        [fitted["clean"]["wrong_share"], fitted["noisy"]["wrong_share"]],
    )
    d.show(
        "fitted probability of the wrong answer (clean, noisy)",
        [fitted["clean"]["p_wrong"], fitted["noisy"]["p_wrong"]],
    )
    d.say(
        "The cross-entropy optimum is the empirical frequency, so each fitted probability converges to the share "
        "in its data whatever the set's size: more examples with the same mix do not wash the noise out; the model "
        "learns it as faithfully as the signal."
    )
    return {name: {k: v for k, v in info.items() if k != "curve"} for name, info in fitted.items()}


def lora_loss_and_grads(W0, A, B, X, Y, scale):
    """Loss (1/2n)·Σ||(W0 + scale·BA)x - y||² and its gradients with respect to B and A."""
    W = W0 + scale * B @ A
    residual = X @ W.T - Y  # n × d_out
    n = X.shape[0]
    grad_W = residual.T @ X / n
    return 0.5 * float(np.sum(residual**2)) / n, scale * grad_W @ A.T, scale * B.T @ grad_W


@demo("lora-update")
def lora_update(d: Demo, d_out=None, d_in=None, rank=None, alpha=None, lr=None, steps=None):
    """LoRA on one linear layer: B = 0 makes the start exact, only B gets a first gradient, the learned update
    has rank at most r, and merging it into W0 changes no output."""
    aux = d.side_rng()
    d_out = d.number("d_out", d_out, 8, low=1, high=64, integer=True)
    d_in = d.number("d_in", d_in, 6, low=1, high=64, integer=True)
    rank = d.number("rank", rank, 2, low=1, high=min(d_in, d_out), integer=True)
    alpha = d.number("alpha", alpha, 2 * rank, low=0.01, high=1000)
    lr = d.number("lr", lr, 0.05, low=1e-4, high=10)
    steps = d.number("steps", steps, 200, low=1, high=2000, integer=True)
    scale = alpha / rank

    n = 32
    W0 = aux.normal(0, 1 / math.sqrt(d_in), (d_out, d_in))
    true_update = aux.normal(0, 0.5, (d_out, 1)) @ aux.normal(0, 0.5, (1, d_in))  # a rank-1 change to learn
    X = aux.normal(0, 1, (n, d_in))
    Y = X @ (W0 + true_update).T
    A = aux.normal(0, 1 / math.sqrt(d_in), (rank, d_in))
    B = np.zeros((d_out, rank))
    d.say(
        f"A frozen {d_out}×{d_in} weight W0 and a target that needs a rank-1 change of it. LoRA adds "
        f"(α/r)·B·A with r = {rank} and α = {kit.fmt(alpha)} (scale {kit.fmt(scale)}): A is {rank}×{d_in} and random, "
        f"B is {d_out}×{rank} and zero, so {rank * (d_in + d_out)} numbers are trained instead of {d_in * d_out}."
    )
    start = {"w0": W0, "a0": A.copy(), "x": X, "y": Y}
    loss0, grad_B, grad_A = lora_loss_and_grads(W0, A, B, X, Y, scale)
    start_norms = [float(np.linalg.norm(grad_B)), float(np.linalg.norm(grad_A))]
    start_change = float(np.abs(X @ (W0 + scale * B @ A).T - X @ W0.T).max())
    d.show(
        "largest change of any output at step 0", start_change, "zero: the adapted layer is exactly the pretrained one"
    )
    d.show("gradient norms at step 0 (B, A)", start_norms)
    _, zero_B, zero_A = lora_loss_and_grads(W0, np.zeros_like(A), B, X, Y, scale)
    d.show("gradient norms at step 0 if A were zero too (B, A)", [np.linalg.norm(zero_B), np.linalg.norm(zero_A)])
    d.say(
        "A's gradient is B^T(...), zero while B = 0; B's is (...)·A^T, non-zero because A is random. "
        "With both zero neither could ever move."
    )

    losses = [loss0]
    for _ in range(steps):
        _, grad_B, grad_A = lora_loss_and_grads(W0, A, B, X, Y, scale)
        B -= lr * grad_B
        A -= lr * grad_A
        losses.append(lora_loss_and_grads(W0, A, B, X, Y, scale)[0])
        if not math.isfinite(losses[-1]) or losses[-1] > 1e12:
            raise DemoInputError(f"training diverged with lr = {lr}: try a smaller lr, such as 0.05")
    d.series("training loss (W0 frozen; only A and B change)", {"loss": losses}, x=np.arange(steps + 1))
    update = scale * B @ A
    singular = np.linalg.svd(update, compute_uv=False)
    d.show("singular values of the learned update (α/r)·B·A", singular)
    merged = W0 + update
    gap = float(np.abs(X @ merged.T - (X @ W0.T + scale * (X @ A.T) @ B.T)).max())
    d.show("largest difference, merged W0 + (α/r)BA against the two-path layer", gap)
    d.say(
        f"The update has at most {rank} non-zero singular values, and folding it into W0 gives the same outputs up to "
        "rounding, with one matrix of the original shape: no extra work at inference."
    )
    return {
        "grad_norms_start": start_norms,
        "loss": losses,
        "singular_values": singular,
        "merge_gap": gap,
        "trainable": rank * (d_in + d_out),
        "full": d_in * d_out,
        "start": start,
    }


def peft_counts(d_model: int, d_ff: int, layers: int, vocab: int, rank: int, adapter: int, prompt: int) -> dict:
    """Trainable parameters of each method for a transformer with four d×d attention projections and a
    two-matrix MLP per layer (biases and norms left out)."""
    attention = 4 * d_model * d_model
    mlp = 2 * d_model * d_ff
    return {
        "full fine-tuning": layers * (attention + mlp) + vocab * d_model,
        "LoRA on q and v": layers * 2 * rank * (2 * d_model),
        "LoRA on every linear layer": layers * rank * (4 * 2 * d_model + 2 * (d_model + d_ff)),
        "adapters (2 per layer)": layers * 2 * (2 * d_model * adapter + adapter + d_model),
        "prefix tuning": layers * 2 * prompt * d_model,
        "prompt tuning": prompt * d_model,
    }


@demo("peft-parameter-budget")
def peft_parameter_budget(
    d: Demo, d_model=None, d_ff=None, layers=None, vocab=None, rank=None, adapter_size=None, prompt_tokens=None
):
    """Trainable parameters of full fine-tuning, LoRA on two or on every matrix, adapters, prefix tuning and
    prompt tuning for one transformer, as counts and as shares of the model."""
    d_model = d.number("d_model", d_model, 4096, low=8, high=65536, integer=True)
    d_ff = d.number("d_ff", d_ff, 4 * d_model, low=8, high=262144, integer=True)
    layers = d.number("layers", layers, 32, low=1, high=256, integer=True)
    vocab = d.number("vocab", vocab, 32000, low=2, high=10**6, integer=True)
    rank = d.number("rank", rank, 8, low=1, high=d_model, integer=True)
    adapter = d.number("adapter_size", adapter_size, 64, low=1, high=d_model, integer=True)
    prompt = d.number("prompt_tokens", prompt_tokens, 20, low=1, high=4096, integer=True)

    counts = peft_counts(d_model, d_ff, layers, vocab, rank, adapter, prompt)
    total = counts["full fine-tuning"]
    d.say(
        f"A transformer with {layers} layers of width {d_model}: per layer four {d_model}×{d_model} attention "
        f"projections and an MLP of two {d_model}×{d_ff} matrices, plus a {vocab}×{d_model} embedding "
        f"(biases and norms left out): {kit.thousands(total)} weights, all trained by full fine-tuning."
    )
    d.say(
        f"LoRA at rank {rank} costs r(d_in + d_out) per adapted matrix; an adapter of bottleneck {adapter} costs "
        f"2·d·m + m + d; prefix tuning learns {prompt} keys and values per layer; prompt tuning learns {prompt} input "
        "embeddings."
    )
    shares = {name: 100 * count / total for name, count in counts.items()}
    for name, count in counts.items():
        d.show(f"{name}: trainable parameters", count, f"{kit.fmt(shares[name])}% of the model")
    d.bars("trainable share of the model, % (log10 scale)", list(counts), kit.log10(list(shares.values())))
    one = rank * 2 * d_model
    d.say(
        f"One {d_model}×{d_model} matrix at rank {rank}: {one} LoRA parameters against {d_model * d_model}, "
        f"{kit.fmt(100 * one / d_model**2)}%. The frozen weights still have to be held in memory by every method."
    )
    return {"counts": counts, "shares_percent": shares}


@demo("finetune-memory")
def finetune_memory(d: Demo, params_billion=None, lora_million=None, activations_gb=None):
    """GPU memory for full fine-tuning with Adam in mixed precision, LoRA on a bf16 base and QLoRA on a 4-bit
    base, byte by byte, before and after activations."""
    n = d.number("params_billion", params_billion, 7.0, low=0.01, high=2000) * 1e9
    lora = d.number("lora_million", lora_million, 40.0, low=0, high=10**5) * 1e6
    act = d.number("activations_gb", activations_gb, 0.0, low=0, high=10**5)

    full_bytes = {
        "bf16 weights": 2,
        "bf16 gradients": 2,
        "fp32 master weights": 4,
        "Adam first moment": 4,
        "Adam second moment": 4,
    }
    d.say(
        f"A model of {kit.fmt(n / 1e9)} billion parameters. Full fine-tuning with Adam in mixed precision keeps, per "
        "parameter: "
        + ", ".join(f"{name} {b} B" for name, b in full_bytes.items())
        + f", {sum(full_bytes.values())} bytes in all."
    )
    adapter = 16 * lora  # the adapters' weights, gradients and Adam state, counted like full fine-tuning
    scales_single = n * (32 / 64) / 8  # one fp32 absmax per block of 64 weights
    scales_double = n * (8 / 64 + 32 / (64 * 256)) / 8  # 8-bit scales, one fp32 constant per 256 of them
    budgets = {
        "full fine-tuning": sum(full_bytes.values()) * n,
        "LoRA, bf16 base": 2 * n + adapter,
        "QLoRA, NF4 base": 0.5 * n + scales_double + adapter,
    }
    d.show("LoRA adapters: parameters and their memory in GB (16 bytes each)", [lora, adapter / GB])
    d.show(
        "4-bit block scales in GB: plain (0.5 bit/param), double-quantized (0.127 bit/param)",
        [scales_single / GB, scales_double / GB],
    )
    names = list(budgets)
    d.bars("weights and optimizer state, GB", names, [budgets[k] / GB for k in names])
    if act:
        d.bars(f"with {kit.fmt(act)} GB of activations, GB", names, [budgets[k] / GB + act for k in names])
    d.say(
        f"Freezing the base removes its gradients and optimizer state ({kit.fmt(budgets['full fine-tuning'] / GB)} → "
        f"{kit.fmt(budgets['LoRA, bf16 base'] / GB)} GB); storing it in 4 bits quarters what is left of the base "
        f"({kit.fmt(budgets['QLoRA, NF4 base'] / GB)} GB). Activations are the same for all three and come on top."
    )
    return {name: value / GB for name, value in budgets.items()} | {
        "scales_single_gb": scales_single / GB,
        "scales_double_gb": scales_double / GB,
    }


def fine_tune_quadratic(theta0, target_b, penalty, lr, steps):
    """Gradient descent on ½||θ - b||² + ½·Σ penalty_i (θ_i - θ0_i)² from θ0; returns the path."""
    theta = theta0.copy()
    path = [theta.copy()]
    for _ in range(steps):
        theta = theta - lr * ((theta - target_b) + penalty * (theta - theta0))
        path.append(theta.copy())
    return np.array(path)


@demo("forgetting-l2-sp")
def forgetting_l2_sp(d: Demo, curvature_a=None, target_b=None, lam=None, steps=None):
    """Fine-tuning on task B from task A's optimum: plain fine-tuning forgets A, L2-SP pulls every weight back,
    EWC pulls the weights A needs, and interpolating back (WiSE-FT) trades the two losses."""
    h_a = kit.vector(d, "curvature_a", curvature_a, [5.0, 0.2], length=2)
    d.require(bool(np.all(h_a > 0)), "curvature_a holds task A's curvature per weight: positive numbers")
    b = kit.vector(d, "target_b", target_b, [1.0, 1.0], length=2)
    lam = d.number("lam", lam, 1.0, low=0, high=100)
    steps = d.number("steps", steps, 300, low=1, high=5000, integer=True)

    theta0 = np.zeros(2)  # task A's optimum, where fine-tuning starts

    def loss_a(t):
        return 0.5 * float(np.sum(h_a * (t - theta0) ** 2))

    def loss_b(t):
        return 0.5 * float(np.sum((t - b) ** 2))

    d.say(
        f"Two weights. Task A (learned in pretraining) has loss ½·Σ h_i θ_i² with curvature h = {kit.vec_text(h_a)}: "
        f"it cares much more about some weights than others. Task B wants θ = {kit.vec_text(b)} with loss ½||θ - b||². "
        f"Fine-tuning starts at A's optimum θ0 = 0 and runs {steps} gradient steps on B, with λ = {kit.fmt(lam)} for "
        "the penalties."
    )
    penalties = {"plain": np.zeros(2), "L2-SP": np.full(2, lam), "EWC": lam * h_a}  # EWC's Fisher = A's curvature here
    lr = 1.0 / (1.0 + float(max(penalties["L2-SP"].max(), penalties["EWC"].max())))
    finals = {}
    for name, penalty in penalties.items():
        path = fine_tune_quadratic(theta0, b, penalty, lr, steps)
        finals[name] = path[-1]
        if name == "plain":
            d.series(
                "plain fine-tuning: losses by step",
                {"task A": [loss_a(t) for t in path], "task B": [loss_b(t) for t in path]},
                x=np.arange(steps + 1),
            )
    for name, theta in finals.items():
        d.show(f"{name}: final θ, loss on A, loss on B", [theta[0], theta[1], loss_a(theta), loss_b(theta)])
    mix = np.linspace(0, 1, 11)
    d.series(
        "interpolating from θ0 (0) to the plain fine-tune (1)",
        {"task A": [loss_a(m * finals["plain"]) for m in mix], "task B": [loss_b(m * finals["plain"]) for m in mix]},
        x=mix,
    )
    finals = {name: np.round(theta, 9) + 0.0 for name, theta in finals.items()}  # hide rounding dust like 1e-32
    l2, ewc = finals["L2-SP"], finals["EWC"]
    d.say(
        f"Plain fine-tuning reaches loss {kit.fmt(loss_b(finals['plain']))} on B and pays "
        f"{kit.fmt(loss_a(finals['plain']))} on A. "
        f"L2-SP pulls every weight back alike (A {kit.fmt(loss_a(l2))}, B {kit.fmt(loss_b(l2))}); EWC pulls hardest "
        "on the "
        f"weights A is sensitive to (A {kit.fmt(loss_a(ewc))}, B {kit.fmt(loss_b(ewc))})."
    )
    return {name: {"theta": t, "loss_a": loss_a(t), "loss_b": loss_b(t)} for name, t in finals.items()} | {"lr": lr}


@demo("contextual-calibration")
def contextual_calibration(d: Demo, probs=None, labels=None, bias=None):
    """A few-shot prompt that favours one label (majority or recency bias), and contextual calibration dividing
    each prediction by the probabilities of a content-free input."""
    bias = kit.vector(d, "bias", bias, [4.0, 1.0, 1.0], min_len=2, max_len=10)
    d.require(bool(np.all(bias > 0)), "bias holds one positive factor per label")
    k = bias.size

    def default_probs():
        truth = d.rng.integers(0, k, size=30)
        logits = d.rng.normal(0, 1, (30, k)) + 1.5 * np.eye(k)[truth]
        return kit.rounded(kit.softmax(logits), 3)

    clean = d.array("probs", probs, default_probs, ndim=2)
    d.require(clean.shape[1] == k, f"probs needs {k} columns, one per label (as many as bias has entries)")
    d.require(clean.shape[0] <= 2000, "probs may have at most 2000 rows")
    d.require(bool(np.all(clean > 0)), "probs must be positive")
    default_labels = np.argmax(clean, axis=1) if probs is not None else None
    truth = d.array(
        "labels",
        labels,
        lambda: default_labels if default_labels is not None else np.argmax(clean, axis=1),
        ndim=1,
        integer=True,
    )
    d.require(
        truth.size == clean.shape[0] and bool(np.all((truth >= 0) & (truth < k))),
        f"labels needs one label in 0..{k - 1} per row of probs",
    )

    clean = clean / clean.sum(axis=1, keepdims=True)
    biased = clean * bias
    biased /= biased.sum(axis=1, keepdims=True)
    content_free = bias / bias.sum()  # the prompt's bias applied to a content-free input, whose own view is uniform
    calibrated = biased / content_free
    calibrated /= calibrated.sum(axis=1, keepdims=True)
    d.say(
        f"{clean.shape[0]} test inputs with {k} labels. The prompt's examples tilt the model: each probability is "
        f"multiplied by a per-label factor {kit.vec_text(bias)} and renormalised, a stand-in for majority and recency "
        "bias."
    )
    d.show("label probabilities for the content-free input 'N/A'", content_free)
    accuracy = {}
    for name, table in (("without the prompt's bias", clean), ("biased prompt", biased), ("calibrated", calibrated)):
        predicted = np.argmax(table, axis=1)
        accuracy[name] = float(np.mean(predicted == truth))
        d.bars(
            f"{name}: how often each label is predicted",
            [f"label {i}" for i in range(k)],
            np.bincount(predicted, minlength=k),
        )
    d.show("accuracy: unbiased, biased, calibrated", list(accuracy.values()))
    d.say(
        "Dividing by the content-free probabilities and renormalising removes the tilt. In this toy the bias is "
        "exactly one factor per label, so calibration restores the unbiased predictions; with a real model it is an "
        "approximation."
    )
    return {"content_free": content_free, "accuracy": accuracy, "calibrated": calibrated}


def counts_up_to(total: int, parts: int):
    """Every tuple of `parts` non-negative whole numbers whose sum is at most `total`."""
    if parts == 0:
        yield ()
        return
    for first in range(total + 1):
        for rest in counts_up_to(total - first, parts - 1):
            yield (first, *rest)


def vote_accuracy(p: float, wrong: int, n: int) -> float:
    """Exact chance that a plurality vote over n samples picks the correct answer; each sample is correct with
    probability p, else one of `wrong` wrong answers uniformly; a tie at the top is broken uniformly."""
    q = (1 - p) / wrong
    total = 0.0
    for counts in counts_up_to(n, wrong):
        rest = n - sum(counts)
        ways = math.factorial(n) // math.factorial(rest)
        for c in counts:
            ways //= math.factorial(c)
        top = max(counts)
        if rest < top:
            continue
        share = 1.0 if rest > top else 1.0 / (1 + counts.count(top))
        total += ways * p**rest * q ** (n - rest) * share
    return total


@demo("self-consistency-vote")
def self_consistency_vote(d: Demo, p_correct=None, wrong_answers=None, n_max=None):
    """Self-consistency as a vote: the exact chance that the most common of n sampled answers is right, when
    errors scatter over several wrong answers."""
    p = d.number("p_correct", p_correct, 0.4, low=0.01, high=0.99)
    wrong = d.number("wrong_answers", wrong_answers, 4, low=1, high=4, integer=True)
    n_max = d.number("n_max", n_max, 11, low=1, high=15, integer=True)

    d.say(
        f"Each sampled chain of thought ends in the right answer with probability {kit.fmt(p)}, otherwise in one of "
        f"{wrong} wrong answers chosen at random (each {kit.fmt((1 - p) / wrong)}). The final answer is the most "
        "common one; a tie at the top is broken at random."
    )
    ns = np.arange(1, n_max + 1)
    acc = np.array([vote_accuracy(p, wrong, int(n)) for n in ns])
    d.series(
        "chance the vote is right, by number of samples n", {"vote": acc, "single sample": np.full(ns.size, p)}, x=ns
    )
    d.show(f"accuracy with n = 1 and n = {n_max}", [acc[0], acc[-1]])
    best_wrong = (1 - p) / wrong
    verdict = "rises" if acc[-1] > p else "does not rise"
    d.say(
        f"The right answer is the single most likely one ({kit.fmt(p)} against {kit.fmt(best_wrong)} for each wrong "
        "one) "
        f"and the vote's accuracy {verdict} with n, at {n_max} times the generation cost."
        if p > best_wrong
        else "Here a wrong answer is as likely as the right one or more, so voting cannot pull the right answer ahead."
    )
    return {"n": ns, "accuracy": acc}


POLICY_DOCS = [
    "Expense claims must be filed within 30 days of purchase with a receipt attached.",
    "Remote work is allowed up to two days per week with manager approval.",
    "New laptops are ordered through the IT portal and arrive within five working days.",
    "Travel must be booked through the company travel tool; economy class for flights under six hours.",
    "Annual leave requests need two weeks of notice and appear in the shared team calendar.",
]
NEW_DOC = "From March, remote work is allowed up to three days per week without manager approval."
CHANGED = 1  # the snippet NEW_DOC replaces


def tfidf_rank(docs: list[str], query: str) -> np.ndarray:
    """Cosine similarity of the query to every document under TF-IDF weights with idf = log(N / df) + 1."""
    vocab = sorted({w for doc in docs for w in kit.words(doc)})
    index = {w: i for i, w in enumerate(vocab)}
    counts = np.zeros((len(docs), len(vocab)))
    for row, doc in enumerate(docs):
        for w in kit.words(doc):
            counts[row, index[w]] += 1
    idf = np.log(len(docs) / np.count_nonzero(counts, axis=0)) + 1.0
    doc_vecs = counts * idf
    q = np.zeros(len(vocab))
    for w in kit.words(query):
        if w in index:
            q[index[w]] += idf[index[w]]
    norms = np.linalg.norm(doc_vecs, axis=1) * max(np.linalg.norm(q), 1e-300)
    return doc_vecs @ q / norms


@demo("retrieval-top-k")
def retrieval_top_k(d: Demo, query=None, k=None):
    """Retrieval as the knowledge store: rank policy snippets against a question by TF-IDF cosine similarity, then
    re-index a changed policy and see the new rule retrieved at once, with no training."""
    if query is None:
        query = "How many days per week can I work remotely?"
    if not isinstance(query, str) or not 1 <= len(query) <= 300 or not kit.words(query):
        raise DemoInputError("query must be a question of 1 to 300 characters with at least one word")
    d.params["query"] = query
    k = d.number("k", k, 2, low=1, high=len(POLICY_DOCS), integer=True)

    d.say(
        f"A store of {len(POLICY_DOCS)} policy snippets and the question: {query!r}. Each text becomes a TF-IDF "
        "vector; the question is compared to each by cosine similarity."
    )
    before = tfidf_rank(POLICY_DOCS, query)
    d.bars("similarity to the question", [f"doc {i}" for i in range(len(POLICY_DOCS))], before)
    top_before = [int(i) for i in np.argsort(-before, kind="stable")[:k]]
    d.say("Top passages put into the prompt: " + " | ".join(POLICY_DOCS[i] for i in top_before))
    docs = [NEW_DOC if i == CHANGED else doc for i, doc in enumerate(POLICY_DOCS)]
    after = tfidf_rank(docs, query)
    top_after = [int(i) for i in np.argsort(-after, kind="stable")[:k]]
    d.bars(f"after re-indexing doc {CHANGED} with the new policy", [f"doc {i}" for i in range(len(docs))], after)
    d.say(
        f"The remote-work policy changed, so doc {CHANGED} was re-indexed with the new text: "
        + (
            "the new rule is now among the passages retrieved, "
            if CHANGED in top_after
            else "for this question it is not among the top passages, "
        )
        + "and no weight of the model changed. Fine-tuning would have to be rerun to learn the new rule, "
        "and could still mix up the old and new one."
    )
    return {"similarity_before": before, "similarity_after": after, "top_before": top_before, "top_after": top_after}


def mlp_outputs(params: dict, X: np.ndarray) -> np.ndarray:
    """A one-hidden-layer tanh network: w2 · tanh(W1 x + b1) + b2 for each row x of X."""
    return np.tanh(X @ params["W1"].T + params["b1"]) @ params["w2"] + params["b2"]


def average(p: dict, q: dict) -> dict:
    return {key: (p[key] + q[key]) / 2 for key in p}


@demo("weight-averaging")
def weight_averaging(d: Demo, hidden=None, scale=None):
    """Averaging the weights of two small changes to one network is close to averaging their outputs; averaging a
    network with a copy whose hidden units are permuted (the same function) breaks it."""
    aux = d.side_rng()
    hidden = d.number("hidden", hidden, 8, low=2, high=64, integer=True)
    scale = d.number("scale", scale, 0.05, low=0, high=10)

    base = {
        "W1": aux.normal(0, 1, (hidden, 2)),
        "b1": aux.normal(0, 0.5, hidden),
        "w2": aux.normal(0, 1, hidden),
        "b2": np.array(0.1),
    }
    deltas = [{key: aux.normal(0, 1, np.shape(v)) for key, v in base.items()} for _ in range(2)]
    X = aux.normal(0, 1, (20, 2))
    d.say(
        f"A network with {hidden} tanh units and two 'fine-tunes' of it, stand-ins made by adding random changes of "
        "size "
        f"{kit.fmt(scale)} to every weight of the same starting point. Outputs are compared on 20 inputs."
    )

    def gap_at(s: float) -> float:
        tuned = [{key: base[key] + s * delta[key] for key in base} for delta in deltas]
        weight_avg = mlp_outputs(average(*tuned), X)
        output_avg = (mlp_outputs(tuned[0], X) + mlp_outputs(tuned[1], X)) / 2
        return float(np.abs(weight_avg - output_avg).max())

    gap = gap_at(scale)
    d.show("largest gap: averaged weights against averaged outputs", gap)
    sizes = np.array([0.01, 0.03, 0.1, 0.3, 1.0])
    d.series(
        "that gap by size of the changes",
        {"gap": [gap_at(float(s)) for s in sizes]},
        x=sizes,
        text="for small changes it grows roughly with the square of their size",
    )
    order = aux.permutation(hidden)
    permuted = {"W1": base["W1"][order], "b1": base["b1"][order], "w2": base["w2"][order], "b2": base["b2"]}
    same = float(np.abs(mlp_outputs(permuted, X) - mlp_outputs(base, X)).max())
    broken = float(np.abs(mlp_outputs(average(base, permuted), X) - mlp_outputs(base, X)).max())
    typical = float(np.abs(mlp_outputs(base, X)).mean())
    d.show("permuted copy against the original: largest output difference", same)
    d.show(
        "average of original and permuted copy against the original: largest output difference",
        broken,
        f"typical output size {kit.fmt(typical)}",
    )
    d.say(
        "Relabelling the hidden units leaves the function unchanged, yet averaging with the relabelled copy mixes "
        "unrelated units. Fine-tunes of one checkpoint keep their units aligned, which is why their weights can be "
        "averaged."
    )
    return {
        "gap": gap,
        "permuted_difference": same,
        "averaged_with_permuted_difference": broken,
        "base": base,
        "deltas": deltas,
        "x": X,
        "order": order,
    }
