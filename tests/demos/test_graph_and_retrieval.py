"""Demos of the graph and retrieval topic, each checked against an independent plain-Python computation."""

from __future__ import annotations

import math
import re
from collections import Counter

import pytest

from quizprep.demos import run_demo
from quizprep.demos.framework import DemoInputError
from quizprep.demos.graph_and_retrieval import CORPUS
from tests.helpers.reference import dot, matmul


def norm(v):
    return math.sqrt(sum(x * x for x in v))


def gcn_matrix(adjacency):
    """D̃^-1/2 (A + I) D̃^-1/2 entry by entry."""
    n = len(adjacency)
    tilde = [[adjacency[i][j] + (1 if i == j else 0) for j in range(n)] for i in range(n)]
    degree = [sum(row) for row in tilde]
    return [[tilde[i][j] / math.sqrt(degree[i] * degree[j]) for j in range(n)] for i in range(n)]


def test_embedding_similarity_by_hand():
    query, docs = [1, 2, 0], [[2, 4, 0], [0, 1, 1], [-1, 0, 3]]
    result = run_demo("embedding-similarity", {"query": query, "docs": docs}).result
    for i, doc in enumerate(docs):
        assert result["dot"][i] == pytest.approx(dot(query, doc))
        assert result["cosine"][i] == pytest.approx(dot(query, doc) / (norm(query) * norm(doc)))
        assert result["l2"][i] == pytest.approx(norm([q - x for q, x in zip(query, doc, strict=True)]))
        assert result["l2_unit"][i] ** 2 == pytest.approx(2 - 2 * result["cosine"][i])
    assert result["rankings"]["cosine"] == [1, 2, 3]  # doc 1 points exactly along the query
    assert result["rankings"]["dot"][0] == 1
    with pytest.raises(DemoInputError, match="docs must have 3 columns"):
        run_demo("embedding-similarity", {"query": query, "docs": [[1, 2]]})


def test_embedding_similarity_default_shows_dot_and_cosine_disagreeing():
    rankings = run_demo("embedding-similarity", {}, seed=3).result["rankings"]
    assert rankings["dot"][0] == 2 and rankings["cosine"][0] == 1


def test_in_batch_negatives_loss_by_hand():
    result = run_demo("in-batch-negatives", {"batch": 3, "dim": 5, "temperature": 0.5}, seed=2).result
    Q, P, H = result["Q"], result["P"], result["H"]
    losses, hard_losses, hard_weights = [], [], []
    for i in range(3):
        logits = [dot(Q[i], P[j]) / 0.5 for j in range(3)]
        assert result["similarity"][i] == pytest.approx(logits)
        total = sum(math.exp(v) for v in logits)
        losses.append(-math.log(math.exp(logits[i]) / total))
        hard = dot(Q[i], H[i]) / 0.5
        hard_losses.append(-math.log(math.exp(logits[i]) / (total + math.exp(hard))))
        hard_weights.append(math.exp(hard) / (total + math.exp(hard)))
    assert result["loss"] == pytest.approx(sum(losses) / 3)
    assert result["hard_loss"] == pytest.approx(sum(hard_losses) / 3)
    assert result["hard_p"] == pytest.approx(hard_weights)
    assert result["hard_loss"] > result["loss"]  # one more negative can only add to the denominator
    with pytest.raises(DemoInputError, match="temperature must be between"):
        run_demo("in-batch-negatives", {"temperature": 0})


def test_retrieval_metrics_by_hand():
    hits = [[1, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]]
    totals = [4, 1, 2]
    result = run_demo("retrieval-metrics", {"hits": hits, "total_relevant": totals, "k": 3}).result
    assert result["recall"] == pytest.approx([2 / 4, 0 / 1, 0 / 2])
    assert result["precision"] == pytest.approx([2 / 3, 0, 0])
    assert result["reciprocal_rank"] == pytest.approx([1, 1 / 4, 0])
    assert result["mrr"] == pytest.approx((1 + 0.25 + 0) / 3)
    default = run_demo("retrieval-metrics", {}).result  # ranks 2 and 5 of 3 relevant: recall@5 = 2/3, RR = 1/2
    assert default["recall"][0] == pytest.approx(2 / 3) and default["reciprocal_rank"][0] == pytest.approx(0.5)
    with pytest.raises(DemoInputError, match="at least the number of hits"):
        run_demo("retrieval-metrics", {"hits": hits, "total_relevant": [1, 1, 1]})


