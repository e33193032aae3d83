"""Exercises for the vision-tasks topic: pairwise IoU, non-maximum suppression and the soft Dice loss."""

from __future__ import annotations

import numpy as np

from quizprep.exercises.framework import exercise, hidden_tests
from quizprep.exercises.kit import Case


def random_boxes(rng, n, size=10.0):
    corner = rng.uniform(0, size, (n, 2))
    extent = rng.uniform(0.5, size / 2, (n, 2))
    return np.hstack([corner, corner + extent])


@exercise(
    "iou",
    items=["intersection-over-union", "mean-average-precision"],
    difficulty=1,
    hints=[
        "Intersection corners: the larger of the top-left corners and the smaller of the bottom-right corners.",
        "Clip the intersection's width and height at 0: boxes that do not overlap have intersection 0.",
        "Broadcast box_a[:, None, :] against box_b[None, :, :] for the (N, M) matrix; union = area_a + area_b - inter.",
    ],
)
def iou(box_a, box_b):
    """Intersection over union of every pair of boxes from two sets.

    box_a: float array (N, 4), box_b: float array (M, 4), boxes as (x1, y1, x2, y2) with x1 ≤ x2 and y1 ≤ y2 in
    continuous coordinates (area = (x2 - x1)·(y2 - y1), no +1). Returns a float array (N, M) with
    result[i, j] = IoU(box_a[i], box_b[j]); a pair whose union has zero area gets 0. Do not change the inputs.
    """
    a, b = box_a[:, None, :], box_b[None, :, :]
    width = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0.0, None)
    height = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0.0, None)
    inter = width * height
    area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    area_b = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    union = area_a + area_b - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)


@hidden_tests("iou")
def iou_tests(rng):
    return [
        Case(
            "half overlap",
            (np.array([[0.0, 0.0, 2.0, 2.0]]), np.array([[1.0, 0.0, 3.0, 2.0]])),
            hint="intersection 2, union 6",
        ),
        Case(
            "disjoint",
            (np.array([[0.0, 0.0, 1.0, 1.0]]), np.array([[2.0, 2.0, 3.0, 3.0]])),
            hint="clip negative widths at 0",
        ),
        Case(
            "disjoint in x only",
            (np.array([[0.0, 0.0, 1.0, 5.0]]), np.array([[3.0, 0.0, 4.0, 5.0]])),
            hint="a negative width times a positive height is still no overlap",
        ),
        Case(
            "contained",
            (np.array([[0.0, 0.0, 4.0, 4.0]]), np.array([[1.0, 1.0, 2.0, 2.0], [0.0, 0.0, 4.0, 4.0]])),
            hint="a box inside another; a box with itself gives 1",
        ),
        Case("pairwise", (random_boxes(rng, 4), random_boxes(rng, 3)), hint="the result is (N, M)"),
        Case(
            "zero-area boxes",
            (np.array([[1.0, 1.0, 1.0, 1.0]]), np.array([[1.0, 1.0, 1.0, 1.0]])),
            hint="a zero union is defined as IoU 0",
        ),
    ]


@exercise(
    "nms",
    items=["non-maximum-suppression", "soft-nms"],
    difficulty=2,
    hints=[
        "Visit boxes from the highest score down; keep a box unless it overlaps a kept box by IoU > threshold.",
        "Sort with np.argsort(-scores, kind='stable') so equal scores keep their index order.",
        "Suppress only when IoU is strictly greater than the threshold; return the kept indices in the order kept.",
    ],
)
def nms(boxes, scores, iou_threshold):
    """Greedy non-maximum suppression.

    boxes: float array (N, 4) as (x1, y1, x2, y2) (continuous coordinates, no +1). scores: float array (N,).
    Visit boxes by decreasing score (equal scores: lower index first) and keep a box unless its IoU with a box kept
    earlier is strictly greater than iou_threshold. Returns an int array of the kept indices into `boxes`, in the
    order they were kept (N may be 0). Do not change the inputs.
    """
    order = np.argsort(-scores, kind="stable")
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep = []
    for i in order:
        suppressed = False
        for j in keep:
            width = max(0.0, min(boxes[i, 2], boxes[j, 2]) - max(boxes[i, 0], boxes[j, 0]))
            height = max(0.0, min(boxes[i, 3], boxes[j, 3]) - max(boxes[i, 1], boxes[j, 1]))
            inter = width * height
            union = areas[i] + areas[j] - inter
            if union > 0 and inter / union > iou_threshold:
                suppressed = True
                break
        if not suppressed:
            keep.append(int(i))
    return np.array(keep, dtype=np.int64)


