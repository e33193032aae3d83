"""Demos for the LLM training topic: the next-token loss and perplexity, pretraining data (mixtures, quality
filters, MinHash deduplication), scaling laws and training FLOPs, tokenizers in practice, learning-rate schedules
for long runs, stability fixes (z-loss, QK-norm), emergent abilities and the critical batch size."""

from __future__ import annotations

import math
from itertools import combinations

import numpy as np

from quizprep.demos import kit
from quizprep.demos.efficiency_and_data import CHINCHILLA, scaling_loss
from quizprep.demos.framework import Demo, DemoInputError, demo


def text_param(d: Demo, name: str, value, default: str, max_len: int = 200) -> str:
    """A string parameter of bounded length, recorded like the numeric ones (a candidate for kit)."""
    if value is None:
        value = default
    d.require(isinstance(value, str), f'{name} must be a text in quotes, like "hello", not {value!r}')
    d.require(0 < len(value) <= max_len, f"{name} must have between 1 and {max_len} characters; got {len(value)}")
    d.params[name] = value
    return value


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


# Scaling laws and compute


@demo("scaling-power-law")
def scaling_power_law(d: Demo, exponent=None, n_c=None, noise=None):
    """Losses following L = (N_c/N)^alpha lie on a line in log-log axes; a fit recovers alpha and extrapolates."""
    alpha = d.number("exponent", exponent, 0.076, low=0.001, high=2)
    n_c = d.number("n_c", n_c, 8.8e13, low=1e3, high=1e20)
    noise = d.number("noise", noise, 0.01, low=0.0, high=0.2)
    sizes = np.logspace(6, 9, 7)
    loss = (n_c / sizes) ** alpha * np.exp(d.rng.normal(0, noise, size=sizes.size))
    slope, intercept = np.polyfit(np.log(sizes), np.log(loss), 1)
    d.say(
        f"Seven small models from 1e6 to 1e9 parameters, with losses from L = ({n_c:.3g}/N)^{kit.fmt(alpha)} "
        f"times noise of {kit.fmt(noise)} in log space."
    )
    d.series("ln L against ln N: a straight line", {"ln L": np.log(loss)}, x=np.log(sizes))
    fitted = -slope
    big = np.array([1e10, 1e11])
    predicted = np.exp(intercept + slope * np.log(big))
    d.show("fitted exponent (the negative slope)", round(float(fitted), 4), f"The true exponent is {kit.fmt(alpha)}.")
    d.show(
        "predicted and true loss at 1e10 and 1e11 parameters",
        [kit.rounded(predicted, 4), kit.rounded((n_c / big) ** alpha, 4)],
    )
    d.say(
        f"Each tenfold increase in N multiplies the loss by 10^-{fitted:.3f} = {10**-fitted:.3f}: steady, small gains."
    )
    return {"sizes": sizes, "loss": loss, "fitted_exponent": float(fitted), "predicted": predicted}


@demo("training-flops-count")
def training_flops_count(d: Demo, width=None, tokens=None, layers=None, d_model=None, context=None):
    """Count the multiply-adds of a small MLP's forward and backward passes, then apply 6ND to a full-size model."""
    width = d.number("width", width, 8, low=1, high=64, integer=True)
    tokens = d.number("tokens", tokens, 16, low=1, high=256, integer=True)
    X = d.rng.normal(size=(tokens, width))
    W1, W2 = d.rng.normal(size=(width, 4 * width)), d.rng.normal(size=(4 * width, width))
    counted = {"forward": 0, "backward": 0}

    def matmul(a, b, phase):
        counted[phase] += 2 * a.shape[0] * a.shape[1] * b.shape[1]  # one multiply and one add per term
        return a @ b

    H = matmul(X, W1, "forward")
    Y = matmul(np.maximum(H, 0), W2, "forward")
    dY = np.ones_like(Y)
    matmul(np.maximum(H, 0).T, dY, "backward")  # gradient of W2
    dH = matmul(dY, W2.T, "backward") * (H > 0)  # gradient passed back to the hidden layer
    matmul(X.T, dH, "backward")  # gradient of W1
    matmul(dH, W1.T, "backward")  # gradient passed back to the input
    params = W1.size + W2.size
    per_token = {k: v / tokens for k, v in counted.items()}
    d.say(
        f"An MLP block {width} -> {4 * width} -> {width} ({params} weights) runs forward and backward on {tokens} "
        "tokens."
    )
    d.show(
        "FLOPs per token: forward, backward",
        [per_token["forward"], per_token["backward"]],
        f"That is {per_token['forward'] / params:g} per weight forward and {per_token['backward'] / params:g} "
        "backward, 6 in all.",
    )
    layers = d.number("layers", layers, 32, low=1, high=200, integer=True)
    d_model = d.number("d_model", d_model, 4096, low=64, high=65536, integer=True)
    context = d.number("context", context, 4096, low=1, high=1_000_000, integer=True)
    n = 12 * layers * d_model**2  # attention 4d² + MLP 8d² per layer, embeddings left out
    attention = 2 * layers * context * d_model  # extra forward FLOPs per token for scores and the weighted sum
    d.show(
        "full-size model: parameters N, forward 2N and attention extra per token",
        [float(n), float(2 * n), float(attention)],
        f"The attention term adds {attention / (2 * n):.1%} to the forward pass at a context of {context} tokens.",
    )
    return {
        "forward_per_token": per_token["forward"],
        "backward_per_token": per_token["backward"],
        "params": params,
        "model_params": float(n),
        "attention_share": attention / (2 * n),
    }


