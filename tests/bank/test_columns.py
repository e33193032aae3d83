"""The columnar layout of checked items: it round-trips the bank exactly, and the column checks never let
through an item that check_item rejects, however the columns are tampered with."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from quizprep.bank import load_bank
from quizprep.bank.columns import LIST_COLUMNS, Columns, build_items, from_rows, unpack
from quizprep.bank.validate import all_valid, check_item, checked_items

GOOD_ROWS = [
    (
        {
            "id": "first",
            "topic": "topic-a",
            "difficulty": 1,
            "question": "What is {x}?",
            "answer": "It is\n\tx.",
            "tags": ["a", "b-c"],
            "key_points": ["one", "two"],
            "choices": {"correct": "c", "wrong": ["w1", "w2", "w3"]},
            "sources": ["000:14"],
        },
        3,
    ),
    (
        {
            "id": "second",
            "topic": "topic-b",
            "difficulty": 3,
            "question": "Q?",
            "answer": "Año — ok",
            "cloze": "Año {{c1::ok}} and {{c2::fine::a word}}",
            "follow_ups": ["first"],
        },
        9,
    ),
]


def test_the_bundled_bank_round_trips_through_columns():
    items = load_bank(use_cache=False).items
    columns = from_rows([(item.to_dict(), item.line) for item in items])
    assert columns is not None
    built = checked_items(columns, None)
    assert built is not None and built == items  # `file` is not compared; every field is
    assert [item.line for item in built] == [item.line for item in items]


def test_absent_and_empty_optional_fields_build_the_same_item():
    bare = {"id": "x", "topic": "t", "difficulty": 2, "question": "q", "answer": "a"}
    empty = {**bare, "tags": [], "key_points": None, "choices": None, "demo": None}
    first, second = build_items(unpack(from_rows([(bare, 1), (empty, 1)])))
    assert first == second and first.tags == [] and first.choices is None


def test_values_the_layout_cannot_hold_exactly_are_refused():
    bare = {"id": "x", "topic": "t", "difficulty": 2, "question": "q", "answer": "a"}
    for change in ({"tags": [1]}, {"id": "a\nb"}, {"difficulty": True}, {"extra": 1}, {"demo": 3}, {"tags": "a"}):
        assert from_rows([({**bare, **change}, 1)]) is None
        assert all_valid([{**bare, **change}], None) is False


ODD = st.sampled_from(
    [
        "",
        " ",
        "ok",
        "a-b",
        "a--b",
        "-a",
        "a b",
        "A",
        "000:14",
        "00:1",
        "x\n",
        "\n",
        "x\x00y",
        "x\x1b",
        "x\x85",
        "x\x7f",
        "q\u00a0r",
        "{" * 51,
        "{" * 51 + "}" * 51,
        "\\{" * 60,
        "w1",
        "w1 ",
        "c",
        "x" * 20_001,
        "é\u2028",
        "{{c1::x}}",
        "{{c0::x}}",
        "{{c1::}}",
        "{{c1::a",
        "{{c1::{{c2::y}}}}",
        "{{c1::x::h}} {{c101::y}}",
    ]
)
TEXTS = ODD | st.text(max_size=6)
NEAR_SLUGS = st.sampled_from(["a--b", "-a", "a-", "a\nb", "A", "a b", "", "ok-ok", "000:01", "000:1\n"]) | ODD


@st.composite
def tampered(draw) -> Columns:
    """Columns of valid items with one column replaced by something drawn."""
    columns = from_rows(GOOD_ROWS)
    name = draw(st.sampled_from(Columns._fields[: Columns._fields.index("lines")]))
    old = getattr(columns, name)
    if isinstance(old, str) and draw(st.booleans()):  # one id or topic changed
        lines = old.split("\n")[:-1]
        lines[draw(st.integers(0, len(lines) - 1))] = draw(NEAR_SLUGS)
        new = "".join(line + "\n" for line in lines)
    elif isinstance(old, str):
        new = draw(st.lists(TEXTS, max_size=3).map(lambda lines: "".join(line + "\n" for line in lines)) | TEXTS)
    elif isinstance(old, bytes):
        new = draw(st.binary(max_size=3))
    elif name in LIST_COLUMNS and draw(st.booleans()):  # an entry repeated (maybe once stripped) or dropped
        extra = draw(st.sampled_from(["", " ", None]))
        new = [entries[:-1] if extra is None else entries + [entries[0] + extra] for entries in old if entries]
        new += [[]] * (len(old) - len(new))
    elif name in LIST_COLUMNS and draw(st.booleans()):  # one entry changed or added
        item = draw(st.integers(0, len(old) - 1))
        entries = list(old[item])
        at = draw(st.integers(0, len(entries)))
        entries[at : at + 1] = [draw(NEAR_SLUGS)]  # the entry at `at` replaced, or one added at the end
        new = [entries if index == item else list(value) for index, value in enumerate(old)]
    elif name in LIST_COLUMNS:
        new = draw(st.lists(st.lists(TEXTS, max_size=4), min_size=len(old), max_size=len(old) + 1))
    else:
        new = draw(st.lists(st.none() | TEXTS, min_size=len(old), max_size=len(old) + 1))
    return columns._replace(**{name: new})


@settings(max_examples=600, deadline=None)
@given(columns=tampered(), demos=st.sampled_from([None, {"softmax"}]))
def test_tampered_columns_never_pass_with_an_invalid_item(columns, demos):
    items = checked_items(columns, demos)
    if items is not None:
        assert items == build_items(unpack(columns))
        for item in items:
            assert check_item(item.to_dict(), 1, {}, 1, demos) == [], item


def test_refs_sound_agrees_with_check_across():
    from quizprep.bank.schema import Item
    from quizprep.bank.validate import check_across, refs_sound

    def item(item_id, *follow_ups):
        return Item(item_id, "t", 1, "q", "a", follow_ups=list(follow_ups))

    cases = [
        ([item("a", "b"), item("b")], frozenset()),
        ([item("a", "c"), item("b")], frozenset({"c"})),
        ([item("a", "c"), item("b")], frozenset()),  # points nowhere
        ([item("a"), item("a")], frozenset()),  # the same id twice
        ([item("a", "a")], frozenset()),  # the item itself
    ]
    for items, known in cases:
        rows = [("f", (i.id, i.follow_ups, 1, 1)) for i in items]
        assert refs_sound(items, known) is (check_across(rows, known) == [])
