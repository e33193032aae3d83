"""Demos for the graph and retrieval topic: similarity of embeddings, in-batch negatives, retrieval metrics,
reranking, chunking, approximate nearest-neighbour indexes (IVF, HNSW, product quantization), BM25 with rank
fusion, and graph neural network layers (GCN, GraphSAGE, GAT), over-smoothing and readouts.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, demo

# Helpers


def order_of(scores: np.ndarray) -> np.ndarray:
    """Indexes from the highest score down; ties keep index order."""
    return np.argsort(-np.asarray(scores), kind="stable")


def reciprocal_rank(hits: np.ndarray) -> float:
    """1 / rank of the first relevant result (ranks start at 1), 0 when nothing relevant was returned."""
    found = np.flatnonzero(hits)
    return 1.0 / (found[0] + 1) if found.size else 0.0


def kmeans(points: np.ndarray, k: int, rng: np.random.Generator, iterations: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd's k-means from k distinct random points: (centroids, assignment of each point)."""
    centroids = points[rng.choice(len(points), size=k, replace=False)].copy()
    for _ in range(iterations):
        assign = squared_distances(points, centroids).argmin(axis=1)
        counts = np.bincount(assign, minlength=k)
        sums = np.stack([np.bincount(assign, weights=column, minlength=k) for column in points.T], axis=1)
        filled = counts > 0  # an empty cell keeps its old centroid
        centroids[filled] = sums[filled] / counts[filled, None]
    return centroids, squared_distances(points, centroids).argmin(axis=1)


def squared_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """||a_i - b_j||² for every pair of rows, clipped at 0 against rounding."""
    cross = np.einsum("ik,jk->ij", a, b)  # faster than a @ b.T for the thin slices PQ uses
    return np.maximum((a**2).sum(1)[:, None] - 2 * cross + (b**2).sum(1)[None, :], 0.0)


def clustered_points(rng: np.random.Generator, n: int, dim: int, centres: int = 24) -> np.ndarray:
    """Points around random centres, the lumpy shape real embedding sets tend to have."""
    middles = rng.normal(0.0, 1.0, (centres, dim))
    return middles[rng.integers(0, centres, n)] + rng.normal(0.0, 0.6, (n, dim))


def adjacency_matrix(d: Demo, value, default, max_nodes: int = 20) -> np.ndarray:
    """A symmetric 0/1 adjacency matrix without self-loops."""
    A = d.array("adjacency", value, default, ndim=2)
    square = A.shape[0] == A.shape[1] and 2 <= A.shape[0] <= max_nodes
    d.require(square, f"adjacency must be square with 2 to {max_nodes} nodes; got shape {A.shape}")
    d.require(bool(np.all((A == 0) | (A == 1))), "adjacency must hold only 0 (no edge) and 1 (edge)")
    d.require(bool(np.all(A == A.T)), "adjacency must be symmetric: edge i-j at both [i][j] and [j][i]")
    d.require(bool(np.all(np.diag(A) == 0)), "adjacency needs a zero diagonal: the layer adds self-loops itself")
    return A


def node_features(d: Demo, value, nodes: int, width: int = 2, default=None) -> np.ndarray:
    fallback = default if default is not None else (lambda: kit.rounded_normal(d, (nodes, width)))
    H = d.array("features", value, fallback, ndim=2)
    d.require(
        H.shape[0] == nodes and H.shape[1] <= 16, f"features need {nodes} rows and at most 16 columns; got {H.shape}"
    )
    return H


def gcn_operator(A: np.ndarray) -> np.ndarray:
    """D̃^{-1/2} (A + I) D̃^{-1/2}: the GCN propagation matrix with self-loops."""
    A_tilde = A + np.eye(len(A))
    scale = 1.0 / np.sqrt(A_tilde.sum(axis=1))
    return A_tilde * scale[:, None] * scale[None, :]


SMALL_GRAPH = [[0, 1, 1, 1], [1, 0, 0, 0], [1, 0, 0, 1], [1, 0, 1, 0]]  # node 0 is a hub; 2 and 3 also touch
SMALL_FEATURES = [[1.0, 0.0], [0.0, 2.0], [1.0, 1.0], [3.0, 0.0]]


# Embeddings and retrieval


