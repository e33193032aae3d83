"""Importing markdown question lists: heading layouts and Q:/A: blocks."""

from __future__ import annotations

import textwrap

import pytest
import yaml

from quizprep.errors import QuizprepError
from quizprep.importers import import_file, user_bank_dir

HEADINGS = """\
# Deep learning interview questions

## Table of Contents
- [What is dropout?](#what-is-dropout)

## 1. What is dropout?

Dropout zeroes random units during training.

```python
## not a heading: inside code
mask = rng.random(x.shape) > p
```

**[⬆ Back to Top](#table-of-contents)**

---

## Q2: Why normalise inputs?

#### Details
Gradients behave better.

## Empty one
"""

SECTIONS = """\
# List
## Optimisation
### What does momentum do?
It averages past gradients.
### What is weight decay?
An L2 penalty on the weights.
## Vision
### What is a receptive field?
<details><summary>Answer</summary>

The input region one output sees.

</details>
"""

BLOCKS = """\
# Quick questions

Q: What is a tensor?
A: A multi-dimensional array.
It has a shape.

**Q:** What is broadcasting?
**A:** Stretching shapes
so they match.

Q: A question without an answer
"""


def run(tmp_path, text: str, name: str = "list.md"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    report = import_file(path)
    items = yaml.safe_load(report.path.read_text(encoding="utf-8")) if report.written else []
    return report, items


def test_level_two_headings_are_questions(tmp_path):
    report, items = run(tmp_path, HEADINGS)
    assert [item["question"] for item in items] == ["What is dropout?", "Why normalise inputs?"]
    dropout, normalise = items
    assert dropout["answer"] == (
        "Dropout zeroes random units during training.\n\n"
        "```python\n## not a heading: inside code\nmask = rng.random(x.shape) > p\n```"
    )
    assert normalise["answer"] == "#### Details\nGradients behave better."
    assert dropout["topic"] == "list"
    assert [str(skip) for skip in report.skipped] == [
        "list.md:3: a table of contents, not a question",
        "list.md:24: answer is empty",
    ]


def test_sections_and_questions(tmp_path):
    _, items = run(tmp_path, SECTIONS)
    assert [(item["topic"], item["question"]) for item in items] == [
        ("optimisation", "What does momentum do?"),
        ("optimisation", "What is weight decay?"),
        ("vision", "What is a receptive field?"),
    ]
    assert items[2]["answer"] == "The input region one output sees."


def test_question_and_answer_blocks(tmp_path):
    report, items = run(tmp_path, BLOCKS)
    assert [(item["question"], item["answer"]) for item in items] == [
        ("What is a tensor?", "A multi-dimensional array.\nIt has a shape."),
        ("What is broadcasting?", "Stretching shapes\nso they match."),
    ]
    assert [str(skip) for skip in report.skipped] == ["list.md:11: answer is empty"]
    assert items[0]["topic"] == "quick-questions"


def test_reimport_is_unchanged(tmp_path):
    first, _ = run(tmp_path, BLOCKS)
    again, _ = run(tmp_path, BLOCKS)
    assert again.written is False and sorted(again.unchanged) == sorted(first.imported)


@pytest.mark.parametrize("text, message", [("", "is empty"), ("# Title\n\nJust prose.\n", "found no questions")])
def test_files_without_questions(tmp_path, text, message):
    with pytest.raises(QuizprepError, match=message):
        run(tmp_path, text)
    assert not user_bank_dir().exists()
