"""Drills for the vision-tasks topic: IoU of two boxes, which boxes survive greedy NMS, average precision of a
ranked list, ViT patch and token counts, and Dice and IoU of two masks."""

from __future__ import annotations

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import EXACT, decimals, num, pick, rounded


def box_text(box) -> str:
    return "(" + ", ".join(num(v) for v in box) + ")"


def overlap(a, b) -> float:
    """Intersection area of two boxes (x1, y1, x2, y2); a negative width or height means no overlap."""
    return max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))


def area(box) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


def iou(a, b) -> float:
    inter = overlap(a, b)
    return inter / (area(a) + area(b) - inter)


@drill("box-iou")
def box_iou(rng: np.random.Generator) -> Problem:
    """IoU of two bounding boxes"""
    while True:
        a = [int(v) for v in rng.integers(0, 8, size=2)]
        a += [a[0] + int(rng.integers(3, 9)), a[1] + int(rng.integers(3, 9))]
        b = [a[0] + int(rng.integers(-3, 6)), a[1] + int(rng.integers(-3, 6))]
        b += [b[0] + int(rng.integers(3, 9)), b[1] + int(rng.integers(3, 9))]
        if overlap(a, b) > 0 and a != b:
            break
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter, union = w * h, area(a) + area(b) - w * h
    return Problem(
        prompt=(
            f"Box A is {box_text(a)} and box B is {box_text(b)}, each written (x1, y1, x2, y2) in pixels with "
            "x2 > x1 and y2 > y1. What is their intersection over union? (3 decimals)"
        ),
        answer=[inter / union],
        solution=[
            f"intersection: width min({a[2]}, {b[2]}) − max({a[0]}, {b[0]}) = {w}, height "
            f"min({a[3]}, {b[3]}) − max({a[1]}, {b[1]}) = {h}, area {inter}",
            f"areas: A = {area(a)}, B = {area(b)}; union = {area(a)} + {area(b)} − {inter} = {union}",
            f"IoU = {inter} / {union} = {rounded(inter / union)}",
        ],
        **decimals(3),
        params={"box_a": a, "box_b": b},
    )


def nms_survivors(boxes, scores, threshold) -> tuple[list[int], list[str]]:
    """Greedy NMS with the worked steps: indexes kept, and one line per kept box."""
    order = sorted(range(len(boxes)), key=lambda i: -scores[i])
    kept, lines = [], []
    while order:
        best = order.pop(0)
        kept.append(best)
        gone = [i for i in order if iou(boxes[best], boxes[i]) > threshold]
        order = [i for i in order if i not in gone]
        detail = ", ".join(f"box {i + 1} (IoU {rounded(iou(boxes[best], boxes[i]))})" for i in gone) or "nothing"
        lines.append(f"keep box {best + 1} (score {num(scores[best])}); it suppresses {detail}")
    return kept, lines


@drill("nms-survivors")
def nms_survivors_drill(rng: np.random.Generator) -> Problem:
    """Boxes that survive greedy non-maximum suppression"""
    while True:
        starts = sorted(int(v) for v in rng.choice(np.arange(0, 31, 2), size=5, replace=False))
        boxes = [[x, 0, x + int(pick(rng, [8, 10, 12])), 10] for x in starts]
        scores = [float(v) for v in rng.permutation([0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.4])[:5]]
        threshold = pick(rng, [0.3, 0.4, 0.5])
        ious = [iou(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :]]
        if all(abs(v - threshold) > 0.01 for v in ious):  # no pair sits on the threshold itself
            break
    kept, lines = nms_survivors(boxes, scores, threshold)
    flags = [1.0 if i in kept else 0.0 for i in range(5)]
    listed = "; ".join(
        f"box {i + 1} {box_text(b)} score {num(s)}" for i, (b, s) in enumerate(zip(boxes, scores, strict=True))
    )
    return Problem(
        prompt=(
            f"A detector outputs five boxes of one class, written (x1, y1, x2, y2): {listed}. Greedy NMS repeatedly "
            f"keeps the highest-scoring remaining box and removes the remaining boxes whose IoU with it is greater "
            f"than {num(threshold)}. For boxes 1 to 5 in order, type 1 if the box survives and 0 if it is removed, "
            "separated by semicolons, e.g. 1; 0; 1; 1; 0 (whole numbers)"
        ),
        answer=flags,
        solution=[*lines, "answer: " + "; ".join(str(int(f)) for f in flags)],
        **EXACT,
        params={"boxes": boxes, "scores": scores, "threshold": threshold},
    )