def test_retrieve_then_rerank_exact_cases():
    clean = run_demo("retrieve-then-rerank", {"docs": 50, "k": 2, "first_noise": 0, "rerank_noise": 0}).result
    assert clean["recall_at_k"] == pytest.approx(2 / 3)  # 3 relevant documents, only 2 fit in the top 2
    assert clean["mrr_first"] == 1.0 and clean["mrr_rerank"] == 1.0
    assert (clean["calls_all"], clean["calls_rerank"]) == (50, 2)
    # A perfect reranker finds a relevant document at rank 1 whenever the first stage kept one.
    noisy = run_demo(
        "retrieve-then-rerank", {"docs": 200, "k": 10, "first_noise": 1.0, "rerank_noise": 0}, seed=4
    ).result
    assert noisy["mrr_rerank"] >= noisy["mrr_first"]
    with pytest.raises(DemoInputError, match="k must be between"):
        run_demo("retrieve-then-rerank", {"docs": 30, "k": 31})


def test_rag_chunking_counts_by_formula():
    result = run_demo(
        "rag-chunking", {"length": 1000, "chunk": 200, "overlap": 50, "fact_start": 390, "fact_len": 30}
    ).result
    assert result["no_overlap"]["chunks"] == math.ceil(1000 / 200)
    assert result["overlap"]["chunks"] == 1 + math.ceil((1000 - 200) / (200 - 50))
    assert result["no_overlap"]["tokens stored"] == 1000
    assert result["overlap"]["tokens stored"] == 6 * 200 + (1000 - 900)  # the last chunk starts at 900
    assert result["no_overlap"]["chunk holding the whole fact"] is None  # tokens 390-419 cross the border at 400
    assert result["overlap"]["chunk holding the whole fact"] == 300
    assert result["context_tokens"] == 5 * 200
    with pytest.raises(DemoInputError, match="overlap must be between"):
        run_demo("rag-chunking", {"chunk": 100, "overlap": 100})


def test_ivf_search_extremes_and_consistency():
    result = run_demo("ivf-search", {"n": 400, "clusters": 8, "nprobe": 2, "dim": 4}, seed=1).result
    assert sum(result["sizes"]) == 400
    assert result["recall"][-1] == 1.0 and result["scanned"][-1] == pytest.approx(400)  # every cell probed
    assert all(a <= b for a, b in zip(result["recall"], result["recall"][1:], strict=False))
    assert all(a < b for a, b in zip(result["scanned"], result["scanned"][1:], strict=False))
    for p, recall in enumerate(result["recall"], start=1):
        assert recall == pytest.approx(sum(r < p for r in result["cell_rank"]) / len(result["cell_rank"]))
    with pytest.raises(DemoInputError, match="nprobe must be between"):
        run_demo("ivf-search", {"clusters": 8, "nprobe": 9})


def test_hnsw_search_layers_and_exhaustive_ef():
    result = run_demo("hnsw-search", {"n": 60, "m": 6, "ef": 200, "dim": 4}, seed=0).result
    sizes = result["layer_sizes"]
    assert sizes[0] == 60 and all(a >= b for a, b in zip(sizes, sizes[1:], strict=False))
    assert (
        result["recall"][result["ef"].index(200)] == 1.0
    )  # a candidate list larger than the graph finds the true neighbour
    assert result["distances"][0] < 60  # greedy search with ef = 1 touches only part of the graph
    with pytest.raises(DemoInputError, match="m must be between"):
        run_demo("hnsw-search", {"m": 1})


def test_product_quantization_table_lookups_by_hand():
    result = run_demo("product-quantization", {"n": 100, "dim": 8, "subspaces": 4, "bits": 3}, seed=5).result
    assert (result["bytes_float"], result["bytes_code"]) == (32, 4 * 3 / 8)
    q, books = result["query"], result["codebooks"]
    for i in (0, 17, 99):
        codes = result["codes"][i]
        assert all(0 <= c < 8 for c in codes)
        by_hand = sum(sum((q[2 * j + t] - books[j][codes[j]][t]) ** 2 for t in range(2)) for j in range(4))
        assert result["approx"][i] == pytest.approx(by_hand)
    with pytest.raises(DemoInputError, match="multiple of subspaces"):
        run_demo("product-quantization", {"dim": 10, "subspaces": 4})


def test_bm25_and_rank_fusion_by_hand():
    k1, b = 2.0, 0.5
    result = run_demo(
        "bm25-hybrid", {"query": "cat market", "k1": k1, "b": b, "dense_ranking": [2, 1, 3, 4, 5, 6]}
    ).result
    docs = [re.findall(r"[a-z0-9]+", text) for text in CORPUS]
    avgdl = sum(len(d) for d in docs) / len(docs)
    scores = []
    for doc in docs:
        total = 0.0
        for term in ("cat", "market"):
            containing = sum(1 for d in docs if term in d)
            idf = math.log(1 + (len(docs) - containing + 0.5) / (containing + 0.5))
            f = Counter(doc)[term]
            total += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * len(doc) / avgdl))
        scores.append(total)
    assert result["scores"] == pytest.approx(scores)
    sparse = sorted(range(1, 7), key=lambda i: -scores[i - 1])
    assert result["sparse_ranking"] == sparse
    dense = [2, 1, 3, 4, 5, 6]
    fused = [1 / (60 + sparse.index(i) + 1) + 1 / (60 + dense.index(i) + 1) for i in range(1, 7)]
    assert result["fused"] == pytest.approx(fused)
    with pytest.raises(DemoInputError, match="dense_ranking must list"):
        run_demo("bm25-hybrid", {"dense_ranking": [1, 1, 2, 3, 4, 5]})