@demo("embedding-similarity")
def embedding_similarity(d: Demo, query=None, docs=None):
    """Dot product, cosine and Euclidean distance rank documents differently until the vectors are normalised."""

    def default_docs():
        q = np.array([1.0, 0.5, 0.0, 0.2])
        near = q + kit.rounded_normal(d, 4, 0.1)
        off = 4.0 * np.array([0.2, 1.0, 0.9, 0.0])  # a long vector at a wide angle to the query
        return kit.rounded(np.stack([near, off, kit.rounded_normal(d, 4)]), 2)

    q = d.array("query", query, [1.0, 0.5, 0.0, 0.2], ndim=1)
    D = d.array("docs", docs, default_docs, ndim=2)
    fits = D.shape[1] == q.size and q.size <= 64 and len(D) <= 20
    d.require(fits, f"docs must have {q.size} columns (at most 64) and at most 20 rows; got {D.shape}")
    d.require(np.linalg.norm(q) > 0 and bool(np.all(np.linalg.norm(D, axis=1) > 0)), "vectors must be non-zero")
    dot = D @ q
    cosine = dot / (np.linalg.norm(D, axis=1) * np.linalg.norm(q))
    l2 = np.linalg.norm(D - q, axis=1)
    names = [f"doc {i + 1}" for i in range(len(D))]
    d.show("document lengths ||d||", np.linalg.norm(D, axis=1))
    d.bars("dot product q·d (higher = closer)", names, dot)
    d.bars("cosine q·d / (||q|| ||d||)", names, cosine)
    d.bars("Euclidean distance ||q - d|| (lower = closer)", names, l2)
    rankings = {"dot": order_of(dot) + 1, "cosine": order_of(cosine) + 1, "l2": order_of(-l2) + 1}
    d.show(
        "rankings (document numbers, best first)",
        rankings,
        text="Dot rewards length, L2 punishes it, cosine ignores it.",
    )
    qn, Dn = q / np.linalg.norm(q), kit.unit_rows(D)
    l2_unit = np.linalg.norm(Dn - qn, axis=1)
    d.show("after normalising: ||q̂ - d̂||² and 2 - 2·cos", {"squared": l2_unit**2, "2 - 2 cos": 2 - 2 * cosine})
    d.say("On unit vectors dot product = cosine and squared distance = 2 - 2·cos, so all three rank alike.")
    return {"dot": dot, "cosine": cosine, "l2": l2, "rankings": rankings, "l2_unit": l2_unit}


@demo("in-batch-negatives")
def in_batch_negatives(d: Demo, batch=None, dim=None, temperature=None, hard_noise=None):
    """In-batch negatives: cross-entropy on the diagonal of a B x B similarity matrix, plus one hard negative each."""
    side = d.side_rng()
    B = d.number("batch", batch, 4, low=2, high=32, integer=True)
    dim = d.number("dim", dim, 8, low=2, high=128, integer=True)
    tau = d.number("temperature", temperature, 0.1, low=0.01, high=10)
    noise = d.number("hard_noise", hard_noise, 1.0, low=0.0, high=5.0)
    # Noise vectors of length about 1: a positive is the query plus half of one, a hard negative the query plus
    # `hard_noise` of one (close, but less close), and the other rows' positives are unrelated directions.
    Q = kit.unit_rows(side.normal(0, 1, (B, dim)))
    P = kit.unit_rows(Q + 0.5 * side.normal(0, 1 / math.sqrt(dim), (B, dim)))
    H = kit.unit_rows(Q + noise * side.normal(0, 1 / math.sqrt(dim), (B, dim)))
    S = Q @ P.T / tau
    d.show(f"similarities q_i·p_j / τ (τ = {tau:g}); row i's positive is column i", S)
    p = kit.softmax(S)
    loss = float(-np.mean(np.log(np.diag(p))))
    d.say(f"Each row is a {B}-way classification; the other {B - 1} positives serve as free negatives.")
    d.show("loss = mean over rows of -log softmax(row)[i]", loss)
    S_hard = np.concatenate([S, np.sum(Q * H, axis=1, keepdims=True) / tau], axis=1)
    p_hard = kit.softmax(S_hard)
    loss_hard = float(-np.mean(np.log(np.diag(p_hard[:, :B]))))
    easy = np.array([np.delete(p_hard[i, :B], i).mean() for i in range(B)])
    d.show(
        "cosine of each query with its hard negative and (mean) with in-batch negatives",
        {"hard": np.sum(Q * H, axis=1), "in-batch": [np.delete(Q[i] @ P.T, i).mean() for i in range(B)]},
    )
    d.bars("gradient weight (softmax probability) on the hard negative", [f"q{i + 1}" for i in range(B)], p_hard[:, B])
    d.show(
        "mean gradient weight on one in-batch negative",
        easy,
        text="The logit gradient p - y weights each negative by p.",
    )
    d.show("loss with the extra hard negative column", loss_hard)
    return {"similarity": S, "loss": loss, "hard_loss": loss_hard, "hard_p": p_hard[:, B], "Q": Q, "P": P, "H": H}


def hit_matrix(d: Demo, hits, total_relevant):
    default = [[0, 1, 0, 0, 1, 0], [1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]]
    M = d.array("hits", hits, default, ndim=2, integer=True)
    valid = bool(np.all((M == 0) | (M == 1))) and M.shape[1] <= 1000 and len(M) <= 100
    d.require(valid, "hits must be 0/1 rows (1 = relevant at that rank), at most 100 x 1000")
    fallback = [3, 1, 2] if hits is None else np.maximum(M.sum(axis=1), 1)
    totals = d.array("total_relevant", total_relevant, fallback, ndim=1, integer=True)
    d.require(len(totals) == len(M), f"total_relevant needs one count per query ({len(M)})")
    enough = bool(np.all(totals >= M.sum(axis=1))) and bool(np.all(totals >= 1))
    d.require(enough, "total_relevant must be at least 1 and at least the number of hits in that row")
    return M, totals


