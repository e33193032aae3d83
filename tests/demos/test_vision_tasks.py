"""Demos of the vision-tasks topic, each checked against an independent plain-Python computation: box overlaps by
hand, NMS and Soft-NMS loops, brute-force matching, AP by walking the ranking, and counting formulas."""

from __future__ import annotations

import itertools
import math

import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from tests.helpers.reference import random_grid


def iou(a, b):
    w = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def test_box_iou_default_and_giou():
    r = run_demo("box-iou").result
    # A = (10, 10, 50, 40), B = (30, 20, 70, 60): overlap 20 x 20, areas 1200 and 1600, hull 60 x 50
    assert r["intersection"] == 400 and r["union"] == 2400
    assert r["iou"] == pytest.approx(1 / 6)
    assert r["giou"] == pytest.approx(1 / 6 - (3000 - 2400) / 3000)


def test_box_iou_disjoint_boxes_and_bad_box():
    r = run_demo("box-iou", {"box_a": [0, 0, 2, 2], "box_b": [4, 0, 6, 2]}).result
    assert r["iou"] == 0 and r["giou"] == pytest.approx(0 - (12 - 8) / 12)
    with pytest.raises(DemoInputError, match="x2 > x1 and y2 > y1"):
        run_demo("box-iou", {"box_a": [5, 0, 2, 2]})


def greedy_nms(boxes, scores, threshold):
    order = sorted(range(len(boxes)), key=lambda i: -scores[i])
    kept = []
    while order:
        best = order.pop(0)
        kept.append(best + 1)
        order = [i for i in order if iou(boxes[best], boxes[i]) <= threshold]
    return kept


def soft_nms(boxes, scores, threshold, sigma, gaussian):
    scores, waiting = list(scores), list(range(len(boxes)))
    while waiting:
        best = max(waiting, key=lambda i: scores[i])
        waiting.remove(best)
        for i in waiting:
            overlap = iou(boxes[best], boxes[i])
            if gaussian:
                scores[i] *= math.exp(-overlap * overlap / sigma)
            elif overlap > threshold:
                scores[i] *= 1 - overlap
    return scores


def test_nms_default_loses_the_neighbour_soft_nms_keeps_it():
    run = run_demo("nms")
    r, p = run.result, run.params
    assert r["kept"] == greedy_nms(p["boxes"], p["scores"], p["threshold"]) == [1, 4]
    assert r["soft_linear"] == pytest.approx(soft_nms(p["boxes"], p["scores"], 0.5, 0.5, False))
    assert r["soft_gaussian"] == pytest.approx(soft_nms(p["boxes"], p["scores"], 0.5, 0.5, True))
    assert r["soft_linear"][2] > 5 * r["soft_linear"][1]  # box 3, a real neighbour, outranks duplicate box 2


def test_nms_user_boxes_and_bad_scores():
    boxes = [[0, 0, 10, 10], [1, 1, 11, 11], [5, 0, 15, 10], [20, 20, 30, 30]]
    scores = [0.6, 0.9, 0.8, 0.5]
    r = run_demo("nms", {"boxes": boxes, "scores": scores, "threshold": 0.3, "sigma": 0.3}).result
    assert r["kept"] == greedy_nms(boxes, scores, 0.3)
    assert r["soft_gaussian"] == pytest.approx(soft_nms(boxes, scores, 0.3, 0.3, True))
    with pytest.raises(DemoInputError, match="scores has length 2 but must have length 4"):
        run_demo("nms", {"boxes": boxes, "scores": [0.5, 0.4]})


def test_anchor_boxes_ious_labels_and_decoding():
    run = run_demo("anchor-boxes")
    r, p = run.result, run.params
    gt, (cx, cy) = p["truth"], p["center"]
    k = 0
    for size in p["sizes"]:
        for ratio in p["ratios"]:
            w, h = size * math.sqrt(ratio), size / math.sqrt(ratio)
            anchor = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]
            assert r["anchors"][k] == pytest.approx(anchor)
            assert r["ious"][k] == pytest.approx(iou(anchor, gt))
            k += 1
    best = max(range(k), key=lambda i: r["ious"][i])
    assert r["best"] == best + 1
    expected = [1 if i == best or v >= 0.7 else (0 if v < 0.3 else -1) for i, v in enumerate(r["ious"])]
    assert r["labels"] == expected
    a = r["anchors"][best]
    aw, ah = a[2] - a[0], a[3] - a[1]
    gw, gh = gt[2] - gt[0], gt[3] - gt[1]
    deltas = [
        (gt[0] + gw / 2 - a[0] - aw / 2) / aw,
        (gt[1] + gh / 2 - a[1] - ah / 2) / ah,
        math.log(gw / aw),
        math.log(gh / ah),
    ]
    assert r["deltas"] == pytest.approx(deltas)
    assert r["decoded"] == pytest.approx(gt)
    with pytest.raises(DemoInputError, match="sizes and ratios must be positive"):
        run_demo("anchor-boxes", {"ratios": [1, -2]})


