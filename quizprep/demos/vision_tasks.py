"""Demos for the vision-tasks topic: box IoU, greedy and soft non-maximum suppression, anchors and box offsets,
RoI pooling against RoI Align, DETR-style Hungarian matching, average precision, segmentation metrics (IoU, Dice,
mIoU), U-Net feature-map sizes, ViT token counts and CLIP's symmetric contrastive loss.

Boxes are written (x1, y1, x2, y2) in pixels, with x1 < x2 and y1 < y2; boxes and classes are numbered from 1
in the narratives.
"""

from __future__ import annotations

import math

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo


def read_boxes(d: Demo, name: str, value, default, max_boxes: int = 12) -> np.ndarray:
    """An n x 4 matrix of boxes (x1, y1, x2, y2) with positive width and height."""
    boxes = d.array(name, value, default)
    if boxes.ndim == 1:
        boxes = boxes.reshape(1, -1)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise DemoInputError(f"{name} must hold boxes as [x1, y1, x2, y2] rows; got shape {boxes.shape}")
    if len(boxes) > max_boxes:
        raise DemoInputError(f"{name} may hold at most {max_boxes} boxes; got {len(boxes)}")
    if np.any(boxes[:, 2] <= boxes[:, 0]) or np.any(boxes[:, 3] <= boxes[:, 1]):
        raise DemoInputError(f"each box in {name} needs x2 > x1 and y2 > y1")
    return boxes


def box_area(boxes: np.ndarray) -> np.ndarray:
    return (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])