@demo("retrieval-metrics")
def retrieval_metrics(d: Demo, hits=None, total_relevant=None, k=None):
    """Recall@k, precision@k and mean reciprocal rank from which ranks of each result list hold relevant documents."""
    M, totals = hit_matrix(d, hits, total_relevant)
    k = d.number("k", k, min(5, M.shape[1]), low=1, high=M.shape[1], integer=True)
    d.show("hits: row = query, column = rank 1, 2, ...; 1 = relevant", M)
    d.show("relevant documents that exist per query", totals)
    recall = M[:, :k].sum(axis=1) / totals
    precision = M[:, :k].sum(axis=1) / k
    rr = np.array([reciprocal_rank(row) for row in M])
    d.show(f"recall@{k} = relevant in top {k} / all relevant", recall)
    d.show(f"precision@{k} = relevant in top {k} / {k}", precision)
    d.show("reciprocal rank = 1 / rank of the first relevant result (0 if none)", rr)
    d.say(f"Means: recall@{k} = {kit.fmt(recall.mean())}, MRR = {kit.fmt(rr.mean())}; MRR sees only the first hit.")
    return {"recall": recall, "precision": precision, "reciprocal_rank": rr, "mrr": float(rr.mean())}


@demo("retrieve-then-rerank")
def retrieve_then_rerank(d: Demo, docs=None, k=None, first_noise=None, rerank_noise=None):
    """A cheap first stage keeps the top k, a costlier, sharper scorer reorders them: model calls and recall ceiling."""
    side = d.side_rng()
    n = d.number("docs", docs, 1000, low=20, high=20000, integer=True)
    k = d.number("k", k, 20, low=1, high=n, integer=True)
    s1 = d.number("first_noise", first_noise, 0.5, low=0.0, high=5.0)
    s2 = d.number("rerank_noise", rerank_noise, 0.15, low=0.0, high=5.0)
    queries, relevant = 100, 3
    rel = np.zeros((queries, n))
    rel[:, :relevant] = 1.0  # the first 3 documents of every query are its relevant ones
    first = rel + side.normal(0, s1, rel.shape)
    second = rel + side.normal(0, s2, rel.shape)
    d.say(f"Simulated: relevance (1 for {relevant} of {n} documents) plus noise σ = {s1:g} (first), {s2:g} (rerank).")
    order = np.argsort(-first, axis=1, kind="stable")
    top = order[:, :k]
    reranked = np.take_along_axis(top, np.argsort(-np.take_along_axis(second, top, 1), axis=1, kind="stable"), 1)
    hits_first = np.take_along_axis(rel, top, 1)
    hits_rerank = np.take_along_axis(rel, reranked, 1)
    recall_k = float(hits_first.sum() / (queries * relevant))
    mrr_first = float(np.mean([reciprocal_rank(h) for h in hits_first]))
    mrr_rerank = float(np.mean([reciprocal_rank(h) for h in hits_rerank]))
    d.show(
        "model calls per query",
        {"bi-encoder encodings": 1, "dot products": n, "cross-encoder on all": n, f"rerank the top {k}": k},
    )
    d.show(f"first stage: recall@{k} and MRR", [recall_k, mrr_first])
    d.show(f"after reranking: recall@{k} and MRR", [float(hits_rerank.sum() / (queries * relevant)), mrr_rerank])
    d.say(
        f"MRR moved from {kit.fmt(mrr_first)} to {kit.fmt(mrr_rerank)}; recall@{k} cannot: dropped documents stay out."
    )
    result = {"recall_at_k": recall_k, "mrr_first": mrr_first, "mrr_rerank": mrr_rerank}
    return {**result, "calls_all": n, "calls_rerank": k}


def chunk_starts(length: int, size: int, overlap: int) -> list[int]:
    """Start offsets of fixed-size chunks with `overlap` tokens shared by neighbours; the last chunk may be short."""
    step = size - overlap
    starts = [0]
    while starts[-1] + size < length:
        starts.append(starts[-1] + step)
    return starts


