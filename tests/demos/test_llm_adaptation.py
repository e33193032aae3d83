"""Demos of the llm-adaptation topic, each checked against an independent plain-Python computation."""

from __future__ import annotations

import itertools
import math
import re

import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from quizprep.demos.llm_adaptation import CHANGED, NEW_DOC, POLICY_DOCS
from tests.helpers.numeric import central_gradient

# sft-loss-masking


def test_sft_masking_user_case_by_hand():
    probs = [0.5, 0.25, 0.8, 0.1]
    result = run_demo("sft-loss-masking", {"probs": probs, "prompt_len": 2}).result
    losses = [-math.log(p) for p in probs]
    assert result["token_loss"] == pytest.approx(losses)
    assert result["full_mean"] == pytest.approx(sum(losses) / 4)
    assert result["masked_mean"] == pytest.approx((losses[2] + losses[3]) / 2)
    assert result["diluted_mean"] == pytest.approx((losses[2] + losses[3]) / 4)
    assert result["mask"] == [False, False, True, True]


def test_sft_masking_default_recomputed_from_its_params():
    run = run_demo("sft-loss-masking", seed=3)
    probs, cut = run.params["probs"], run.params["prompt_len"]
    response = [-math.log(p) for p in probs[cut:]]
    assert run.result["masked_mean"] == pytest.approx(sum(response) / len(response))


@pytest.mark.parametrize("params", [{"probs": [0.5, 0.5], "prompt_len": 2}, {"probs": [0.0, 0.5, 0.5]}])
def test_sft_masking_rejects_bad_values(params):
    with pytest.raises(DemoInputError):
        run_demo("sft-loss-masking", params)


# sft-imitates-data


def test_sft_imitation_matches_a_plain_gradient_loop():
    params = {"clean_count": 10, "clean_wrong": 0.3, "noisy_count": 50, "noisy_wrong": 0.5, "steps": 5}
    result = run_demo("sft-imitates-data", params).result
    for name, count, share in (("clean", 10, 0.3), ("noisy", 50, 0.5)):
        target = round(count * share) / count
        z_right, z_wrong = 0.0, 0.0
        for _ in range(5):
            p_wrong = math.exp(z_wrong) / (math.exp(z_right) + math.exp(z_wrong))
            z_right -= (1 - p_wrong) - (1 - target)
            z_wrong -= p_wrong - target
        expected = math.exp(z_wrong) / (math.exp(z_right) + math.exp(z_wrong))
        assert result[name]["p_wrong"] == pytest.approx(expected)
        assert result[name]["wrong_share"] == pytest.approx(target)


def test_sft_imitation_converges_to_the_data_frequency():
    result = run_demo("sft-imitates-data").result
    assert result["clean"]["p_wrong"] == pytest.approx(0.02, abs=1e-4)
    assert result["noisy"]["p_wrong"] == pytest.approx(0.3, abs=1e-4)


def test_sft_imitation_rejects_a_share_above_one():
    with pytest.raises(DemoInputError):
        run_demo("sft-imitates-data", {"noisy_wrong": 1.5})


# lora-update


def lora_loss(w0, a, b, x, y, scale):
    w = [
        [w0[i][j] + scale * sum(b[i][k] * a[k][j] for k in range(len(a))) for j in range(len(w0[0]))]
        for i in range(len(w0))
    ]
    total = 0.0
    for xi, yi in zip(x, y, strict=True):
        out = [sum(w[i][j] * xi[j] for j in range(len(xi))) for i in range(len(w))]
        total += sum((o - t) ** 2 for o, t in zip(out, yi, strict=True))
    return 0.5 * total / len(x)


def test_lora_start_gradients_match_finite_differences():
    params = {"d_out": 3, "d_in": 4, "rank": 2, "alpha": 4, "steps": 1}
    result = run_demo("lora-update", params, seed=5).result
    s = result["start"]
    w0, a0, x, y = s["w0"], s["a0"], s["x"], s["y"]
    scale = 4 / 2
    zero_b = [[0.0, 0.0] for _ in range(3)]
    flat_b = [0.0] * 6  # B is 3 x 2, A is 2 x 4, both flattened row by row

    def loss_of_b(flat):
        return lora_loss(w0, a0, [flat[2 * i : 2 * i + 2] for i in range(3)], x, y, scale)

    def loss_of_a(flat):
        return lora_loss(w0, [flat[4 * k : 4 * k + 4] for k in range(2)], zero_b, x, y, scale)

    grad_b = central_gradient(loss_of_b, flat_b)
    grad_a = central_gradient(loss_of_a, [v for row in a0 for v in row])
    assert result["grad_norms_start"][0] == pytest.approx(math.sqrt(sum(g * g for g in grad_b)), rel=1e-5)
    assert result["grad_norms_start"][1] == 0.0
    assert max(abs(g) for g in grad_a) < 1e-8
    assert result["loss"][0] == pytest.approx(lora_loss(w0, a0, zero_b, x, y, scale))