def bilinear(F, u, v):
    rows, cols = len(F), len(F[0])
    u, v = min(max(u, 0), cols - 1), min(max(v, 0), rows - 1)
    j, i = min(math.floor(u), cols - 2), min(math.floor(v), rows - 2)
    fu, fv = u - j, v - i
    return (
        F[i][j] * (1 - fu) * (1 - fv)
        + F[i][j + 1] * fu * (1 - fv)
        + F[i + 1][j] * (1 - fu) * fv
        + F[i + 1][j + 1] * fu * fv
    )


def roi_align(F, roi, stride, bins, samples):
    x1, y1, x2, y2 = (c / stride for c in roi)
    bw, bh = (x2 - x1) / bins, (y2 - y1) / bins
    out = []
    for r in range(bins):
        row = []
        for c in range(bins):
            total = 0.0
            for sy in range(samples):
                for sx in range(samples):
                    u = x1 + (c + (sx + 0.5) / samples) * bw - 0.5
                    v = y1 + (r + (sy + 0.5) / samples) * bh - 0.5
                    total += bilinear(F, u, v)
            row.append(total / samples**2)
        out.append(row)
    return out


def r_feature():
    return [[i + 2 * j for j in range(10)] for i in range(10)]


def test_roi_align_is_exact_on_the_ramp_and_pooling_is_not():
    r = run_demo("roi-align").result
    # The ramp F[i, j] = i + 2j read at the bin centres of the RoI (3.25, 2.25)-(8.75, 7.25) in feature units,
    # shifted by half a cell because cell j's value sits at j + 0.5
    rows = [2.25 + (k + 0.5) * 2.5 - 0.5 for k in range(2)]
    cols = [3.25 + (k + 0.5) * 2.75 - 0.5 for k in range(2)]
    exact = [[v + 2 * u for u in cols] for v in rows]
    assert r["exact"] == [pytest.approx(row) for row in exact]
    assert r["aligned"] == [pytest.approx(row) for row in exact]
    assert r["aligned"] == [pytest.approx(row) for row in roi_align(r_feature(), [13, 9, 35, 29], 4, 2, 2)]
    # RoI pooling rounds the RoI to cells 3..9 by 2..7, splits rows into 2-4 and 5-7, columns into 3-6 and 6-9
    # (floor/ceil edges overlap), and takes each bin's largest i + 2j: its bottom-right cell
    assert r["pooled"] == [[4 + 2 * 6, 4 + 2 * 9], [7 + 2 * 6, 7 + 2 * 9]]
    assert (
        max(abs(a - b) for ra, rb in zip(r["pooled"], r["exact"], strict=True) for a, b in zip(ra, rb, strict=True)) > 1
    )


def test_roi_align_on_a_user_feature_map_and_bad_roi():
    F = random_grid(7, 6, 8)
    params = {"feature": F, "roi": [5, 3, 27, 19], "stride": 4, "bins": 3, "samples": 2}
    r = run_demo("roi-align", params).result
    assert r["aligned"] == [pytest.approx(row) for row in roi_align(F, [5, 3, 27, 19], 4, 3, 2)]
    with pytest.raises(DemoInputError, match="roi must lie inside the image"):
        run_demo("roi-align", {"roi": [0, 0, 100, 10]})


def brute_force(cost):
    n_q, n_t = len(cost), len(cost[0])
    best = min(itertools.permutations(range(n_q), n_t), key=lambda qs: sum(cost[q][t] for t, q in enumerate(qs)))
    return [q + 1 for q in best], sum(cost[q][t] for t, q in enumerate(best))