@demo("rag-chunking")
def rag_chunking(d: Demo, length=None, chunk=None, overlap=None, fact_start=None, fact_len=None, top_k=None):
    """Fixed-size chunks with and without overlap: counts, stored tokens, whether a fact stays whole, context used."""
    length = d.number("length", length, 1000, low=10, high=1_000_000, integer=True)
    size = d.number("chunk", chunk, 200, low=2, high=length, integer=True)
    overlap = d.number("overlap", overlap, 50, low=0, high=size - 1, integer=True)
    start = d.number("fact_start", fact_start, min(390, length - 1), low=0, high=length - 1, integer=True)
    flen = d.number("fact_len", fact_len, min(30, length - start), low=1, high=length - start, integer=True)
    top_k = d.number("top_k", top_k, 5, low=1, high=1000, integer=True)
    found = {}
    for label, ov in (("no overlap", 0), (f"overlap {overlap}", overlap)):
        starts = chunk_starts(length, size, ov)
        whole = [s for s in starts if s <= start and start + flen <= s + size]
        stored = sum(min(s + size, length) - s for s in starts)
        holder = whole[0] if whole else None
        found[label] = {"chunks": len(starts), "tokens stored": stored, "chunk holding the whole fact": holder}
        d.show(f"{label}: chunk starts", starts if len(starts) <= 30 else starts[:30])
    d.show(f"a fact at tokens {start}..{start + flen - 1}", found)
    d.say(
        f"The top {top_k} chunks fill up to {top_k * size} prompt tokens; small chunks are sharp but hold less context."
    )
    return {"no_overlap": found["no overlap"], "overlap": found[f"overlap {overlap}"], "context_tokens": top_k * size}


# Approximate nearest neighbours