@demo("overtraining-lifetime-cost")
def overtraining_lifetime_cost(d: Demo, budget=None, served=None):
    """Smaller models trained longer to the same loss as the compute-optimal one: training plus inference FLOPs."""
    budget = d.number("budget", budget, 1e22, low=1e15, high=1e27)
    served = d.number("served", served, 2e12, low=0.0, high=1e16)
    E, A, B, a, b = (CHINCHILLA[k] for k in ("E", "A", "B", "alpha", "beta"))
    g = (a * A / (b * B)) ** (1 / (a + b))
    n_opt = g * (budget / 6) ** (b / (a + b))  # closed-form minimiser of the fitted loss at C = 6ND
    d_opt = budget / (6 * n_opt)
    target = float(scaling_loss(n_opt, d_opt, E, A, B, a, b))
    d.say(
        f"Under the Chinchilla fit, {budget:.3g} training FLOPs are best spent on N = {n_opt:.3g} parameters and "
        f"D = {d_opt:.3g} tokens, reaching a loss of {target:.4f}. Smaller models can reach it with more data."
    )
    factors = np.array([1.0, 0.75, 0.5, 0.35, 0.25])
    sizes = factors * n_opt
    gap = target - E - A / sizes**a
    data = (B / gap) ** (1 / b)
    train, infer = 6 * sizes * data, 2 * sizes * served
    labels = [f"{f:g}x" for f in factors]
    d.show("tokens needed per parameter for the same loss", kit.rounded(data / sizes, 1))
    d.bars("training FLOPs relative to the optimum", labels, kit.rounded(train / budget, 3))
    d.bars(
        f"training plus inference FLOPs for {served:.3g} served tokens, relative",
        labels,
        kit.rounded((train + infer) / budget, 3),
    )
    best = int(np.argmin(train + infer))
    d.say(
        f"With that much inference the cheapest choice over the model's life is the {labels[best]} model, "
        f"trained on {data[best] / sizes[best]:.0f} tokens per parameter."
    )
    return {
        "n_opt": n_opt,
        "d_opt": d_opt,
        "target_loss": target,
        "sizes": sizes,
        "tokens": data,
        "training_flops": train,
        "total_flops": train + infer,
        "best": best,
    }


# Tokenizers in practice

CHUNK = r" ?[^\W\d_]+| ?\d+| ?[^\s\w]+|\s+"  # letters of any script, digit runs, other symbols, spaces
BPE_CORPUS = (
    "the lower the better, the newest and the lowest. we train the tokenizer on these lines, then the model "
    "trains on the tokens; the newer the text, the better the tokens. lower, lowest, newer, newest, wider, widest."
)


def pre_split(text: str) -> list[bytes]:
    import re

    return [chunk.encode("utf-8") for chunk in re.findall(CHUNK, text)]


def merge_pair(seq: list[int], pair: tuple[int, int], new: int) -> list[int]:
    out, i = [], 0
    while i < len(seq):
        if i + 1 < len(seq) and (seq[i], seq[i + 1]) == pair:
            out.append(new)
            i += 2
        else:
            out.append(seq[i])
            i += 1
    return out