def test_lora_training_matches_a_plain_loop():
    params = {"d_out": 2, "d_in": 3, "rank": 1, "alpha": 1, "lr": 0.1, "steps": 3}
    result = run_demo("lora-update", params, seed=2).result
    s = result["start"]
    w0, a, x, y = s["w0"], [row[:] for row in s["a0"]], s["x"], s["y"]
    b = [[0.0], [0.0]]
    n = len(x)
    losses = [lora_loss(w0, a, b, x, y, 1.0)]
    for _ in range(3):
        w = [[w0[i][j] + b[i][0] * a[0][j] for j in range(3)] for i in range(2)]
        residual = [
            [sum(w[i][j] * xr[j] for j in range(3)) - yr[i] for i in range(2)] for xr, yr in zip(x, y, strict=True)
        ]
        grad_w = [[sum(residual[m][i] * x[m][j] for m in range(n)) / n for j in range(3)] for i in range(2)]
        grad_b = [[sum(grad_w[i][j] * a[0][j] for j in range(3))] for i in range(2)]
        grad_a = [[sum(b[i][0] * grad_w[i][j] for i in range(2)) for j in range(3)]]
        b = [[b[i][0] - 0.1 * grad_b[i][0]] for i in range(2)]
        a = [[a[0][j] - 0.1 * grad_a[0][j] for j in range(3)]]
        losses.append(lora_loss(w0, a, b, x, y, 1.0))
    assert result["loss"] == pytest.approx(losses, rel=1e-9)


def test_lora_default_learns_a_low_rank_update_that_merges_exactly():
    result = run_demo("lora-update").result
    rank = 2
    assert result["loss"][-1] < 1e-3 * result["loss"][0]
    singular = result["singular_values"]
    assert sum(v > 1e-8 * singular[0] for v in singular) <= rank
    assert result["merge_gap"] < 1e-10
    assert (result["trainable"], result["full"]) == (rank * (6 + 8), 6 * 8)


@pytest.mark.parametrize("params", [{"d_in": 3, "d_out": 3, "rank": 4}, {"lr": 10.0, "alpha": 1000}])
def test_lora_rejects_a_rank_above_the_matrix_or_a_diverging_rate(params):
    with pytest.raises(DemoInputError):
        run_demo("lora-update", params)


# peft-parameter-budget


def test_peft_budget_counts_every_matrix_by_hand():
    d, ff, layers, vocab, r, m, k = 64, 256, 2, 100, 4, 8, 5
    params = {
        "d_model": d,
        "d_ff": ff,
        "layers": layers,
        "vocab": vocab,
        "rank": r,
        "adapter_size": m,
        "prompt_tokens": k,
    }
    counts = run_demo("peft-parameter-budget", params).result["counts"]
    shapes = [(d, d)] * 4 + [(ff, d), (d, ff)]  # q, k, v, o, MLP up, MLP down: (d_out, d_in)
    full = layers * sum(a * b for a, b in shapes) + vocab * d
    assert counts["full fine-tuning"] == full
    assert counts["LoRA on q and v"] == layers * sum(r * (a + b) for a, b in shapes[:1] * 2)
    assert counts["LoRA on every linear layer"] == layers * sum(r * (a + b) for a, b in shapes)
    assert counts["adapters (2 per layer)"] == layers * 2 * ((d * m + m) + (m * d + d))  # down and up, with biases
    assert counts["prefix tuning"] == layers * k * d * 2
    assert counts["prompt tuning"] == k * d


def test_peft_budget_default_share_of_one_square_matrix():
    result = run_demo("peft-parameter-budget").result
    assert result["counts"]["LoRA on q and v"] == 32 * 2 * 65536
    assert result["shares_percent"]["prompt tuning"] == pytest.approx(
        100 * 20 * 4096 / result["counts"]["full fine-tuning"]
    )


def test_peft_budget_rejects_rank_zero():
    with pytest.raises(DemoInputError):
        run_demo("peft-parameter-budget", {"rank": 0})


# finetune-memory


