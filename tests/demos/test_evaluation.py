"""Demos of the evaluation topic, each checked against an independent computation."""

from __future__ import annotations

import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from tests.helpers.reference import approx


def test_mae_matches_the_bank_example_and_rejects_mismatched_shapes():
    # Errors (1, 1, 1, 10): MAE = 13/4.
    assert run_demo("mae", {"y_pred": [1, 1, 1, 10], "y_true": [0, 0, 0, 0]}).result == approx(3.25)
    pred, true = [0.5, -1.2, 3.3], [1.0, -1.0, 2.5]
    assert run_demo("mae", {"y_pred": pred, "y_true": true}).result == approx(
        sum(abs(p - t) for p, t in zip(pred, true, strict=False)) / 3
    )
    with pytest.raises(DemoInputError, match="same shape: y_pred has shape \\(3,\\) but y_true has shape \\(2,\\)"):
        run_demo("mae", {"y_pred": [1, 2, 3], "y_true": [1, 2]})


def test_confusion_matrix_from_the_bank_counts():
    # TP = 40, FN = 10, FP = 5, TN = 45, laid out [[TN, FP], [FN, TP]].
    result = run_demo("confusion-matrix", {"counts": [[45, 5], [10, 40]]}).result
    assert (result["tp"], result["fn"], result["fp"], result["tn"]) == (40, 10, 5, 45)
    assert result["accuracy"] == pytest.approx(0.85)
    assert result["precision"] == pytest.approx(40 / 45)
    assert result["recall"] == pytest.approx(0.80)
    p, r = 40 / 45, 0.80
    assert result["f1"] == pytest.approx(2 * p * r / (p + r))
    assert result["specificity"] == pytest.approx(0.9)


def test_confusion_matrix_from_labels_counts_by_hand():
    labels = [1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0]
    predictions = [1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0]
    result = run_demo("confusion-matrix", {"labels": labels, "predictions": predictions}).result
    tp = sum(1 for y, p in zip(labels, predictions, strict=False) if y == 1 and p == 1)
    fp = sum(1 for y, p in zip(labels, predictions, strict=False) if y == 0 and p == 1)
    fn = sum(1 for y, p in zip(labels, predictions, strict=False) if y == 1 and p == 0)
    tn = sum(1 for y, p in zip(labels, predictions, strict=False) if y == 0 and p == 0)
    assert result["matrix"] == [[tn, fp], [fn, tp]]
    assert result["accuracy"] == pytest.approx(
        sum(y == p for y, p in zip(labels, predictions, strict=False)) / len(labels)
    )
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert result["precision"] == pytest.approx(precision)
    assert result["recall"] == pytest.approx(recall)
    assert result["f1"] == pytest.approx(2 * precision * recall / (precision + recall))


def test_confusion_matrix_multiclass_per_class_by_hand():
    labels = [0, 1, 2, 2, 1, 0, 2, 1, 0, 2]
    predictions = [0, 2, 2, 2, 1, 1, 0, 1, 0, 1]
    result = run_demo("confusion-matrix", {"labels": labels, "predictions": predictions}).result
    f1s = []
    for c in range(3):
        tp = sum(1 for y, p in zip(labels, predictions, strict=False) if y == c and p == c)
        predicted = sum(1 for p in predictions if p == c)
        actual = sum(1 for y in labels if y == c)
        assert result["precision"][c] == pytest.approx(tp / predicted)
        assert result["recall"][c] == pytest.approx(tp / actual)
        f1s.append(2 * tp / (predicted + actual))
    assert result["f1"] == pytest.approx(f1s)
    assert result["macro_f1"] == pytest.approx(sum(f1s) / 3)
    assert result["accuracy"] == pytest.approx(0.6)


def test_confusion_matrix_precision_is_undefined_without_predicted_positives():
    result = run_demo("confusion-matrix", {"labels": [0, 1, 0, 1], "predictions": [0, 0, 0, 0]}).result
    assert result["precision"] is None
    assert result["recall"] == 0.0
    assert result["accuracy"] == 0.5


def test_confusion_matrix_input_errors():
    with pytest.raises(DemoInputError, match="4 labels but 3 predictions"):
        run_demo("confusion-matrix", {"labels": [0, 1, 0, 1], "predictions": [0, 1, 1]})
    with pytest.raises(DemoInputError, match="either counts"):
        run_demo("confusion-matrix", {"counts": [[1, 2], [3, 4]], "labels": [0, 1]})


def rank_statistic(scores, labels) -> float:
    pos = [s for s, y in zip(scores, labels, strict=False) if y == 1]
    neg = [s for s, y in zip(scores, labels, strict=False) if y == 0]
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


@pytest.mark.parametrize(
    ("scores", "labels"),
    [
        ([0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3], [1, 1, 0, 1, 0, 1, 0, 0]),
        ([0.5, 0.5, 0.7, 0.2, 0.7, 0.2, 0.9, 0.5], [1, 0, 1, 0, 0, 1, 1, 0]),  # ties inside and across classes
        ([0.1, 0.2, 0.3, 0.8, 0.9], [1, 1, 0, 0, 0]),  # worse than random
    ],
)
def test_roc_auc_equals_the_rank_statistic(scores, labels):
    result = run_demo("roc-auc", {"scores": scores, "labels": labels}).result
    assert result["auc"] == pytest.approx(rank_statistic(scores, labels), abs=1e-12)
    P, N = sum(labels), len(labels) - sum(labels)
    points = [(0.0, 0.0)]
    for t in sorted(set(scores), reverse=True):
        tp = sum(1 for s, y in zip(scores, labels, strict=False) if s >= t and y == 1)
        fp = sum(1 for s, y in zip(scores, labels, strict=False) if s >= t and y == 0)
        points.append((fp / N, tp / P))
    assert result["fpr"] == pytest.approx([x for x, _ in points])
    assert result["tpr"] == pytest.approx([y for _, y in points])
    assert result["pairs_above"] + result["pairs_tied"] + result["pairs_below"] == P * N


def test_roc_auc_extremes_and_average_precision():
    assert run_demo("roc-auc", {"scores": [0.9, 0.8, 0.2, 0.1], "labels": [1, 1, 0, 0]}).result["auc"] == 1.0
    assert run_demo("roc-auc", {"scores": [0.3, 0.3, 0.3, 0.3], "labels": [1, 0, 0, 1]}).result["auc"] == 0.5
    # Ranking: pos, neg, pos, neg, neg. AP = Σ ΔR·P = 0.5·1 + 0.5·(2/3).
    result = run_demo("roc-auc", {"scores": [5, 4, 3, 2, 1], "labels": [1, 0, 1, 0, 0]}).result
    assert result["average_precision"] == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)


def test_roc_auc_needs_both_classes():
    with pytest.raises(DemoInputError, match="need both classes"):
        run_demo("roc-auc", {"scores": [0.2, 0.4], "labels": [1, 1]})
    with pytest.raises(DemoInputError, match="labels must be 0 \\(negative\\) or 1"):
        run_demo("roc-auc", {"scores": [0.2, 0.4], "labels": [1, 2]})