def iou_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of every box in a (n x 4) with every box in b (m x 4); widths and heights of the overlap clamp at 0."""
    left = np.maximum(a[:, None, 0], b[None, :, 0])
    top = np.maximum(a[:, None, 1], b[None, :, 1])
    right = np.minimum(a[:, None, 2], b[None, :, 2])
    bottom = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(right - left, 0, None) * np.clip(bottom - top, 0, None)
    return inter / (box_area(a)[:, None] + box_area(b)[None, :] - inter)


@demo("box-iou")
def box_iou(d: Demo, box_a=None, box_b=None):
    """IoU of two boxes step by step (intersection, union), and the generalised IoU that also scores disjoint boxes."""
    a = read_boxes(d, "box_a", box_a, [10, 10, 50, 40], max_boxes=1)[0]
    b = read_boxes(d, "box_b", box_b, [30, 20, 70, 60], max_boxes=1)[0]
    d.say("Boxes are written (x1, y1, x2, y2): the top-left and bottom-right corners, so width = x2 − x1.")
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter, area_a, area_b = w * h, box_area(a), box_area(b)
    union = area_a + area_b - inter
    iou = inter / union
    d.show("areas of A and B", [area_a, area_b])
    d.show(
        "intersection width, height, area",
        [w, h, inter],
        text="Width = min(right edges) − max(left edges), clamped at 0; the same for the height.",
    )
    d.show("union = area A + area B − intersection", union)
    d.show("IoU = intersection / union", iou)
    hull = (max(a[2], b[2]) - min(a[0], b[0])) * (max(a[3], b[3]) - min(a[1], b[1]))
    giou = iou - (hull - union) / hull
    d.show(
        "GIoU = IoU − (hull − union)/hull",
        giou,
        text=f"The smallest box enclosing both has area {kit.fmt(hull)}; GIoU goes negative as disjoint boxes move "
        "apart, so 1 − GIoU still gives a loss gradient when IoU is 0.",
    )
    return {"intersection": inter, "union": union, "iou": iou, "giou": giou}


def greedy_nms(boxes: np.ndarray, scores: np.ndarray, threshold: float) -> list[int]:
    """Indexes kept by greedy NMS: take the best remaining box, drop those overlapping it by more than threshold."""
    order = list(np.argsort(-scores, kind="stable"))
    ious = iou_matrix(boxes, boxes)
    kept = []
    while order:
        best = order.pop(0)
        kept.append(int(best))
        order = [i for i in order if ious[best, i] <= threshold]
    return kept


def soft_nms(boxes: np.ndarray, scores: np.ndarray, threshold: float, sigma: float, gaussian: bool) -> np.ndarray:
    """Final scores after Soft-NMS: each picked box decays the scores of the boxes still waiting."""
    scores = scores.astype(float).copy()
    ious = iou_matrix(boxes, boxes)
    waiting = list(range(len(scores)))
    while waiting:
        best = max(waiting, key=lambda i: scores[i])
        waiting.remove(best)
        for i in waiting:
            if gaussian:
                scores[i] *= math.exp(-(ious[best, i] ** 2) / sigma)
            elif ious[best, i] > threshold:
                scores[i] *= 1 - ious[best, i]
    return scores


@demo("nms")
def nms(d: Demo, boxes=None, scores=None, threshold=None, sigma=None):
    """Greedy NMS on a crowded scene against linear and Gaussian Soft-NMS, which decay scores instead of deleting."""
    default_boxes = [[10, 10, 50, 90], [12, 12, 52, 88], [22, 12, 62, 92], [100, 20, 140, 80], [102, 22, 141, 83]]
    B = read_boxes(d, "boxes", boxes, default_boxes)
    S = kit.vector(d, "scores", scores, [0.95, 0.9, 0.8, 0.7, 0.3], len(B))
    if np.any(S < 0) or np.any(S > 1):
        raise DemoInputError("scores must lie between 0 and 1")
    threshold = d.number("threshold", threshold, 0.5, low=0.0, high=1.0)
    sigma = d.number("sigma", sigma, 0.5, low=0.01, high=5.0)
    if boxes is None:
        d.say("Boxes 1 and 3 are two different people standing close; 2 duplicates 1, and 5 duplicates 4.")
    d.show("pairwise IoU", kit.rounded(iou_matrix(B, B), 3))
    kept = greedy_nms(B, S, threshold)
    d.show(
        f"greedy NMS at IoU > {threshold:g}: boxes kept",
        [k + 1 for k in kept],
        text="Sorted by score, each kept box deletes the later boxes that overlap it beyond the threshold.",
    )
    linear = soft_nms(B, S, threshold, sigma, gaussian=False)
    gauss = soft_nms(B, S, threshold, sigma, gaussian=True)
    labels = [f"box {i + 1}" for i in range(len(B))]
    d.bars(
        "Soft-NMS (linear) final scores", labels, linear, text="Above the threshold a score is multiplied by 1 − IoU."
    )
    d.bars(
        f"Soft-NMS (Gaussian, σ = {sigma:g}) final scores",
        labels,
        gauss,
        text="Each score is multiplied by exp(−IoU²/σ).",
    )
    d.say(
        "Soft-NMS keeps every box in the ranking: heavy duplicates sink to low scores, while a neighbour with moderate "
        "overlap keeps a usable score instead of disappearing."
    )
    return {"kept": [k + 1 for k in kept], "soft_linear": linear, "soft_gaussian": gauss}


def anchors_at(center: np.ndarray, sizes: np.ndarray, ratios: np.ndarray) -> np.ndarray:
    """One anchor per (size, ratio): area size², width/height = ratio, centred on `center`."""
    rows = []
    for size in sizes:
        for ratio in ratios:
            w, h = size * math.sqrt(ratio), size / math.sqrt(ratio)
            rows.append([center[0] - w / 2, center[1] - h / 2, center[0] + w / 2, center[1] + h / 2])
    return np.array(rows)


def box_deltas(box: np.ndarray, anchor: np.ndarray) -> np.ndarray:
    """Faster R-CNN's regression targets (t_x, t_y, t_w, t_h) of a box relative to an anchor."""
    aw, ah = anchor[2] - anchor[0], anchor[3] - anchor[1]
    bw, bh = box[2] - box[0], box[3] - box[1]
    ax, ay = anchor[0] + aw / 2, anchor[1] + ah / 2
    bx, by = box[0] + bw / 2, box[1] + bh / 2
    return np.array([(bx - ax) / aw, (by - ay) / ah, math.log(bw / aw), math.log(bh / ah)])