@hidden_tests("nms")
def nms_tests(rng):
    cluster = np.array(
        [[0.0, 0.0, 10.0, 10.0], [1.0, 1.0, 11.0, 11.0], [20.0, 20.0, 30.0, 30.0], [0.5, 0.0, 10.5, 10.0]]
    )
    chain = np.array([[0.0, 0.0, 4.0, 4.0], [2.0, 0.0, 6.0, 4.0], [4.0, 0.0, 8.0, 4.0]])
    return [
        Case(
            "one cluster and a loner",
            (cluster, np.array([0.9, 0.8, 0.7, 0.95]), 0.5),
            hint="visit boxes by decreasing score",
        ),
        Case(
            "chain",
            (chain, np.array([0.9, 0.8, 0.7]), 0.3),
            hint="compare with kept boxes only: a suppressed box suppresses nothing",
        ),
        Case(
            "tied scores",
            (cluster, np.array([0.8, 0.8, 0.5, 0.8]), 0.5),
            hint="equal scores: lower index first (a stable sort)",
        ),
        Case(
            "IoU equal to the threshold",
            (chain[:2], np.array([0.9, 0.8]), 1.0 / 3.0),
            hint="suppress only when IoU > threshold, strictly",
        ),
        Case("random", (random_boxes(rng, 12), rng.random(12), 0.4), hint="return indices in the order kept"),
        Case("no boxes", (np.zeros((0, 4)), np.zeros(0), 0.5), hint="an empty int array"),
        Case("one box", (np.array([[0.0, 0.0, 1.0, 1.0]]), np.array([0.3]), 0.5), hint="a single box is kept"),
    ]


@exercise(
    "dice_loss",
    items=["dice-loss", "mean-iou-segmentation"],
    difficulty=1,
    hints=[
        "Per image: dice = (2·sum(p·t) + eps) / (sum(p) + sum(t) + eps), summing over every axis but the first.",
        "The loss is 1 - dice per image, averaged over the batch.",
    ],
)
def dice_loss(probs, targets, eps=1.0):
    """Mean soft Dice loss of a batch of segmentation maps.

    probs: float array (N, ...) of predicted probabilities. targets: float array of the same shape, 0.0 or 1.0.
    For each image n, with sums over all its pixels: dice_n = (2·sum(p·t) + eps) / (sum(p) + sum(t) + eps).
    Returns one float: mean over n of (1 - dice_n). Do not change the inputs.
    """
    axes = tuple(range(1, probs.ndim))
    overlap = np.sum(probs * targets, axis=axes)
    total = np.sum(probs, axis=axes) + np.sum(targets, axis=axes)
    return float(np.mean(1.0 - (2.0 * overlap + eps) / (total + eps)))


@hidden_tests("dice_loss")
def dice_loss_tests(rng):
    return [
        Case(
            "one image",
            (rng.random((1, 3, 3)), rng.integers(0, 2, (1, 3, 3)).astype(float)),
            hint="sums over all pixels of the image",
        ),
        Case(
            "batch",
            (rng.random((4, 5, 5)), rng.integers(0, 2, (4, 5, 5)).astype(float)),
            hint="one Dice per image, then the mean, not one Dice over the batch",
        ),
        Case("empty target", (np.zeros((2, 4)), np.zeros((2, 4))), hint="eps makes an empty match score 1"),
        Case(
            "small eps",
            (rng.random((3, 2, 2)), rng.integers(0, 2, (3, 2, 2)).astype(float)),
            {"eps": 1e-6},
            hint="eps is added to both numerator and denominator",
        ),
    ]
