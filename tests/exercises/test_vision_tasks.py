"""Vision exercises: references against hand-computed boxes; wrong variants are caught."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.exercises import assert_caught, assert_covered, reference


def iou_plus_one(box_a, box_b):
    a, b = box_a[:, None], box_b[None]
    w = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]) + 1, 0, None)
    h = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]) + 1, 0, None)
    area_a = (a[..., 2] - a[..., 0] + 1) * (a[..., 3] - a[..., 1] + 1)
    area_b = (b[..., 2] - b[..., 0] + 1) * (b[..., 3] - b[..., 1] + 1)
    return w * h / (area_a + area_b - w * h)


def iou_unclipped(box_a, box_b):
    a, b = box_a[:, None], box_b[None]
    w = np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0])
    h = np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1])
    area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    area_b = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    with np.errstate(all="ignore"):
        return np.where(w * h > 0, w * h, 0) / (area_a + area_b - np.maximum(w * h, 0))


def iou_over_smaller(box_a, box_b):
    a, b = box_a[:, None], box_b[None]
    w = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None)
    h = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None)
    area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    area_b = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    with np.errstate(all="ignore"):
        return np.nan_to_num(w * h / np.minimum(area_a, area_b))


def greedy(boxes, order, iou_threshold):
    overlaps = reference("iou")(boxes, boxes)
    keep = []
    for i in order:
        if all(overlaps[i, j] <= iou_threshold for j in keep):
            keep.append(int(i))
    return np.array(keep, dtype=np.int64)


def nms_ties_last_index_first(boxes, scores, iou_threshold):
    return greedy(boxes, np.lexsort((-np.arange(len(scores)), -scores)), iou_threshold)


def nms_greater_equal(boxes, scores, iou_threshold):
    return reference("nms")(boxes, scores, np.nextafter(iou_threshold, -np.inf))


def nms_against_all(boxes, scores, iou_threshold):
    order = np.argsort(-scores, kind="stable")
    overlaps = reference("iou")(boxes, boxes)
    keep = [int(i) for i in order if not any(overlaps[i, j] > iou_threshold for j in order if scores[j] > scores[i])]
    return np.array(keep, dtype=np.int64)


def nms_sorted_indices(boxes, scores, iou_threshold):
    return np.sort(reference("nms")(boxes, scores, iou_threshold))


def dice_whole_batch(probs, targets, eps=1.0):
    return float(1 - (2 * np.sum(probs * targets) + eps) / (np.sum(probs) + np.sum(targets) + eps))


def dice_no_eps_top(probs, targets, eps=1.0):
    axes = tuple(range(1, probs.ndim))
    return float(np.mean(1 - 2 * np.sum(probs * targets, axes) / (np.sum(probs, axes) + np.sum(targets, axes) + eps)))


def dice_score_not_loss(probs, targets, eps=1.0):
    return 1.0 - reference("dice_loss")(probs, targets, eps)


WRONG = {
    "iou": [iou_plus_one, iou_unclipped, iou_over_smaller],
    "nms": [nms_ties_last_index_first, nms_greater_equal, nms_against_all, nms_sorted_indices],
    "dice_loss": [dice_whole_batch, dice_no_eps_top, dice_score_not_loss],
}


def test_every_exercise_has_wrong_variants():
    assert_covered("vision-tasks", WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_variants_are_caught(name):
    assert_caught(name, WRONG[name])


def test_iou_nms_and_dice_by_hand():
    a = np.array([[0.0, 0.0, 2.0, 2.0], [5.0, 5.0, 6.0, 6.0]])
    b = np.array([[1.0, 1.0, 3.0, 3.0]])
    assert reference("iou")(a, b)[:, 0].tolist() == pytest.approx([1 / 7, 0.0])
    boxes = np.array([[0.0, 0.0, 2.0, 2.0], [0.0, 0.0, 2.0, 2.1], [10.0, 10.0, 11.0, 11.0]])
    assert reference("nms")(boxes, np.array([0.5, 0.9, 0.1]), 0.5).tolist() == [1, 2]
    p, t = np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]])
    assert reference("dice_loss")(p, t, 1.0) == pytest.approx(1 - (2 * 0.5 + 1) / (1.0 + 1.0 + 1))