@demo("anchor-boxes")
def anchor_boxes(d: Demo, truth=None, center=None, sizes=None, ratios=None):
    """Anchors of several sizes and aspect ratios at one position, labelled by IoU, and the offsets a network learns."""
    gt = read_boxes(d, "truth", truth, [44, 30, 124, 90], max_boxes=1)[0]
    c = kit.vector(d, "center", center, [80, 56], 2)
    sizes = kit.vector(d, "sizes", sizes, [32, 64, 128], max_len=5)
    ratios = kit.vector(d, "ratios", ratios, [0.5, 1, 2], max_len=5)
    if np.any(sizes <= 0) or np.any(ratios <= 0):
        raise DemoInputError("sizes and ratios must be positive")
    A = anchors_at(c, sizes, ratios)
    ious = iou_matrix(A, gt[None, :])[:, 0]
    labels = np.where(ious >= 0.7, 1, np.where(ious < 0.3, 0, -1))
    best = int(np.argmax(ious))
    labels[best] = 1  # the best anchor for an object is positive even below 0.7, so no object is left unassigned
    d.say(f"{len(A)} anchors centred at {kit.vec_text(c)}: area = size², width/height = ratio.")
    d.show("anchors (x1, y1, x2, y2)", kit.rounded(A, 1))
    names = [f"{int(s)}, {r:g}" for s in sizes for r in ratios]
    d.bars("IoU of each anchor (size, ratio) with the object", names, ious)
    d.show(
        "labels: 1 positive (IoU ≥ 0.7 or the best), 0 negative (IoU < 0.3), −1 ignored",
        labels,
        text="Region proposal network rules from Faster R-CNN.",
    )
    t = box_deltas(gt, A[best])
    d.show(
        f"targets for anchor {best + 1}: t_x = Δx/w_a, t_y = Δy/h_a, t_w = log(w/w_a), t_h = log(h/h_a)",
        t,
        text="The network regresses these offsets; decoding them from the anchor gives the object's box back.",
    )
    aw, ah = A[best, 2] - A[best, 0], A[best, 3] - A[best, 1]
    cx, cy = A[best, 0] + aw / 2 + t[0] * aw, A[best, 1] + ah / 2 + t[1] * ah
    w, h = aw * math.exp(t[2]), ah * math.exp(t[3])
    decoded = np.array([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2])
    d.show("decoded box", decoded)
    return {"anchors": A, "ious": ious, "labels": labels, "best": best + 1, "deltas": t, "decoded": decoded}


def bilinear(F: np.ndarray, u: float, v: float) -> float:
    """F read at fractional column u and row v (cell centres at whole numbers), clamped to the map's edges."""
    u, v = min(max(u, 0.0), F.shape[1] - 1.0), min(max(v, 0.0), F.shape[0] - 1.0)
    j0, i0 = min(int(u), F.shape[1] - 2), min(int(v), F.shape[0] - 2)
    fu, fv = u - j0, v - i0
    top = F[i0, j0] * (1 - fu) + F[i0, j0 + 1] * fu
    bottom = F[i0 + 1, j0] * (1 - fu) + F[i0 + 1, j0 + 1] * fu
    return float(top * (1 - fv) + bottom * fv)


def roi_align_grid(F, roi, stride, bins, samples) -> np.ndarray:
    """RoI Align: exact bin edges, samples x samples bilinear reads per bin, averaged; no rounding anywhere."""
    x1, y1, x2, y2 = (c / stride for c in roi)
    bw, bh = (x2 - x1) / bins, (y2 - y1) / bins
    out = np.zeros((bins, bins))
    offsets = (np.arange(samples) + 0.5) / samples
    for r in range(bins):
        for c in range(bins):
            reads = [
                bilinear(F, x1 + (c + ox) * bw - 0.5, y1 + (r + oy) * bh - 0.5) for oy in offsets for ox in offsets
            ]
            out[r, c] = np.mean(reads)
    return out