def train_byte_bpe(corpus: str, merges: int) -> list[tuple[int, int]]:
    """Byte-level BPE: start from the 256 byte values and repeatedly merge the most frequent adjacent pair
    (ties go to the smallest pair of ids) inside each pre-split chunk."""
    from collections import Counter

    words = Counter(tuple(chunk) for chunk in pre_split(corpus))
    seqs = {w: list(w) for w in words}
    rules: list[tuple[int, int]] = []
    for step in range(merges):
        pairs = Counter()
        for w, seq in seqs.items():
            for pair in zip(seq, seq[1:], strict=False):
                pairs[pair] += words[w]
        if not pairs:
            break
        best = min(pairs, key=lambda p: (-pairs[p], p))
        rules.append(best)
        seqs = {w: merge_pair(seq, best, 256 + step) for w, seq in seqs.items()}
    return rules


def byte_bpe_encode(text: str, rules: list[tuple[int, int]]) -> list[int]:
    ids: list[int] = []
    for chunk in pre_split(text):
        seq = list(chunk)
        for step, pair in enumerate(rules):
            seq = merge_pair(seq, pair, 256 + step)
        ids += seq
    return ids


def byte_bpe_decode(ids: list[int], rules: list[tuple[int, int]]) -> str:
    pieces = [bytes([i]) for i in range(256)]
    for a, b in rules:
        pieces.append(pieces[a] + pieces[b])
    return b"".join(pieces[i] for i in ids).decode("utf-8")


@demo("byte-level-bpe")
def byte_level_bpe(d: Demo, text=None, merges=None):
    """Byte-level BPE trained on English lines: any text encodes without unknown tokens, other scripts cost more."""
    text = text_param(d, "text", text, "the newest tokens; Ελλάδα; 東京; 🙂")
    merges = d.number("merges", merges, 60, low=0, high=300, integer=True)
    rules = train_byte_bpe(BPE_CORPUS, merges)
    ids = byte_bpe_encode(text, rules)
    d.say(
        f"{len(rules)} merges learned on a few English lines, on top of the 256 byte values. The text {text!r} "
        f"is {len(text)} characters, {len(text.encode('utf-8'))} UTF-8 bytes and {len(ids)} tokens."
    )
    first = [byte_bpe_decode([256 + i], rules) for i in range(min(8, len(rules)))]
    d.show("the first merged tokens", [repr(t) for t in first])
    parts = [p for p in text.replace(";", " ").split() if p]
    rows = [[len(p), len(p.encode("utf-8")), len(byte_bpe_encode(p, rules))] for p in parts]
    d.show("per word: characters, bytes, tokens", rows, f"Words: {parts}.")
    decoded = byte_bpe_decode(ids, rules)
    d.say(
        f"Decoding the {len(ids)} ids gives back the text exactly ({decoded == text}); every id is a byte or a "
        "merge of bytes, so no input needs an unknown token. Words in scripts the merges never saw fall back to "
        "one token per UTF-8 byte."
    )
    return {
        "merges": rules[:5],
        "ids": ids,
        "decoded": decoded,
        "bytes": len(text.encode("utf-8")),
        "per_word": rows,
        "words": parts,
    }


DEFAULT_PIECES = {"un": 0.08, "happi": 0.02, "happ": 0.01, "ness": 0.06, "iness": 0.01, "hap": 0.01, "pi": 0.01,
    "p": 0.02, "u": 0.02, "n": 0.03, "h": 0.02, "a": 0.04, "i": 0.03, "e": 0.05, "s": 0.05, "ne": 0.01, "ss": 0.01,
}  # fmt: skip


def segmentations(word: str, logp: dict[str, float]) -> list[tuple[float, list[str]]]:
    """Every way to split `word` into known pieces, with its total log-probability (exponential, so words are short)."""
    if not word:
        return [(0.0, [])]
    found = []
    for end in range(1, len(word) + 1):
        head = word[:end]
        if head in logp:
            found += [(logp[head] + score, [head, *rest]) for score, rest in segmentations(word[end:], logp)]
    return found


