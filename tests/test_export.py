"""Exports: markdown checked with a CommonMark parser, the .apkg opened as the zip of SQLite it is."""

from __future__ import annotations

import re
import sqlite3
import zipfile

from markdown_it import MarkdownIt

from quizprep.bank import load_bank
from tests.helpers.bank import item_yaml


def headings(markdown: str, level: int) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(markdown)
    found = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == f"h{level}":
            found.append(tokens[index + 1].content)
    return found


def html_tokens(markdown: str) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(markdown)
    found = [t.content for t in tokens if t.type == "html_block"]
    for token in tokens:
        found += [child.content for child in token.children or [] if child.type == "html_inline"]
    return found


def test_markdown_guide_has_every_question_as_a_heading(run, tmp_path):
    target = tmp_path / "guide.md"
    result = run("export", "--format", "markdown", "--no-demos", "-o", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    bank = load_bank()
    questions = headings(text, 3)
    assert len(questions) == len(bank.items)
    for number, (heading, item) in enumerate(zip(questions, bank.items), start=1):
        assert heading == f"{number}. {' '.join(item.question.split())}"
    assert headings(text, 1) == ["quizprep study guide"]
    assert headings(text, 2) == ["Contents", *bank.topics().keys()]
    assert "$" in text and "\\frac" in text  # math stays as LaTeX for GitHub to render
    assert text.count("**Key points**") == sum(1 for i in bank.items if i.key_points)


def test_markdown_includes_demo_output_in_code_blocks(run, write_bank):
    path = write_bank("d.yaml", item_yaml("with-demo", topic="demo-topic", demo="softmax"))
    result = run("export", "--bank", str(path), "--topic", "demo-topic", "-o", "-")
    assert result.exit_code == 0, result.output
    tokens = MarkdownIt("commonmark").parse(result.stdout)
    fences = [t for t in tokens if t.type == "fence"]
    assert len(fences) == 1 and fences[0].info == "text"
    assert "demo softmax" in fences[0].content and "result" in fences[0].content


def test_question_sheet_leaks_no_answers(run):
    bank = load_bank()
    topic = "cnn"
    result = run("export", "--topic", topic, "--no-answers", "-o", "-")
    assert result.exit_code == 0, result.output
    text = result.stdout
    items = [i for i in bank.items if i.topic == topic]
    assert len(headings(text, 3)) == len(items)
    for item in items:
        assert item.answer.strip()[:60] not in text
        for point in item.key_points:
            assert f"- {point}" not in text
    assert "Key points" not in text and "Pitfalls" not in text and "````" not in text


def test_answer_key_comes_after_the_questions(run):
    result = run("export", "--topic", "math-for-dl", "--no-answers", "--answer-key", "-o", "-")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert headings(text, 2)[-1] == "Answer key"
    key = text.split("## Answer key", 1)[1]
    for item in [i for i in load_bank().items if i.topic == "math-for-dl"]:
        assert item.answer.strip()[:50] in key


def test_bank_html_is_escaped_in_markdown(run, write_bank):
    path = write_bank(
        "evil.yaml",
        item_yaml(
            "html-item",
            topic="evil",
            question="'What about <b>bold</b>?'",
            answer="'<script>alert(1)</script> and <img src=x onerror=alert(2)>'",
        ),
    )
    result = run("export", "--bank", str(path), "--topic", "evil", "-o", "-")
    assert result.exit_code == 0, result.output
    assert "<script" not in result.stdout and "<img" not in result.stdout and "<b>" not in result.stdout
    chunks = html_tokens(result.stdout)
    assert chunks, "the guide's own anchors are there"
    assert all(re.fullmatch(r'(<a id="[a-z0-9-]+">|</a>|<a id="[a-z0-9-]+"></a>\n?)', chunk) for chunk in chunks), (
        chunks
    )


def test_filters_ids_and_unknown_ids(run):
    bank = load_bank()
    wanted = [bank.items[5].id, bank.items[2].id]
    result = run("export", "-f", "json", "--ids", ",".join(wanted), "-o", "-")
    assert result.exit_code == 0, result.output
    import json

    assert [d["id"] for d in json.loads(result.stdout)] == wanted
    bad = run("export", "--ids", "no-such-item")
    assert bad.exit_code == 2 and "no item with id 'no-such-item'" in bad.stderr


def test_due_and_weak_exports_follow_your_history(run, quizprep_home):
    from datetime import datetime, timedelta, timezone

    from quizprep.api import Policy
    from quizprep.session import Recorder
    from quizprep.store import open_state

    bank = load_bank()
    a, b, c = (item.id for item in bank.items[:3])
    conn = open_state()
    recorder = Recorder(conn, Policy(), "quiz")
    long_ago = datetime.now(timezone.utc) - timedelta(days=60)
    recorder.record(a, 3, True, None, long_ago)  # learning step long overdue: due and weak
    recorder.record(b, 4, None, None, datetime.now(timezone.utc))  # just learned: not due, strong
    conn.close()
    import json

    due = json.loads(run("export", "-f", "json", "--due", "-o", "-").stdout)
    assert [d["id"] for d in due] == [a]
    weak = json.loads(run("export", "-f", "json", "--weak", "-o", "-").stdout)
    assert [d["id"] for d in weak] == [a]
    assert c not in {d["id"] for d in weak}


def test_anki_package_has_one_note_per_item_with_stable_guids(run, tmp_path):
    first = tmp_path / "one.apkg"
    second = tmp_path / "two.apkg"
    assert run("export", "--format", "anki", "-o", str(first)).exit_code == 0
    assert run("export", "--format", "anki", "-o", str(second)).exit_code == 0

    def notes(path):
        with zipfile.ZipFile(path) as archive:
            assert "collection.anki2" in archive.namelist()
            archive.extract("collection.anki2", path.parent / path.stem)
        with sqlite3.connect(path.parent / path.stem / "collection.anki2") as conn:
            return conn.execute("SELECT guid, flds, tags FROM notes ORDER BY guid").fetchall()

    one, two = notes(first), notes(second)
    bank = load_bank()
    assert len(one) == len(bank.items)
    assert [row[0] for row in one] == [row[0] for row in two]  # same GUIDs: re-import updates, never duplicates
    assert len({row[0] for row in one}) == len(one)
    fields = "\n".join(row[1] for row in one)
    assert "\\(" in fields and "$\\" not in fields  # math became MathJax
    assert all(" quizprep " in f" {row[2]} " for row in one)
    topics = {item.topic for item in bank.items}
    assert all(any(f" {t} " in f" {row[2]} " for t in topics) for row in one)


def test_anki_html_from_the_bank_is_escaped():
    from quizprep.export.anki_export import to_html

    html = to_html("Use <script>alert(1)</script> and $a<b$ and **bold**")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "\\(a&lt;b\\)" in html and "<strong>bold</strong>" in html


def test_markdown_can_end_with_the_exercises_of_its_items():
    from quizprep.bank import load_bank
    from quizprep.export import exercises_for
    from quizprep.export.markdown_export import to_markdown

    items = [item for item in load_bank().items if item.id == "softmax-function"]
    exercises = exercises_for(items)
    assert [name for name, _, _ in exercises] == ["softmax"]
    guide = to_markdown(items, exercises=exercises)
    assert "## Implement it" in guide and "[Implement it](#implement-it)" in guide
    assert "def softmax(x, axis=-1):" in guide and "Practises questions [1](#softmax-function)." in guide
    assert "## Implement it" not in to_markdown(items)