def roi_pool_grid(F, roi, stride, bins) -> np.ndarray:
    """RoI pooling as in Fast R-CNN: corners rounded to cells, bins with floor/ceil edges, max inside each bin."""
    x1, y1, x2, y2 = (int(round(c / stride)) for c in roi)
    width, height = max(x2 - x1 + 1, 1), max(y2 - y1 + 1, 1)
    out = np.zeros((bins, bins))
    for r in range(bins):
        top = min(max(math.floor(r * height / bins) + y1, 0), F.shape[0])
        bottom = min(max(math.ceil((r + 1) * height / bins) + y1, 0), F.shape[0])
        for c in range(bins):
            left = min(max(math.floor(c * width / bins) + x1, 0), F.shape[1])
            right = min(max(math.ceil((c + 1) * width / bins) + x1, 0), F.shape[1])
            cell = F[top:bottom, left:right]
            out[r, c] = cell.max() if cell.size else 0.0
    return out


@demo("roi-align")
def roi_align(d: Demo, feature=None, roi=None, stride=None, bins=None, samples=None):
    """RoI pooling against RoI Align on a ramp-shaped feature map, where the right value at each bin centre is known."""
    F = d.array("feature", feature, lambda: np.add.outer(np.arange(10.0), 2 * np.arange(10.0)), ndim=2)
    if not (2 <= F.shape[0] <= 32 and 2 <= F.shape[1] <= 32):
        raise DemoInputError(f"feature must be between 2x2 and 32x32; got {F.shape[0]}x{F.shape[1]}")
    box = read_boxes(d, "roi", roi, [13, 9, 35, 29], max_boxes=1)[0]
    stride = d.number("stride", stride, 4, low=1, high=64, integer=True)
    bins = d.number("bins", bins, 2, low=1, high=7, integer=True)
    samples = d.number("samples", samples, 2, low=1, high=4, integer=True)
    if box[2] > F.shape[1] * stride or box[3] > F.shape[0] * stride or box[0] < 0 or box[1] < 0:
        raise DemoInputError(f"roi must lie inside the image the feature map covers: 0..{F.shape[1] * stride} wide")
    d.say(
        f"Feature cell (row i, column j) covers image pixels [{stride}j, {stride}(j+1)) and holds its centre's value."
    )
    ramp = np.add.outer(np.arange(F.shape[0], dtype=float), 2 * np.arange(F.shape[1], dtype=float))
    is_ramp = bool(np.allclose(F, ramp))  # the default input, or the same ramp passed back in
    if is_ramp:
        d.say("Here F[i, j] = i + 2j, a ramp, so bilinear reads are exact and each bin's true value is at its centre.")
    pooled = roi_pool_grid(F, box, stride, bins)
    aligned = roi_align_grid(F, box, stride, bins, samples)
    x1, y1, x2, y2 = (c / stride for c in box)
    d.show(
        "RoI in feature units",
        [x1, y1, x2, y2],
        text=f"RoI pooling rounds these to {[int(round(c)) for c in (x1, y1, x2, y2)]} first.",
    )
    d.show(f"RoI pooling ({bins}×{bins}, max per bin)", pooled)
    d.show(f"RoI Align ({bins}×{bins}, {samples}×{samples} bilinear samples per bin, averaged)", aligned)
    result = {"pooled": pooled, "aligned": aligned}
    if is_ramp:
        cu = x1 + (np.arange(bins) + 0.5) * (x2 - x1) / bins - 0.5
        cv = y1 + (np.arange(bins) + 0.5) * (y2 - y1) / bins - 0.5
        exact = np.add.outer(cv, 2 * cu)
        d.show("the ramp at each bin centre", exact)
        d.say(
            f"RoI Align misses by at most {kit.fmt(float(np.max(np.abs(aligned - exact))))}, RoI pooling by "
            f"{kit.fmt(float(np.max(np.abs(pooled - exact))))}: rounding and the max shift it by whole cells."
        )
        result["exact"] = exact
    return result


