"""Hostile item text in exports: no item can break the markdown guide, hide other items, or inject HTML,
media or scripts into an Anki deck."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from quizprep.bank import Item
from quizprep.export.anki_export import to_html
from quizprep.export.markdown_export import to_markdown

HOSTILE = [
    "```\nthe rest of the guide is code now",
    "~~~~\nswallow",
    "# Fake heading\n## Fake topic",
    "line\n---\nsetext",
    "line\n===",
    "[ref]: https://evil.example/ 'hidden'",
    "<script>alert(1)</script>\n<div>\n\n<img src=x onerror=alert(2)>",
    "<!-- hide everything after",
    "````` five backticks `````",
]


def item(number: int, text: str) -> Item:
    return Item(
        id=f"item-{number}",
        topic="hostile",
        difficulty=1,
        question=f"Q{number} {text}",
        answer=text,
        key_points=[text, "# point"],
        pitfalls=[text],
        demo="softmax" if number == 0 else None,
    )


def tokens(markdown: str):
    return MarkdownIt("commonmark").parse(markdown)


def test_no_item_can_break_the_guide():
    items = [item(n, text) for n, text in enumerate(HOSTILE)] + [item(99, "plain and last")]
    guide = to_markdown(items, demo_text=lambda it: "demo ```` with ````` backticks\n```")
    parsed = tokens(guide)
    headings = [parsed[i + 1].content for i, t in enumerate(parsed) if t.type == "heading_open"]
    assert headings[:3] == ["quizprep study guide", "Contents", "hostile"]
    assert len([h for h in headings[3:]]) == len(items)  # one h3 per item, nothing injected
    assert all(re.match(r"\d+\. Q\d+", h) for h in headings[3:])
    fences = [t for t in parsed if t.type in ("fence", "code_block")]
    assert len(fences) == 1 and "demo ```` with" in fences[0].content  # only the demo output is code
    html = [t.content for t in parsed if t.type == "html_block"]
    html += [c.content for t in parsed for c in t.children or [] if c.type == "html_inline"]
    assert all(re.fullmatch(r'(<a id="[a-z0-9-]+">|</a>|<a id="[a-z0-9-]+"></a>\n?)', chunk) for chunk in html), html
    assert "plain and last" in guide.split("### ")[-1]  # the last item is still there, in its own section
    assert "<script" not in guide and "<img" not in guide and "<!--" not in guide


def test_link_text_cannot_close_its_link():
    guide = to_markdown([Item("a-b", "t", 1, "x](https://evil.example) [y", "a")])
    links = [c for t in tokens(guide) for c in t.children or [] if c.type == "link_open"]
    assert [link.attrs["href"] for link in links] == ["#topic-t", "#a-b"]


def test_anki_fields_have_no_media_scripts_or_links_out_of_math():
    html = to_html(
        "![x](https://evil.example/track.png) [sound:boom.mp3] <img src=x> [a](javascript:alert(1)) "
        r"$\href{javascript:alert(1)}{x}$ QPMATH0X \ue000"
        "7\ue001"
    )
    assert "<img" not in html and "[sound:" not in html and "&#91;sound:boom.mp3]" in html
    assert 'href="javascript' not in html and "<script" not in html
    assert r"\href" not in html and r"\(href{javascript:alert(1)}{x}\)" in html  # MathJax sees plain text
    assert "QPMATH0X" in html  # literal text stays text


def test_anki_math_spans_are_found_in_linear_time():
    import time

    started = time.perf_counter()
    to_html("\\[" * 50_000)
    assert time.perf_counter() - started < 2