def test_finetune_memory_default_seven_billion():
    result = run_demo("finetune-memory").result
    assert result["full fine-tuning"] == pytest.approx(112.0)
    assert result["LoRA, bf16 base"] == pytest.approx(14.0 + 0.64)
    # 0.5 byte per weight, 8-bit scales per 64 weights plus one fp32 per 256 scales, and the adapters
    assert result["QLoRA, NF4 base"] == pytest.approx(3.5 + 7 * (1 / 64 + 4 / (64 * 256)) + 0.64)
    assert result["scales_single_gb"] == pytest.approx(7 * 4 / 64)


def test_finetune_memory_user_case():
    result = run_demo("finetune-memory", {"params_billion": 70, "lora_million": 100}).result
    assert result["full fine-tuning"] == pytest.approx(70 * 16)
    assert result["LoRA, bf16 base"] == pytest.approx(140 + 1.6)


def test_finetune_memory_rejects_a_negative_size():
    with pytest.raises(DemoInputError):
        run_demo("finetune-memory", {"params_billion": -1})


# forgetting-l2-sp


@pytest.mark.parametrize(
    "params", [{}, {"curvature_a": [2.0, 0.5], "target_b": [1.0, -2.0], "lam": 0.5}, {"lam": 0.0, "steps": 50}]
)
def test_forgetting_reaches_the_closed_form_minimum(params):
    result = run_demo("forgetting-l2-sp", params).result
    h = params.get("curvature_a", [5.0, 0.2])
    b = params.get("target_b", [1.0, 1.0])
    lam = params.get("lam", 1.0)
    penalties = {"plain": [0.0, 0.0], "L2-SP": [lam, lam], "EWC": [lam * hi for hi in h]}
    for name, pen in penalties.items():
        # minimiser of ½(θ - b)² + ½·pen·θ² per weight, starting from θ0 = 0
        theta = [bi / (1 + p) for bi, p in zip(b, pen, strict=True)]
        assert result[name]["theta"] == pytest.approx(theta, abs=1e-6)
        assert result[name]["loss_a"] == pytest.approx(0.5 * sum(hi * t * t for hi, t in zip(h, theta, strict=True)))


def test_forgetting_rejects_zero_curvature():
    with pytest.raises(DemoInputError):
        run_demo("forgetting-l2-sp", {"curvature_a": [0.0, 1.0]})


# contextual-calibration


def test_calibration_by_hand():
    probs = [[0.5, 0.3, 0.2], [0.2, 0.5, 0.3], [0.3, 0.3, 0.4], [0.6, 0.2, 0.2]]
    labels = [0, 1, 2, 0]
    bias = [4.0, 1.0, 1.0]
    result = run_demo("contextual-calibration", {"probs": probs, "labels": labels, "bias": bias}).result
    biased_pred = []
    for row in probs:
        weighted = [p * w for p, w in zip(row, bias, strict=True)]
        biased_pred.append(weighted.index(max(weighted)))
    biased_acc = sum(p == t for p, t in zip(biased_pred, labels, strict=True)) / 4
    assert result["accuracy"]["biased prompt"] == pytest.approx(biased_acc)
    assert biased_acc == 0.5  # rows 2 and 3 flip to label 0
    assert result["accuracy"]["calibrated"] == 1.0
    assert result["content_free"] == pytest.approx([4 / 6, 1 / 6, 1 / 6])
    for row, cal in zip(probs, result["calibrated"], strict=True):
        assert cal == pytest.approx([p / sum(row) for p in row])


def test_calibration_rejects_a_column_mismatch():
    with pytest.raises(DemoInputError):
        run_demo("contextual-calibration", {"probs": [[0.5, 0.5]], "bias": [1.0, 2.0, 3.0]})


# self-consistency-vote


def vote_by_sequences(p, wrong, n):
    """Sum over every sequence of n sampled answers (0 = correct, 1..wrong = wrong answers)."""
    q = (1 - p) / wrong
    total = 0.0
    for seq in itertools.product(range(wrong + 1), repeat=n):
        prob = math.prod(p if a == 0 else q for a in seq)
        tally = [seq.count(a) for a in range(wrong + 1)]
        top = max(tally)
        if tally[0] == top:
            total += prob / tally.count(top)
    return total


def test_self_consistency_matches_sequence_enumeration():
    result = run_demo("self-consistency-vote", {"p_correct": 0.35, "wrong_answers": 3, "n_max": 6}).result
    assert result["accuracy"] == pytest.approx([vote_by_sequences(0.35, 3, n) for n in range(1, 7)], abs=1e-12)