def best_assignment(cost: np.ndarray) -> tuple[float, list[int]]:
    """The cheapest one-to-one assignment of every column (target) to a distinct row (query), by dynamic
    programming over the set of targets already taken; returns the cost and the query chosen for each target."""
    n_q, n_t = cost.shape
    full = (1 << n_t) - 1
    best = {0: (0.0, [-1] * n_t)}
    for q in range(n_q):  # query q either stays unmatched or takes one free target
        nxt = dict(best)
        for mask, (total, chosen) in best.items():
            for t in range(n_t):
                if not mask >> t & 1:
                    key, value = mask | 1 << t, total + cost[q, t]
                    if key not in nxt or value < nxt[key][0]:
                        picks = list(chosen)
                        picks[t] = q
                        nxt[key] = (value, picks)
        best = nxt
    return best[full][0], best[full][1]


def greedy_assignment(cost: np.ndarray) -> tuple[float, list[int]]:
    """Targets in order, each taking its cheapest free query: the shortcut the optimal matching avoids."""
    taken, picks = set(), []
    for t in range(cost.shape[1]):
        q = min((q for q in range(cost.shape[0]) if q not in taken), key=lambda q: cost[q, t])
        taken.add(q)
        picks.append(q)
    return float(sum(cost[q, t] for t, q in enumerate(picks))), picks


def detr_cost() -> np.ndarray:
    """A small DETR-style cost: −p(target class) + 5·L1 distance of boxes written (cx, cy, w, h) in [0, 1]."""
    targets = np.array([[0.30, 0.40, 0.20, 0.30], [0.42, 0.40, 0.20, 0.30], [0.75, 0.70, 0.30, 0.20]])
    target_class = [0, 0, 1]
    queries = np.array(
        [[0.36, 0.40, 0.20, 0.30], [0.28, 0.42, 0.22, 0.28], [0.50, 0.45, 0.25, 0.30], [0.74, 0.71, 0.28, 0.22]]
    )
    probs = np.array([[0.85, 0.05], [0.60, 0.10], [0.55, 0.10], [0.10, 0.80]])
    l1 = np.abs(queries[:, None, :] - targets[None, :, :]).sum(axis=2)
    return -probs[:, target_class] + 5 * l1


@demo("hungarian-matching")
def hungarian_matching(d: Demo, cost=None):
    """DETR's set matching: the cheapest one-to-one assignment of queries to objects, against greedy matching."""
    C = d.array("cost", cost, detr_cost, ndim=2)
    n_q, n_t = C.shape
    if not 1 <= n_t <= n_q <= 8:
        raise DemoInputError(f"cost needs 1 to 8 rows (queries) and at most as many columns (objects); got {n_q}x{n_t}")
    if cost is None:
        d.say("4 queries, 3 objects; cost = −p(object's class) + 5·L1 distance between boxes (cx, cy, w, h).")
    d.show("cost (row = query, column = object)", kit.rounded(C, 3))
    total, picks = best_assignment(C)
    greedy_total, greedy_picks = greedy_assignment(C)
    d.show("optimal: query matched to each object", [q + 1 for q in picks], text=f"Total cost {kit.fmt(total)}.")
    d.show(
        "greedy, object by object: query taken",
        [q + 1 for q in greedy_picks],
        text=f"Total cost {kit.fmt(greedy_total)}; an early object can grab the query a later one needed more.",
    )
    spare = [q + 1 for q in range(n_q) if q not in picks]
    d.say(
        f"Unmatched queries {spare} are trained to predict 'no object', so duplicates are penalised "
        "and NMS is not needed."
    )
    return {
        "assignment": [q + 1 for q in picks],
        "cost": total,
        "greedy": [q + 1 for q in greedy_picks],
        "greedy_cost": greedy_total,
    }


def precision_recall(hits: np.ndarray, n_truth: int) -> tuple[np.ndarray, np.ndarray]:
    """Precision and recall after each detection of a list ranked by score (hits: 1 true positive, 0 false)."""
    tp = np.cumsum(hits)
    return tp / np.arange(1, len(hits) + 1), tp / n_truth


def ap_all_points(precision: np.ndarray, recall: np.ndarray) -> float:
    """Area under the precision envelope (each precision raised to the best at equal or higher recall)."""
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    steps = np.diff(np.concatenate([[0.0], recall]))
    return float(np.sum(steps * envelope))