@pytest.mark.parametrize("cost", [None, random_grid(3, 6, 4), random_grid(4, 5, 5)])
def test_hungarian_matching_is_the_brute_force_optimum(cost):
    run = run_demo("hungarian-matching", {} if cost is None else {"cost": cost})
    C = run.params["cost"]
    assignment, total = brute_force(C)
    assert run.result["cost"] == pytest.approx(total)
    assert sum(C[q - 1][t] for t, q in enumerate(run.result["assignment"])) == pytest.approx(total)
    assert run.result["greedy_cost"] >= total - 1e-12
    if cost is None:
        assert run.result["assignment"] == assignment == [2, 1, 4]
        assert run.result["greedy_cost"] > total  # the default is built so greedy matching loses


def test_hungarian_rejects_more_objects_than_queries():
    with pytest.raises(DemoInputError, match="at most as many columns"):
        run_demo("hungarian-matching", {"cost": [[1, 2, 3], [4, 5, 6]]})


def ap_by_hand(ious, n_truth, threshold, points=None):
    """Walk the ranking; AP over every recall point (VOC 2010+) or over `points` sampled recall levels."""
    tp, prec, rec = 0, [], []
    for rank, v in enumerate(ious, start=1):
        tp += v >= threshold
        prec.append(tp / rank)
        rec.append(tp / n_truth)
    if points is None:
        total, last = 0.0, 0.0
        for i in range(len(ious)):
            if rec[i] > last:
                total += (rec[i] - last) * max(prec[i:])
                last = rec[i]
        return total
    levels = [k / (points - 1) for k in range(points)]
    return sum(max([p for p, q in zip(prec, rec, strict=True) if q >= r - 1e-12], default=0.0) for r in levels) / points


@pytest.mark.parametrize(
    "params", [{}, {"ious": [0.6, 0.0, 0.97, 0.0, 0.0, 0.51, 0.88], "n_truth": 5}, {"ious": [0.0, 0.9], "n_truth": 1}]
)
def test_average_precision_matches_hand_walk(params):
    run = run_demo("average-precision", params)
    r, p = run.result, run.params
    assert r["ap_all"] == pytest.approx(ap_by_hand(p["ious"], p["n_truth"], 0.5))
    assert r["ap_11"] == pytest.approx(ap_by_hand(p["ious"], p["n_truth"], 0.5, 11))
    assert r["ap_101"] == pytest.approx(ap_by_hand(p["ious"], p["n_truth"], 0.5, 101))
    thresholds = [0.5 + 0.05 * k for k in range(10)]
    coco = sum(ap_by_hand(p["ious"], p["n_truth"], th - 1e-9, 101) for th in thresholds) / 10
    assert r["coco_ap"] == pytest.approx(coco)


def test_average_precision_small_case_and_bad_truth_count():
    # FP then TP with one object: precision 1/2 at recall 1, so AP = 0.5 under every convention
    r = run_demo("average-precision", {"ious": [0.0, 0.9], "n_truth": 1}).result
    assert r["ap_all"] == r["ap_11"] == r["ap_101"] == pytest.approx(0.5)
    with pytest.raises(DemoInputError, match="n_truth must be between 3"):
        run_demo("average-precision", {"ious": [0.9, 0.8, 0.7], "n_truth": 2})


@pytest.mark.parametrize("seed", [0, 1])
def test_segmentation_metrics_match_counting(seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 3, size=(5, 7)).tolist()
    pred = rng.integers(0, 3, size=(5, 7)).tolist()
    r = run_demo("segmentation-metrics", {"truth": truth, "prediction": pred}).result
    cells = [(t, p) for rt, rp in zip(truth, pred, strict=True) for t, p in zip(rt, rp, strict=True)]
    for c in range(3):
        tp = sum(t == c and p == c for t, p in cells)
        fp = sum(t != c and p == c for t, p in cells)
        fn = sum(t == c and p != c for t, p in cells)
        assert r["iou"][c] == pytest.approx(tp / (tp + fp + fn))
        assert r["dice"][c] == pytest.approx(2 * r["iou"][c] / (1 + r["iou"][c]))
    assert r["pixel_accuracy"] == pytest.approx(sum(t == p for t, p in cells) / len(cells))
    assert r["miou"] == pytest.approx(sum(r["iou"]) / 3)


