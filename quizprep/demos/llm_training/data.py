"""Demos of the LLM training topic on the data side: the next-token loss and perplexity, and pretraining data
(mixtures, quality filters, MinHash deduplication)."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, demo

# The next-token objective and perplexity


@demo("lm-perplexity")
def lm_perplexity(d: Demo, probs=None, vocab=None, length=None, words=None):
    """Next-token losses of a toy bigram model under teacher forcing, and perplexity per token, in bits and per word."""
    vocab = d.number("vocab", vocab, 8, low=2, high=50, integer=True)
    length = d.number("length", length, 10, low=2, high=64, integer=True)
    table = np.round(d.rng.normal(0, 1.5, size=(vocab, vocab)), 2)  # logits of x_{t+1} given x_t
    tokens = d.rng.integers(0, vocab, size=length)
    if probs is None:
        d.say(
            f"A toy bigram model over {vocab} tokens reads the sequence {tokens.tolist()}. Teacher forcing: the "
            "prediction at each position is conditioned on the true previous token, and the targets are the inputs "
            "shifted left by one."
        )
        p_true = kit.softmax(table[tokens[:-1]])[np.arange(length - 1), tokens[1:]]
    else:
        p_true = kit.vector(d, "probs", probs, None, max_len=1000)
        d.require(bool(np.all((p_true > 0) & (p_true <= 1))), "probs are probabilities in (0, 1]")
        d.say("The probabilities the model gave to each true next token, as given.")
    nll = -np.log(p_true)
    mean = float(nll.mean())
    d.bars("probability of the true next token at each position", [f"t={i + 1}" for i in range(nll.size)], p_true)
    d.show("loss at each position, -ln p (nats)", kit.rounded(nll, 3))
    ppl, bits = math.exp(mean), mean / math.log(2)
    d.show(
        "mean loss and perplexity",
        [round(mean, 4), round(ppl, 4)],
        f"Mean {mean:.4f} nats = {bits:.4f} bits per token; e^{mean:.4f} = 2^{bits:.4f} = {ppl:.4f}, the reciprocal of "
        f"the geometric mean probability {math.exp(-mean):.4f}.",
    )
    n_words = d.number("words", words, max(1, round(nll.size / 1.5)), low=1, high=nll.size, integer=True)
    word_ppl = math.exp(nll.sum() / n_words)
    d.say(
        f"If these {nll.size} tokens spell {n_words} words, the same total loss per word gives a word-level perplexity "
        f"of {word_ppl:.4g} = {ppl:.4g}^({nll.size}/{n_words}); a model guessing uniformly scores {vocab} per token."
    )
    return {
        "tokens": tokens,
        "table": table,
        "p_true": p_true,
        "nll": nll,
        "mean_nats": mean,
        "mean_bits": bits,
        "ppl": ppl,
        "ppl_base2": 2.0**bits,
        "ppl_word": word_ppl,
        "uniform_ppl": float(vocab),
    }


# Pretraining data


MIXTURE_SOURCES = ["web", "code", "books", "wikipedia", "papers"]


@demo("data-mixture")
def data_mixture(d: Demo, sizes=None, weights=None, budget=None):
    """Sampling weights per data source against their sizes: tokens drawn and epochs over each source."""
    sizes = kit.vector(d, "sizes", sizes, [3000.0, 100.0, 25.0, 12.0, 30.0], min_len=2, max_len=12)
    weights = kit.vector(d, "weights", weights, [0.8, 0.07, 0.05, 0.05, 0.03], len(sizes))
    d.require(bool(np.all(sizes > 0)), "sizes are token counts in billions and must be positive")
    d.require(bool(np.all(weights >= 0)) and weights.sum() > 0, "weights must be non-negative with a positive sum")
    budget = d.number("budget", budget, 1000.0, low=1.0, high=1e6)
    names = MIXTURE_SOURCES if len(sizes) == len(MIXTURE_SOURCES) else [f"source {i + 1}" for i in range(len(sizes))]
    share = weights / weights.sum()
    drawn = share * budget
    epochs = drawn / sizes
    d.say(f"A run of {kit.fmt(budget)} billion tokens draws from {len(sizes)} sources with fixed sampling weights.")
    d.bars("share of the raw data (by size)", names, sizes / sizes.sum())
    d.bars("share of the training tokens (by weight)", names, share)
    d.show("billions of tokens drawn from each source", kit.rounded(drawn, 1))
    d.bars("epochs over each source", names, kit.rounded(epochs, 2))
    top = int(np.argmax(epochs))
    d.say(
        f"The small curated source '{names[top]}' is repeated {epochs[top]:.2f} times while the largest source is "
        f"{epochs[int(np.argmax(sizes))]:.2f} epochs: weights, not sizes, decide what the model sees."
    )
    sample = d.rng.choice(len(sizes), size=2000, p=share)
    empirical = np.bincount(sample, minlength=len(sizes)) / sample.size
    d.show("shares in 2,000 sampled documents", kit.rounded(empirical, 3))
    return {"names": names, "share": share, "tokens": drawn, "epochs": epochs, "sampled_share": empirical}


def unigram_perplexity(doc: np.ndarray, probs: np.ndarray) -> float:
    return float(np.exp(-np.mean(np.log(probs[doc]))))


def repeated_ngram_share(doc: np.ndarray, n: int = 3) -> float:
    """Fraction of the document's n-grams that are copies of an n-gram seen earlier in it."""
    grams = [tuple(doc[i : i + n]) for i in range(len(doc) - n + 1)]
    return 1.0 - len(set(grams)) / len(grams)


