"""Demos for the evaluation topic: confusion matrices, ROC curves and regression error measures."""

from __future__ import annotations

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo


@demo("mae")
def mae(d: Demo, y_pred=None, y_true=None):
    """Mean absolute error between predictions and targets."""
    pred, truth = kit.regression_pair(d, y_pred, y_true)
    d.show("predictions ŷ", pred)
    d.show("targets y", truth)
    errors = pred - truth
    d.show("absolute errors |ŷ - y|", np.abs(errors))
    loss = float(np.mean(np.abs(errors)))
    rmse = float(np.sqrt(np.mean(errors**2)))
    d.say(
        f"MAE = (1/n) Σ |ŷᵢ - yᵢ| = {np.sum(np.abs(errors)):.4g} / {errors.size} = {loss:.4g}, in the target's units."
    )
    d.say(f"RMSE on the same errors is {rmse:.4g} ≥ MAE; the bigger the gap, the more a few large errors dominate.")
    d.show(
        "gradient ∂MAE/∂ŷ = sign(ŷ - y)/n",
        np.sign(errors) / errors.size,
        "Every error pulls with the same strength, however large.",
    )
    return loss


def _length_of(value, fallback: int) -> int:
    """How many entries a user's list has, to draw a matching default for the other argument."""
    return len(value) if isinstance(value, list) and value else fallback


def _class_vector(d: Demo, name: str, value, default) -> np.ndarray:
    y = d.array(name, value, default, ndim=1, integer=True)
    if y.min() < 0 or y.max() > 99:
        raise DemoInputError(
            f"{name} must be class indices from 0 to 99 (0 = negative, "
            f"1 = positive for two classes); got {y.min()} to {y.max()}"
        )
    return y


def confusion_input(d: Demo, labels, predictions, counts) -> np.ndarray:
    """The confusion matrix the demo reports on: given as counts, or counted from labels and predictions."""
    if counts is not None and (labels is not None or predictions is not None):
        raise DemoInputError("give either counts (a confusion matrix) or labels and predictions, not both")
    if counts is not None:
        M = d.array("counts", counts, None, ndim=2, integer=True)
        if M.shape[0] != M.shape[1] or M.shape[0] < 2:
            raise DemoInputError(
                "counts must be a square matrix with true classes in rows and predicted classes in columns, "
                f"e.g. [[TN, FP], [FN, TP]] for two classes; got shape {M.shape}"
            )
        if M.min() < 0 or M.sum() == 0:
            raise DemoInputError("counts must be non-negative whole numbers, and not all zero")
        d.say(
            "Rows are true classes and columns predicted classes (scikit-learn's layout): "
            "counts[i][j] examples of class i were predicted as j."
        )
        return M
    size = _length_of(predictions, 20)
    y = _class_vector(d, "labels", labels, lambda: (d.rng.random(size) < 0.3).astype(int))
    classes = max(int(y.max()) + 1, 2)
    pred = _class_vector(
        d, "predictions", predictions, lambda: np.where(d.rng.random(y.size) < 0.8, y, (y + 1) % classes)
    )
    if pred.size != y.size:
        raise DemoInputError(
            f"labels and predictions must have the same length: {y.size} labels but {pred.size} predictions"
        )
    d.show("true labels", y)
    d.show("predictions", pred)
    d.say(
        "Count every (true, predicted) pair: rows are true classes, "
        "columns predicted classes, so the diagonal holds the correct predictions."
    )
    return kit.confusion_counts(y, pred, max(int(y.max()), int(pred.max()), 1) + 1)


def binary_report(d: Demo, M: np.ndarray, report: dict) -> dict:
    """The two-class steps: the four cells, the metrics for class 1 as the positive class, and the baseline."""
    total = int(M.sum())
    tn, fp, fn, tp = (int(v) for v in M.ravel())
    accuracy, precision, recall, f1 = report["accuracy"], report["precision"][1], report["recall"][1], report["f1"][1]
    specificity = report["recall"][0]
    d.bars(
        "the four cells",
        ["TP (1 predicted 1)", "FN (1 predicted 0)", "FP (0 predicted 1)", "TN (0 predicted 0)"],
        [tp, fn, fp, tn],
    )
    d.show(
        "metrics for class 1 as the positive class",
        {
            f"accuracy = (TP + TN)/N = {tp + tn}/{total}": accuracy,
            f"precision = TP/(TP + FP) = {tp}/{tp + fp}": precision,
            f"recall = TP/(TP + FN) = {tp}/{tp + fn}": recall,
            f"F1 = 2TP/(2TP + FP + FN) = {2 * tp}/{2 * tp + fp + fn}": f1,
            f"specificity = TN/(TN + FP) = {tn}/{tn + fp}": specificity,
        },
    )
    if np.isnan(precision):
        d.say("Precision is undefined here: the model predicted no positives at all.")
    majority = int(np.argmax(M.sum(axis=1)))
    d.say(
        f"F1 is the harmonic mean of precision {kit.fmt(precision)} and recall {kit.fmt(recall)}, "
        "pulled towards the smaller one. "
        "For comparison, always predicting the majority class "
        f"{majority} would score accuracy {M[majority].sum() / total:.4g} "
        f"with recall {1.0 if majority == 1 else 0.0:g}: accuracy alone hides which mistakes are made."
    )
    return {
        "matrix": M,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "accuracy": accuracy,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "specificity": specificity,
    }


