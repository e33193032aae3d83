"""Demos for the alignment topic: returns and advantages (discounting, GAE), policy gradients with and without a
baseline, PPO's clipped objective, a Bradley-Terry reward model, the KL-regularised optimum behind RLHF and DPO,
the DPO loss, best-of-n against a biased reward, GRPO's group advantages, red-team rates and KL estimators."""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, demo


def discounted_returns(rewards: np.ndarray, gamma: float, bootstrap: float = 0.0) -> np.ndarray:
    """G_t = r_t + γ·G_{t+1}, computed backwards from the value after the last step."""
    returns = np.zeros(len(rewards))
    running = bootstrap
    for t in range(len(rewards) - 1, -1, -1):
        running = rewards[t] + gamma * running
        returns[t] = running
    return returns


@demo("discounted-return")
def discounted_return(d: Demo, rewards=None, gamma=None):
    """The return G_t at every step of an episode, computed backwards as G_t = r_t + γ·G_{t+1}, for several γ."""
    rewards = kit.vector(d, "rewards", rewards, lambda: d.rng.integers(-1, 3, size=6).astype(float), max_len=200)
    gamma = d.number("gamma", gamma, 0.9, low=0, high=1)

    d.say(
        f"An episode of {rewards.size} steps; r_t is the reward received after the action at step t (steps counted "
        f"from 0). The return from step t is G_t = r_t + γ·r_(t+1) + γ²·r_(t+2) + ..., here with γ = {kit.fmt(gamma)}."
    )
    d.show("rewards r_t", rewards)
    returns = discounted_returns(rewards, gamma)
    d.show("returns G_t (backwards: G_t = r_t + γ·G_(t+1))", returns)
    compare = {f"γ = {kit.fmt(g)}": discounted_returns(rewards, g) for g in sorted({0.0, 0.5, gamma, 1.0})}
    d.series("returns G_t for several discounts", compare, x=np.arange(rewards.size))
    d.say(
        "With γ = 0 each step counts only its own reward; with γ = 1 every later reward counts fully, the usual choice "
        "for a single reward at the end of an LLM's response."
    )
    return {"returns": returns}