@demo("ivf-search")
def ivf_search(d: Demo, n=None, clusters=None, nprobe=None, dim=None):
    """An inverted-file index: k-means cells, and how nprobe trades vectors scanned against finding the neighbour."""
    side = d.side_rng()
    n = d.number("n", n, 2000, low=100, high=10000, integer=True)
    nlist = d.number("clusters", clusters, 32, low=2, high=min(128, n // 4), integer=True)
    nprobe = d.number("nprobe", nprobe, 4, low=1, high=nlist, integer=True)
    dim = d.number("dim", dim, 16, low=2, high=32, integer=True)
    data = clustered_points(side, n, dim)
    queries = clustered_points(side, 50, dim)
    centroids, cell = kmeans(data, nlist, side)
    sizes = np.bincount(cell, minlength=nlist)
    d.show(f"{n} vectors in {nlist} cells: smallest, mean, largest", [int(sizes.min()), n / nlist, int(sizes.max())])
    true_nn = squared_distances(queries, data).argmin(axis=1)
    probe_order = np.argsort(squared_distances(queries, centroids), axis=1, kind="stable")
    # position of the true neighbour's cell in each query's probe order: it is found once nprobe exceeds it
    cell_rank = np.array([int(np.flatnonzero(probe_order[i] == cell[true_nn[i]])[0]) for i in range(len(queries))])
    probes = np.arange(1, nlist + 1)
    recall = np.array([np.mean(cell_rank < p) for p in probes])
    scanned = np.array([np.mean(sizes[probe_order[:, :p]].sum(axis=1)) for p in probes])
    d.series("recall@1 and fraction scanned against nprobe", {"recall@1": recall, "scanned": scanned / n}, x=probes)
    d.show(
        f"at nprobe = {nprobe}",
        {
            "vectors scanned (mean)": scanned[nprobe - 1],
            "N·nprobe/nlist": n * nprobe / nlist,
            "recall@1": recall[nprobe - 1],
        },
        text=f"Each query also compares with all {nlist} centroids first.",
    )
    d.say("A neighbour just across a cell border is missed by one probe; more probes find it at a linear cost.")
    return {"sizes": sizes, "recall": recall, "scanned": scanned, "cell_rank": cell_rank}


def layered_graph(points: np.ndarray, m: int, rng: np.random.Generator):
    """HNSW-style layers: level floor(-ln U / ln m) per point; links to the m nearest on each layer (2m on layer 0)."""
    levels = np.floor(-np.log(1.0 - rng.random(len(points))) / math.log(m)).astype(int)
    layers = []
    for level in range(int(levels.max()) + 1):
        members = np.flatnonzero(levels >= level)
        width = min(2 * m if level == 0 else m, len(members) - 1)
        links: dict[int, set[int]] = {int(i): set() for i in members}
        if width > 0:
            dist = squared_distances(points[members], points[members])
            np.fill_diagonal(dist, np.inf)
            for row, i in enumerate(members):
                for j in members[np.argsort(dist[row], kind="stable")[:width]]:
                    links[int(i)].add(int(j))
                    links[int(j)].add(int(i))
        layers.append(links)
    return layers, int(np.flatnonzero(levels == levels.max())[0])


def layered_search(points, layers, entry, q, ef):
    """Greedy descent through the upper layers, then a best-first search keeping ef candidates on layer 0."""
    count = 1
    best, best_d = entry, float(np.sum((points[entry] - q) ** 2))
    for links in reversed(layers[1:]):
        moved = True
        while moved:
            moved = False
            near = list(links[best])
            if not near:
                break
            dist = np.sum((points[near] - q) ** 2, axis=1)
            count += len(near)
            if dist.min() < best_d:
                best, best_d, moved = near[int(dist.argmin())], float(dist.min()), True
    visited = {best}
    frontier = [(best_d, best)]
    found = [(-best_d, best)]  # max-heap of the ef best so far
    while frontier:
        dist_c, c = heapq.heappop(frontier)
        if dist_c > -found[0][0] and len(found) >= ef:
            break
        fresh = [j for j in layers[0][c] if j not in visited]
        visited.update(fresh)
        if not fresh:
            continue
        dist = np.sum((points[fresh] - q) ** 2, axis=1)
        count += len(fresh)
        for j, dj in zip(fresh, dist, strict=True):
            if len(found) < ef or dj < -found[0][0]:
                heapq.heappush(frontier, (float(dj), j))
                heapq.heappush(found, (-float(dj), j))
                if len(found) > ef:
                    heapq.heappop(found)
    return max(found)[1], count


@demo("hnsw-search")
def hnsw_search(d: Demo, n=None, m=None, ef=None, dim=None):
    """A small layered navigable graph: greedy descent, then a search with ef candidates, against a brute-force scan."""
    side = d.side_rng()
    n = d.number("n", n, 500, low=50, high=3000, integer=True)
    m = d.number("m", m, 6, low=2, high=32, integer=True)
    ef = d.number("ef", ef, 8, low=1, high=200, integer=True)
    dim = d.number("dim", dim, 8, low=2, high=32, integer=True)
    points = clustered_points(side, n, dim)
    queries = clustered_points(side, 20, dim)
    layers, entry = layered_graph(points, m, side)
    d.show("nodes per layer, top layer last", [len(links) for links in layers])
    d.say(
        "Built from exact neighbours for brevity; real indexes insert points one by one with a search (efConstruction)."
    )
    truth = squared_distances(queries, points).argmin(axis=1)
    efs = sorted({1, 2, 4, 8, 16, 32, 64, ef})
    recall, cost = [], []
    for e in efs:
        runs = [layered_search(points, layers, entry, q, e) for q in queries]
        recall.append(np.mean([r[0] == t for r, t in zip(runs, truth, strict=True)]))
        cost.append(np.mean([r[1] for r in runs]))
    d.series(
        "recall@1 and distance computations against ef", {"recall@1": recall, "cost / N": np.array(cost) / n}, x=efs
    )
    at = efs.index(ef)
    d.show(f"at ef = {ef}", {"recall@1": recall[at], "distances computed (mean)": cost[at], "brute force": n})
    return {"layer_sizes": [len(links) for links in layers], "ef": efs, "recall": recall, "distances": cost}


@demo("product-quantization")
def product_quantization(d: Demo, n=None, dim=None, subspaces=None, bits=None):
    """Product quantization: sub-vectors coded with their own small codebooks, distances summed from a look-up table."""
    side = d.side_rng()
    n = d.number("n", n, 1000, low=100, high=5000, integer=True)
    dim = d.number("dim", dim, 32, low=2, high=128, integer=True)
    m = d.number("subspaces", subspaces, 8, low=1, high=dim, integer=True)
    bits = d.number("bits", bits, 6, low=1, high=8, integer=True)
    d.require(dim % m == 0, f"dim ({dim}) must be a multiple of subspaces ({m}) so every sub-vector has the same size")
    k = 2**bits
    d.require(n >= 2 * k, f"n must be at least 2·2^bits = {2 * k} to train {k} centroids per subspace")
    data = clustered_points(side, n, dim)
    q = clustered_points(side, 1, dim)[0]
    sub = dim // m
    codebooks, codes = [], np.zeros((n, m), dtype=int)
    for j in range(m):
        centroids, codes[:, j] = kmeans(data[:, j * sub : (j + 1) * sub], k, side, iterations=8)
        codebooks.append(centroids)
    table = np.stack([np.sum((codebooks[j] - q[j * sub : (j + 1) * sub]) ** 2, axis=1) for j in range(m)])
    approx = table[np.arange(m)[None, :], codes].sum(axis=1)
    exact = np.sum((data - q) ** 2, axis=1)
    d.show("bytes per vector: float32 against the code", {"float32": 4 * dim, f"{m} codes x {bits} bits": m * bits / 8})
    d.show("look-up table: m x 2^bits squared distances from the query's sub-vectors", list(table.shape))
    d.say("The distance to a coded vector is a sum of m table entries; no vector is decoded.")
    top10 = set(order_of(-approx)[:10].tolist())
    nn = int(exact.argmin())
    overlap = len(top10 & set(order_of(-exact)[:10].tolist())) / 10
    corr = float(np.corrcoef(approx, exact)[0, 1])
    d.show(
        "quality", {"corr(approx, exact)": corr, "true neighbour in PQ top 10": nn in top10, "top-10 overlap": overlap}
    )
    sizes = {"bytes_float": 4 * dim, "bytes_code": m * bits / 8}
    return {**sizes, "approx": approx, "exact": exact, "codes": codes, "codebooks": codebooks, "query": q}


# Sparse retrieval and fusion

CORPUS = [
    "the cat sat on the mat",
    "a dog chased the cat around the garden and the cat ran",
    "cats and dogs are common pets",
    "the stock market fell sharply today",
    "market prices for cat food rose",
    "a fox jumped over the lazy dog",
]


def bm25_scores(docs: list[list[str]], query: list[str], k1: float, b: float) -> tuple[np.ndarray, dict]:
    """BM25 with the non-negative idf ln(1 + (N - n + 0.5)/(n + 0.5)); returns scores and each term's idf."""
    N = len(docs)
    avgdl = sum(len(doc) for doc in docs) / N
    idf = {
        t: math.log(1 + (N - sum(t in doc for doc in docs) + 0.5) / (sum(t in doc for doc in docs) + 0.5))
        for t in set(query)
    }
    scores = np.zeros(N)
    for i, doc in enumerate(docs):
        counts = Counter(doc)
        for t in query:
            f = counts[t]
            scores[i] += idf[t] * f * (k1 + 1) / (f + k1 * (1 - b + b * len(doc) / avgdl))
    return scores, idf


def rank_by_doc(ranking) -> dict[int, int]:
    """Document number -> its rank (from 1) in a best-first list."""
    return {int(doc): r + 1 for r, doc in enumerate(ranking)}


@demo("bm25-hybrid")
def bm25_hybrid(d: Demo, query=None, k1=None, b=None, dense_ranking=None, rrf_k=None):
    """BM25 on a six-document corpus, term-frequency saturation, and reciprocal rank fusion with a dense ranking."""
    if query is None:
        query = "cat food market"
    d.require(isinstance(query, str) and 0 < len(kit.words(query)) <= 20, "query must be a text of 1 to 20 words")
    d.params["query"] = query
    k1 = d.number("k1", k1, 1.2, low=0.0, high=10.0)
    b = d.number("b", b, 0.75, low=0.0, high=1.0)
    dense = d.array("dense_ranking", dense_ranking, [3, 5, 1, 2, 4, 6], ndim=1, integer=True)
    d.require(
        sorted(dense.tolist()) == list(range(1, 7)),
        "dense_ranking must list the document numbers 1 to 6 once each, best first",
    )
    c = d.number("rrf_k", rrf_k, 60, low=0, high=1000)
    docs = [kit.words(text) for text in CORPUS]
    scores, idf = bm25_scores(docs, kit.words(query), k1, b)
    d.show("idf per query term (rarer = larger)", idf)
    d.bars("BM25 score per document", [f"{i + 1}: {text[:28]}" for i, text in enumerate(CORPUS)], scores)
    saturation = [f * (k1 + 1) / (f + k1) for f in range(6)]
    d.show(
        f"term-frequency factor f(k1+1)/(f+k1) for f = 0..5 at average length (k1 = {k1:g})",
        saturation,
        text="Repeating a word helps less and less; b scales how much long documents are discounted.",
    )
    d.say("'cats' does not match 'cat': exact tokens only, which is where a dense retriever helps.")
    sparse_rank = order_of(scores) + 1
    rs, rd = rank_by_doc(sparse_rank), rank_by_doc(dense)
    fused = np.array([1 / (c + rs[i]) + 1 / (c + rd[i]) for i in range(1, 7)])
    d.show(
        "rankings (document numbers, best first)",
        {"BM25": sparse_rank, "dense (given)": dense, f"RRF, score Σ 1/({c:g} + rank)": order_of(fused) + 1},
    )
    d.say("Fusion uses ranks only, so BM25 scores and cosine similarities need no common scale.")
    return {
        "scores": scores,
        "idf": idf,
        "sparse_ranking": sparse_rank,
        "fused": fused,
        "fused_ranking": order_of(fused) + 1,
    }


# Graph neural networks


@demo("gcn-propagation")
def gcn_propagation(d: Demo, adjacency=None, features=None, weight=None):
    """One GCN layer H' = ReLU(D̃^-1/2 (A + I) D̃^-1/2 H W): self-loops, degree scaling, mixing, transform."""
    A = adjacency_matrix(d, adjacency, SMALL_GRAPH)
    H = node_features(d, features, len(A), default=SMALL_FEATURES if adjacency is None else None)
    W = d.array(
        "weight",
        weight,
        lambda: [[1.0, 0.5], [-0.5, 1.0]] if H.shape[1] == 2 else kit.rounded_normal(d, (H.shape[1], 2)),
        ndim=2,
    )
    d.require(
        W.shape[0] == H.shape[1] and W.shape[1] <= 16,
        f"weight must have {H.shape[1]} rows (one per feature) and at most 16 columns; got {W.shape}",
    )
    degrees = A.sum(axis=1) + 1
    A_hat = gcn_operator(A)
    d.show("degrees with the self-loop, d̃_i", degrees)
    d.show("Â = D̃^-1/2 (A + I) D̃^-1/2, entry 1/√(d̃_i d̃_j) on edges and the diagonal", A_hat)
    mixed = A_hat @ H
    terms = " + ".join(f"{kit.fmt(A_hat[0, j])}·h{j}" for j in np.flatnonzero(A_hat[0]))
    d.show("messages mixed: Â H", mixed, text=f"Node 0 receives {terms} (nodes numbered from 0).")
    out = kit.relu(mixed @ W)
    d.show("H' = ReLU(Â H W)", out)
    d.say("The same W serves every node, and each node only reads its neighbours and itself.")
    return {"a_hat": A_hat, "mixed": mixed, "output": out}


@demo("over-smoothing")
def over_smoothing(d: Demo, nodes=None, layers=None, alpha=None):
    """Repeated GCN propagation makes node features alike; mixing the input back in (APPNP-style) keeps them apart."""
    side = d.side_rng()
    n = d.number("nodes", nodes, 12, low=3, high=200, integer=True)
    depth = d.number("layers", layers, 32, low=1, high=200, integer=True)
    alpha = d.number("alpha", alpha, 0.1, low=0.0, high=1.0)
    A = np.zeros((n, n))
    ring = np.arange(n)
    A[ring, (ring + 1) % n] = A[(ring + 1) % n, ring] = 1  # a ring keeps the graph connected
    for i, j in side.integers(0, n, (n // 2, 2)):
        if i != j:
            A[i, j] = A[j, i] = 1
    A_hat = gcn_operator(A)
    H0 = side.normal(0, 1, (n, 4))
    plain, mixed = H0.copy(), H0.copy()
    sim_plain, sim_mixed = [mean_cosine(H0)], [mean_cosine(H0)]
    for _ in range(depth):
        plain = A_hat @ plain
        mixed = (1 - alpha) * A_hat @ mixed + alpha * H0
        sim_plain.append(mean_cosine(plain))
        sim_mixed.append(mean_cosine(mixed))
    d.say(f"A ring of {n} nodes plus random chords, random 4-d features, propagated by Â alone (no weights, no ReLU).")
    d.series(
        "mean cosine similarity between node features by depth",
        {"Â^k H": sim_plain, f"(1-α)ÂH + αH0, α = {alpha:g}": sim_mixed},
        x=list(range(depth + 1)),
    )
    d.say(f"After {depth} layers the plain mean cosine is {kit.fmt(sim_plain[-1])}: rows align, each scaled by √d̃_i.")
    return {"plain": sim_plain, "mixed": sim_mixed, "adjacency": A, "features": H0}


def mean_cosine(H: np.ndarray) -> float:
    """Mean cosine similarity over all pairs of distinct rows."""
    U = kit.unit_rows(H)
    S = U @ U.T
    n = len(H)
    return float((S.sum() - np.trace(S)) / (n * (n - 1)))


@demo("graphsage-sampling")
def graphsage_sampling(d: Demo, nodes=None, degree=None, fanouts=None):
    """GraphSAGE: nodes a full neighbourhood touches against fixed fan-out sampling, and one mean-aggregator update."""
    side = d.side_rng()
    n = d.number("nodes", nodes, 2000, low=50, high=20000, integer=True)
    deg = d.number("degree", degree, 30, low=1, high=min(200, n - 1), integer=True)
    fan = d.array("fanouts", fanouts, [25, 10], ndim=1, integer=True)
    d.require(
        1 <= fan.size <= 3 and bool(np.all((fan >= 1) & (fan <= 100))),
        "fanouts must be 1 to 3 whole numbers from 1 to 100, one per layer",
    )
    pairs = side.integers(0, n, (n * deg // 2, 2))
    neighbours: list[set[int]] = [set() for _ in range(n)]
    for i, j in pairs:
        if i != j:
            neighbours[i].add(int(j))
            neighbours[j].add(int(i))
    full, frontier = {0}, {0}
    sampled_total, sampled_frontier, inputs, hops = {0}, [0], 0, []
    for f in fan:
        frontier = {j for i in frontier for j in neighbours[i]} - full
        full |= frontier
        nxt = []
        for i in sampled_frontier:
            pool = sorted(neighbours[i])
            pick = side.choice(pool, size=min(int(f), len(pool)), replace=False) if pool else []
            nxt.extend(int(j) for j in pick)
        inputs += len(nxt)
        sampled_total |= set(nxt)
        sampled_frontier = nxt
        hops.append(nxt)
    bound = int(sum(np.cumprod(fan)))
    d.show(
        f"{len(fan)}-hop receptive field of node 0 (average degree about {deg})",
        {
            "full neighbourhood": len(full) - 1,
            "distinct sampled nodes": len(sampled_total) - 1,
            f"sampled inputs (at most {bound})": inputs,
        },
    )
    h = side.normal(0, 1, (n, 3))
    W = kit.rounded_normal(d, (3, 6))
    first = hops[0]
    agg = h[first].mean(axis=0) if first else np.zeros(3)
    new = kit.relu(W @ np.concatenate([h[0], agg]))
    norm = np.linalg.norm(new)
    d.show(
        "node 0: h_v, the mean of sampled neighbours, and ReLU(W [h_v ; mean])",
        {"h_v": h[0], "mean": agg, "update": new},
    )
    d.say("Self and neighbours are concatenated, then scaled to unit length; W also serves nodes unseen in training.")
    return {
        "full": len(full) - 1,
        "sampled": len(sampled_total) - 1,
        "inputs": inputs,
        "update": new / norm if norm > 0 else new,
    }


@demo("gat-attention")
def gat_attention(d: Demo, adjacency=None, features=None, weight=None, attention=None):
    """GAT attention: e_ij = LeakyReLU(a·[W h_i ‖ W h_j]) softmaxed over each node's neighbours and itself."""
    A = adjacency_matrix(d, adjacency, SMALL_GRAPH)
    H = node_features(d, features, len(A), width=3)
    W = d.array("weight", weight, lambda: kit.rounded_normal(d, (2, H.shape[1])), ndim=2)
    d.require(
        W.shape[1] == H.shape[1] and W.shape[0] <= 16,
        f"weight must have {H.shape[1]} columns (one per feature) and at most 16 rows; got {W.shape}",
    )
    a = d.array("attention", attention, lambda: kit.rounded_normal(d, 2 * W.shape[0]), ndim=1)
    d.require(a.size == 2 * W.shape[0], f"attention must have {2 * W.shape[0]} entries: [W h_i ‖ W h_j] is that long")
    Z = H @ W.T
    out_dim = W.shape[0]
    raw = (Z @ a[:out_dim])[:, None] + (Z @ a[out_dim:])[None, :]
    e = np.where(raw > 0, raw, 0.2 * raw)
    allowed = (A + np.eye(len(A))) > 0
    alpha = kit.softmax(np.where(allowed, e, -np.inf))
    d.show("W h_j for every node", Z)
    d.show("scores e_ij = LeakyReLU_0.2(a·[W h_i ‖ W h_j]) on edges and self-loops", np.where(allowed, e, np.nan))
    d.show("α_ij = softmax over j in N(i) ∪ {i}", alpha)
    gcn = gcn_operator(A)
    d.bars(
        "node 0: GAT weights (learned, data-dependent) and GCN weights (fixed by degree)",
        [f"GAT α_0{j}" for j in range(len(A))] + [f"GCN Â_0{j}" for j in range(len(A))],
        np.concatenate([alpha[0], gcn[0]]),
    )
    out = alpha @ Z
    d.show("h'_i = Σ_j α_ij W h_j (before the nonlinearity)", out)
    d.say("GCN's weights are fixed by degrees; these come from the features through W and a, so they can be learned.")
    return {"alpha": alpha, "output": out}


@demo("graph-readout")
def graph_readout(d: Demo, permutation=None):
    """Permuting nodes permutes a GCN layer's output (equivariance); sum, mean and max readouts stay (invariance).

    The layer uses tanh here; any elementwise nonlinearity keeps the same symmetry.
    """
    A = np.array([[0, 1, 1, 0, 0], [1, 0, 1, 0, 0], [1, 1, 0, 1, 0], [0, 0, 1, 0, 1], [0, 0, 0, 1, 0]], dtype=float)
    H = kit.rounded_normal(d, (5, 2))
    W = kit.rounded_normal(d, (2, 2))
    perm = d.array("permutation", permutation, lambda: d.rng.permutation(5), ndim=1, integer=True)
    d.require(sorted(perm.tolist()) == list(range(5)), "permutation must list the node numbers 0 to 4 once each")
    P = np.eye(5)[perm]
    out = np.tanh(gcn_operator(A) @ H @ W)
    out_perm = np.tanh(gcn_operator(P @ A @ P.T) @ (P @ H) @ W)
    d.show("layer output tanh(Â H W) for the original order", out)
    d.show(f"layer output after relabelling nodes in the order {perm.tolist()}", out_perm)
    equivariant = bool(np.allclose(out_perm, P @ out))
    d.say(f"The second is the first with its rows permuted the same way: {equivariant}.")
    readouts = {
        name: [f(out, axis=0), f(out_perm, axis=0)] for name, f in (("sum", np.sum), ("mean", np.mean), ("max", np.max))
    }
    d.show("readouts (original, permuted)", readouts)
    d.say("Graph-level readouts agree whatever the order; an MLP on the flattened rows would not.")
    small, large = np.ones((2, 1)), np.ones((4, 1))
    d.show(
        "two graphs of all-1 nodes, 2 and 4 nodes: sum, mean, max",
        {"2 nodes": [small.sum(), small.mean(), small.max()], "4 nodes": [large.sum(), large.mean(), large.max()]},
        text="Mean and max cannot tell them apart; sum counts.",
    )
    return {"output": out, "output_permuted": out_perm, "equivariant": equivariant, "readouts": readouts}
