"""The bundled bank's multiple-choice forms cannot be passed by test-taking tricks alone.

Two blind strategies are scored over every item that has choices; neither reads the question.

(a) Absolute words. An option is *absolute* when it contains a word from ``ABSOLUTE_WORDS`` (always, never,
    only, all, every, none, must, cannot, completely, ...), compared on lowercase words. The strategy discards
    the absolute options, unless every option or no option is absolute (then it keeps them all), and picks
    uniformly at random among the rest. Its expected score on an item is 1/len(kept) when the correct option
    is kept and 0 otherwise.

(b) Most-alike option. After (a), it picks among the kept options the one that shares the most words with the
    other options of the item (all of them, kept or not); ties are split evenly. An option's words are the set of
    its lowercase words (letters and digits, ``[a-z0-9]+``) minus ``STOP_WORDS``; its overlap is the sum, over
    every other option of the item, of the Jaccard index |A & B| / |A | B| of the two word sets. Its expected
    score on an item is 1/len(best) when the correct option is among the options of highest overlap, else 0.

Chance is 1/(number of options) per item. Both strategies must stay at or below 0.30 on average (chance is 0.25
with four options), and absolute words must be about as common in correct options as in wrong ones, so that
discarding them is no better than a coin. Running this file as a script prints the scores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from quizprep.bank import load_bank

ABSOLUTE_WORDS = frozenset(
    """always never only all every everything everyone none nothing no must cannot can't completely entirely
    any anything solely guarantee guarantees guaranteed impossible totally whatever""".split()
)
STOP_WORDS = frozenset(
    """a an the of to in on at by for from with without into onto over under about as and or but nor not so
    than then that this these those it its it's is are was were be been being has have had do does did can
    could will would should may might which who whom whose what when where while how why each per via
    they them their there here he she we you your our one two""".split()
)
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

BANK = load_bank(use_cache=False)  # at collection time, before the per-test QUIZPREP_HOME: write no cache
ITEMS = [item for item in BANK.items if item.choices is not None]


@dataclass(frozen=True)
class Scores:
    """Average expected scores over the items: chance, both blind strategies, and absolute-word rates."""

    chance: float
    absolute: float
    alike: float
    absolute_in_correct: float
    absolute_in_wrong: float


def lowercase_words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def is_absolute(option: str) -> bool:
    return any(word in ABSOLUTE_WORDS for word in lowercase_words(option))


def content_words(option: str) -> frozenset[str]:
    return frozenset(word for word in lowercase_words(option) if word not in STOP_WORDS)


def jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    union = first | second
    return len(first & second) / len(union) if union else 0.0


def kept_by_absolute_rule(options: list[str]) -> list[int]:
    """Indexes strategy (a) keeps: the options without absolute words, or all when that rule cannot decide."""
    plain = [index for index, option in enumerate(options) if not is_absolute(option)]
    return plain if 0 < len(plain) < len(options) else list(range(len(options)))


def overlaps(options: list[str]) -> list[float]:
    """Each option's summed Jaccard index with every other option of the item."""
    sets = [content_words(option) for option in options]
    return [sum(jaccard(own, other) for j, other in enumerate(sets) if j != i) for i, own in enumerate(sets)]


def item_scores(correct: str, wrong: list[str]) -> tuple[float, float]:
    """Expected scores of strategies (a) and (b) on one item; the correct option is index 0."""
    options = [correct, *wrong]
    kept = kept_by_absolute_rule(options)
    absolute = 1 / len(kept) if 0 in kept else 0.0
    overlap = overlaps(options)
    top = max(overlap[index] for index in kept)
    best = [index for index in kept if abs(overlap[index] - top) < 1e-12]
    alike = 1 / len(best) if 0 in best else 0.0
    return absolute, alike


def bank_scores(items=ITEMS) -> Scores:
    per_item = [item_scores(item.choices.correct, list(item.choices.wrong)) for item in items]
    wrong_options = [option for item in items for option in item.choices.wrong]
    return Scores(
        chance=sum(1 / (1 + len(item.choices.wrong)) for item in items) / len(items),
        absolute=sum(a for a, _ in per_item) / len(items),
        alike=sum(b for _, b in per_item) / len(items),
        absolute_in_correct=sum(is_absolute(item.choices.correct) for item in items) / len(items),
        absolute_in_wrong=sum(is_absolute(option) for option in wrong_options) / len(wrong_options),
    )


def test_absolute_rule_on_hand_made_items():
    # Two plain options survive (a); the correct one is among them, so 1/2.
    assert item_scores("a plain true fact", ["always false", "never right", "another plain claim"])[0] == 0.5
    # A correct option with an absolute word is discarded: 0.
    assert item_scores("only true", ["plain wrong", "also wrong", "still wrong"])[0] == 0.0
    # Every option absolute: nothing is discarded, 1/4.
    assert item_scores("only this", ["only that", "always so", "never ever"])[0] == 0.25
    # Five options, none absolute and none sharing a word: chance is 1/5 for both strategies.
    assert item_scores("alpha", ["beta", "gamma", "delta", "epsilon"]) == (0.2, 0.2)


def test_overlap_on_hand_made_items():
    options = ["gradient flows backward", "gradient explodes", "gradient vanishes", "weights decay"]
    # Jaccard by hand: option 0 shares {gradient} with 1 and 2 (1/4 each); 1 and 2 share 1/3 with each other.
    assert overlaps(options) == [1 / 4 + 1 / 4, 1 / 4 + 1 / 3, 1 / 4 + 1 / 3, 0.0]
    # Options 1 and 2 tie for the most overlap, so a correct option 0 is never picked by (b)...
    assert item_scores(options[0], options[1:]) == (0.25, 0.0)
    # ...while a correct option 1 is picked half the time.
    assert item_scores(options[1], [options[0], *options[2:]]) == (0.25, 0.5)
    # (b) only chooses among what (a) kept: the absolute option overlaps as much but is out.
    assert item_scores("b c", ["always b c d", "p", "q"]) == (1 / 3, 1.0)
    # Words in STOP_WORDS never count towards overlap.
    assert content_words("The rate of the layer") == {"rate", "layer"}


def test_bank_has_choices_to_score():
    assert len(ITEMS) >= 150


def test_absolute_words_do_not_give_the_answer_away():
    scores = bank_scores()
    assert scores.absolute <= 0.30, scores
    assert abs(scores.absolute_in_correct - scores.absolute_in_wrong) <= 0.05, scores


def test_the_most_alike_option_is_not_the_answer():
    scores = bank_scores()
    assert scores.alike <= 0.30, scores


if __name__ == "__main__":
    print(bank_scores())