def ap_sampled(precision: np.ndarray, recall: np.ndarray, points: int) -> float:
    """Mean of the best precision at recall ≥ r over `points` evenly spaced r in [0, 1] (11: VOC 2007, 101: COCO)."""
    levels = np.linspace(0, 1, points)
    return float(
        np.mean([precision[recall >= r - 1e-12].max() if np.any(recall >= r - 1e-12) else 0.0 for r in levels])
    )


@demo("average-precision")
def average_precision(d: Demo, ious=None, n_truth=None):
    """AP from a ranked list of detections: the precision-recall curve, VOC and COCO interpolations, and AP@[.5:.95]."""
    ious = kit.vector(d, "ious", ious, [0.92, 0.81, 0.0, 0.67, 0.55, 0.0, 0.74, 0.0], max_len=30)
    if np.any(ious < 0) or np.any(ious > 1):
        raise DemoInputError("ious must lie between 0 and 1")
    matched = int(np.sum(ious > 0))
    n_truth = d.number("n_truth", n_truth, 6, low=max(1, matched), high=1000, integer=True)
    d.say(
        f"{len(ious)} detections of one class, best score first; each nonzero IoU is the overlap with its own "
        f"object (no duplicates), 0 marks background; the images hold {n_truth} objects."
    )
    hits = (ious >= 0.5).astype(float)
    precision, recall = precision_recall(hits, n_truth)
    d.show("true positive at IoU ≥ 0.5", hits.astype(int))
    d.series("precision and recall by rank", {"precision": precision, "recall": recall}, x=np.arange(1, len(ious) + 1))
    ap_all, ap_11, ap_101 = (
        ap_all_points(precision, recall),
        ap_sampled(precision, recall, 11),
        ap_sampled(precision, recall, 101),
    )
    d.show(
        "AP@0.5: every recall point, 11-point (VOC 2007), 101-point (COCO)",
        [ap_all, ap_11, ap_101],
        text="Each takes, at a recall level, the best precision reached at that recall or beyond.",
    )
    thresholds = np.round(np.arange(0.5, 0.951, 0.05), 2)
    per_threshold = [ap_sampled(*precision_recall((ious >= th).astype(float), n_truth), 101) for th in thresholds]
    d.bars("101-point AP by IoU threshold", [f"{th:.2f}" for th in thresholds], per_threshold)
    coco = float(np.mean(per_threshold))
    d.say(
        f"COCO's AP averages these ten: {kit.fmt(coco)}, against {kit.fmt(ap_101)} at 0.5 alone; "
        "loose boxes stop counting."
    )
    return {
        "precision": precision,
        "recall": recall,
        "ap_all": ap_all,
        "ap_11": ap_11,
        "ap_101": ap_101,
        "coco_ap": coco,
        "per_threshold": per_threshold,
    }


def read_label_map(d: Demo, name: str, value, default) -> np.ndarray:
    labels = d.array(name, value, default, ndim=2, integer=True)
    if labels.shape[0] > 32 or labels.shape[1] > 32:
        raise DemoInputError(f"{name} may be at most 32x32; got {labels.shape[0]}x{labels.shape[1]}")
    if np.any(labels < 0) or np.any(labels > 9):
        raise DemoInputError(f"{name} must hold class labels from 0 to 9")
    return labels


