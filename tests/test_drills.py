"""Numeric drills: every template's answer recomputed by hand from its params, grading, determinism, parsing."""

from __future__ import annotations

import json
import math
import re
import statistics
from pathlib import Path

import pytest

from quizprep.drills import CATALOG, AnswerFormatError, Problem, generate, grade, parse_numbers
from quizprep.drills import templates

BANK_TOPICS = {p.stem for p in (Path(__file__).resolve().parent.parent / "question_bank").glob("*.yaml")}
SEEDS = range(12)


# Hand formulas, written from the textbook definitions and reading only problem.params.


def softmax_probability(p):
    exps = [math.exp(z) for z in p["logits"]]
    return [exps[p["class"] - 1] / sum(exps)]


def gradient_descent_step(p):
    return [p["w"] - p["lr"] * 2 * p["a"] * (p["w"] - p["c"])]


def sigmoid_derivative(p):
    e = math.exp(-p["x"])
    return [e / (1 + e) ** 2]


def mse_loss(p):
    return [sum((a - b) ** 2 for a, b in zip(p["pred"], p["y"])) / len(p["y"])]


def binary_cross_entropy(p):
    return [-sum(y * math.log(q) + (1 - y) * math.log(1 - q) for y, q in zip(p["y"], p["p"])) / len(p["y"])]


def categorical_cross_entropy(p):
    assert math.isclose(sum(p["probs"]), 1.0) and all(q > 0 for q in p["probs"])
    return [-math.log(p["probs"][p["true_class"] - 1])]


def matmul_entry(p):
    a, b, i, j = p["A"], p["B"], p["row"] - 1, p["col"] - 1
    return [sum(a[i][k] * b[k][j] for k in range(len(b)))]


def conv_output_size(p):
    return [math.floor((p["size"] + 2 * p["padding"] - p["kernel"]) / p["stride"]) + 1]


def conv_param_count(p):
    return [p["out_channels"] * (p["in_channels"] * p["kernel"] ** 2 + 1)]


def maxpool_values(p):
    x, s = p["x"], p["stride"]
    return [max(x[r * s + dr][c * s + dc] for dr in (0, 1) for dc in (0, 1)) for r in (0, 1) for c in (0, 1)]


def dense_param_count(p):
    return [(p["n_in"] + 1) * p["n_out"]]


def iterations_per_epoch(p):
    assert p["n"] % p["batch"] != 0, "the drill is about rounding up"
    steps = math.ceil(p["n"] / p["batch"])
    return [steps, steps * p["epochs"]]


def batchnorm_value(p):
    x = p["x"]
    xhat = (x[p["index"] - 1] - statistics.fmean(x)) / statistics.pstdev(x)
    return [p["gamma"] * xhat + p["beta"]]


def dropout_scaling(p):
    keep = 1 - p["p"]
    return [p["a"] / keep, p["a"] * keep]


def l2_penalty_gradient(p):
    coefficient = p["lam"] if p["half"] else 2 * p["lam"]
    total = p["data_grad"] + coefficient * p["w"]
    return [total, p["w"] - p["lr"] * total]


def precision_recall_f1(p):
    tp, fp, fn = p["tp"], p["fp"], p["fn"]
    return [tp / (tp + fp), tp / (tp + fn), 2 * tp / (2 * tp + fp + fn)]


def momentum_step(p):
    v = p["mu"] * p["v"] + p["g"]
    return [v, p["w"] - p["lr"] * v]


def adam_step(p):
    t, g = p["t"], p["g"]
    m = 0.9 * p["m"] + 0.1 * g
    v = 0.99 * p["v"] + 0.01 * g**2
    return [p["w"] - p["lr"] * (m / (1 - 0.9**t)) / math.sqrt(v / (1 - 0.99**t))]


def attention_weight(p):
    scores = [sum(a * b for a, b in zip(p["q"], k)) / math.sqrt(len(p["q"])) for k in (p["k1"], p["k2"])]
    exps = [math.exp(s) for s in scores]
    return [exps[0] / sum(exps)]


def rnn_param_count(p):
    gates = {"simple RNN": 1, "GRU": 3, "LSTM": 4}[p["cell"]]
    x, h = p["input_size"], p["hidden_size"]
    return [gates * h * (x + h + 1)]


