"""Drills of the graph and retrieval topic: answers recomputed by hand from the problem's params."""

from __future__ import annotations

import math

from tests.helpers.drills import hand_formula_test, solution_ending_test


def cosine_similarity(p):
    a, b = p["a"], p["b"]
    return [sum(x * y for x, y in zip(a, b, strict=True)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))]


def gcn_node_value(p):
    nodes = range(1, 5)
    linked = {(i, j) for i, j in p["edges"]} | {(j, i) for i, j in p["edges"]} | {(i, i) for i in nodes}
    degree = {i: sum((i, j) in linked for j in nodes) for i in nodes}
    v = p["node"]
    return [sum(p["h"][j - 1] / math.sqrt(degree[v] * degree[j]) for j in nodes if (v, j) in linked)]


def recall_mrr(p):
    k, queries = p["k"], p["queries"]
    recall = sum(len([r for r in q["hits"] if r <= k]) / q["total"] for q in queries) / len(queries)
    mrr = sum((1 / min(q["hits"])) if q["hits"] else 0 for q in queries) / len(queries)
    return [recall, mrr]


def ivf_vectors_scanned(p):
    scanned = p["n"] / p["nlist"] * p["nprobe"]
    return [scanned, scanned + p["nlist"]]


EXPECTED = {
    "cosine-similarity": cosine_similarity,
    "gcn-node-value": gcn_node_value,
    "recall-mrr": recall_mrr,
    "ivf-vectors-scanned": ivf_vectors_scanned,
}


test_answer_matches_the_hand_formula_and_grades = hand_formula_test(EXPECTED)
test_worked_solution_ends_with_the_answer = solution_ending_test(EXPECTED)