@demo("segmentation-metrics")
def segmentation_metrics(d: Demo, truth=None, prediction=None):
    """Per-class IoU, mean IoU, Dice and pixel accuracy of a predicted label map, and why pixel accuracy flatters."""
    truth_default = [
        [0, 0, 0, 0, 0, 0],
        [0, 1, 1, 0, 0, 0],
        [0, 1, 1, 0, 0, 0],
        [0, 0, 0, 0, 2, 0],
        [0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0],
    ]
    pred_default = [
        [0, 0, 0, 0, 0, 0],
        [0, 1, 1, 1, 0, 0],
        [0, 0, 1, 0, 0, 0],
        [0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 2],
        [0, 0, 0, 0, 0, 0],
    ]
    T = read_label_map(d, "truth", truth, truth_default)
    P = read_label_map(d, "prediction", prediction, pred_default)
    if T.shape != P.shape:
        raise DemoInputError(f"truth is {T.shape[0]}x{T.shape[1]} but prediction is {P.shape[0]}x{P.shape[1]}")
    classes = int(max(T.max(), P.max())) + 1
    confusion = np.zeros((classes, classes), dtype=int)
    np.add.at(confusion, (T.ravel(), P.ravel()), 1)
    d.show("confusion matrix (row = true class, column = predicted)", confusion)
    tp = np.diag(confusion).astype(float)
    fp, fn = confusion.sum(axis=0) - tp, confusion.sum(axis=1) - tp
    iou = tp / (tp + fp + fn)  # every class here appears in the truth or the prediction, so no 0/0
    dice = 2 * tp / (2 * tp + fp + fn)
    d.bars("IoU per class = TP / (TP + FP + FN)", [f"class {c}" for c in range(classes)], iou)
    d.bars(
        "Dice per class = 2TP / (2TP + FP + FN)",
        [f"class {c}" for c in range(classes)],
        dice,
        text="Each Dice equals 2·IoU / (1 + IoU).",
    )
    accuracy = float(tp.sum() / T.size)
    miou = float(iou.mean())
    d.show("pixel accuracy and mean IoU", [accuracy, miou])
    background_accuracy = float(np.mean(T == 0))
    d.say(
        f"Predicting class 0 everywhere would score pixel accuracy {kit.fmt(background_accuracy)} but mean IoU "
        f"{kit.fmt(background_accuracy / classes)}: small classes count fully in mIoU."
    )
    return {"confusion": confusion, "iou": iou, "dice": dice, "pixel_accuracy": accuracy, "miou": miou}