def relu_neuron_gradient(p):
    (w1, w2), (x1, x2) = p["w"], p["x"]
    z = w1 * x1 + w2 * x2 + p["b"]
    assert z != 0, "ReLU's derivative at 0 is a convention, not a drill"
    if z < 0:
        return [0.0, 0.0]
    return [(z - p["t"]) * x1, z - p["t"]]


def vae_kl_term(p):
    return [sum(0.5 * (m * m + s * s - 1) - math.log(s) for m, s in zip(p["mu"], p["sigma"]))]


def tensor_memory(p):
    width = {"float64": 8, "float32": 4, "float16": 2, "bfloat16": 2}[p["dtype"]]
    return [math.prod(p["shape"]) * width / 1024 / 1024]


EXPECTED = {
    "softmax-probability": softmax_probability,
    "gradient-descent-step": gradient_descent_step,
    "sigmoid-derivative": sigmoid_derivative,
    "mse-loss": mse_loss,
    "binary-cross-entropy": binary_cross_entropy,
    "categorical-cross-entropy": categorical_cross_entropy,
    "matmul-entry": matmul_entry,
    "conv-output-size": conv_output_size,
    "conv-param-count": conv_param_count,
    "maxpool-values": maxpool_values,
    "dense-param-count": dense_param_count,
    "iterations-per-epoch": iterations_per_epoch,
    "batchnorm-value": batchnorm_value,
    "dropout-scaling": dropout_scaling,
    "l2-penalty-gradient": l2_penalty_gradient,
    "precision-recall-f1": precision_recall_f1,
    "momentum-step": momentum_step,
    "adam-step": adam_step,
    "attention-weight": attention_weight,
    "rnn-param-count": rnn_param_count,
    "relu-neuron-gradient": relu_neuron_gradient,
    "vae-kl-term": vae_kl_term,
    "tensor-memory": tensor_memory,
}


# Each area's tests keep the hand formulas of its own templates; all are checked here the same way.
from .test_area_architectures import EXPECTED as ARCHITECTURES  # noqa: E402
from .test_area_modern import EXPECTED as MODERN  # noqa: E402
from .test_area_practice import EXPECTED as PRACTICE  # noqa: E402
from .test_area_signal import EXPECTED as SIGNAL  # noqa: E402

ALL_EXPECTED = {**EXPECTED, **ARCHITECTURES, **MODERN, **PRACTICE, **SIGNAL}


def stated_decimals(prompt: str) -> int | None:
    """The precision the prompt asks for: n for '(n decimals)' or '(n decimals each)', None for whole numbers."""
    match = re.search(r"\((\d+) decimals(?: each)?\)$", prompt)
    if match:
        return int(match.group(1))
    assert re.search(r"\(whole numbers?\)$", prompt), f"the prompt does not state its precision: {prompt!r}"
    return None


def answer_text(values: list[float], decimals: int | None) -> str:
    return ", ".join(str(round(v)) if decimals is None else f"{v:.{decimals}f}" for v in values)


# The catalog


def test_catalog_matches_the_registry():
    assert set(CATALOG) == set(templates.REGISTRY)
    assert set(ALL_EXPECTED) == set(templates.REGISTRY), "every template needs a hand formula (here or in its area's tests)"
    assert len(CATALOG) >= 17


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_catalog_entry_has_a_short_title_and_a_bank_topic(name):
    title, topic = CATALOG[name]
    assert topic in BANK_TOPICS
    assert 10 <= len(title) <= 60 and not title.endswith(".")


def test_required_skills_are_covered():
    needed = {
        "gradient-descent-step", "sigmoid-derivative", "mse-loss", "binary-cross-entropy", "matmul-entry",
        "conv-output-size", "conv-param-count", "dense-param-count", "iterations-per-epoch", "batchnorm-value",
        "dropout-scaling", "precision-recall-f1", "momentum-step", "maxpool-values", "attention-weight",
        "l2-penalty-gradient", "rnn-param-count",
    }  # fmt: skip
    assert needed <= set(CATALOG)


