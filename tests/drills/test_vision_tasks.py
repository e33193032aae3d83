"""Drills of the vision-tasks topic: answers recomputed by hand from the problem's params, and the worked solution
ending on the answer."""

from __future__ import annotations

import pytest

from tests.helpers.drills import hand_formula_test, solution_ending_test


def box_iou(p):
    a, b = p["box_a"], p["box_b"]
    xs = sorted([a[0], a[2], b[0], b[2]])
    ys = sorted([a[1], a[3], b[1], b[3]])
    # for overlapping boxes the intersection spans the two middle coordinates on each axis
    inter = (xs[2] - xs[1]) * (ys[2] - ys[1])
    area_a = (a[2] - a[0]) * (a[3] - a[1])
    area_b = (b[2] - b[0]) * (b[3] - b[1])
    return [inter / (area_a + area_b - inter)]


def one_d_iou(a, b):
    # the drill's boxes all span y from 0 to 10, so IoU reduces to the x-intervals
    inter = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    return inter / ((a[2] - a[0]) + (b[2] - b[0]) - inter)


def nms_flags(p):
    boxes, scores, threshold = p["boxes"], p["scores"], p["threshold"]
    alive = [True] * len(boxes)
    for best in sorted(range(len(boxes)), key=lambda i: -scores[i]):
        if not alive[best]:
            continue  # a removed box removes nothing
        for other in range(len(boxes)):
            if alive[other] and scores[other] < scores[best] and one_d_iou(boxes[best], boxes[other]) > threshold:
                alive[other] = False
    return [1 if a else 0 for a in alive]


def average_precision(p):
    hits, n_truth = p["hits"], p["n_truth"]
    points = []  # (recall, precision) after each rank
    tp = 0
    for rank, hit in enumerate(hits, start=1):
        tp += hit
        points.append((tp / n_truth, tp / rank))
    ap = 0.0
    for k in range(1, n_truth + 1):  # each object found adds 1/n_truth of recall
        reached = [prec for rec, prec in points if rec >= k / n_truth - 1e-12]
        ap += max(reached, default=0.0) / n_truth
    return [ap]


def vit_sequence(p):
    n = (p["height"] // p["patch"]) * (p["width"] // p["patch"])
    return [n, n + 1, 3 * p["patch"] ** 2]


def dice_iou(p):
    pairs = [(t, q) for rt, rq in zip(p["truth"], p["prediction"], strict=True) for t, q in zip(rt, rq, strict=True)]
    both = sum(t and q for t, q in pairs)
    either = sum(t or q for t, q in pairs)
    a, b = sum(t for t, _ in pairs), sum(q for _, q in pairs)
    return [2 * both / (a + b), both / either]


EXPECTED = {
    "average-precision": average_precision,
    "box-iou": box_iou,
    "dice-coefficient": dice_iou,
    "nms-survivors": nms_flags,
    "vit-sequence-length": vit_sequence,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
test_worked_solution_ends_with_the_answer = solution_ending_test(EXPECTED, shows_all=True)


def test_known_cases():
    assert box_iou({"box_a": [0, 0, 2, 2], "box_b": [1, 0, 3, 2]}) == pytest.approx([1 / 3])
    # TP, FP, TP with 3 objects: recall 1/3 at precision 1, 2/3 at 2/3, never 1 -> AP = 1/3 + 2/9
    assert average_precision({"hits": [1, 0, 1], "n_truth": 3}) == pytest.approx([1 / 3 + 2 / 9])
    boxes = [[0, 0, 10, 10], [4, 0, 14, 10], [8, 0, 18, 10]]
    # box 1 removes box 2 (IoU 6/14), so box 3 (IoU 2/18 with box 1) survives although box 2 overlapped it
    assert nms_flags({"boxes": boxes, "scores": [0.9, 0.8, 0.7], "threshold": 0.4}) == [1, 0, 1]