def test_self_consistency_default_beats_one_sample():
    result = run_demo("self-consistency-vote").result
    assert result["accuracy"][0] == pytest.approx(0.4)
    assert result["accuracy"][-1] > 0.6


def test_self_consistency_rejects_too_many_wrong_answers():
    with pytest.raises(DemoInputError):
        run_demo("self-consistency-vote", {"wrong_answers": 5})


# retrieval-top-k


def tfidf_cosine(docs, query):
    tokens = [re.findall(r"[a-z0-9]+", doc.lower()) for doc in docs]
    vocab = sorted({w for doc in tokens for w in doc})
    idf = {w: math.log(len(docs) / sum(w in doc for doc in tokens)) + 1 for w in vocab}
    q_words = [w for w in re.findall(r"[a-z0-9]+", query.lower()) if w in idf]
    q = {w: q_words.count(w) * idf[w] for w in set(q_words)}
    q_norm = math.sqrt(sum(v * v for v in q.values()))
    sims = []
    for doc in tokens:
        vec = {w: doc.count(w) * idf[w] for w in set(doc)}
        dot = sum(vec.get(w, 0.0) * v for w, v in q.items())
        sims.append(dot / (math.sqrt(sum(v * v for v in vec.values())) * q_norm))
    return sims


def test_retrieval_similarities_and_update():
    query = "Which class can I fly on long trips?"
    result = run_demo("retrieval-top-k", {"query": query, "k": 1}).result
    assert result["similarity_before"] == pytest.approx(tfidf_cosine(POLICY_DOCS, query))
    default = run_demo("retrieval-top-k").result
    updated = [NEW_DOC if i == CHANGED else doc for i, doc in enumerate(POLICY_DOCS)]
    assert default["similarity_after"] == pytest.approx(
        tfidf_cosine(updated, "How many days per week can I work remotely?")
    )
    assert CHANGED in default["top_after"]


@pytest.mark.parametrize("query", ["", 5, "?!"])
def test_retrieval_rejects_a_query_without_words(query):
    with pytest.raises(DemoInputError):
        run_demo("retrieval-top-k", {"query": query})


# weight-averaging


def mlp(params, x):
    out = params["b2"]
    for j in range(len(params["b1"])):
        pre = params["W1"][j][0] * x[0] + params["W1"][j][1] * x[1] + params["b1"][j]
        out += params["w2"][j] * math.tanh(pre)
    return out


def combine(a, b, fn):
    """fn applied entry by entry to two equally nested lists (or two numbers)."""
    if isinstance(a, list):
        return [combine(x, y, fn) for x, y in zip(a, b, strict=True)]
    return fn(a, b)


def mix(p, q, fn):
    return {key: combine(p[key], q[key], fn) for key in p}


def test_weight_averaging_recomputed_in_plain_python():
    result = run_demo("weight-averaging", {"hidden": 4, "scale": 0.1}, seed=7).result
    base, deltas, xs = result["base"], result["deltas"], result["x"]
    one, two = (mix(base, delta, lambda w, dw: w + 0.1 * dw) for delta in deltas)
    mean_weights = mix(one, two, lambda a, b: (a + b) / 2)
    gap = max(abs(mlp(mean_weights, x) - (mlp(one, x) + mlp(two, x)) / 2) for x in xs)
    assert result["gap"] == pytest.approx(gap, rel=1e-9)

    order = result["order"]
    permuted = {key: [base[key][i] for i in order] for key in ("W1", "b1", "w2")} | {"b2": base["b2"]}
    assert max(abs(mlp(permuted, x) - mlp(base, x)) for x in xs) < 1e-12
    assert result["permuted_difference"] < 1e-12
    halfway = mix(base, permuted, lambda a, b: (a + b) / 2)
    broken = max(abs(mlp(halfway, x) - mlp(base, x)) for x in xs)
    assert result["averaged_with_permuted_difference"] == pytest.approx(broken, rel=1e-9)


def test_weight_averaging_gap_is_second_order_in_the_change():
    small = run_demo("weight-averaging", {"scale": 0.001}).result["gap"]
    double = run_demo("weight-averaging", {"scale": 0.002}).result["gap"]
    assert double / small == pytest.approx(4.0, rel=0.05)


def test_weight_averaging_rejects_one_hidden_unit():
    with pytest.raises(DemoInputError):
        run_demo("weight-averaging", {"hidden": 1})