def viterbi_split(word: str, logp: dict[str, float]) -> tuple[float, list[str]]:
    best: list[tuple[float, list[str]] | None] = [(0.0, [])] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(end):
            piece = word[start:end]
            if best[start] is not None and piece in logp:
                score = best[start][0] + logp[piece]
                if best[end] is None or score > best[end][0]:
                    best[end] = (score, best[start][1] + [piece])
    if best[-1] is None:
        raise DemoInputError(f"no split of {word!r} uses only the given pieces; include its single characters")
    return best[-1]


@demo("unigram-segmentation")
def unigram_segmentation(d: Demo, word=None, pieces=None, alpha=None):
    """A unigram tokenizer: Viterbi picks the most probable split; sampling gives others (subword regularisation)."""
    word = text_param(d, "word", word, "unhappiness", max_len=16)
    pieces = DEFAULT_PIECES if pieces is None else pieces
    d.require(
        isinstance(pieces, dict) and 0 < len(pieces) <= 60,
        'pieces is a mapping of at most 60 pieces, like {"un": 0.1, "u": 0.05}',
    )
    d.require(all(isinstance(v, (int, float)) and v > 0 for v in pieces.values()), "piece probabilities must be > 0")
    alpha = d.number("alpha", alpha, 1.0, low=0.0, high=10.0)
    d.params["pieces"] = dict(pieces)
    total = sum(pieces.values())
    logp = {p: math.log(v / total) for p, v in pieces.items()}
    score, best = viterbi_split(word, logp)
    every = sorted(segmentations(word, logp), key=lambda s: -s[0])
    d.say(f"{len(pieces)} pieces with unigram probabilities; {word!r} can be split {len(every)} ways.")
    d.show("the five most probable splits, with log-probability", [[" ".join(s), round(v, 3)] for v, s in every[:5]])
    d.show("Viterbi's choice", " ".join(best), f"log p = {score:.3f}, the top of the list found without listing it.")
    weights = np.exp(alpha * (np.array([v for v, _ in every]) - every[0][0]))
    draws = d.rng.choice(len(every), size=6, p=weights / weights.sum())
    d.show(f"six splits sampled with p ∝ P(split)^{kit.fmt(alpha)}", [" ".join(every[i][1]) for i in draws])
    return {"best": best, "best_logp": score, "count": len(every), "sampled": [every[i][1] for i in draws]}


NUMBER_VOCAB = {"19", "20", "202", "2023", "99", "999", "100", "000", "12", "123", "45"}


def greedy_split(digits: str, vocab: set[str]) -> list[str]:
    """Longest match from the left, falling back to single digits, like a frequency-built vocabulary."""
    out, i = [], 0
    while i < len(digits):
        size = max((n for n in range(1, len(digits) - i + 1) if digits[i : i + n] in vocab), default=1)
        out.append(digits[i : i + size])
        i += size
    return out


def chunks(digits: str, size: int, from_right: bool) -> list[str]:
    if not from_right:
        return [digits[i : i + size] for i in range(0, len(digits), size)]
    head = len(digits) % size
    return ([digits[:head]] if head else []) + [digits[i : i + size] for i in range(head, len(digits), size)]


@demo("number-tokenization")
def number_tokenization(d: Demo, numbers=None):
    """Numbers split by a frequency-built vocabulary, single digits, and 3-digit chunks from the left or the right."""
    values = d.array("numbers", numbers, [2023, 2024, 1999, 1234567, 45123], ndim=1, integer=True)
    d.require(
        len(values) <= 20 and bool(np.all((values >= 0) & (values < 10**15))),
        "numbers holds up to 20 whole numbers between 0 and 10^15",
    )
    texts = [str(int(v)) for v in values]
    schemes = {
        "learned merges": [greedy_split(t, NUMBER_VOCAB) for t in texts],
        "single digits": [list(t) for t in texts],
        "3 from the left": [chunks(t, 3, False) for t in texts],
        "3 from the right": [chunks(t, 3, True) for t in texts],
    }
    d.say(f"A toy vocabulary learned from frequent strings holds {sorted(NUMBER_VOCAB)} plus the ten digits.")
    for name, splits in schemes.items():
        d.show(name, [" ".join(s) for s in splits])
    d.say(
        "Under learned merges neighbouring numbers split differently; single digits and right-aligned chunks give "
        "every token a fixed place value (units, thousands, ...), while left-aligned chunks shift with the length."
    )
    return {"numbers": texts, **schemes}


# Learning-rate schedules and stability