def test_gcn_propagation_by_hand():
    A = [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
    H = [[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]]
    W = [[1.0, -1.0, 0.5], [2.0, 0.0, 1.0]]
    result = run_demo("gcn-propagation", {"adjacency": A, "features": H, "weight": W}).result
    A_hat = gcn_matrix(A)
    assert result["a_hat"] == [pytest.approx(row) for row in A_hat]
    assert A_hat[0][1] == pytest.approx(1 / math.sqrt(2 * 3))
    out = [[max(v, 0.0) for v in row] for row in matmul(matmul(A_hat, H), W)]
    assert result["output"] == [pytest.approx(row) for row in out]
    default = run_demo("gcn-propagation", {}).result  # node 0 of the star: 1/4 self + 1/√8 + 2/√12
    assert default["mixed"][0][0] == pytest.approx(1 / 4 + 0 / math.sqrt(8) + 1 / math.sqrt(12) + 3 / math.sqrt(12))
    with pytest.raises(DemoInputError, match="symmetric"):
        run_demo("gcn-propagation", {"adjacency": [[0, 1], [0, 0]]})


def test_over_smoothing_by_repeated_propagation():
    result = run_demo("over-smoothing", {"nodes": 6, "layers": 5, "alpha": 0.2}, seed=3).result
    A_hat = gcn_matrix(result["adjacency"])
    H = result["features"]
    for _ in range(5):
        H = matmul(A_hat, H)
    cosines = [dot(H[i], H[j]) / (norm(H[i]) * norm(H[j])) for i in range(6) for j in range(6) if i != j]
    assert result["plain"][-1] == pytest.approx(sum(cosines) / len(cosines))
    long = run_demo("over-smoothing", {"nodes": 8, "layers": 150}, seed=1).result
    assert long["plain"][-1] > 0.999  # the rows have all turned to one direction
    assert long["mixed"][-1] < long["plain"][-1]
    with pytest.raises(DemoInputError, match="alpha must be between"):
        run_demo("over-smoothing", {"alpha": 1.5})


def test_graphsage_sampling_bounds():
    result = run_demo("graphsage-sampling", {"nodes": 500, "degree": 40, "fanouts": [5, 3]}, seed=2).result
    assert result["inputs"] <= 5 + 5 * 3
    assert result["sampled"] <= result["inputs"] and result["sampled"] <= result["full"]
    assert norm(result["update"]) == pytest.approx(1.0) or norm(result["update"]) == 0.0
    with pytest.raises(DemoInputError, match="fanouts must be"):
        run_demo("graphsage-sampling", {"fanouts": [10, 10, 10, 10]})


def test_gat_attention_by_hand():
    A = [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
    H = [[1.0, 0.0, 2.0], [0.5, -1.0, 0.0], [2.0, 1.0, -1.0]]
    W = [[1.0, 0.0, -1.0], [0.5, 2.0, 0.0]]
    a = [1.0, -0.5, 0.3, 0.8]
    result = run_demo("gat-attention", {"adjacency": A, "features": H, "weight": W, "attention": a}).result
    Z = [[dot(row, h) for row in W] for h in H]
    for i in range(3):
        allowed = [j for j in range(3) if A[i][j] or i == j]
        raw = {j: dot(a[:2], Z[i]) + dot(a[2:], Z[j]) for j in allowed}
        e = {j: v if v > 0 else 0.2 * v for j, v in raw.items()}
        total = sum(math.exp(v) for v in e.values())
        expected = [math.exp(e[j]) / total if j in e else 0.0 for j in range(3)]
        assert result["alpha"][i] == pytest.approx(expected)
        out = [sum(expected[j] * Z[j][c] for j in range(3)) for c in range(2)]
        assert result["output"][i] == pytest.approx(out)
    with pytest.raises(DemoInputError, match="attention must have 4 entries"):
        run_demo("gat-attention", {"adjacency": A, "features": H, "weight": W, "attention": [1, 2]})


def test_graph_readout_permutation():
    result = run_demo("graph-readout", {"permutation": [4, 3, 2, 1, 0]}, seed=6).result
    assert result["equivariant"] is True
    out, permuted = result["output"], result["output_permuted"]
    for row in range(5):
        assert permuted[row] == pytest.approx(out[[4, 3, 2, 1, 0][row]])
    sums = [sum(r[c] for r in out) for c in range(2)]
    assert result["readouts"]["sum"][0] == pytest.approx(sums) and result["readouts"]["sum"][1] == pytest.approx(sums)
    with pytest.raises(DemoInputError, match="permutation must list"):
        run_demo("graph-readout", {"permutation": [0, 0, 1, 2, 3]})