# Every template, several seeds


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", sorted(ALL_EXPECTED))
def test_answer_matches_the_hand_formula_and_grades(name, seed):
    problem = generate(name, seed)
    assert problem.name == name
    expected = [float(v) for v in ALL_EXPECTED[name](problem.params)]
    assert len(problem.answer) == len(expected)
    assert all(isinstance(v, float) for v in problem.answer)
    for got, want in zip(problem.answer, expected):
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), (problem.prompt, problem.answer, expected)

    decimals = stated_decimals(problem.prompt)
    if decimals is None:
        assert problem.rel_tol == 0 and problem.abs_tol <= 1e-6, "counts are graded exactly"
        assert all(v == int(v) and abs(v) < 1e6 for v in expected)
    else:
        for v in expected:  # loose enough for a correctly rounded answer, not looser than about two units
            window = max(problem.abs_tol, problem.rel_tol * abs(v))
            assert 0.5 * 10**-decimals <= window <= max(2 * 10**-decimals, 0.01 * abs(v))

    assert grade(problem, answer_text(expected, decimals)).correct
    assert grade(problem, ", ".join(f"{v:.6g}" for v in expected)).correct  # what the feedback shows
    for i in range(len(expected)):  # each number is checked on its own
        wrong = list(expected)
        wrong[i] += max(0.25 * abs(wrong[i]), 1.0)
        assert not grade(problem, answer_text(wrong, decimals)).correct
    if decimals is None:
        nearly = [v + 0.5 for v in expected]
        assert not grade(problem, ", ".join(str(v) for v in nearly)).correct


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_problem_shape(name):
    for seed in SEEDS:
        problem = generate(name, seed)
        assert 2 <= len(problem.solution) <= 4 and all(line.strip() for line in problem.solution)
        assert all(len(line) <= 120 for line in problem.solution)
        assert "$" not in problem.prompt + "".join(problem.solution)
        assert problem.params and json.loads(json.dumps(problem.params)) == problem.params
        assert Problem.from_dict(problem.to_dict()) == problem
        assert all(math.isfinite(v) for v in problem.answer)


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_same_seed_same_problem_and_seeds_vary(name):
    for seed in (0, 7, 123456):
        assert generate(name, seed).to_dict() == generate(name, seed).to_dict()
    prompts = {generate(name, seed).prompt for seed in range(20)}
    assert len(prompts) >= 5


def test_wrong_count_of_numbers_is_a_format_error():
    problem = generate("precision-recall-f1", 3)
    with pytest.raises(AnswerFormatError, match="3 numbers"):
        grade(problem, "0.5")
    with pytest.raises(AnswerFormatError, match="one number"):
        grade(generate("dense-param-count", 3), "1, 2")


def test_unknown_drill_is_a_usage_error():
    from quizprep.errors import BadValueError

    with pytest.raises(BadValueError, match="unknown drill"):
        generate("no-such-drill", 1)


# Parsing


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0.25", [0.25]),
        ("-3", [-3.0]),
        (".5", [0.5]),
        ("+2.", [2.0]),
        ("1e-3", [0.001]),
        ("−0.5", [-0.5]),
        ("1/4", [0.25]),
        ("-3/4", [-0.75]),
        ("1 / 8", [0.125]),
        ("25%", [0.25]),
        ("12.5 %", [0.125]),
        ("1,000", [1000.0]),
        ("-12,345.5", [-12345.5]),
        ("1,000%", [10.0]),
        ("1_000", [1000.0]),
        ("0.2, 0.5", [0.2, 0.5]),
        ("0.2,0.5", [0.2, 0.5]),
        ("[1 2 3]", [1.0, 2.0, 3.0]),
        ("(2; 4)", [2.0, 4.0]),
        ("1/2, 25%, 3", [0.5, 0.25, 3.0]),
    ],
)
def test_parse_numbers_reads(text, expected):
    assert parse_numbers(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "   ", "abc", "0.5.5", "1/0", "1/2/3", "1e999", "nan", "inf", "%", "2 apples", "1" * 201])
def test_parse_numbers_rejects(text):
    with pytest.raises(AnswerFormatError):
        parse_numbers(text)