def test_segmentation_default_and_shape_mismatch():
    r = run_demo("segmentation-metrics").result
    # class 1: 4 true pixels, 4 predicted, 3 shared -> IoU 3/5; class 2 is missed entirely
    assert r["iou"][1] == pytest.approx(3 / 5) and r["iou"][2] == 0
    with pytest.raises(DemoInputError, match="truth is 6x6 but prediction is 2x2"):
        run_demo("segmentation-metrics", {"prediction": [[0, 1], [1, 0]]})


def unet_output(size, depth, padded):
    shrink = 0 if padded else 4
    sizes = []
    for _ in range(depth):
        size -= shrink
        sizes.append(size)
        size //= 2
    size -= shrink
    for _ in range(depth):
        size = size * 2 - shrink
    return size


@pytest.mark.parametrize(
    "params, expected", [({}, 388), ({"size": 256, "padded": 1}, 256), ({"size": 188, "depth": 2}, 148)]
)
def test_unet_shapes(params, expected):
    r = run_demo("unet-shapes", params).result
    p = {"size": 572, "depth": 4, "padded": 0} | params
    assert r["output"] == expected == unet_output(p["size"], p["depth"], p["padded"])
    with pytest.raises(DemoInputError, match="odd or empty map"):
        run_demo("unet-shapes", {"size": 570})


@pytest.mark.parametrize("params", [{}, {"image": 384, "patch": 16, "mask_ratio": 0.5}, {"image": 32, "patch": 4}])
def test_vit_token_counts(params):
    run = run_demo("vit-tokens", params)
    r, p = run.result, run.params
    n = (p["image"] // p["patch"]) ** 2
    assert r["patches"] == n and r["tokens"] == n + 1
    assert r["patch_values"] == p["patch"] ** 2 * p["channels"]
    assert r["embedding_params"] == p["patch"] ** 2 * p["channels"] * p["width"] + p["width"]
    assert r["attention_entries"] == (n + 1) ** 2
    assert r["mae_visible"] == int(n * (1 - p["mask_ratio"]))
    if not params:
        assert (r["patches"], r["tokens"], r["mae_visible"]) == (196, 197, 49)


def test_vit_rejects_patches_that_do_not_tile():
    with pytest.raises(DemoInputError, match="must be a multiple of patch"):
        run_demo("vit-tokens", {"image": 225})


def clip_loss(images, texts, tau):
    def unit(v):
        norm = math.sqrt(sum(x * x for x in v))
        return [x / norm for x in v]

    u, v = [unit(x) for x in images], [unit(x) for x in texts]
    logits = [[sum(a * b for a, b in zip(ui, vj, strict=True)) / tau for vj in v] for ui in u]
    n = len(u)

    def ce(rows):
        return sum(math.log(sum(math.exp(x) for x in row)) - row[i] for i, row in enumerate(rows)) / n

    columns = [[logits[i][j] for i in range(n)] for j in range(n)]
    return logits, ce(logits), ce(columns)


@pytest.mark.parametrize("tau", [0.07, 0.5])
def test_clip_symmetric_loss_matches_loops(tau):
    images = [[1.0, 0.2, -0.3], [0.1, 1.0, 0.4], [-0.5, 0.3, 1.0]]
    texts = [[0.9, 0.1, 0.0], [0.3, 0.8, 0.6], [-0.2, 0.1, 1.2]]
    r = run_demo("clip-contrastive", {"images": images, "texts": texts, "temperature": tau}).result
    logits, i2t, t2i = clip_loss(images, texts, tau)
    assert r["logits"] == [pytest.approx(row) for row in logits]
    assert r["loss_image_to_text"] == pytest.approx(i2t)
    assert r["loss_text_to_image"] == pytest.approx(t2i)
    assert r["loss"] == pytest.approx((i2t + t2i) / 2)
    assert r["picks"] == [max(range(3), key=lambda j, row=row: row[j]) + 1 for row in logits]


def test_clip_default_and_bad_shapes():
    run = run_demo("clip-contrastive", {}, 3)
    _, i2t, t2i = clip_loss(run.params["images"], run.params["texts"], 0.07)
    assert run.result["loss"] == pytest.approx((i2t + t2i) / 2)
    with pytest.raises(DemoInputError, match="same shape"):
        run_demo("clip-contrastive", {"images": [[1, 0], [0, 1]], "texts": [[1, 0, 0], [0, 1, 0]]})
