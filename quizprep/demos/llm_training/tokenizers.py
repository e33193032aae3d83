"""Demos of the LLM training topic on tokenizers in practice: byte-level BPE, unigram segmentation and how
numbers are split."""

from __future__ import annotations

import math
import re

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, DemoInputError, demo

CHUNK = r" ?[^\W\d_]+| ?\d+| ?[^\s\w]+|\s+"  # letters of any script, digit runs, other symbols, spaces
BPE_CORPUS = (
    "the lower the better, the newest and the lowest. we train the tokenizer on these lines, then the model "
    "trains on the tokens; the newer the text, the better the tokens. lower, lowest, newer, newest, wider, widest."
)


def pre_split(text: str) -> list[bytes]:
    """The chunks BPE merges never cross (words, digit runs, symbol runs, spaces), as UTF-8 bytes."""
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
    text = kit.text_param(d, "text", text, "the newest tokens; Ελλάδα; 東京; 🙂")
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
    word = kit.text_param(d, "word", word, "unhappiness", max_len=16)
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
