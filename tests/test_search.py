"""Full-text search: ranking, hostile queries, the index's rebuild, the view and the JSON shape."""

from __future__ import annotations

import pytest
from rich.console import Console

from quizprep.bank import Bank, Item
from quizprep.search import Hit, default_index, search, terms
from quizprep.ui.search import search_view


def item(item_id: str, question: str, answer: str, key_points=(), topic: str = "testing") -> Item:
    return Item(item_id, topic, 1, question, answer, key_points=list(key_points))


@pytest.fixture
def bank() -> Bank:
    return Bank(
        [
            item("answer-mentions", "What limits deep networks?", "Vanishing gradients limit how deep networks train."),
            item(
                "question-has-it", "Why do vanishing gradients happen?", "Repeated small Jacobians shrink the signal."
            ),
            item(
                "key-point-has-it",
                "How does a residual block help?",
                "It adds the input back.",
                ["keeps gradients from vanishing"],
            ),
            item("unrelated", "What is dropout?", "Random units are zeroed (p = 0.5) during training."),
        ]
    )


def test_question_match_ranks_first(bank, tmp_path):
    hits = search(bank, "vanishing gradients", index=tmp_path / "s.db")
    assert [hit.item_id for hit in hits] == ["question-has-it", "key-point-has-it", "answer-mentions"]
    assert hits[0].score > hits[1].score > hits[2].score > 0


def test_snippet_highlights_are_offsets_of_matched_words(bank, tmp_path):
    (hit,) = search(bank, "Jacobians", index=tmp_path / "s.db")
    assert hit.item_id == "question-has-it"
    assert [hit.snippet[start:end] for start, end in hit.highlights] == ["Jacobians"]
    assert "\x02" not in hit.snippet and "\x03" not in hit.snippet
    assert hit.to_dict()["highlights"] == [list(span) for span in hit.highlights]


def test_stemming_and_fallback_to_any_word(bank, tmp_path):
    assert [h.item_id for h in search(bank, "train", index=tmp_path / "s.db")] == ["answer-mentions", "unrelated"]
    # no item has both words: items with either are ranked
    assert {h.item_id for h in search(bank, "dropout residual", index=tmp_path / "s.db")} == {
        "unrelated",
        "key-point-has-it",
    }


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"vanishing',
        "vanish*",
        "NEAR(vanishing gradients)",
        "-vanishing",
        "answer:vanishing",
        "(vanishing) OR",
        "vanishing AND NOT",
        "^vanishing",
        "{question}: vanishing",
        "'; DROP TABLE items; --",
        "vanishing\x00\x1b[31m",
    ],
)
def test_fts5_syntax_in_queries_is_plain_text(bank, tmp_path, query):
    hits = search(bank, query, index=tmp_path / "s.db")
    ids = [hit.item_id for hit in hits]
    assert all(isinstance(hit, Hit) for hit in hits)
    if "vanishing" in query.lower():
        assert ids and set(ids) <= {"question-has-it", "key-point-has-it", "answer-mentions"}
    assert search(bank, "dropout", index=tmp_path / "s.db")[0].item_id == "unrelated"  # the index survived


def test_queries_without_words(bank, tmp_path):
    for query in ["", "   ", '"*"', "()", "-:-"]:
        assert search(bank, query, index=tmp_path / "s.db") == []
    assert terms('NEAR("a b")*') == ["NEAR", "a", "b"]


def test_index_is_rebuilt_when_the_bank_changes(bank, tmp_path):
    index = tmp_path / "s.db"
    assert search(bank, "transformer", index=index) == []
    built = index.stat().st_mtime_ns
    assert search(bank, "dropout", index=index)[0].item_id == "unrelated"
    assert index.stat().st_mtime_ns == built  # unchanged bank: the same index
    changed = Bank(bank.items + [item("attention", "What does a transformer compute?", "Attention.")])
    assert [hit.item_id for hit in search(changed, "transformer", index=index)] == ["attention"]
    edited = Bank([item("unrelated", "What is dropout?", "Now about transformers.")])
    assert [hit.item_id for hit in search(edited, "transformer", index=index)] == ["unrelated"]


def test_damaged_index_is_rebuilt_and_the_default_lives_in_the_cache(bank, quizprep_home):
    index = default_index()
    assert index == quizprep_home / "cache" / "search.db"
    index.parent.mkdir(parents=True)
    index.write_bytes(b"not a database at all")
    assert search(bank, "dropout")[0].item_id == "unrelated"


def test_view_highlights_with_styles_not_markup(tmp_path):
    hit = Hit("x-id", "topic", "Question with [bold]brackets[/bold]?", "a [red]snippet[/red] here", [(2, 7)], 1.0)
    console = Console(width=100, record=True, color_system=None)
    console.print(search_view([hit], "[red]"))
    text = console.export_text()
    assert "[bold]brackets[/bold]" in text and "a [red]snippet[/red] here" in text
    assert " 1. x-id  topic" in text
    assert "No items match [x]." in _plain(search_view([], "[x]"))


def _plain(renderable) -> str:
    console = Console(width=100, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()