def warmup_cosine(steps: int, warmup: int, peak: float, final: float) -> np.ndarray:
    t = np.arange(steps)
    progress = np.clip((t - warmup) / max(1, steps - warmup), 0, 1)
    decay = final * peak + 0.5 * (peak - final * peak) * (1 + np.cos(np.pi * progress))
    return np.where(t < warmup, peak * (t + 1) / warmup, decay)


def warmup_stable_decay(steps: int, warmup: int, peak: float, final: float, decay_steps: int) -> np.ndarray:
    t = np.arange(steps)
    start = steps - decay_steps
    down = peak - (peak - final * peak) * np.clip((t - start + 1) / decay_steps, 0, 1)
    return np.where(t < warmup, peak * (t + 1) / warmup, np.where(t < start, peak, down))


def quadratic_loss_curve(rates: np.ndarray, curvature: np.ndarray, noise: float) -> np.ndarray:
    """Expected loss of SGD on 0.5·Σ h_i w_i² with gradient noise of variance noise·h_i, started at w_i² = 1.

    The second moment obeys v ← (1 - η h)² v + η² noise h exactly, so no sampling is needed."""
    v = np.ones_like(curvature)
    losses = np.empty(rates.size)
    for i, lr in enumerate(rates):
        v = (1 - lr * curvature) ** 2 * v + lr**2 * noise * curvature
        losses[i] = 0.5 * float(np.sum(curvature * v))
    return losses