@demo("confusion-matrix")
def confusion_matrix(d: Demo, labels=None, predictions=None, counts=None):
    """Accuracy, precision, recall and F1 from a confusion matrix."""
    M = confusion_input(d, labels, predictions, counts)
    d.show("confusion matrix", M)
    report = kit.class_report(M)
    if M.shape[0] == 2:
        return binary_report(d, M, report)
    d.show(
        "per class (one-vs-rest)",
        {
            "precision = diagonal / column sum": report["precision"],
            "recall = diagonal / row sum": report["recall"],
            "F1": report["f1"],
        },
    )
    d.say(
        f"Accuracy = trace / N = {int(np.trace(M))}/{int(M.sum())} = {report['accuracy']:.4g}. "
        "Macro F1 averages the per-class F1 scores "
        f"({report['macro_f1']:.4g}), so a rare class counts as much as a common one; "
        "micro F1 pools the counts and equals accuracy here."
    )
    return {"matrix": M, **report}


@demo("roc-auc")
def roc_auc(d: Demo, scores=None, labels=None):
    """ROC curve points and the area under it."""
    size = _length_of(scores, 20)
    y = d.array(
        "labels",
        labels,
        lambda: d.rng.permutation(np.arange(size) < max(1, size * 2 // 5)).astype(int),
        ndim=1,
        integer=True,
    )
    if not set(np.unique(y).tolist()) <= {0, 1}:
        raise DemoInputError(f"labels must be 0 (negative) or 1 (positive); got {sorted(set(y.tolist()))}")
    s = d.array(
        "scores",
        scores,
        lambda: np.round(1.0 / (1.0 + np.exp(-(d.rng.normal(0, 1.2, y.size) + 1.5 * y - 0.5))), 2),
        ndim=1,
    )
    if s.size != y.size:
        raise DemoInputError(f"scores and labels must have the same length: {s.size} scores but {y.size} labels")
    if s.size > 2000:
        raise DemoInputError(f"scores must hold at most 2000 examples; got {s.size}")
    positives, negatives = int(y.sum()), int(y.size - y.sum())
    if positives == 0 or negatives == 0:
        raise DemoInputError(
            f"labels need both classes to draw a ROC curve; got {positives} positive(s) and {negatives} negative(s)"
        )

    d.show("scores", s)
    d.show("labels", y)
    thresholds = np.unique(s)[::-1]
    tp = np.array([np.sum((s >= t) & (y == 1)) for t in thresholds])
    fp = np.array([np.sum((s >= t) & (y == 0)) for t in thresholds])
    tpr = np.concatenate([[0.0], tp / positives])
    fpr = np.concatenate([[0.0], fp / negatives])
    precision = tp / (tp + fp)
    d.say(
        "Sweep the threshold t down through every distinct score "
        "and call 'score ≥ t' positive: each t gives one point "
        f"(FPR = FP/{negatives}, TPR = TP/{positives}), starting from (0, 0) when nothing is called positive."
    )
    if thresholds.size <= 25:
        d.show("threshold, FPR, TPR, precision", np.column_stack([thresholds, fpr[1:], tpr[1:], precision]))
    d.series("ROC curve, by point", {"TPR": tpr, "FPR (x axis; the diagonal is chance)": fpr})
    auc = float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))
    above = int(np.sum(s[y == 1][:, None] > s[y == 0][None, :]))
    tied = int(np.sum(s[y == 1][:, None] == s[y == 0][None, :]))
    below = positives * negatives - above - tied
    d.bars(
        "positive-negative pairs", ["positive scored higher", "tied", "negative scored higher"], [above, tied, below]
    )
    d.say(
        f"AUC by the trapezoid rule = {auc:.4g}. Counting pairs gives the same number: ({above} + ½·{tied}) / "
        f"({positives}·{negatives}) = {(above + 0.5 * tied) / (positives * negatives):.4g}, "
        "the chance a random positive outranks a random negative."
    )
    recall_steps = np.diff(np.concatenate([[0.0], tp / positives]))
    average_precision = float(np.sum(recall_steps * precision))
    d.say(
        "Average precision (area under the precision-recall curve) "
        f"is {average_precision:.4g} against {positives / y.size:.3g} for "
        "random scores, the positive rate; with rare positives it drops far more than the ROC-AUC, "
        "because precision counts false alarms against hits."
    )
    return {
        "thresholds": thresholds,
        "fpr": fpr,
        "tpr": tpr,
        "auc": auc,
        "pairs_above": above,
        "pairs_tied": tied,
        "pairs_below": below,
        "average_precision": average_precision,
    }
