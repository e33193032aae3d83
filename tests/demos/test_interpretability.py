"""Demos of the interpretability topic, each checked against an independent plain-Python computation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from quizprep.demos.interpretability import relu_net_maps, spearman
from quizprep.errors import BadValueError
from tests.helpers.reference import dot, sigmoid


def test_integrated_gradients_match_the_closed_form():
    w, x, base, b = [1.0, -2.0, 0.5], [2.0, 1.0, -1.0], [0.5, 0.0, 0.0], 0.3
    result = run_demo("integrated-gradients", {"w": w, "x": x, "baseline": base, "b": b, "steps": 2000}).result
    z1, z0 = dot(w, x) + b, dot(w, base) + b
    # Along the line z moves linearly from z0 to z1, so ∫ σ'(z(α)) dα = (σ(z1) - σ(z0)) / (z1 - z0).
    mean_slope = (sigmoid(z1) - sigmoid(z0)) / (z1 - z0)
    expected = [(xi - bi) * wi * mean_slope for xi, bi, wi in zip(x, base, w, strict=True)]
    assert result["ig"] == pytest.approx(expected, abs=1e-7)
    assert sum(result["ig"]) == pytest.approx(sigmoid(z1) - sigmoid(z0), abs=1e-7)
    s = sigmoid(z1)
    assert result["gradient"] == pytest.approx([s * (1 - s) * wi for wi in w])
    default = run_demo("integrated-gradients", {}).result
    assert max(abs(g) for g in default["gradient"]) < 0.002 < sum(default["ig"])  # saturated, yet IG adds to 0.4997
    assert default["gap"][-1] < default["gap"][0]
    with pytest.raises(DemoInputError, match="x and baseline need 3 entries"):
        run_demo("integrated-gradients", {"w": w, "x": [1, 2]})


def test_smoothgrad_against_its_expectation():
    result = run_demo("smoothgrad", {"samples": 5000, "sigma": 0.1, "ripple": 0.04, "frequency": 50}, seed=1).result
    w = [1.0 if 4 <= i < 10 else 0.0 for i in range(16)]
    raw = [wi + 0.04 * 50 * math.cos(50 * xi) for wi, xi in zip(w, result["x"], strict=True)]
    assert result["raw"] == pytest.approx(raw)
    damped = [
        wi + 0.04 * 50 * math.cos(50 * xi) * math.exp(-((50 * 0.1) ** 2) / 2)
        for wi, xi in zip(w, result["x"], strict=True)
    ]
    assert result["expected"] == pytest.approx(damped)
    assert result["smooth"] == pytest.approx(damped, abs=0.15)  # Monte Carlo noise about 0.03 per entry
    no_noise = run_demo("smoothgrad", {"sigma": 0.0}, seed=1).result
    assert no_noise["smooth"] == pytest.approx(no_noise["raw"])
    with pytest.raises(DemoInputError, match="samples must be between"):
        run_demo("smoothgrad", {"samples": 0})


def window_max(image):
    return max(
        sum(image[i + di][j + dj] for di in (0, 1) for dj in (0, 1))
        for i in range(len(image) - 1)
        for j in range(len(image) - 1)
    )


def drops(image, patch, fill):
    base = window_max(image)
    size = len(image) - patch + 1
    out = []
    for i in range(size):
        row = []
        for j in range(size):
            covered = [
                [fill if i <= r < i + patch and j <= c < j + patch else image[r][c] for c in range(8)] for r in range(8)
            ]
            row.append(base - window_max(covered))
        out.append(row)
    return out


def test_occlusion_maps_by_hand():
    one = [[1.0 if 2 <= r < 4 and 2 <= c < 4 else 0.0 for c in range(8)] for r in range(8)]
    two = [
        [1.0 if (2 <= r < 4 and 2 <= c < 4) or (5 <= r < 7 and 5 <= c < 7) else 0.0 for c in range(8)] for r in range(8)
    ]
    for patch in (1, 2, 3):
        result = run_demo("occlusion", {"patch": patch}).result
        assert result["single"] == drops(one, patch, 0.0)
        assert result["double"] == drops(two, patch, 0.0)
    result = run_demo("occlusion", {"patch": 2}).result
    assert max(max(r) for r in result["single"]) == 4.0 and max(max(r) for r in result["double"]) == 0.0
    with pytest.raises(DemoInputError, match="patch must be between"):
        run_demo("occlusion", {"patch": 5})


def test_probe_control_task_selectivity():
    result = run_demo("probe-control-task", {"types": 100, "dim": 16, "noise": 0.1}, seed=0).result
    acc, sel = result["accuracy"], result["selectivity"]
    assert acc["control"]["1-NN probe"] > 0.95  # memorises the random label of every type
    assert acc["property"]["linear probe"] > 0.9
    assert sel["linear probe"] > sel["1-NN probe"] + 0.1
    for probe in ("linear probe", "1-NN probe"):
        assert sel[probe] == pytest.approx(acc["property"][probe] - acc["control"][probe])
    with pytest.raises(DemoInputError, match="types must be between"):
        run_demo("probe-control-task", {"types": 5})


def test_attention_against_contributions_by_hand():
    result = run_demo("attention-vs-attribution", {}).result
    X = [[2, 0, 0, 1], [1, 0.5, 0, 0], [0, 1, 0.5, 0], [-1, 2, 1, 0], [0.5, -0.5, 0, 1], [0, 0, 0, 0.5]]
    scores = [1.5 * x[0] for x in X]
    values = [x[1] + x[2] for x in X]
    total = sum(math.exp(s) for s in scores)
    alpha = [math.exp(s) / total for s in scores]
    y = dot(alpha, values)
    assert result["alpha"] == pytest.approx(alpha)
    assert result["contribution"] == pytest.approx([a * v for a, v in zip(alpha, values, strict=True)])
    assert result["y"] == pytest.approx(y)
    for t in range(6):
        rest = [s for i, s in enumerate(scores) if i != t]
        weights = [math.exp(s) / sum(math.exp(r) for r in rest) for s in rest]
        assert result["leave_one_out"][t] == pytest.approx(
            y - dot(weights, [v for i, v in enumerate(values) if i != t])
        )
    other = result["alternative"]
    assert min(other) >= 0 and sum(other) == pytest.approx(1) and dot(other, values) == pytest.approx(y)
    assert max(range(6), key=lambda t: alpha[t]) != max(range(6), key=lambda t: other[t])
    with pytest.raises(BadValueError, match="has no parameter"):
        run_demo("attention-vs-attribution", {"tokens": 3})


def test_superposition_geometry_and_dropped_error():
    result = run_demo("superposition-toy", {"samples": 20000}, seed=2).result
    W = result["W"]
    for i in range(5):
        assert W[0][i] ** 2 + W[1][i] ** 2 == pytest.approx(1)
        j = (i + 1) % 5
        assert W[0][i] * W[0][j] + W[1][i] * W[1][j] == pytest.approx(math.cos(2 * math.pi / 5))
    for p, dropped in zip(result["probs"], result["dropped"], strict=True):
        # features 3 to 5 are lost: each is U(0, 1) with probability p, so E[x²] = p/3, over 3 of 5 features
        assert dropped == pytest.approx(3 / 5 * p / 3, rel=0.1)
    assert result["superposed"][0] < result["dropped"][0]  # sparse features: packing them all in wins
    with pytest.raises(DemoInputError, match="dims must be between"):
        run_demo("superposition-toy", {"features": 4, "dims": 4})


def test_saliency_maps_against_finite_differences():
    rng = np.random.default_rng(0)
    U, v, X = rng.normal(size=(4, 5)), rng.normal(size=4), rng.normal(size=(3, 5))
    maps = relu_net_maps(U, v, X)

    def F(x):
        return sum(v[h] * max(0.0, dot(U[h], x)) for h in range(4))

    for row, x in enumerate(X.tolist()):
        for i in range(5):
            up, down = list(x), list(x)
            up[i] += 1e-6
            down[i] -= 1e-6
            assert maps["|gradient|"][row][i] == pytest.approx(abs((F(up) - F(down)) / 2e-6), abs=1e-5)
    assert spearman(np.array([1.0, 3.0, 2.0]), np.array([10.0, 30.0, 20.0])) == pytest.approx(1)
    assert spearman(np.array([1.0, 2.0, 3.0]), np.array([3.0, 2.0, 1.0])) == pytest.approx(-1)
    result = run_demo("saliency-sanity-check", {"inputs": 30}, seed=1).result["correlations"]
    assert result["|input| (ignores the model)"]["all layers randomised"] == pytest.approx(1)
    assert result["|gradient|"]["all layers randomised"] < 0.5
    with pytest.raises(DemoInputError, match="inputs must be between"):
        run_demo("saliency-sanity-check", {"inputs": 1})


def test_grad_cam_against_finite_differences():
    weights = [[1.0, 0.5, -1.0], [-0.5, 2.0, 0.3]]
    result = run_demo("grad-cam", {"target": 1, "weights": weights}).result
    A = [[[0.0] * 6 for _ in range(6)] for _ in range(3)]
    for i in range(6):
        for j in range(6):
            A[0][i][j] = 1.0 if i < 3 and j < 3 else 0.0
            A[1][i][j] = 1.0 if i >= 3 and j >= 3 else 0.0
            A[2][i][j] = 0.3

    def score(maps, c):
        return sum(weights[c][k] * sum(sum(row) for row in maps[k]) / 36 for k in range(3))

    assert result["scores"] == pytest.approx([score(A, 0), score(A, 1)])
    alpha = []
    for k in range(3):  # average over positions of a central difference in each map entry
        total = 0.0
        for i in range(6):
            for j in range(6):
                A[k][i][j] += 1e-6
                up = score(A, 1)
                A[k][i][j] -= 2e-6
                down = score(A, 1)
                A[k][i][j] += 1e-6
                total += (up - down) / 2e-6
        alpha.append(total / 36)
    assert result["alpha"] == pytest.approx(alpha, abs=1e-8)
    cam = [[max(0.0, sum(alpha[k] * A[k][i][j] for k in range(3))) for j in range(6)] for i in range(6)]
    assert result["cam"] == [pytest.approx(row, abs=1e-8) for row in cam]
    with pytest.raises(DemoInputError, match="weights must have 3 columns"):
        run_demo("grad-cam", {"weights": [[1, 2]]})