@demo("unet-shapes")
def unet_shapes(d: Demo, size=None, depth=None, padded=None, channels=None):
    """Feature-map sizes and channels through a U-Net, unpadded as in the original (572 in, 388 out) or padded."""
    size = d.number("size", size, 572, low=16, high=4096, integer=True)
    depth = d.number("depth", depth, 4, low=1, high=6, integer=True)
    padded = d.number("padded", padded, 0, low=0, high=1, integer=True)
    base = d.number("channels", channels, 64, low=1, high=512, integer=True)
    shrink = 0 if padded else 4  # two 3x3 convolutions without padding lose 2 pixels each
    encoder, current = [], size
    for level in range(depth):
        current -= shrink
        if current <= 0 or current % 2:
            raise DemoInputError(
                f"size {size} gives an odd or empty map ({current}) before pooling at level {level + 1}; "
                "pick a size that stays even, e.g. 572 for depth 4 unpadded"
            )
        encoder.append(current)
        current //= 2
    current -= shrink
    if current <= 0:
        raise DemoInputError(f"size {size} is too small for depth {depth}")
    bottom = current
    decoder, crops = [], []
    for level in reversed(range(depth)):
        current *= 2  # 2x2 up-convolution
        crops.append((encoder[level] - current) // 2)  # the skip is centre-cropped to the decoder's size
        current -= shrink
        decoder.append(current)
    rows = [[lvl + 1, s, base * 2**lvl] for lvl, s in enumerate(encoder)]
    d.show("encoder: level, size after its two convs, channels", rows)
    d.show("bottleneck size and channels", [bottom, base * 2**depth])
    d.show("decoder: size after each level's two convs", decoder)
    d.show(
        "pixels cropped from each side of the skipped encoder map",
        crops,
        text="Concatenation needs equal sizes; unpadded convolutions make the encoder map larger.",
    )
    d.say(f"Input {size}×{size} gives an output map of {current}×{current}.")
    return {"encoder": encoder, "bottleneck": bottom, "decoder": decoder, "crops": crops, "output": current}


@demo("vit-tokens")
def vit_tokens(d: Demo, image=None, patch=None, channels=None, width=None, mask_ratio=None):
    """ViT patch and token counts for an image and patch size, their attention matrix, and MAE's visible share."""
    image = d.number("image", image, 224, low=8, high=2048, integer=True)
    patch = d.number("patch", patch, 16, low=1, high=256, integer=True)
    channels = d.number("channels", channels, 3, low=1, high=16, integer=True)
    width = d.number("width", width, 768, low=8, high=8192, integer=True)
    ratio = d.number("mask_ratio", mask_ratio, 0.75, low=0.0, high=0.95)
    if image % patch:
        raise DemoInputError(f"image {image} must be a multiple of patch {patch}, so the patches tile it")
    side = image // patch
    n = side * side
    d.show(
        f"patches: ({image}/{patch})²",
        n,
        text=f"A {side}×{side} grid; with the class token the sequence has {n + 1} tokens.",
    )
    d.show("values per patch P²·C", patch * patch * channels)
    d.show("patch-embedding parameters P²·C·D + D", patch * patch * channels * width + width)
    d.show("attention-score entries per head and layer (N + 1)²", (n + 1) ** 2)
    if patch % 2 == 0:
        finer = (image // (patch // 2)) ** 2
        d.say(
            f"Patch {patch // 2} would give {finer} patches, {kit.fmt(finer / n)}× as many, and about "
            f"{kit.fmt(((finer + 1) / (n + 1)) ** 2)}× the attention entries."
        )
    visible = int(n * (1 - ratio))
    d.show(
        f"MAE with {ratio:.0%} masked: patches the encoder sees",
        visible,
        text=f"Its attention matrix shrinks by {kit.fmt(((n + 1) / (visible + 1)) ** 2)}× (class token included).",
    )
    return {
        "patches": n,
        "tokens": n + 1,
        "patch_values": patch * patch * channels,
        "embedding_params": patch * patch * channels * width + width,
        "attention_entries": (n + 1) ** 2,
        "mae_visible": visible,
    }


@demo("clip-contrastive")
def clip_contrastive(d: Demo, images=None, texts=None, temperature=None):
    """CLIP's symmetric loss over a batch's image-text similarity matrix, and zero-shot picks from the same matrix."""
    img = d.array("images", images, lambda: kit.rounded_normal(d, (4, 6)), ndim=2)
    txt = d.array("texts", texts, lambda: kit.rounded(img + 0.6 * d.rng.standard_normal(img.shape), 1), ndim=2)
    if img.shape != txt.shape or not 2 <= img.shape[0] <= 16 or img.shape[1] > 64:
        raise DemoInputError(
            f"images and texts must have the same shape, 2 to 16 rows and at most 64 columns; "
            f"got {img.shape} and {txt.shape}"
        )
    if np.any(np.linalg.norm(img, axis=1) == 0) or np.any(np.linalg.norm(txt, axis=1) == 0):
        raise DemoInputError("every embedding needs a nonzero length to be normalised")
    tau = d.number("temperature", temperature, 0.07, low=0.01, high=10.0)
    u = kit.unit_rows(img)
    v = kit.unit_rows(txt)
    logits = u @ v.T / tau
    d.show(f"cosine similarities / τ (τ = {tau:g}); row = image, column = caption", kit.rounded(logits, 2))
    n = len(img)
    i2t = float(-np.mean(np.diag(kit.log_softmax(logits))))
    t2i = float(-np.mean(np.diag(kit.log_softmax(logits.T))))
    d.show("cross-entropy over rows (image → text) and over columns (text → image)", [i2t, t2i])
    d.show(
        "CLIP loss = their mean",
        (i2t + t2i) / 2,
        text=f"Each pair's {n - 1} other captions and images are its negatives.",
    )
    picks = np.argmax(logits, axis=1)
    d.show(
        "zero-shot: caption picked for each image",
        picks + 1,
        text=f"{int(np.sum(picks == np.arange(n)))} of {n} images pick their own caption; "
        "with class prompts as the captions this is zero-shot classification.",
    )
    flat = float(-np.mean(np.diag(kit.log_softmax(u @ v.T / 1.0))))
    d.say(f"At τ = 1 the image → text loss would be {kit.fmt(flat)}: a flat softmax barely separates the pairs.")
    return {
        "logits": logits,
        "loss_image_to_text": i2t,
        "loss_text_to_image": t2i,
        "loss": (i2t + t2i) / 2,
        "picks": picks + 1,
    }
