"""LaTeX to Unicode, checked against what a reader expects to see."""

from __future__ import annotations

import pytest

from quizprep.latex import math_to_unicode, render_math_in_text


@pytest.mark.parametrize(
    "latex, expected",
    [
        (r"\frac{1}{n}\sum_i (\hat y_i - y_i)^2", "1/n∑ᵢ (ŷᵢ - yᵢ)²"),
        (r"\sigma(x) = \frac{1}{1+e^{-x}}", "σ(x) = 1/(1+e⁻ˣ)"),
        (r"\theta \leftarrow \theta - \eta \nabla_\theta J(\theta)", "θ ← θ - η ∇_θ J(θ)"),
        (r"h_t = \tanh(W h_{t-1} + U x_t + b)", "hₜ = tanh(W hₜ₋₁ + U xₜ + b)"),
        (r"\mathrm{softmax}\left(\frac{QK^T}{\sqrt{d_k}}\right)V", "softmax(QKᵀ/√dₖ)V"),
        (r"\frac{\partial L}{\partial w}", "∂L/∂w"),
        (r"x \in \mathbb{R}^{n \times d}", "x ∈ ℝ^(n × d)"),
        (r"\|g\|_2", "‖g‖₂"),
        (r"A \odot B", "A ⊙ B"),
        (r"\mathbf{W}^\top", "Wᵀ"),
        (r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}", "[[1, 2], [3, 4]]"),
        (r"f(x) = \begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}", "f(x) = {x if x > 0; 0 otherwise}"),
        (r"\bar{x}", "x̄"),
        (r"\sqrt[3]{8}", "³√8"),
        (r"\alpha\beta\gamma", "αβγ"),
        (r"\unknowncommand{x}", "unknowncommandx"),
    ],
)
def test_math_to_unicode(latex, expected):
    assert math_to_unicode(latex) == expected


@pytest.mark.parametrize("latex", ["{{{", "}}}", r"\frac", "x^", "_", "\\", r"\begin{pmatrix} 1 &", "{" * 5000])
def test_malformed_input_never_raises(latex):
    assert isinstance(math_to_unicode(latex), str)


def test_text_with_inline_and_display_math():
    text = r"Loss $L = \frac{1}{2}e^2$ here. $$y = Wx + b$$ Done."
    assert render_math_in_text(text) == "Loss L = 1/2e² here. \n\n  y = Wx + b\n\n Done."


def test_dollar_amounts_are_not_math():
    assert render_math_in_text("It costs $5 and $10 a month.") == "It costs $5 and $10 a month."
    assert render_math_in_text(r"Pay \$3 now.") == "Pay $3 now."


def test_escape_is_applied_to_math_only():
    escaped = render_math_in_text(r"a *b* $x_t * y$", escape=lambda s: s.replace("*", r"\*"))
    assert escaped == r"a *b* xₜ \* y"


@pytest.mark.parametrize(
    "text",
    [
        "\\[" * 100_000,
        "\\(" * 100_000,
        "$$ a " * 40_000,
        "$a " * 66_000,
        "$" + "{" * 200_000 + "$",
        "\\[" + "{" * 100_000 + "}" * 100_000 + "\\]",
    ],
    ids=["display-openers", "inline-openers", "double-dollars", "dollars", "open-braces", "nested-braces"],
)
def test_hostile_text_converts_in_linear_time(text):
    """200 KB of openers or braces: the old regex took over a minute on the first two."""
    import time

    started = time.perf_counter()
    rendered = render_math_in_text(text)
    assert time.perf_counter() - started < 1.0
    assert isinstance(rendered, str)


def test_deep_nesting_falls_back_to_plain_text():
    deep = "\\frac" * 60 + "{x}"
    assert math_to_unicode(deep) == "frac" * 60 + "{x}"
    assert math_to_unicode("x^" * 100_000 + "2").startswith("x")


def test_unclosed_openers_stay_text_and_later_spans_still_render():
    assert render_math_in_text("a \\[ b $x^2$ c") == "a \\[ b x² c"
    assert render_math_in_text("$$ open") == "$$ open"
    assert render_math_in_text("cost $5, then $x$") == "cost $5, then x"
