"""Numeric drills: problems generated fresh from templates, answered with numbers, graded with a tolerance.

    CATALOG                       template name -> (title, topic): plain data, no NumPy
    generate(name, seed) -> Problem
    grade(problem, text) -> Grade   parse the user's answer and compare with a tolerance
    parse_numbers(text) -> list[float]

FSRS tracks each template as one card ("drill:NAME"): the skill, not one memorised number.
Templates live in `quizprep.drills.templates`, registered with `@template("name")`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from quizprep.errors import BadValueError, QuizprepError

# name -> (title, topic). Every template in templates.py appears here, and nowhere else.
CATALOG: dict[str, tuple[str, str]] = {
    "softmax-probability": ("A softmax probability from three logits", "activations"),
    "sigmoid-derivative": ("The sigmoid's derivative at a point", "activations"),
    "mse-loss": ("Mean squared error of two small vectors", "losses"),
    "binary-cross-entropy": ("Mean binary cross-entropy of three predictions", "losses"),
    "categorical-cross-entropy": ("Cross-entropy of one prediction against a one-hot label", "losses"),
    "gradient-descent-step": ("One gradient-descent step on a quadratic loss", "optimization"),
    "momentum-step": ("One SGD-with-momentum step: new velocity and weight", "optimization"),
    "adam-step": ("One Adam step with bias correction", "optimization"),
    "relu-neuron-gradient": ("Gradients of a ReLU neuron's squared error", "backprop-and-gradients"),
    "matmul-entry": ("One entry of a matrix product", "math-for-dl"),
    "iterations-per-epoch": ("Iterations per epoch and in total, rounding up", "training-practice"),
    "batchnorm-value": ("Batch norm's output for one value of a batch", "training-practice"),
    "dropout-scaling": ("Inverted and classic dropout scaling", "regularization"),
    "l2-penalty-gradient": ("Gradient and SGD step with an L2 penalty", "regularization"),
    "conv-output-size": ("Convolution output size with stride and padding", "cnn"),
    "conv-param-count": ("Parameters of a conv layer with bias", "cnn"),
    "maxpool-values": ("Max pooling a small feature map", "cnn"),
    "rnn-param-count": ("Parameters of an RNN, GRU or LSTM layer", "sequence-models"),
    "attention-weight": ("An attention weight from a query and two keys", "attention-transformers"),
    "vae-kl-term": ("A VAE's KL term for a 2-d Gaussian latent", "generative-unsupervised"),
    "precision-recall-f1": ("Precision, recall and F1 from a confusion matrix", "evaluation"),
    "dense-param-count": ("Parameters of a dense layer", "foundations"),
    "tensor-memory": ("Memory of an activation tensor in MiB", "tools-frameworks"),
}
CARD_PREFIX = "drill:"


def _merge_area_catalogs() -> None:
    from quizprep.drills import catalog_architectures, catalog_modern, catalog_practice, catalog_signal

    for module in (catalog_signal, catalog_practice, catalog_architectures, catalog_modern):
        clash = set(module.CATALOG) & set(CATALOG)
        if clash:
            raise ValueError(f"drill names defined twice: {sorted(clash)}")
        CATALOG.update(module.CATALOG)


_merge_area_catalogs()


@dataclass
class Problem:
    """One generated problem: what to ask, the expected numbers, how close is close enough, and the worked solution."""

    name: str
    prompt: str
    answer: list[float]
    solution: list[str]
    rel_tol: float = 0.01
    abs_tol: float = 1e-6
    params: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "prompt": self.prompt,
            "answer": list(self.answer),
            "solution": list(self.solution),
            "rel_tol": self.rel_tol,
            "abs_tol": self.abs_tol,
            "params": dict(self.params),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Problem:
        return cls(**data)


@dataclass
class Grade:
    correct: bool
    given: list[float]
    message: str


class AnswerFormatError(QuizprepError):
    """The text is not a number (or list of numbers) the grader can read."""


NUMBER = re.compile(
    r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"
)


def parse_number(token: str) -> float:
    """One number: 0.25, -3, 1e-3, .5, 1/4, 25%, 1,000 (thousands separator) or 3×10^-2 written as 3e-2."""
    text = token.strip().replace("−", "-").replace("_", "")
    if not text:
        raise AnswerFormatError("empty answer")
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):  # after the % is gone, so 1,000% reads too
        text = text.replace(",", "")
    if text.count("/") > 1:
        raise AnswerFormatError(f"{token.strip()[:40]!r} is not a number (one fraction bar at most, like 1/4)")
    if "/" in text:
        top, _, bottom = text.partition("/")
        value = parse_number(top) / _nonzero(parse_number(bottom))
    elif NUMBER.match(text):
        value = float(text)
    else:
        raise AnswerFormatError(f"{token.strip()[:40]!r} is not a number")
    if not math.isfinite(value):
        raise AnswerFormatError("the answer must be a finite number")
    return value / 100 if percent else value


def _nonzero(value: float) -> float:
    if value == 0:
        raise AnswerFormatError("division by zero")
    return value


def parse_numbers(text: str) -> list[float]:
    """A number or a short list: '0.3', '0.2, 0.5', '[1 2 3]', '(2; 4)'."""
    cleaned = text.strip().strip("[]()").strip()
    cleaned = re.sub(r"\s*/\s*", "/", re.sub(r"\s+%", "%", cleaned))  # '25 %' and '1 / 4' are one number each
    if len(cleaned) > 200:
        raise AnswerFormatError("the answer is too long; type just the number(s)")
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?%?", cleaned):
        return [parse_number(cleaned)]
    parts = [p for p in re.split(r"[,;\s]+", cleaned) if p]
    if not parts:
        raise AnswerFormatError("empty answer")
    return [parse_number(p) for p in parts]


def close_enough(given: float, expected: float, rel_tol: float, abs_tol: float) -> bool:
    return abs(given - expected) <= max(abs_tol, rel_tol * abs(expected))


def grade(problem: Problem, text: str) -> Grade:
    """Compare the user's numbers with the expected ones; raises AnswerFormatError for unreadable text."""
    given = parse_numbers(text)
    if len(given) != len(problem.answer):
        expected = "one number" if len(problem.answer) == 1 else f"{len(problem.answer)} numbers separated by commas"
        raise AnswerFormatError(f"expected {expected}, got {len(given)}")
    correct = all(close_enough(g, e, problem.rel_tol, problem.abs_tol) for g, e in zip(given, problem.answer))
    shown = ", ".join(f"{e:.6g}" for e in problem.answer)
    message = f"Correct: {shown}" if correct else f"Not quite: the answer is {shown}"
    return Grade(correct, given, message)


def generate(name: str, seed: int) -> Problem:
    """A fresh problem from template `name`; the same seed gives the same problem."""
    from quizprep.drills import templates

    if name not in templates.REGISTRY:
        from quizprep.bank.validate import suggest

        raise BadValueError(f"unknown drill '{name}'{suggest(name, templates.REGISTRY)}; `quizprep drill --list` shows them")
    return templates.make(name, seed)


def card_id(name: str) -> str:
    return f"{CARD_PREFIX}{name}"