def gae(rewards: np.ndarray, values: np.ndarray, gamma: float, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """TD errors δ_t = r_t + γV(s_(t+1)) - V(s_t) and GAE advantages Â_t = δ_t + γλ·Â_(t+1)."""
    deltas = rewards + gamma * values[1:] - values[:-1]
    advantages = np.zeros(len(rewards))
    running = 0.0
    for t in range(len(rewards) - 1, -1, -1):
        running = deltas[t] + gamma * lam * running
        advantages[t] = running
    return deltas, advantages


@demo("gae-advantages")
def gae_advantages(d: Demo, rewards=None, values=None, gamma=None, lam=None):
    """Generalised advantage estimation on one episode: TD errors, GAE for the chosen λ, and its two ends, the
    one-step TD error (λ = 0) and the Monte Carlo return minus the value (λ = 1)."""
    rewards = kit.vector(d, "rewards", rewards, [0.0, 0.0, 0.0, 0.0, 1.0], max_len=200)
    values = kit.vector(
        d, "values", values, lambda: np.append(kit.rounded(d.rng.uniform(0.2, 0.9, rewards.size), 1), 0.0), max_len=201
    )
    d.require(
        values.size == rewards.size + 1,
        f"values needs {rewards.size + 1} entries: V(s_t) for each of the {rewards.size} steps and one for the state "
        "after the last step (0 if the episode ended)",
    )
    gamma = d.number("gamma", gamma, 1.0, low=0, high=1)
    lam = d.number("lam", lam, 0.95, low=0, high=1)

    d.say(
        f"An episode of {rewards.size} steps with rewards {kit.vec_text(rewards)} (reward after step t) and a critic's "
        f"values {kit.vec_text(values)} (the last is the state after the final step). γ = {kit.fmt(gamma)}, λ = "
        f"{kit.fmt(lam)}."
    )
    deltas, advantages = gae(rewards, values, gamma, lam)
    d.show("TD errors δ_t = r_t + γ·V(s_(t+1)) - V(s_t)", deltas)
    d.show(f"GAE advantages, λ = {kit.fmt(lam)} (backwards: Â_t = δ_t + γλ·Â_(t+1))", advantages)
    _, one_step = gae(rewards, values, gamma, 0.0)
    _, full = gae(rewards, values, gamma, 1.0)
    mc = discounted_returns(rewards, gamma, values[-1]) - values[:-1]
    d.series(
        "advantage estimates by step",
        {"λ = 0 (TD error)": one_step, f"λ = {kit.fmt(lam)}": advantages, "λ = 1": full},
        x=np.arange(rewards.size),
    )
    d.show("λ = 1 against G_t - V(s_t): largest difference", float(np.abs(full - mc).max()))
    d.say(
        "λ = 0 trusts the critic after one step (low variance, biased if V is wrong); λ = 1 adds up the real rewards "
        "and equals the return minus the value (unbiased, noisier). Values in between blend the two."
    )
    return {"deltas": deltas, "advantages": advantages, "lambda0": one_step, "lambda1": full, "return_minus_value": mc}


@demo("policy-gradient-baseline")
def policy_gradient_baseline(d: Demo, logits=None, rewards=None, baseline=None, samples=None, trials=None):
    """REINFORCE on a softmax policy over a few actions: the estimate (e_a - π)·(R - b) is unbiased with or without
    a baseline b, and much less noisy with one."""
    aux = d.side_rng()
    logits = kit.vector(d, "logits", logits, [0.5, 0.0, -0.5], min_len=2, max_len=10)
    rewards = kit.vector(d, "rewards", rewards, [5.0, 6.0, 8.0], length=logits.size)
    pi = kit.softmax(logits)
    expected = float(pi @ rewards)
    b = d.number("baseline", baseline, round(expected, 4), low=-1e6, high=1e6)
    samples = d.number("samples", samples, 4, low=1, high=1000, integer=True)
    trials = d.number("trials", trials, 2000, low=2, high=20000, integer=True)
    d.require(samples * trials <= 1_000_000, "samples x trials must be at most 1,000,000")

    exact = pi * (rewards - expected)  # ∂/∂z_k of Σ π_k r_k for a softmax policy
    d.say(
        f"A policy picks one of {logits.size} actions with softmax probabilities {kit.vec_text(pi)}; action k pays "
        f"{kit.vec_text(rewards)}. Expected reward J = {kit.fmt(expected)}; its exact gradient with respect to the "
        "logits "
        "is π_k·(r_k - J)."
    )
    d.show("exact gradient of J", exact)
    actions = aux.choice(logits.size, size=(trials, samples), p=pi)
    score = np.eye(logits.size)[actions] - pi  # ∇ log π(a) with respect to the logits
    estimates = {}
    for name, shift in (("no baseline", 0.0), (f"baseline b = {kit.fmt(b)}", b)):
        per_sample = score * (rewards[actions] - shift)[..., None]
        estimates[name] = per_sample.mean(axis=1)  # one estimate per trial, averaged over its samples
    means = {name: est.mean(axis=0) for name, est in estimates.items()}
    variances = {name: float(est.var(axis=0, ddof=1).sum()) for name, est in estimates.items()}
    for name in estimates:
        d.show(f"mean of {trials} estimates, {name}", means[name])
    d.bars(f"total variance of one {samples}-sample estimate", list(variances), list(variances.values()))
    plain, based = variances.values()
    d.say(
        "Both averages sit near the exact gradient: the baseline adds no bias, since Σ_a π(a)·∇log π(a) = 0. "
        f"The total variance went from {kit.fmt(plain)} without a baseline to {kit.fmt(based)} with it."
    )
    if np.all(rewards > 0) and based < plain:
        d.say(
            "With every reward positive, every sampled action is pushed up without a baseline, and only the sizes "
            "of the pushes carry the signal; centring the rewards makes worse-than-average actions go down."
        )
    return {"policy": pi, "exact": exact, "means": list(means.values()), "variances": list(variances.values())}


def ppo_term(ratio: float, advantage: float, epsilon: float) -> float:
    clipped = min(max(ratio, 1 - epsilon), 1 + epsilon)
    return min(ratio * advantage, clipped * advantage)


def ppo_slope(ratio: float, advantage: float, epsilon: float) -> float:
    """d/dratio of the clipped objective: the advantage where the unclipped term is the minimum, else 0."""
    inside = 1 - epsilon <= ratio <= 1 + epsilon
    clipped = min(max(ratio, 1 - epsilon), 1 + epsilon)
    return advantage if inside or ratio * advantage < clipped * advantage else 0.0


@demo("ppo-clip")
def ppo_clip(d: Demo, ratio=None, advantage=None, epsilon=None):
    """PPO's clipped surrogate min(ρÂ, clip(ρ, 1-ε, 1+ε)Â) against the ratio ρ for a positive and a negative
    advantage, and where its gradient is cut to zero."""
    ratio = d.number("ratio", ratio, 1.3, low=0, high=10)
    advantage = d.number("advantage", advantage, 1.0, low=-1000, high=1000)
    epsilon = d.number("epsilon", epsilon, 0.2, low=0.001, high=0.99)

    d.say(
        f"ρ = π_new(a|s) / π_old(a|s) compares the policy being trained with the one that sampled the action. "
        f"The objective per sample is min(ρ·Â, clip(ρ, {kit.fmt(1 - epsilon)}, {kit.fmt(1 + epsilon)})·Â)."
    )
    grid = np.round(np.linspace(0.4, 1.6, 25), 3)
    size = abs(advantage) if advantage else 1.0
    d.series(
        f"objective against ρ for Â = +{kit.fmt(size)} and Â = -{kit.fmt(size)}",
        {"Â > 0": [ppo_term(r, size, epsilon) for r in grid], "Â < 0": [ppo_term(r, -size, epsilon) for r in grid]},
        x=grid,
    )
    unclipped = ratio * advantage
    clipped = min(max(ratio, 1 - epsilon), 1 + epsilon) * advantage
    value = ppo_term(ratio, advantage, epsilon)
    slope = ppo_slope(ratio, advantage, epsilon)
    d.show(
        f"at ρ = {kit.fmt(ratio)}, Â = {kit.fmt(advantage)}: unclipped, clipped, objective", [unclipped, clipped, value]
    )
    d.show("gradient of the objective with respect to ρ", slope)
    if slope == 0 and advantage != 0:
        d.say(
            "The clipped term is the smaller one and is flat here: the policy already moved this action's "
            "probability as far as one update allows in the advantage's direction, so it is not pushed further."
        )
    elif advantage != 0:
        d.say(
            "The unclipped term ρ·Â is the minimum here, so the gradient is Â: inside the range the update acts as a "
            "plain policy gradient, and outside it a move in the wrong direction is still corrected."
        )
    return {"objective": value, "unclipped": unclipped, "clipped": clipped, "slope": slope}


def bt_loss(scores: np.ndarray, winners: np.ndarray, losers: np.ndarray) -> float:
    """Mean of -log σ(r_w - r_l) over the comparisons, written as log(1 + e^-(r_w - r_l))."""
    return float(np.mean(np.logaddexp(0.0, -(scores[winners] - scores[losers]))))


@demo("bradley-terry-reward")
def bradley_terry_reward(d: Demo, true_rewards=None, comparisons=None, steps=None, lr=None):
    """A reward model from pairwise preferences: comparisons drawn with P(i beats j) = σ(r_i - r_j), rewards fitted by
    gradient descent on -log σ(r_w - r_l), identified only up to a constant."""
    aux = d.side_rng()
    truth = kit.vector(
        d, "true_rewards", true_rewards, lambda: kit.rounded(d.rng.normal(0, 1, 5), 1), min_len=2, max_len=10
    )
    comparisons = d.number("comparisons", comparisons, 600, low=1, high=5000, integer=True)
    steps = d.number("steps", steps, 500, low=1, high=5000, integer=True)
    lr = d.number("lr", lr, 2.0, low=1e-3, high=10)

    k = truth.size
    first = aux.integers(0, k, comparisons)
    second = (first + aux.integers(1, k, comparisons)) % k  # a different response
    first_wins = aux.random(comparisons) < kit.sigmoid(truth[first] - truth[second])
    winners = np.where(first_wins, first, second)
    losers = np.where(first_wins, second, first)
    top, bottom = int(np.argmax(truth)), int(np.argmin(truth))
    d.say(
        f"{k} responses to one prompt with hidden true rewards {kit.vec_text(truth)}. A labeller prefers i over j with "
        f"probability σ(r_i - r_j); for example response {top} beats response {bottom} with probability "
        f"{kit.fmt(float(kit.sigmoid(truth[top] - truth[bottom])))}. {comparisons} labelled pairs are drawn."
    )
    scores = np.zeros(k)
    losses = [bt_loss(scores, winners, losers)]
    for _ in range(steps):
        push = kit.sigmoid(-(scores[winners] - scores[losers]))  # how wrong each comparison still is
        grad = (np.bincount(losers, push, k) - np.bincount(winners, push, k)) / comparisons
        scores -= lr * grad
        losses.append(bt_loss(scores, winners, losers))
    d.series("mean loss -log σ(r_w - r_l) by step", {"loss": losses}, x=np.arange(steps + 1))
    centred_truth = truth - truth.mean()
    d.show("true rewards, centred", centred_truth)
    d.show("fitted rewards (start at 0, so their mean stays 0)", scores)
    gap = abs(bt_loss(scores + 5.0, winners, losers) - losses[-1])
    d.show("change of the loss when 5 is added to every fitted reward", gap)
    d.say(
        "The loss sees only differences, so a constant shift is invisible and the rewards are known up to that "
        "constant; "
        "with finite comparisons the fitted gaps also carry sampling noise."
    )
    return {
        "true_centred": centred_truth, "fitted": scores, "loss": losses,
        "winners": winners, "losers": losers, "shift_gap": gap,
    }  # fmt: skip


def kl_optimum(ref: np.ndarray, rewards: np.ndarray, beta: float) -> tuple[np.ndarray, float]:
    """π* ∝ π_ref·exp(r/β) and log Z, computed in log space so a small β does not overflow."""
    logits = np.log(ref) + rewards / beta
    log_z = kit.log_sum_exp(logits)
    return np.exp(logits - log_z), log_z


@demo("kl-regularised-optimum")
def kl_regularised_optimum(d: Demo, rewards=None, ref_probs=None, beta=None):
    """The policy that maximises E[r] - β·KL(π‖π_ref) over a few responses, π* ∝ π_ref·exp(r/β); how β trades reward
    against drift; and the implicit reward β·log(π*/π_ref) that DPO uses."""
    rewards = kit.vector(d, "rewards", rewards, [1.0, 0.5, 0.0, -0.5, 2.0], min_len=2, max_len=20)
    ref = kit.vector(d, "ref_probs", ref_probs, [0.4, 0.3, 0.15, 0.1, 0.05], length=rewards.size)
    d.require(bool(np.all(ref > 0)), "ref_probs must be positive: the reference gives every response some probability")
    ref = ref / ref.sum()
    beta = d.number("beta", beta, 0.5, low=0.01, high=100)

    d.say(
        f"{rewards.size} possible responses with rewards {kit.vec_text(rewards)}; the reference (SFT) model gives them "
        f"probabilities {kit.vec_text(ref)}."
    )
    policy, log_z = kl_optimum(ref, rewards, beta)
    expected = float(policy @ rewards)
    kl = kit.kl_divergence(policy, ref)
    objective = expected - beta * kl
    d.show(f"optimal policy at β = {kit.fmt(beta)}", policy)
    d.show("its expected reward, KL to the reference, objective E[r] - β·KL", [expected, kl, objective])
    best = int(np.argmax(rewards))
    greedy = float(rewards[best] + beta * math.log(ref[best]))  # a policy that always picks the best response
    d.show("objective of the reference itself, and of always picking the top response", [float(ref @ rewards), greedy])
    betas = np.geomspace(0.05, 10, 15)
    sweep = [kl_optimum(ref, rewards, float(b))[0] for b in betas]
    d.series(
        "as β grows the optimum stays closer to the reference",
        {
            "expected reward": [float(p @ rewards) for p in sweep],
            "KL to reference": [kit.kl_divergence(p, ref) for p in sweep],
        },
        x=np.round(betas, 3),
    )
    implicit = beta * np.log(policy / ref)
    d.show("implicit reward β·log(π*/π_ref)", implicit)
    d.show("true reward minus implicit reward (the same constant β·log Z for every response)", rewards - implicit)
    d.say(
        "The optimum beats both the reference and the greedy choice on the regularised objective. Reading the reward "
        "back from the policy gives it up to one constant, which cancels in any comparison of two responses: that "
        "is the step DPO builds on."
    )
    return {
        "policy": policy, "expected_reward": expected, "kl": kl, "objective": objective, "log_z": log_z,
        "implicit_reward": implicit, "objective_ref": float(ref @ rewards), "objective_greedy": greedy,
    }  # fmt: skip


def dpo_value(chosen: float, rejected: float, ref_chosen: float, ref_rejected: float, beta: float) -> float:
    margin = beta * ((chosen - ref_chosen) - (rejected - ref_rejected))
    return float(np.logaddexp(0.0, -margin))  # -log σ(margin)


@demo("dpo-loss")
def dpo_loss(d: Demo, policy_chosen=None, policy_rejected=None, ref_chosen=None, ref_rejected=None, beta=None):
    """The DPO loss from four sequence log-probabilities and β: implicit rewards, margin, the gradient's weight, and
    how the loss moves when the log-probabilities or β change."""
    pc = d.number("policy_chosen", policy_chosen, -39.0, low=-1e5, high=0)
    pr = d.number("policy_rejected", policy_rejected, -40.5, low=-1e5, high=0)
    rc = d.number("ref_chosen", ref_chosen, -40.0, low=-1e5, high=0)
    rr = d.number("ref_rejected", ref_rejected, -38.0, low=-1e5, high=0)
    beta = d.number("beta", beta, 0.1, low=0.001, high=100)

    d.say(
        "Log-probabilities (summed over the response tokens) of the chosen and the rejected response, under the policy "
        f"being trained ({kit.fmt(pc)}, {kit.fmt(pr)}) and under the frozen reference ({kit.fmt(rc)}, {kit.fmt(rr)}); "
        f"β = {kit.fmt(beta)}."
    )
    reward_c, reward_r = beta * (pc - rc), beta * (pr - rr)
    margin = reward_c - reward_r
    loss = dpo_value(pc, pr, rc, rr, beta)
    weight = float(kit.sigmoid(-margin))
    d.show("implicit rewards β·(log π - log π_ref): chosen, rejected", [reward_c, reward_r])
    d.show("margin and loss -log σ(margin)", [margin, loss])
    d.show("gradient of the loss w.r.t. log π(chosen), log π(rejected)", [-beta * weight, beta * weight])
    d.say(
        f"The gradient is β·σ(-margin) = {kit.fmt(beta * weight)} in size: it raises the chosen response's "
        "log-probability and "
        "lowers the rejected one's, strongly while the pair is still ranked wrongly and weakly once the margin is "
        "large."
    )
    shifts = np.linspace(-3, 3, 13)
    d.series(
        "loss as the policy's log π(chosen) moves by the shift shown",
        {"loss": [dpo_value(pc + s, pr, rc, rr, beta) for s in shifts]},
        x=shifts,
    )
    both_down = dpo_value(pc - 1, pr - 3, rc, rr, beta)
    d.show("loss if log π(chosen) falls by 1 and log π(rejected) by 3", both_down)
    betas = [0.01, 0.05, 0.1, 0.5, 1.0]
    d.bars(
        "loss for the same log-probabilities at other β",
        [f"β = {b}" for b in betas],
        [dpo_value(pc, pr, rc, rr, b) for b in betas],
    )
    d.say(
        "Only the gap between the two log-ratios matters: both probabilities falling still lowers the loss if the "
        "rejected one falls faster. β scales that gap, so a larger β is satisfied by a smaller move from the reference."
    )
    return {
        "loss": loss, "margin": margin, "reward_chosen": reward_c, "reward_rejected": reward_r, "weight": weight,
        "grad_chosen": -beta * weight, "grad_rejected": beta * weight, "loss_both_down": both_down,
    }  # fmt: skip


def expected_max_normal(n: int) -> float:
    """E[max of n independent standard normals] = ∫ x·n·φ(x)·Φ(x)^(n-1) dx on a fine grid."""
    x = np.linspace(-9, 9, 6001)
    density = n * kit.normal_pdf(x) * kit.normal_cdf(x) ** (n - 1)
    return float(np.sum(x * density) * (x[1] - x[0]))


@demo("best-of-n-proxy")
def best_of_n_proxy(d: Demo, length_weight=None, n_max=None, trials=None):
    """Best-of-n with a reward model that also likes length: as n grows the proxy score climbs faster than the
    true quality, the chosen answers get longer, and the KL from the base policy stays below log n - (n-1)/n."""
    aux = d.side_rng()
    b = d.number("length_weight", length_weight, 1.0, low=0, high=10)
    n_max = d.number("n_max", n_max, 64, low=1, high=1024, integer=True)
    trials = d.number("trials", trials, 2000, low=10, high=20000, integer=True)
    d.require(n_max * trials <= 2_000_000, "n_max x trials must be at most 2,000,000")

    d.say(
        "Each sampled answer has a true quality q and a (standardised) length z, independent and standard normal. "
        f"The reward model scores q + {kit.fmt(b)}·z: it rewards length that does not make answers better. "
        f"Best-of-n keeps the highest-scoring of n samples; averages over {trials} prompts."
    )
    quality = aux.standard_normal((trials, n_max))
    length = aux.standard_normal((trials, n_max))
    proxy = quality + b * length
    ns = np.unique(np.append(2 ** np.arange(int(math.log2(n_max)) + 1), n_max))
    rows = np.arange(trials)
    picked = {"proxy": [], "quality": [], "length": []}
    for n in ns:
        best = np.argmax(proxy[:, :n], axis=1)
        for name, table in (("proxy", proxy), ("quality", quality), ("length", length)):
            picked[name].append(float(table[rows, best].mean()))
    spread = math.sqrt(1 + b * b)
    e_max = np.round([expected_max_normal(int(n)) for n in ns], 9) + 0.0  # n = 1 gives 0, not -1e-16
    exact = {"proxy": spread * e_max, "quality": e_max / spread, "length": b * e_max / spread}
    d.series("average over prompts of the chosen answer's score, quality and length", picked, x=ns)
    d.series("the same in closed form (Gaussian selection)", exact, x=ns)
    kl_bound = np.log(ns) - (ns - 1) / ns
    d.series("KL of best-of-n from the base policy, upper bound log n - (n-1)/n (nats)", {"bound": kl_bound}, x=ns)
    d.say(
        f"The score of the winner grows like {kit.fmt(spread)}·E[max of n], its true quality only like "
        f"E[max of n]/{kit.fmt(spread)}: at n = {ns[-1]} the score is {kit.fmt(picked['proxy'][-1])} but the quality "
        f"{kit.fmt(picked['quality'][-1])}, and the length is {kit.fmt(picked['length'][-1])} standard deviations "
        "above "
        "average. The harder the selection, the more of what it buys is the reward model's bias."
        if b > 0
        else "With no length term the score is the quality itself, and selection buys only real improvement."
    )
    return {"n": ns, **{key: np.array(value) for key, value in picked.items()}, "exact": exact, "kl_bound": kl_bound}


def group_advantages(rewards: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-row mean, population standard deviation, and (r - mean)/std, with 0 for a row whose rewards are equal."""
    means = rewards.mean(axis=1)
    stds = rewards.std(axis=1)
    safe = np.where(stds > 0, stds, 1.0)
    advantages = np.where(stds[:, None] > 0, (rewards - means[:, None]) / safe[:, None], 0.0)
    return means, stds, advantages


@demo("grpo-advantages")
def grpo_advantages(d: Demo, rewards=None):
    """GRPO's group-relative advantages: each prompt's sampled answers scored by a checker, normalised within the
    group; groups that are all right or all wrong give no signal."""

    def default_rewards():
        rates = np.array([1.0, 0.75, 0.25, 0.0])
        return (d.rng.random((4, 8)) < rates[:, None]).astype(float)

    rewards = d.array("rewards", rewards, default_rewards, ndim=2)
    d.require(
        rewards.shape[0] <= 64 and 2 <= rewards.shape[1] <= 128, "rewards: up to 64 prompts (rows) of 2 to 128 samples"
    )

    g = rewards.shape[1]
    d.say(
        f"{rewards.shape[0]} prompts, {g} sampled answers each, scored by a checker (1 = correct). GRPO gives answer i "
        "the advantage (r_i - mean of its group) / std of its group, and every token of the answer shares it: the "
        "group "
        "is its own baseline, so no value network is needed."
    )
    means, stds, advantages = group_advantages(rewards)
    for row in range(rewards.shape[0]):
        d.show(
            f"prompt {row}: rewards, then advantages (mean {kit.fmt(means[row])}, std {kit.fmt(stds[row])})",
            [rewards[row].tolist(), np.round(advantages[row], 4).tolist()],
        )
    binary = bool(np.all((rewards == 0) | (rewards == 1)))
    if binary:
        d.say(
            "With 0/1 rewards and a pass rate p in the group, a correct answer gets √((1-p)/p) and a wrong one "
            "-√(p/(1-p)): a rare success on a hard prompt earns a large push."
        )
    flat = int(np.sum(stds == 0))
    d.say(
        f"{flat} of the {rewards.shape[0]} groups have identical rewards, so all their advantages are 0 and they "
        "contribute nothing to the update; prompts the model sometimes solves carry the learning signal."
    )
    return {"means": means, "stds": stds, "advantages": advantages, "centred": rewards - means[:, None]}


def binomial_cdf(k: int, n: int, p: float) -> float:
    """P(X ≤ k) for X ~ Binomial(n, p), summed in log space."""
    if p <= 0:
        return 1.0
    if p >= 1:
        return 1.0 if k >= n else 0.0
    terms = [
        math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * math.log(p) + (n - i) * math.log1p(-p)
        for i in range(k + 1)
    ]
    top = max(terms)
    return math.exp(top) * sum(math.exp(t - top) for t in terms)


def upper_bound(k: int, n: int, confidence: float) -> float:
    """One-sided exact (Clopper-Pearson) upper confidence bound on a rate after k events in n trials."""
    if k >= n:
        return 1.0
    low, high = k / n, 1.0
    for _ in range(100):  # bisection: P(X ≤ k | p) falls as p rises
        mid = (low + high) / 2
        if binomial_cdf(k, n, mid) > 1 - confidence:
            low = mid
        else:
            high = mid
    return (low + high) / 2


@demo("red-team-rates")
def red_team_rates(d: Demo, failures=None, attempts=None, over_refusals=None, benign=None, confidence=None):
    """Safety evaluation as two rates with honest uncertainty: attack success on harmful prompts and over-refusal on
    benign ones, each with an exact upper confidence bound; zero failures in n attempts still allows about 3/n."""
    attempts = d.number("attempts", attempts, 100, low=1, high=100000, integer=True)
    failures = d.number("failures", failures, 0, low=0, high=attempts, integer=True)
    benign = d.number("benign", benign, 200, low=1, high=100000, integer=True)
    over_refusals = d.number("over_refusals", over_refusals, 12, low=0, high=benign, integer=True)
    confidence = d.number("confidence", confidence, 0.95, low=0.5, high=0.999)

    d.say(
        f"A red team ran {attempts} attacks and {failures} succeeded (the model produced the harmful output); "
        f"{over_refusals} of {benign} benign prompts that merely look risky were refused."
    )
    asr, asr_up = failures / attempts, upper_bound(failures, attempts, confidence)
    refusal, refusal_up = over_refusals / benign, upper_bound(over_refusals, benign, confidence)
    level = f"{kit.fmt(100 * confidence)}%"
    d.show(f"attack success rate and its one-sided {level} upper bound", [asr, asr_up])
    d.show(f"over-refusal rate and its one-sided {level} upper bound", [refusal, refusal_up])
    ns = np.array([10, 30, 100, 300, 1000, 3000])
    d.series(
        f"{level} upper bound on the failure rate after zero failures, by number of attempts",
        {
            "exact": [upper_bound(0, int(n), confidence) for n in ns],
            "-ln(1-confidence)/n": -math.log(1 - confidence) / ns,
        },
        x=ns,
    )
    d.say(
        f"The bound after zero failures is 1 - (1 - confidence)^(1/n), close to {kit.fmt(-math.log(1 - confidence))}/n "
        "(the 'rule of three' at 95%): a clean red-team run limits the rate, it does not show it is zero. And a model "
        "that refused everything would have no attack successes and a useless over-refusal rate."
    )
    return {
        "attack_success_rate": asr,
        "attack_upper": asr_up,
        "over_refusal_rate": refusal,
        "over_refusal_upper": refusal_up,
    }


@demo("kl-estimators")
def kl_estimators(d: Demo, policy_logits=None, ref_logits=None, samples=None):
    """Estimating KL(π‖π_ref) from sampled tokens: -log ρ, ½(log ρ)² and ρ - 1 - log ρ with ρ = π_ref/π, their
    averages, spreads and how often a single value is negative."""
    aux = d.side_rng()
    policy_logits = kit.vector(
        d, "policy_logits", policy_logits, lambda: kit.rounded(d.rng.normal(0, 1, 8), 1), min_len=2, max_len=100
    )
    ref_logits = kit.vector(
        d, "ref_logits", ref_logits, lambda: kit.rounded(policy_logits + d.rng.normal(0, 0.5, policy_logits.size), 1),
        length=policy_logits.size,
    )  # fmt: skip
    samples = d.number("samples", samples, 20000, low=10, high=200000, integer=True)

    pi, ref = kit.softmax(policy_logits), kit.softmax(ref_logits)
    exact = float(np.sum(pi * (np.log(pi) - np.log(ref))))
    d.say(
        f"A policy and a reference over {pi.size} tokens. The exact KL(π‖π_ref) = Σ π·log(π/π_ref) = {kit.fmt(exact)}; "
        f"in training only sampled tokens are seen, so it is estimated from {samples} tokens drawn from π."
    )
    tokens = aux.choice(pi.size, size=samples, p=pi)
    log_rho = np.log(ref[tokens]) - np.log(pi[tokens])
    values = {
        "k1 = -log ρ": -log_rho,
        "k2 = ½(log ρ)²": 0.5 * log_rho**2,
        "k3 = ρ - 1 - log ρ": np.expm1(log_rho) - log_rho,
    }
    means = [float(v.mean()) for v in values.values()]
    stds = [float(v.std(ddof=1)) for v in values.values()]
    d.bars("average of each estimator", list(values), means)
    d.show("exact KL", exact)
    d.bars("spread (standard deviation) of a single-token value", list(values), stds)
    negative = float(np.mean(values["k1 = -log ρ"] < 0))
    d.show("share of single-token k1 values below zero", negative)
    d.say(
        "k1 and k3 both have the KL as their expectation (E_π[ρ] = 1, so adding ρ - 1 changes nothing on average), "
        f"but k3 is never negative; here its single-token spread is {kit.fmt(stds[2])} against {kit.fmt(stds[0])} for "
        "k1. "
        "k2 is biased, though close to the KL when ρ stays near 1."
    )
    return {"exact": exact, "means": means, "stds": stds, "negative_share": negative, "policy": pi, "reference": ref}
