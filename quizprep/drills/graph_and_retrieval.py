"""Drills for the graph and retrieval topic: cosine similarity, one GCN propagation step, recall@k with MRR,
and the work an IVF index does per query."""

from __future__ import annotations

import math

import numpy as np

from quizprep.drills import Problem
from quizprep.drills.framework import drill
from quizprep.drills.kit import EXACT, decimals, num, paren, pick, rounded, vec


@drill("cosine-similarity")
def cosine_similarity(rng: np.random.Generator) -> Problem:
    """Cosine similarity of two small vectors"""
    size = pick(rng, [3, 4])
    a = [int(v) for v in rng.integers(-3, 5, size)]
    b = [int(v) for v in rng.integers(-3, 5, size)]
    if not any(a):
        a[0] = 2
    if not any(b):
        b[-1] = 1
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    na, nb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(y * y for y in b))
    cosine = dot / (na * nb)
    return Problem(
        prompt=f"What is the cosine similarity of the vectors a = {vec(a)} and b = {vec(b)}? (3 decimals)",
        answer=[cosine],
        solution=[
            f"a·b = {' + '.join(f'{paren(x)}·{paren(y)}' for x, y in zip(a, b, strict=True))} = {dot}",
            f"||a|| = √{sum(x * x for x in a)} = {rounded(na)}, ||b|| = √{sum(y * y for y in b)} = {rounded(nb)}",
            f"cos = {dot} / ({rounded(na)} · {rounded(nb)}) = {rounded(cosine)}",
        ],
        **decimals(3),
        params={"a": a, "b": b},
    )


GRAPHS = {
    "a path 1-2-3-4": [(1, 2), (2, 3), (3, 4)],
    "a star with centre 1 and leaves 2, 3, 4": [(1, 2), (1, 3), (1, 4)],
    "a triangle 1-2-3 with node 4 attached to node 3": [(1, 2), (2, 3), (1, 3), (3, 4)],
    "a square 1-2-3-4-1": [(1, 2), (2, 3), (3, 4), (4, 1)],
}


@drill("gcn-node-value")
def gcn_node_value(rng: np.random.Generator) -> Problem:
    """One GCN propagation step for one node of a four-node graph"""
    shape = pick(rng, sorted(GRAPHS))
    edges = GRAPHS[shape]
    h = [int(v) for v in rng.integers(-2, 6, 4)]
    node = int(rng.integers(1, 5))
    degree = {i: 1 + sum(i in e for e in edges) for i in range(1, 5)}  # with the self-loop
    neighbours = sorted({j for e in edges if node in e for j in e if j != node})
    terms = [(j, h[j - 1] / math.sqrt(degree[node] * degree[j])) for j in [node, *neighbours]]
    value = sum(t for _, t in terms)
    shown = " + ".join(f"{paren(h[j - 1])}/√({degree[node]}·{degree[j]})" for j, _ in terms)
    return Problem(
        prompt=(
            f"An undirected graph is {shape}; the nodes have scalar features h = {vec(h)} for nodes 1 to 4. "
            f"One GCN step computes h' = D̃^-1/2 (A + I) D̃^-1/2 h, with degrees d̃ counting the self-loop, "
            f"no weight matrix and no activation. What is h' for node {node}? (3 decimals)"
        ),
        answer=[value],
        solution=[
            "degrees with self-loops: " + ", ".join(f"d̃{i} = {degree[i]}" for i in range(1, 5)),
            f"node {node} reads itself and {'nodes' if len(neighbours) > 1 else 'node'} "
            f"{', '.join(map(str, neighbours))}, each weighted 1/√(d̃_i d̃_j)",
            f"h'{node} = {shown} = {rounded(value)}",
        ],
        **decimals(3),
        params={"edges": [list(e) for e in edges], "h": h, "node": node},
    )


def ranks_text(hits: list[int]) -> str:
    if not hits:
        return "no relevant result in the top 10"
    plural = "s" if len(hits) > 1 else ""
    return f"relevant result{plural} at rank{plural} {', '.join(map(str, hits))}"


@drill("recall-mrr")
def recall_mrr(rng: np.random.Generator) -> Problem:
    """Mean recall@k and MRR of three ranked result lists"""
    k = pick(rng, [3, 5])
    queries = []
    for _ in range(3):
        total = int(rng.integers(1, 4))
        found = int(rng.integers(1, total + 1)) if rng.random() < 0.85 else 0
        hits = sorted(int(r) for r in rng.choice(np.arange(1, 11), size=found, replace=False))
        queries.append({"hits": hits, "total": total})
    recalls = [sum(r <= k for r in q["hits"]) / q["total"] for q in queries]
    rrs = [1 / q["hits"][0] if q["hits"] else 0.0 for q in queries]
    lines = [
        f"query {i + 1}: {ranks_text(q['hits'])}; "
        f"{q['total']} relevant document{'s exist' if q['total'] > 1 else ' exists'}"
        for i, q in enumerate(queries)
    ]
    recall, mrr = sum(recalls) / 3, sum(rrs) / 3
    return Problem(
        prompt=(
            "A retriever returns 10 ranked results per query (rank 1 is the top). "
            + "; ".join(lines)
            + f". What are the mean recall@{k} and the mean reciprocal rank over the three queries? "
            "Give both, separated by a semicolon, e.g. 0.5; 0.25 (3 decimals each)"
        ),
        answer=[recall, mrr],
        solution=[
            f"recall@{k} per query = relevant in the top {k} / relevant that exist: "
            + ", ".join(rounded(r) for r in recalls),
            "reciprocal rank per query = 1 / rank of the first relevant result (0 if none): "
            + ", ".join(rounded(r) for r in rrs),
            f"means: recall@{k} = {rounded(recall)}; MRR = {rounded(mrr)}",
        ],
        **decimals(3),
        params={"k": k, "queries": queries},
    )


@drill("ivf-vectors-scanned")
def ivf_vectors_scanned(rng: np.random.Generator) -> Problem:
    """Vectors an IVF index scans per query"""
    nlist = pick(rng, [100, 256, 1000, 1024, 4096])
    per_list = pick(rng, [100, 250, 500, 1000])
    n = nlist * per_list
    nprobe = pick(rng, [1, 4, 8, 16, 32])
    scanned = n * nprobe // nlist
    total = scanned + nlist
    return Problem(
        prompt=(
            f"An IVF index holds N = {n} vectors in nlist = {nlist} equally sized lists. "
            f"A query compares itself with every centroid, then scans the lists of the nprobe = {nprobe} closest. "
            "How many stored vectors does it scan, and how many distance computations does it make in total "
            "(centroids plus scanned vectors)? Give both, separated by a semicolon (whole numbers)"
        ),
        answer=[float(scanned), float(total)],
        solution=[
            f"each list holds N / nlist = {n} / {nlist} = {per_list} vectors",
            f"scanned = nprobe · N / nlist = {nprobe} · {per_list} = {num(scanned)}",
            f"total = nlist + scanned = {nlist} + {num(scanned)} = {num(total)} (brute force would be {num(n)})",
        ],
        **EXACT,
        params={"n": n, "nlist": nlist, "nprobe": nprobe},
    )
