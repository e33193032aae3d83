"""Importing Anki packages, legacy (genanki) and current (collection.anki21b, built by hand)."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone

import pytest
import yaml

from quizprep.errors import BadValueError, QuizprepError
from quizprep.importers import import_file, user_bank_dir
from quizprep.importers import package as package_module
from tests.importers.packages import (
    SINGLE,
    basic,
    cloze_note,
    legacy_package,
    modern_package,
    zip_bytes,
    zstd,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"picture-bytes"
T0 = 1_700_000_000_000  # 2023-11-14T22:13:20Z in epoch milliseconds

NOTES = [
    basic(
        "Ab1!x",
        "What does <b>softmax</b> compute for \\(z_i\\)?",
        '<div>A distribution:&nbsp;\\[\\frac{e^{z_i}}{\\sum_j e^{z_j}}\\]</div><img src="soft max.png">',
        tags=["DL::Basics", "activations"],
        deck="Deep Learning::Activations",
    ),
    basic("plain1", "Plain question", "Plain answer with a_b and 2*3", deck="Deep Learning::Activations"),
    cloze_note("clz", "{{c1::ReLU}} is zero for {{c2::negative::sign}} inputs", "Back <i>extra</i>", deck="Cloze Deck"),
]
REVIEWS = [
    ("Ab1!x", 0, T0, 3, 5200, 0),
    ("Ab1!x", 0, T0 + 86_400_000, 4, 2100, 1),
    ("Ab1!x", 0, T0 + 90_000_000, 0, 0, 4),  # a manual reschedule: not a review
    ("clz", 1, T0 + 1000, 1, 9000, 0),
]
BUILDERS = {"legacy": legacy_package, "modern": modern_package}


def bank_items(report) -> dict[str, dict]:
    return {item["id"]: item for item in yaml.safe_load(report.path.read_text(encoding="utf-8"))}


@pytest.fixture(params=["legacy", "modern"])
def build(request, tmp_path):
    def make(notes=NOTES, name="deck.apkg", **extra):
        folder = tmp_path / f"src-{request.param}-{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        return BUILDERS[request.param](folder / name, notes, **extra)

    return make


def test_basic_notes_become_markdown_items(build):
    report = import_file(build(media={"soft max.png": PNG}))
    items = bank_items(report)
    assert report.written and report.path == user_bank_dir() / "deck.yaml"
    soft = next(item for item in items.values() if item["question"].startswith("What does"))
    assert soft["question"] == "What does **softmax** compute for $z_i$?"
    assert soft["answer"] == "A distribution: $$\\frac{e^{z_i}}{\\sum_j e^{z_j}}$$\n\n![](<soft max.png>)"
    assert soft["topic"] == "deep-learning-activations"
    assert soft["tags"] == ["dl-basics", "activations"]
    assert soft["id"].startswith("anki-ab1-x-") and len(soft["id"]) == len("anki-ab1-x-") + 8
    plain = items["anki-plain1"]
    assert plain["answer"] == "Plain answer with a_b and 2*3"  # no HTML: no markdown escaping either
    assert report.media_referenced == ["soft max.png"] and report.media_copied == []
    assert not (user_bank_dir() / "media").exists()


def test_a_cloze_note_becomes_one_cloze_item(build):
    report = import_file(build())
    items = bank_items(report)
    item = items["anki-clz"]
    assert item["cloze"] == "{{c1::ReLU}} is zero for {{c2::negative::sign}} inputs"
    assert item["question"] == "[...] is zero for [...] inputs"
    assert item["answer"] == "ReLU is zero for negative inputs\n\nBack *extra*"
    assert item["tags"] == ["cloze"] and item["topic"] == "cloze-deck"
    assert not any(item_id.startswith("anki-clz-c") for item_id in items)
    assert any("1 cloze note became 1 cloze item" in note for note in report.notes)


def test_cloze_math_is_converted_and_nested_gaps_flattened(build):
    text = "<b>{{c1::Softmax}}</b> of {{c2::\\(z_i\\)::symbol}} uses {{c3::exp {{c4::inner}} }} and {{c600::far}}"
    report = import_file(build([cloze_note("mj", text)]))
    item = bank_items(report)["anki-mj"]
    assert item["cloze"] == "**{{c1::Softmax}}** of {{c2::$z_i$::symbol}} uses {{c3::exp inner }} and far"
    assert item["question"] == "**[...]** of [...] uses [...] and far"
    assert item["answer"] == "**Softmax** of $z_i$ uses exp inner and far"


def test_importing_twice_changes_nothing(build):
    source = build()
    first = import_file(source)
    before = first.path.stat()
    again = import_file(source)
    assert (again.imported, again.updated, again.written) == ([], [], False)
    assert sorted(again.unchanged) == sorted(first.imported) and len(again.unchanged) == 3
    after = first.path.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)


def test_newer_deck_updates_items_by_id_and_keeps_the_rest(build):
    import_file(build())
    newer = [
        basic("plain1", "Plain question, reworded", "Plain answer", deck="Deep Learning::Activations"),
        basic("new-note", "A new question", "A new answer"),
    ]
    report = import_file(build(newer))
    assert report.updated == ["anki-plain1"] and report.imported == ["anki-new-note"]
    assert set(report.kept) == {"anki-clz", next(i for i in report.kept if i.startswith("anki-ab1"))}
    items = bank_items(report)
    assert items["anki-plain1"]["question"] == "Plain question, reworded"
    assert len(items) == 4


def test_review_history_maps_cards_to_items(build):
    report = import_file(build(reviews=REVIEWS), with_history=True)
    soft_id = next(i for i in report.imported if i.startswith("anki-ab1"))
    rows = [(r.item_id, r.reviewed_at, r.rating, r.duration_ms) for r in report.history]
    start = datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)
    assert rows == [
        (soft_id, start, 3, 5200),
        ("anki-clz#c2", datetime(2023, 11, 14, 22, 13, 21, tzinfo=timezone.utc), 1, 9000),
        (soft_id, datetime(2023, 11, 15, 22, 13, 20, tzinfo=timezone.utc), 4, 2100),
    ]
    assert any("1 review-log row left out" in note for note in report.notes)
    assert import_file(build(reviews=REVIEWS)).history == []  # only when asked


def test_media_copied_with_safe_names_when_asked(build):
    report = import_file(build(media={"soft max.png": PNG}), media=True)
    (copied,) = report.media_copied
    assert copied.startswith("soft-max-") and copied.endswith(".png")
    assert (user_bank_dir() / "media" / copied).read_bytes() == PNG
    soft = next(item for item in bank_items(report).values() if item["question"].startswith("What does"))
    assert soft["answer"].endswith(f"![](media/{copied})")


def test_control_characters_are_stripped(build):
    notes = [basic("ctl", "Bell\x07 and escape\x1b[31m here", "Answer\x00 text\r\nsecond line")]
    items = bank_items(import_file(build(notes)))
    assert items["anki-ctl"]["question"] == "Bell and escape[31m here"
    assert items["anki-ctl"]["answer"] == "Answer text\nsecond line"


def test_invalid_notes_are_skipped_with_reason(build):
    notes = [basic("ok", "Good question", "Good answer"), basic("empty", "A question", "<div> </div>")]
    report = import_file(build(notes))
    assert report.imported == ["anki-ok"]
    (skip,) = report.skipped
    assert skip.where.startswith("note ") and "answer is empty" in skip.reason


def test_one_field_note_type_is_an_error_and_writes_nothing(build):
    notes = [("one", SINGLE, ["Only a front"], [], "Default")]
    with pytest.raises(QuizprepError, match="note type with one field"):
        import_file(build(notes))
    assert not user_bank_dir().exists()


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("deck.apkg", b"", "is empty"),
        ("deck.apkg", b"not a zip at all", "damaged zip"),
        ("deck.apkg", zip_bytes({"readme.txt": b"hello"}), "holds no Anki collection"),
        ("deck.colpkg", zip_bytes({"collection.anki2": b"garbage that is not sqlite"}), "not an SQLite database"),
        ("deck.apkg", zip_bytes({"collection.anki21b": b"\x28\xb5\x2f\xfdgarbage"}), "damaged"),
    ],
)
def test_bad_packages_give_one_line_errors(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(QuizprepError, match=message) as caught:
        import_file(path)
    assert "\n" not in str(caught.value)
    assert not user_bank_dir().exists()


def test_unknown_file_type(tmp_path):
    path = tmp_path / "notes.docx"
    path.write_bytes(b"PK")
    with pytest.raises(BadValueError, match="unknown file type '.docx'"):
        import_file(path)


def test_zstd_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(package_module, "MAX_COLLECTION_BYTES", 1_000_000)
    path = tmp_path / "bomb.apkg"
    path.write_bytes(zip_bytes({"collection.anki21b": zstd(b"\0" * 5_000_000)}))
    with pytest.raises(QuizprepError, match="unpacks to more than 1.0 MB"):
        import_file(path)


def test_declared_zip_size_is_checked_before_unpacking(tmp_path, monkeypatch):
    monkeypatch.setattr(package_module, "MAX_COLLECTION_BYTES", 100_000)
    path = tmp_path / "big.apkg"
    path.write_bytes(zip_bytes({"collection.anki2": b"\0" * 200_000}))
    with pytest.raises(QuizprepError, match="collection.anki2 unpacks to 0.2 MB; the limit is 0.1 MB"):
        import_file(path)


def test_oversized_package_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(package_module, "MAX_PACKAGE_BYTES", 10)
    path = tmp_path / "deck.apkg"
    path.write_bytes(zip_bytes({"collection.anki2": b"x"}))
    with pytest.raises(QuizprepError, match="the limit is 10 bytes"):
        import_file(path)


def test_five_thousand_notes_import_quickly(tmp_path):
    notes = [
        basic(f"g{i}", f"What is <b>item {i}</b> \\(x_{{{i}}}\\)?", f"<div>Answer <i>{i}</i></div><ul><li>a</li></ul>")
        for i in range(5000)
    ]
    source = legacy_package(tmp_path / "big.apkg", notes)
    started = time.perf_counter()
    report = import_file(source)
    elapsed = time.perf_counter() - started
    assert len(report.imported) == 5000
    assert elapsed < 15, f"5,000 notes took {elapsed:.1f} s"  # about 4 s here; generous for shared CI machines


def test_with_history_the_states_continue_from_the_packages_reviews(build, run):
    """End to end: the history lands in the review log, and each item's state is the replay of its reviews."""
    from quizprep import store
    from quizprep.api import Policy, answer
    from quizprep.scheduler import state_of

    path = build(reviews=REVIEWS)
    first = run("import", str(path), "--with-history", "--json")
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["history_added"] == 3
    soft_id = next(i for i in report["imported"] if i.startswith("anki-ab1"))
    conn = store.open_state()
    rows = [r for r in store.reviews(conn) if r.item_id == soft_id]
    assert [(r.rating, r.mode) for r in rows] == [(3, "import"), (4, "import")]
    start = datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)
    expected = answer(answer(None, 3, start, Policy()), 4, start.replace(day=15), Policy())
    stored = state_of(store.card_row(conn, soft_id))
    assert (stored.stability, stored.difficulty) == (expected.stability, expected.difficulty)
    conn.close()
    again = run("import", str(path), "--with-history", "--json")
    assert json.loads(again.stdout)["history_added"] == 0  # nothing twice
