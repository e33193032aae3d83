"""Demos for the LLM evaluation topic: perplexity and tokenisation, BLEU and ROUGE, exact match and token F1,
pass@k, position bias of an LLM judge, calibration with temperature scaling,
and Bradley-Terry against online Elo ratings.
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter

import numpy as np

from quizprep.demos import kit
from quizprep.demos.framework import Demo, demo


def words(text: str) -> list[str]:
    """Lowercase word tokens (letters, digits, apostrophes)."""
    return re.findall(r"[a-z0-9']+", text.lower())


def text_param(d: Demo, name: str, value, default: str, max_words: int = 200) -> str:
    """A text parameter of 1 to `max_words` words, recorded like the numeric ones."""
    text = kit.text_param(d, name, value, default, max_len=20 * max_words)
    d.require(1 <= len(words(text)) <= max_words, f"{name} must be a text of 1 to {max_words} words")
    return text


def ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def lcs_length(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence, by dynamic programming over prefixes."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a, 1):
        for j, y in enumerate(b, 1):
            table[i][j] = table[i - 1][j - 1] + 1 if x == y else max(table[i - 1][j], table[i][j - 1])
    return table[-1][-1]


def bleu_parts(candidate: list[str], reference: list[str], max_n: int) -> tuple[list[float], float, float]:
    """Clipped n-gram precisions p_1..p_max_n, the brevity penalty, and BLEU (0 when any precision is 0)."""
    precisions = []
    for n in range(1, max_n + 1):
        cand, ref = ngrams(candidate, n), ngrams(reference, n)
        total = sum(cand.values())
        precisions.append(sum(min(c, ref[g]) for g, c in cand.items()) / total if total else 0.0)
    c, r = len(candidate), len(reference)
    penalty = 1.0 if c > r else math.exp(1 - r / c)
    score = penalty * math.exp(sum(math.log(p) for p in precisions) / max_n) if min(precisions) > 0 else 0.0
    return precisions, penalty, score


@demo("perplexity-tokenizers")
def perplexity_tokenizers(d: Demo, probs=None, nll=None, tokens_a=None, tokens_b=None, text_bytes=None):
    """Perplexity as exp of the mean negative log-likelihood per token, and why the same text scores
    differently under two tokenisers.
    """
    p = d.array("probs", probs, [0.5, 0.25, 0.1, 0.8, 0.05], ndim=1)
    d.require(
        p.size <= 1000 and bool(np.all((p > 0) & (p <= 1))),
        "probs must be 1 to 1000 probabilities in (0, 1]: the model's probability of each actual next token",
    )
    mean_nll = float(-np.mean(np.log(p)))
    d.show("-log p of each actual next token (nats)", -np.log(p))
    d.show(
        "perplexity = exp(mean negative log-likelihood)",
        math.exp(mean_nll),
        text=f"Mean NLL {kit.fmt(mean_nll)} nats = {kit.fmt(mean_nll / math.log(2))} bits per token; perplexity "
        "is the geometric mean of 1/p.",
    )
    total = d.number("nll", nll, 23.0, low=0.01, high=1e7)
    na = d.number("tokens_a", tokens_a, 5, low=1, high=1e6, integer=True)
    nb = d.number("tokens_b", tokens_b, 9, low=1, high=1e6, integer=True)
    nbytes = d.number("text_bytes", text_bytes, 40, low=1, high=1e7, integer=True)
    ppl_a, ppl_b = math.exp(total / na), math.exp(total / nb)
    bpb = total / (math.log(2) * nbytes)
    d.say(f"Now one text with total NLL {total:g} nats: tokeniser A cuts it into {na} tokens, tokeniser B into {nb}.")
    d.show(
        "perplexity per token: A, B",
        [ppl_a, ppl_b],
        text="Same total probability of the text, different perplexities: the unit (one token) changed.",
    )
    d.show(f"bits per byte = NLL / (ln 2 · {nbytes} bytes), the same for both", bpb)
    return {"perplexity": math.exp(mean_nll), "ppl_a": ppl_a, "ppl_b": ppl_b, "bits_per_byte": bpb}


@demo("bleu-rouge")
def bleu_rouge(d: Demo, candidate=None, reference=None, max_n=None):
    """BLEU's clipped n-gram precisions and brevity penalty, ROUGE-1 and ROUGE-L, for one candidate against one
    reference.
    """
    cand = words(text_param(d, "candidate", candidate, "the cat sat on the mat"))
    ref = words(text_param(d, "reference", reference, "the cat is sitting on the mat"))
    max_n = d.number("max_n", max_n, 4, low=1, high=4, integer=True)
    precisions, penalty, score = bleu_parts(cand, ref, max_n)
    d.show(
        f"clipped n-gram precisions p_1..p_{max_n}",
        precisions,
        text="Each candidate n-gram counts at most as often as it occurs in the reference.",
    )
    d.show(f"brevity penalty: c = {len(cand)}, r = {len(ref)}, exp(1 - r/c) if c ≤ r else 1", penalty)
    d.show(
        f"BLEU-{max_n} = BP · geometric mean of the precisions",
        score,
        text="One precision of 0 makes sentence-level BLEU 0 unless it is smoothed; corpus BLEU pools counts first.",
    )
    overlap = sum((Counter(cand) & Counter(ref)).values())
    lcs = lcs_length(cand, ref)
    rouge = {
        "ROUGE-1 recall": overlap / len(ref),
        "ROUGE-L recall": lcs / len(ref),
        "ROUGE-L precision": lcs / len(cand),
    }
    rouge["ROUGE-L F1"] = 2 * lcs / (len(cand) + len(ref))
    d.show(f"ROUGE: unigram overlap {overlap}, longest common subsequence {lcs}", rouge)
    spam = ["the"] * len(cand)
    d.show(
        f"a candidate of {len(cand)} copies of 'the': unclipped and clipped unigram precision",
        [sum(t in ref for t in spam) / len(spam), bleu_parts(spam, ref, 1)[0][0]],
    )
    d.say("Clipping caps each word at its count in the reference, so repeating a common word cannot raise precision.")
    return {
        "precisions": precisions,
        "brevity_penalty": penalty,
        "bleu": score,
        "rouge1_recall": rouge["ROUGE-1 recall"],
        "lcs": lcs,
        "rougeL_f1": rouge["ROUGE-L F1"],
    }


def normalise_answer(text: str) -> list[str]:
    """SQuAD-style: lowercase, drop punctuation and the articles a/an/the, split on whitespace."""
    text = "".join(ch for ch in text.lower() if ch not in string.punctuation)
    return [w for w in text.split() if w not in {"a", "an", "the"}]


def token_f1(prediction: list[str], gold: list[str]) -> float:
    common = sum((Counter(prediction) & Counter(gold)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(prediction), common / len(gold)
    return 2 * precision * recall / (precision + recall)


@demo("exact-match-f1")
def exact_match_f1(d: Demo, prediction=None, answers=None):
    """Exact match and token F1 after answer normalisation, taking the best over several gold answers."""
    pred = text_param(d, "prediction", prediction, "The Eiffel Tower in Paris.")
    if answers is None:
        answers = ["Eiffel Tower", "the tower of Gustave Eiffel"]
    d.require(
        isinstance(answers, list)
        and 1 <= len(answers) <= 20
        and all(isinstance(a, str) and normalise_answer(a) for a in answers),
        "answers must be a list of 1 to 20 non-empty texts",
    )
    d.params["answers"] = answers
    p = normalise_answer(pred)
    d.show("normalised prediction (lowercase, no punctuation, no articles)", " ".join(p))
    rows = {}
    for a in answers:
        g = normalise_answer(a)
        rows[" ".join(g)] = {"exact match": float(p == g), "token F1": token_f1(p, g)}
    d.show("against each normalised gold answer", rows)
    em = max(r["exact match"] for r in rows.values())
    f1 = max(r["token F1"] for r in rows.values())
    d.say(
        f"Scores take the best gold answer: EM = {em:g}, F1 = {kit.fmt(f1)}. A correct but longer answer gets "
        "EM 0 and partial F1."
    )
    return {"exact_match": em, "f1": f1}


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k = 1 - C(n-c, k)/C(n, k), as a product to avoid huge binomials."""
    if n - c < k:
        return 1.0
    return 1.0 - float(np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


@demo("pass-at-k")
def pass_at_k_demo(d: Demo, n=None, c=None, k=None, p=None):
    """The unbiased pass@k estimator from n samples with c correct, and the bias of the plug-in 1 - (1 - c/n)^k."""
    side = d.side_rng()
    n = d.number("n", n, 20, low=1, high=1000, integer=True)
    c = d.number("c", c, 3, low=0, high=n, integer=True)
    k = d.number("k", k, 5, low=1, high=n, integer=True)
    rate = d.number("p", p, 0.1, low=0.0, high=1.0)
    estimate = pass_at_k(n, c, k)
    d.show(
        f"pass@{k} = 1 - C({n - c}, {k}) / C({n}, {k})",
        estimate,
        text=f"The chance that {k} samples drawn without replacement from the {n} include at least one of the "
        f"{c} correct ones.",
    )
    d.show("plug-in 1 - (1 - c/n)^k for the same counts", 1 - (1 - c / n) ** k)
    counts = side.binomial(n, rate, 4000)
    truth = 1 - (1 - rate) ** k
    unbiased = float(np.mean([pass_at_k(n, int(x), k) for x in counts]))
    plug_in = float(np.mean(1 - (1 - counts / n) ** k))
    d.show(
        f"4000 simulated problems with true pass rate {rate:g}: true pass@{k}, mean unbiased, mean plug-in",
        [truth, unbiased, plug_in],
    )
    d.say(
        "The plug-in estimate is biased low (1 - (1 - x)^k is concave); the combinatorial one averages to the "
        "truth up to sampling noise."
    )
    return {"pass_at_k": estimate, "truth": truth, "unbiased_mean": unbiased, "plug_in_mean": plug_in}


@demo("judge-position-bias")
def judge_position_bias(d: Demo, bias=None, pairs=None):
    """A simulated LLM judge that favours the first answer it sees: win rates under a fixed order, and the fix
    of judging both orders.
    """
    side = d.side_rng()
    bias = d.number("bias", bias, 0.8, low=-5.0, high=5.0)
    count = d.number("pairs", pairs, 400, low=10, high=20000, integer=True)
    gap = side.normal(0.0, 1.0, count)  # quality of answer A minus answer B, in logits
    d.say(
        f"Simulated judge: P(prefers the first-shown answer) = σ(quality difference + {bias:g}); A and B are "
        "equally good on average."
    )
    a_first = side.random(count) < kit.sigmoid(gap + bias)
    b_first = side.random(count) < kit.sigmoid(-gap + bias)  # True means the judge picked B, shown first
    a_wins_swapped = ~b_first
    consistent = a_first == a_wins_swapped
    both = np.where(consistent, a_first.astype(float), 0.5)  # disagreement between orders counts as a tie
    rates = {
        "A shown first": a_first.mean(),
        "B shown first": a_wins_swapped.mean(),
        "both orders, ties on disagreement": both.mean(),
    }
    d.bars("A's win rate against B", list(rates), list(rates.values()))
    d.show("position consistency: same verdict in both orders", consistent.mean())
    decided = both != 0.5
    better_chosen = float(np.mean((both[decided] == 1.0) == (gap[decided] > 0))) if decided.any() else float("nan")
    d.say(
        "Judging both orders removes the order effect; of the pairs with one verdict in both orders, "
        f"{kit.fmt(better_chosen)} pick the better answer."
    )
    return {"rates": rates, "consistency": float(consistent.mean())}


def reliability(confidence: np.ndarray, correct: np.ndarray, bins: int):
    """Per equal-width bin: count, mean confidence, accuracy; and ECE = Σ (n_b / N) |accuracy_b - confidence_b|."""
    index = np.minimum((confidence * bins).astype(int), bins - 1)
    counts = np.bincount(index, minlength=bins)
    conf = np.bincount(index, weights=confidence, minlength=bins) / np.maximum(counts, 1)
    acc = np.bincount(index, weights=correct.astype(float), minlength=bins) / np.maximum(counts, 1)
    ece = float(np.sum(counts / len(confidence) * np.abs(acc - conf)))
    return counts, conf, acc, ece


def mean_nll(logits: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    return float(-np.mean(kit.log_softmax(logits / temperature)[np.arange(len(labels)), labels]))


@demo("calibration-ece")
def calibration_ece(d: Demo, overconfidence=None, bins=None, samples=None, threshold=None):
    """Expected calibration error of an overconfident classifier, temperature scaling fitted on held-out data,
    and answering only when confident.
    """
    side = d.side_rng()
    scale = d.number("overconfidence", overconfidence, 2.5, low=0.2, high=10.0)
    bins = d.number("bins", bins, 10, low=2, high=50, integer=True)
    n = d.number("samples", samples, 4000, low=200, high=50000, integer=True)
    threshold = d.number("threshold", threshold, 0.7, low=0.0, high=1.0)
    true_logits = side.normal(0.0, 1.5, (n, 5))
    probs = kit.softmax(true_logits)
    labels = (side.random(n)[:, None] > np.cumsum(probs, axis=1)).sum(
        axis=1
    )  # a label drawn from the calibrated probabilities
    labels = np.minimum(labels, 4)
    logits = scale * true_logits  # the model's logits: calibrated ones multiplied by `overconfidence`
    half = n // 2
    d.say(
        f"5 classes; labels follow softmax(z), the model outputs {scale:g}·z; fit on the first {half} examples, "
        "test on the rest."
    )
    temps = np.exp(np.linspace(np.log(0.05), np.log(20.0), 400))
    best_t = float(temps[np.argmin([mean_nll(logits[:half], labels[:half], t) for t in temps])])
    test_logits, test_labels = logits[half:], labels[half:]
    results, tables = {}, {}
    for name, t in (("before", 1.0), ("after", best_t)):
        p = kit.softmax(test_logits / t)
        conf, pred = p.max(axis=1), p.argmax(axis=1)
        tables[name] = reliability(conf, pred == test_labels, bins)
        results[name] = {
            "ece": tables[name][3],
            "accuracy": float(np.mean(pred == test_labels)),
            "nll": mean_nll(test_logits, test_labels, t),
        }
    counts, mean_conf, acc, _ = tables["before"]
    d.show("reliability table before scaling: rows count, mean confidence, accuracy per bin", [counts, mean_conf, acc])
    d.show(f"temperature T minimising validation NLL (the generating value is {scale:g})", best_t)
    d.show(
        "test ECE, accuracy and NLL before and after dividing logits by T",
        results,
        text="Accuracy is unchanged: dividing by T > 0 keeps the argmax.",
    )
    right = kit.softmax(test_logits).argmax(axis=1) == test_labels
    selective = {}
    for name, t in (("raw confidence", 1.0), ("after temperature scaling", best_t)):
        answered = kit.softmax(test_logits / t).max(axis=1) >= threshold
        selective[name] = [float(answered.mean()), float(right[answered].mean()) if answered.any() else float("nan")]
    d.show(
        f"answer only when confidence ≥ {threshold:g}: coverage and accuracy on the answered",
        selective,
        text=f"Against accuracy {kit.fmt(right.mean())} when answering everything.",
    )
    return {"temperature": best_t, "before": results["before"], "after": results["after"], "selective": selective}


def bradley_terry(wins: np.ndarray, iterations: int = 500) -> np.ndarray:
    """Strengths π maximising the Bradley-Terry likelihood, by Hunter's MM updates; returned as log π with mean 0."""
    games = wins + wins.T
    pi = np.ones(len(wins))
    for _ in range(iterations):
        denom = (games / (pi[:, None] + pi[None, :])).sum(axis=1)
        pi = wins.sum(axis=1) / denom
        pi /= np.exp(np.mean(np.log(pi)))
    return np.log(pi)


def online_elo(games: list[tuple[int, int]], players: int, k: float) -> np.ndarray:
    """Elo ratings after playing `games` (winner, loser) in order, from 1000 each."""
    r = np.full(players, 1000.0)
    for w, lose in games:
        expected = 1 / (1 + 10 ** ((r[lose] - r[w]) / 400))
        r[w] += k * (1 - expected)
        r[lose] -= k * (1 - expected)
    return r


@demo("bradley-terry")
def bradley_terry_demo(d: Demo, wins=None, k=None):
    """Arena-style ratings from pairwise votes: a Bradley-Terry fit on the Elo scale against online Elo, whose
    result depends on game order.
    """
    side = d.side_rng()
    default = [[0, 30, 35, 40], [20, 0, 28, 33], [15, 22, 0, 27], [10, 17, 23, 0]]
    W = d.array("wins", wins, default, ndim=2, integer=True)
    d.require(
        W.shape[0] == W.shape[1] and 2 <= len(W) <= 10 and bool(np.all(W >= 0)) and W.sum() <= 20000,
        "wins must be a square matrix of 2 to 10 models, wins[i][j] = times i beat j, at most 20000 games",
    )
    d.require(bool(np.all(np.diag(W) == 0)), "wins must have zeros on the diagonal: a model does not play itself")
    d.require(
        bool(np.all(W.sum(axis=1) > 0)) and bool(np.all(W.sum(axis=0) > 0)),
        "every model needs at least one win and one loss, or its Bradley-Terry strength runs off to infinity",
    )
    k = d.number("k", k, 16, low=0.1, high=100)
    theta = bradley_terry(W)
    elo_scale = 400 / math.log(10)
    ratings = 1000 + elo_scale * theta
    names = [chr(ord("A") + i) for i in range(len(W))]
    d.show("wins[i][j] = times model i beat model j", W)
    d.bars("Bradley-Terry ratings on the Elo scale (mean 1000)", names, ratings)
    predicted = 1 / (1 + 10 ** ((ratings[1] - ratings[0]) / 400))
    d.show("A against B: observed win share and the fitted probability", [W[0, 1] / (W[0, 1] + W[1, 0]), predicted])
    games = [(i, j) for i in range(len(W)) for j in range(len(W)) for _ in range(int(W[i, j]))]
    orders = [side.permutation(len(games)) for _ in range(3)]
    elo = [online_elo([games[g] for g in order], len(W), k) for order in orders]
    d.show(
        f"online Elo (K = {k:g}) after the same games in three random orders",
        elo,
        text="Each order gives different ratings; the Bradley-Terry fit uses only the counts.",
    )
    d.say("On the Elo scale a 100-point gap means an expected win rate of about 64% for the higher-rated model.")
    return {"ratings": ratings, "theta": theta, "elo": elo}


@demo("benchmark-error-bars")
def benchmark_error_bars(d: Demo, questions=None, accuracy_a=None, accuracy_b=None):
    """Error bars on benchmark accuracy: the standard error of one score, and unpaired against paired tests of
    a difference on the same questions.
    """
    side = d.side_rng()
    n = d.number("questions", questions, 1000, low=10, high=100000, integer=True)
    pa = d.number("accuracy_a", accuracy_a, 0.81, low=0.01, high=0.99)
    pb = d.number("accuracy_b", accuracy_b, 0.795, low=0.01, high=0.99)
    # Both models find the same questions easy or hard: a shared difficulty per question plus each model's own noise.
    difficulty = side.normal(0.0, 1.0, n)
    score_a = difficulty + 0.6 * side.normal(0.0, 1.0, n)
    score_b = difficulty + 0.6 * side.normal(0.0, 1.0, n)
    a = score_a < np.quantile(score_a, pa)  # a model gets the questions right that it finds easiest
    b = score_b < np.quantile(score_b, pb)
    acc = np.array([a.mean(), b.mean()])
    se = np.sqrt(acc * (1 - acc) / n)
    d.show(
        "observed accuracy of A and B, and each one's standard error √(p(1-p)/n)",
        {"accuracy": acc, "standard error": se, "95% interval half-width": 1.96 * se},
    )
    diff = float(acc[0] - acc[1])
    se_unpaired = float(np.sqrt(np.sum(se**2)))
    per_question = a.astype(float) - b.astype(float)
    se_paired = float(per_question.std(ddof=1) / math.sqrt(n))
    only_a, only_b = int(np.sum(a & ~b)), int(np.sum(b & ~a))
    d.show(
        "A - B and its z-score, treating the scores as independent and as paired",
        {
            "difference": diff,
            "unpaired z": diff / se_unpaired,
            "paired z": diff / se_paired if se_paired > 0 else float("nan"),
        },
    )
    d.show(
        "questions only A got right, only B got right (McNemar's counts)",
        [only_a, only_b],
        text="Only the questions where the models disagree carry information about which is better.",
    )
    paired_z = diff / se_paired if se_paired > 0 else 0.0
    verdict = "significant" if abs(paired_z) >= 1.96 else "not significant"
    d.say(f"The paired z-score {kit.fmt(paired_z)} is {verdict} at the 5% level (|z| ≥ 1.96 is needed).")
    return {
        "correct_a": a,
        "correct_b": b,
        "se": se,
        "se_unpaired": se_unpaired,
        "se_paired": se_paired,
        "only_a": only_a,
        "only_b": only_b,
    }


@demo("mc-likelihood-scoring")
def mc_likelihood_scoring(d: Demo, logprob_sums=None, token_counts=None, letter_probs=None):
    """Three ways to score a multiple-choice question with an LLM (summed log-probability, per-token average,
    answer letter) picking different options.
    """
    sums = d.array("logprob_sums", logprob_sums, [-2.3, -6.0, -4.1, -9.5], ndim=1)
    d.require(
        2 <= sums.size <= 10 and bool(np.all(sums <= 0)),
        "logprob_sums must be 2 to 10 log-probabilities (≤ 0), one per option's full answer text",
    )
    counts = d.array(
        "token_counts",
        token_counts,
        lambda: [1, 6, 3, 9] if sums.size == 4 else np.ones(sums.size),
        ndim=1,
        integer=True,
    )
    letters = d.array(
        "letter_probs",
        letter_probs,
        lambda: [0.2, 0.3, 0.45, 0.05] if sums.size == 4 else np.full(sums.size, 1 / sums.size),
        ndim=1,
    )
    d.require(
        counts.size == sums.size and letters.size == sums.size,
        f"token_counts and letter_probs need {sums.size} entries, one per option",
    )
    d.require(
        bool(np.all(counts >= 1)) and bool(np.all(letters >= 0)),
        "token_counts must be at least 1 and letter_probs non-negative",
    )
    names = [chr(ord("A") + i) for i in range(sums.size)]
    per_token = sums / counts
    d.show(
        "log p(option text | question): sum, tokens, per-token mean",
        {"sum": sums, "tokens": counts, "mean per token": per_token},
    )
    picks = {
        "summed log-probability": names[int(np.argmax(sums))],
        "mean per token": names[int(np.argmax(per_token))],
        "probability of the letter": names[int(np.argmax(letters))],
    }
    d.show(
        "chosen option under each rule",
        picks,
        text="Summing favours short answers; averaging per token removes most of that; letter scoring depends "
        "on how the options are shown.",
    )
    d.say("Harnesses differ in exactly these choices, which is why one model's MMLU score can vary between them.")
    return {"per_token": per_token, "picks": picks}