@demo("quality-filter")
def quality_filter(d: Demo, docs=None, max_perplexity=None, max_repeated=None, length=None):
    """Toy documents scored by a reference unigram model's perplexity and a repetition rule; kept if they pass both."""
    vocab = 40
    reference = 1.0 / np.arange(1, vocab + 1)  # Zipf: the word of rank r has probability proportional to 1/r
    reference /= reference.sum()
    length = d.number("length", length, 60, low=10, high=500, integer=True)
    max_ppl = d.number("max_perplexity", max_perplexity, 40.0, low=1.0, high=1e6)
    max_rep = d.number("max_repeated", max_repeated, 0.3, low=0.0, high=1.0)
    if docs is None:
        texts = {f"clean {i + 1}": d.rng.choice(vocab, size=length, p=reference) for i in range(3)}
        texts["gibberish"] = d.rng.integers(0, vocab, size=length)
        texts["rare-word spam"] = d.rng.integers(vocab - 5, vocab, size=length)
        texts["repeated phrase"] = np.resize(np.array([0, 1, 2, 0, 3]), length)
    else:
        d.require(isinstance(docs, list) and 0 < len(docs) <= 20, "docs is a list of up to 20 documents")
        texts = {
            f"doc {i + 1}": kit.vector(d, f"doc {i + 1}", doc, None, min_len=3, max_len=500).astype(int)
            for i, doc in enumerate(docs)
        }
        d.require(all(np.all((x >= 0) & (x < vocab)) for x in texts.values()), f"words are ids from 0 to {vocab - 1}")
    names = list(texts)
    ppl = np.array([unigram_perplexity(texts[n], reference) for n in names])
    rep = np.array([repeated_ngram_share(texts[n]) for n in names])
    kept = (ppl <= max_ppl) & (rep <= max_rep)
    d.say(
        f"A reference model (a Zipf unigram over {vocab} word ids, standing in for a model trained on curated text) "
        f"scores {len(names)} documents."
    )
    d.bars("perplexity under the reference model", names, kit.rounded(ppl, 1))
    d.bars("share of 3-grams that repeat earlier ones", names, kit.rounded(rep, 3))
    d.show("kept (1) or dropped (0)", kept.astype(int))
    sneaky = [n for n, p, r in zip(names, ppl, rep, strict=True) if p <= max_ppl < np.inf and r > max_rep]
    d.say(
        f"Perplexity above {kit.fmt(max_ppl)} drops text unlike the reference"
        + (
            f"; {', '.join(sneaky)} looks fluent to the model and is caught only by the repetition rule."
            if sneaky
            else "."
        )
    )
    return {"names": names, "perplexity": ppl, "repeated": rep, "kept": kept}


