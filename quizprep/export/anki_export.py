"""An Anki package (.apkg, through genanki): one note per item, a subdeck per topic.

Notes get GUIDs derived from item ids, so importing a newer export updates the
existing notes instead of adding duplicates. Markdown becomes HTML (raw HTML in
the bank is escaped, images are not made, Anki's [sound:...] tags are defused) and
math becomes MathJax: `\\(...\\)` inline, `\\[...\\]` display, without commands
that could link, style or load anything.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

from quizprep.bank import DIFFICULTY_NAMES, Item

MODEL_ID = 1_607_392_319  # fixed forever: Anki matches note types by id
ROOT_DECK = "quizprep"
# MathJax commands that could reach outside the formula (links, styles, loading code) lose their backslash
MATHJAX_UNSAFE = re.compile(r"\\(?=(?:href|url|class|cssId|style|html\w*|require|unicode)\b)")
PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")  # private-use characters around a math span's number
CSS = """
.card { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 19px; line-height: 1.45;
        text-align: left; color: #1f2328; background: #ffffff; max-width: 46em; margin: 0 auto; }
.nightMode.card { color: #e6edf3; background: #0d1117; }
.meta { font-size: 13px; color: #8b949e; }
h4 { margin: 1.1em 0 0.3em; }
.keypoints li { color: #1a7f37; } .nightMode .keypoints li { color: #3fb950; }
.pitfalls li { color: #cf222e; } .nightMode .pitfalls li { color: #f85149; }
"""
FRONT = '<div class="meta">{{Topic}} · {{Difficulty}}</div>\n<div class="question">{{Question}}</div>'
BACK = (
    "{{FrontSide}}\n<hr id=answer>\n{{Answer}}\n"
    '{{#KeyPoints}}<h4>Key points</h4><ul class="keypoints">{{KeyPoints}}</ul>{{/KeyPoints}}\n'
    '{{#Pitfalls}}<h4>Pitfalls</h4><ul class="pitfalls">{{Pitfalls}}</ul>{{/Pitfalls}}\n'
    '<div class="meta">{{Id}}{{#Demo}} · demo: <code>quizprep demo {{Demo}}</code>{{/Demo}}</div>'
)


def stable_id(*parts: str) -> int:
    """A positive 31-bit id that never changes for the same parts (decks, notes)."""
    return int(hashlib.sha256("::".join(parts).encode()).hexdigest()[:8], 16) & 0x7FFFFFFF


def to_html(text: str) -> str:
    """Markdown to HTML with math spans turned into MathJax delimiters and raw HTML escaped."""
    from markdown_it import MarkdownIt

    from quizprep.latex import replace_math

    spans: list[str] = []

    def stash(body: str, display: bool) -> str:
        math = html.escape(MATHJAX_UNSAFE.sub("", body.strip()), quote=False)
        spans.append(f"\\[{math}\\]" if display else f"\\({math}\\)")
        return f"\ue000{len(spans) - 1}\ue001"

    def restore(match: re.Match) -> str:
        number = int(match.group(1))
        return spans[number] if number < len(spans) else ""  # a bank cannot forge a span it did not write

    protected = replace_math(text.replace("\ue000", "").replace("\ue001", ""), stash)
    # no images: a deck must not fetch remote files or show media from the user's collection
    rendered = MarkdownIt("commonmark", {"html": False}).disable("image").render(protected).strip()
    rendered = PLACEHOLDER.sub(restore, rendered).replace("[sound:", "&#91;sound:")
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return rendered


def list_items(points: list[str]) -> str:
    return "".join(f"<li>{to_html(point)}</li>" for point in points)


def tag(text: str) -> str:
    return re.sub(r"\s+", "_", text.strip())


def build_package(items: list[Item], path: Path) -> int:
    """Write the .apkg to `path`; returns the number of notes."""
    import genanki

    model = genanki.Model(
        MODEL_ID,
        "quizprep item",
        fields=[
            {"name": name}
            for name in ("Question", "Answer", "KeyPoints", "Pitfalls", "Topic", "Difficulty", "Id", "Demo")
        ],
        templates=[{"name": "Question → answer", "qfmt": FRONT, "afmt": BACK}],
        css=CSS,
        sort_field_index=0,
    )
    decks: dict[str, object] = {}
    for item in items:
        deck_name = f"{ROOT_DECK}::{item.topic}"
        if deck_name not in decks:
            decks[deck_name] = genanki.Deck(stable_id("deck", item.topic), deck_name)
        note = genanki.Note(
            model=model,
            fields=[
                to_html(item.question),
                to_html(item.answer),
                list_items(item.key_points),
                list_items(item.pitfalls),
                html.escape(item.topic),
                f"difficulty {item.difficulty} ({DIFFICULTY_NAMES[item.difficulty]})",
                html.escape(item.id),
                html.escape(item.demo or ""),
            ],
            tags=[tag(ROOT_DECK), tag(item.topic)] + [tag(t) for t in item.tags],
            guid=genanki.guid_for(ROOT_DECK, item.id),
        )
        decks[deck_name].add_note(note)
    genanki.Package(list(decks.values())).write_to_file(str(path))
    return len(items)