@demo("llm-lr-schedules")
def llm_lr_schedules(d: Demo, steps=None, warmup=None, peak=None, final=None, decay=None):
    """Warmup plus cosine against warmup-stable-decay on a noisy quadratic, and a WSD run branched at half length."""
    steps = d.number("steps", steps, 2000, low=20, high=20000, integer=True)
    warmup = d.number("warmup", warmup, 100, low=1, high=steps // 4, integer=True)
    peak = d.number("peak", peak, 0.5, low=1e-4, high=1.9)
    final = d.number("final", final, 0.1, low=0.0, high=1.0)
    decay = d.number("decay", decay, 0.2, low=0.01, high=0.9)
    h, noise = np.logspace(-4, 0, 16), 0.03
    half = steps // 2
    rates = {
        "cosine": warmup_cosine(steps, warmup, peak, final),
        "WSD": warmup_stable_decay(steps, warmup, peak, final, max(1, round(decay * steps))),
        "cosine, half length": warmup_cosine(half, warmup, peak, final),
        "WSD branched at half": warmup_stable_decay(half, warmup, peak, final, max(1, round(decay * half))),
    }
    loss = {name: quadratic_loss_curve(r, h, noise) for name, r in rates.items()}
    d.say(
        f"SGD on a quadratic with curvatures from 0.0001 to 1 and noisy gradients, its expected loss computed exactly. "
        f"Both schedules warm up for {warmup} of {steps} steps to {kit.fmt(peak)} and end at {kit.fmt(final * peak)}; "
        f"WSD decays over its last {decay:.0%}."
    )
    every = max(1, steps // 60)
    x = np.arange(steps)[::every]
    d.series("learning rate", {n: rates[n][::every] for n in ("cosine", "WSD")}, x=x)
    d.series("log10 expected loss", {n: np.log10(loss[n][::every]) for n in ("cosine", "WSD")}, x=x)
    mid = {n: float(loss[n][half - 1]) for n in ("cosine", "WSD")}
    end = {n: float(v[-1]) for n, v in loss.items()}
    d.show(
        "loss at the half-way step: cosine, WSD",
        [round(mid["cosine"], 5), round(mid["WSD"], 5)],
        "Mid-run, WSD is still at its peak rate and its loss is "
        + ("higher." if mid["WSD"] > mid["cosine"] else "not higher."),
    )
    d.show(
        "final loss: cosine, WSD",
        [round(end["cosine"], 5), round(end["WSD"], 5)],
        f"WSD's loss falls {loss['WSD'][-round(decay * steps) - 1] / end['WSD']:.1f}-fold during its decay.",
    )
    d.show(
        "half-length runs: a fresh cosine run, WSD branched from the long run",
        [round(end["cosine, half length"], 5), round(end["WSD branched at half"], 5)],
        f"The branch reuses the long run's first {half - max(1, round(decay * half))} steps; only its decay is "
        "extra compute.",
    )
    return {"final_loss": end, "mid_loss": mid, "curvature": h, "noise": noise}


@demo("z-loss")
def z_loss(d: Demo, logits=None, offset=None, coef=None):
    """Logits drift together without changing the softmax; z-loss pulls log Z to 0; float16 round-off shows why."""
    offset = d.number("offset", offset, 30.0, low=-60000, high=60000)
    z = kit.vector(
        d, "logits", logits, lambda: kit.rounded(d.rng.normal(0, 2, size=6) + offset, 2), min_len=2, max_len=1000
    )
    coef = d.number("coef", coef, 1e-4, low=0.0, high=1.0)
    log_z = kit.log_sum_exp(z)
    probs = kit.softmax(z)
    penalty = coef * log_z**2
    grad = 2 * coef * log_z * probs
    d.say(f"Six output logits around {kit.fmt(float(np.mean(z)))}; the softmax only sees their differences.")
    d.show("logits", z)
    d.show("log Z and the z-loss coef·(log Z)²", [round(log_z, 4), penalty])
    d.show("gradient of the z-loss on the logits", grad, "It points along the probabilities and shrinks with log Z.")
    shifted = z - log_z
    d.show(
        "probabilities before and after subtracting log Z from every logit",
        [kit.rounded(probs, 4), kit.rounded(kit.softmax(shifted), 4)],
        f"Identical, and now log Z = {kit.log_sum_exp(shifted):.2g}: the penalty can be met without changing "
        "any prediction.",
    )
    offsets = np.array([0.0, 100.0, 1000.0, 3000.0])
    errors = []
    for shift in offsets:
        rounded = (z - z.mean() + shift).astype(np.float16).astype(float)
        errors.append(float(np.abs(kit.softmax(rounded) - probs).max()))
    d.bars(
        "largest probability error after storing the logits in float16, by common offset",
        [kit.fmt(o) for o in offsets],
        errors,
    )
    d.say(
        "The same logits, shifted to larger values, lose precision in float16: the spacing between representable "
        "numbers grows with magnitude, so drifting logits mean noisier probabilities."
    )
    return {
        "logits": z,
        "log_z": log_z,
        "z_loss": penalty,
        "grad": grad,
        "probs": probs,
        "offsets": offsets,
        "float16_errors": errors,
    }


def layer_norm_rows(x: np.ndarray) -> np.ndarray:
    centred = x - x.mean(axis=-1, keepdims=True)
    return centred / np.sqrt((centred**2).mean(axis=-1, keepdims=True) + 1e-6)


@demo("qk-norm")
def qk_norm(d: Demo, dim=None, keys=None, scales=None):
    """Attention logits grow with the square of the activation scale and the softmax collapses; QK-norm holds them."""
    dim = d.number("dim", dim, 16, low=2, high=256, integer=True)
    n = d.number("keys", keys, 8, low=2, high=256, integer=True)
    scales = kit.vector(d, "scales", scales, [1.0, 2.0, 4.0, 8.0, 16.0], max_len=20)
    d.require(bool(np.all(scales > 0)), "scales must be positive")
    q, k = d.rng.normal(size=dim), d.rng.normal(size=(n, dim))
    plain_max, plain_entropy, normed_max, normed_entropy = [], [], [], []
    for s in scales:
        logits = (k * s) @ (q * s) / math.sqrt(dim)
        normed = layer_norm_rows(k * s) @ layer_norm_rows(q * s) / math.sqrt(dim)
        plain_max.append(float(np.abs(logits).max()))
        normed_max.append(float(np.abs(normed).max()))
        plain_entropy.append(float(kit.entropy(kit.softmax(logits))))
        normed_entropy.append(float(kit.entropy(kit.softmax(normed))))
    d.say(
        f"One query against {n} keys of size {dim}; the queries and keys are scaled up together, as when "
        "weights or activations grow during training."
    )
    d.series("largest |logit| by scale", {"plain": plain_max, "QK-norm": normed_max}, x=scales)
    d.series(
        f"attention entropy in nats (uniform = {math.log(n):.2f})",
        {"plain": plain_entropy, "QK-norm": normed_entropy},
        x=scales,
    )
    d.say(
        f"Without normalisation the largest logit grows from {plain_max[0]:.2f} to {plain_max[-1]:.1f} and the "
        f"entropy falls to {plain_entropy[-1]:.3f}: nearly one-hot. With QK-norm the logits stay at "
        f"{normed_max[-1]:.2f}, below the bound sqrt({dim}) = {math.sqrt(dim):.2f}."
    )
    return {
        "plain_max": plain_max,
        "plain_entropy": plain_entropy,
        "normed_max": normed_max,
        "normed_entropy": normed_entropy,
    }


# Emergence and batch size


@demo("emergence-exact-match")
def emergence_exact_match(d: Demo, length=None, test_size=None):
    """Per-token accuracy improving smoothly with scale looks like a sudden jump under an exact-match metric."""
    length = d.number("length", length, 10, low=1, high=50, integer=True)
    test_size = d.number("test_size", test_size, 100, low=1, high=100000, integer=True)
    log_compute = np.linspace(20, 25, 11)
    per_token = 0.5 + 0.48 * (log_compute - 20) / 5  # a straight line in log compute
    exact = per_token**length
    d.say(
        f"Per-token accuracy rises in equal steps from {per_token[0]:.2f} to {per_token[-1]:.2f} as compute grows "
        f"a hundred-thousandfold; an answer of {length} tokens is right only if every token is."
    )
    d.series("accuracy by log10 compute", {"per token": per_token, f"exact match (p^{length})": exact}, x=log_compute)
    jumps = np.diff(exact)
    d.show(
        "exact-match gain per step of compute",
        kit.rounded(jumps, 4),
        f"The last step gains {jumps[-1] / max(jumps[0], 1e-12):.0f} times as much as the first.",
    )
    measured_at = np.array([0, 4, 7, 10])
    measured = d.rng.binomial(test_size, exact[measured_at]) / test_size
    d.show(
        f"measured exact match of four model sizes on {test_size} test items",
        [[float(log_compute[i]), float(m)] for i, m in zip(measured_at, measured, strict=True)],
        "Four sparse, noisy points: easy to read as 'nothing, nothing, then suddenly'.",
    )
    return {"log_compute": log_compute, "per_token": per_token, "exact_match": exact, "measured": measured}


@demo("critical-batch-size")
def critical_batch_size(d: Demo, noise_scale=None, min_steps=None, dim=None):
    """Steps and examples needed by batch size, S = S_min(1 + B_noise/B), and an estimate of the noise scale."""
    b_noise = d.number("noise_scale", noise_scale, 256.0, low=1.0, high=1e7)
    s_min = d.number("min_steps", min_steps, 10000.0, low=1.0, high=1e9)
    dim = d.number("dim", dim, 50, low=1, high=500, integer=True)
    batches = 2.0 ** np.arange(4, 15)
    steps = s_min * (1 + b_noise / batches)
    examples = batches * steps
    e_min = s_min * b_noise
    d.say(
        f"With a noise scale of {kit.fmt(b_noise)}, reaching a target loss needs at least {kit.fmt(s_min)} steps "
        f"(huge batches) or {e_min:.4g} examples (tiny batches); the critical batch is E_min/S_min = "
        f"{kit.fmt(b_noise)}."
    )
    d.series(
        "steps and examples relative to their minimum, by log2 batch",
        {"S/S_min": steps / s_min, "E/E_min": examples / e_min},
        x=np.log2(batches),
    )
    product = (steps / s_min - 1) * (examples / e_min - 1)
    d.show("(S/S_min - 1)(E/E_min - 1) for every batch", kit.rounded(product, 6))
    sigma = 1.0
    gradient = np.full(dim, math.sqrt(dim * sigma**2 / b_noise / dim))  # |G|² = tr(Σ)/B_noise
    per_example = gradient + d.rng.normal(0, sigma, size=(4000, dim))
    mean = per_example.mean(axis=0)
    trace = float(per_example.var(axis=0, ddof=1).sum())
    g2 = float(mean @ mean) - trace / len(per_example)  # remove the noise that the sample mean still carries
    estimate = trace / g2 if g2 > 0 else float("inf")
    d.show(
        "noise scale estimated from 4,000 per-example gradients: tr(Σ)/|G|²",
        round(estimate, 1),
        f"The true value is {kit.fmt(b_noise)}.",
    )
    return {"batches": batches, "steps": steps, "examples": examples, "product": product, "estimate": estimate}