@drill("average-precision")
def average_precision(rng: np.random.Generator) -> Problem:
    """Average precision of a short ranked list of detections"""
    length = pick(rng, [5, 6, 7, 8])
    while True:
        hits = [int(v) for v in rng.random(length) < 0.6]
        if hits[0] == 1 or sum(hits) >= 2:
            break
    truth = sum(hits) + pick(rng, [0, 0, 1, 2])
    tp, rows = 0, []
    precision, recall = [], []
    for rank, hit in enumerate(hits, start=1):
        tp += hit
        precision.append(tp / rank)
        recall.append(tp / truth)
    interpolated = [max(precision[i:]) for i in range(length)]
    ap, previous = 0.0, 0.0
    for i in range(length):
        if recall[i] > previous:
            ap += (recall[i] - previous) * interpolated[i]
            rows.append(
                f"rank {i + 1}: recall +{rounded(recall[i] - previous)} × interpolated precision "
                f"{rounded(interpolated[i])}"
            )
            previous = recall[i]
    marks = ", ".join("TP" if h else "FP" for h in hits)
    return Problem(
        prompt=(
            f"The detections of one class, sorted by confidence from highest, are: {marks}. The test set holds "
            f"{truth} objects of this class. Compute AP as Pascal VOC does from 2010 on: after each detection take "
            "precision and recall; replace each precision by the highest precision at that recall or any higher "
            "recall; AP is the sum, over each detection where recall rises, of the rise times that interpolated "
            "precision (recall never reached adds nothing). (3 decimals)"
        ),
        answer=[ap],
        solution=[
            "precision after each rank: " + ", ".join(rounded(p) for p in precision),
            "recall after each rank: " + ", ".join(rounded(r) for r in recall),
            *rows,
            f"AP = {rounded(ap)}",
        ],
        **decimals(3),
        params={"hits": hits, "n_truth": truth},
    )


@drill("vit-sequence-length")
def vit_sequence_length(rng: np.random.Generator) -> Problem:
    """ViT patches and sequence length for an image and patch size"""
    patch = pick(rng, [8, 14, 16, 32])
    rows, cols = pick(rng, [4, 7, 8, 12, 14, 16, 24]), pick(rng, [4, 7, 8, 12, 14, 16, 24])
    height, width = patch * rows, patch * cols
    patches = rows * cols
    return Problem(
        prompt=(
            f"A Vision Transformer cuts a {height}×{width} (height × width) RGB image into non-overlapping "
            f"{patch}×{patch} patches and prepends one class token. How many patches are there, how many tokens "
            "enter the encoder, and how many numbers does each flattened patch hold? Give the three separated by "
            "semicolons (whole numbers)"
        ),
        answer=[float(patches), float(patches + 1), float(patch * patch * 3)],
        solution=[
            f"patches = ({height}/{patch})·({width}/{patch}) = {rows}·{cols} = {patches}",
            f"tokens = {patches} + 1 class token = {patches + 1}",
            f"values per patch = {patch}·{patch}·3 = {patch * patch * 3}",
            f"answer: {patches}; {patches + 1}; {patch * patch * 3}",
        ],
        **EXACT,
        params={"height": height, "width": width, "patch": patch},
    )


@drill("dice-coefficient")
def dice_coefficient(rng: np.random.Generator) -> Problem:
    """Dice coefficient and IoU of two binary masks"""
    while True:
        truth = (rng.random((4, 4)) < 0.45).astype(int)
        pred = np.where(rng.random((4, 4)) < 0.25, 1 - truth, truth)
        inter = int(np.sum(truth & pred))
        if inter > 0 and not np.array_equal(truth, pred):
            break
    a, b = int(truth.sum()), int(pred.sum())
    union = a + b - inter
    dice, jaccard = 2 * inter / (a + b), inter / union
    lines = " / ".join("".join(str(v) for v in row) for row in truth)
    lines_p = " / ".join("".join(str(v) for v in row) for row in pred)
    return Problem(
        prompt=(
            f"A 4×4 ground-truth mask is {lines} and the predicted mask is {lines_p} (rows top to bottom, 1 = "
            "foreground). What are the Dice coefficient 2|A∩B| / (|A| + |B|) and the IoU |A∩B| / |A∪B| of the "
            "foreground? Give both separated by a semicolon (3 decimals each)"
        ),
        answer=[dice, jaccard],
        solution=[
            f"|A| = {a}, |B| = {b}, |A∩B| = {inter}, |A∪B| = {a} + {b} − {inter} = {union}",
            f"Dice = 2·{inter} / ({a} + {b}) = {rounded(dice)}",
            f"IoU = {inter} / {union} = {rounded(jaccard)} (check: 2·IoU / (1 + IoU) = {rounded(dice)})",
            f"answer: {rounded(dice)}; {rounded(jaccard)}",
        ],
        **decimals(3),
        params={"truth": truth.tolist(), "prediction": pred.tolist()},
    )