def shingles(words: list[int], n: int) -> set[tuple[int, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


MERSENNE = (1 << 61) - 1  # a prime for the hash family h(x) = (a·x + b) mod p


def minhash_signature(ids: list[int], a: np.ndarray, b: np.ndarray) -> list[int]:
    """The minimum of each hash function (a_i·x + b_i) mod p over the shingle ids, in exact integer arithmetic."""
    return [min((int(ai) * x + int(bi)) % MERSENNE for x in ids) for ai, bi in zip(a, b, strict=True)]


@demo("minhash-dedup")
def minhash_dedup(d: Demo, docs=None, edits=None, hashes=None, bands=None, rows=None, length=None):
    """MinHash estimates of Jaccard similarity between a document, an edited copy and an unrelated text; LSH banding."""
    length = d.number("length", length, 80, low=10, high=400, integer=True)
    edits = d.number("edits", edits, 4, low=0, high=length, integer=True)
    k = d.number("hashes", hashes, 100, low=1, high=400, integer=True)
    bands = d.number("bands", bands, 20, low=1, high=100, integer=True)
    rows = d.number("rows", rows, 5, low=1, high=20, integer=True)
    if docs is None:
        original = d.rng.integers(0, 500, size=length).tolist()
        edited = list(original)
        for pos in d.rng.choice(length, size=edits, replace=False):
            edited[int(pos)] = int(d.rng.integers(500, 1000))  # a word the original never uses
        texts = {"original": original, "edited copy": edited, "unrelated": d.rng.integers(0, 500, size=length).tolist()}
        d.say(f"Three documents of {length} words; the copy differs from the original in {edits} words.")
    else:
        d.require(isinstance(docs, list) and 2 <= len(docs) <= 6, "docs is a list of 2 to 6 documents of word ids")
        texts = {
            f"doc {i + 1}": kit.vector(d, f"doc {i + 1}", doc, None, min_len=3, max_len=400).astype(int).tolist()
            for i, doc in enumerate(docs)
        }
        d.say(f"{len(texts)} documents of word ids.")
    sets = {name: shingles(words, 3) for name, words in texts.items()}
    ids = {g: i for i, g in enumerate(sorted(set().union(*sets.values())))}
    a, b = d.rng.integers(1, MERSENNE, size=k), d.rng.integers(0, MERSENNE, size=k)
    sigs = {name: np.array(minhash_signature([ids[g] for g in s], a, b)) for name, s in sets.items()}
    d.say(f"Each becomes its set of word 3-grams, summarised by the minima of {k} random hash functions.")
    pairs = list(combinations(texts, 2))
    true_j = [len(sets[x] & sets[y]) / len(sets[x] | sets[y]) for x, y in pairs]
    est_j = [float(np.mean(sigs[x] == sigs[y])) for x, y in pairs]
    d.show(
        "Jaccard similarity per pair: exact, MinHash estimate",
        [[f"{x} / {y}", round(t, 3), round(e, 3)] for (x, y), t, e in zip(pairs, true_j, est_j, strict=True)],
    )
    grid = np.linspace(0, 1, 21)
    d.series(
        f"chance of becoming a candidate pair with {bands} bands of {rows} rows",
        {"P(candidate)": 1 - (1 - grid**rows) ** bands},
        x=grid,
    )
    candidate = [1 - (1 - j**rows) ** bands for j in true_j]
    d.say(
        f"The S-curve rises around J = (1/{bands})^(1/{rows}) = {(1 / bands) ** (1 / rows):.2f}. The most similar pair "
        f"(J = {max(true_j):.2f}) becomes a candidate with probability {max(candidate):.4f}, the least similar "
        f"(J = {min(true_j):.2f}) with {min(candidate):.2g}."
    )
    return {
        "pairs": [f"{x} / {y}" for x, y in pairs],
        "jaccard": true_j,
        "estimate": est_j,
        "candidate_probability": candidate,
    }
