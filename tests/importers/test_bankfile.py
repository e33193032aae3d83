"""Where imports go and how they are written: the user's bank folder, atomic writes, id clashes, cloze parsing."""

from __future__ import annotations

import os

import pytest

from quizprep.bank import load_bank
from quizprep.errors import QuizprepError
from quizprep.files import FileRefused
from quizprep.importers import cloze, import_file, user_bank_dir, user_bank_roots
from quizprep.importers.markup import FieldConverter
from quizprep.importers.media import safe_media_name

CSV = "id,question,answer,topic\ncard-one,What is one?,One.,numbers\ncard-two,What is two?,Two.,numbers\n"


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "numbers.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_imported_bank_loads_beside_the_bundled_one(source):
    assert user_bank_roots() == []
    report = import_file(source)
    assert user_bank_roots() == [user_bank_dir()]
    bank = load_bank(user_bank_roots())
    assert bank.get("card-one").question == "What is one?"
    assert bank.get("card-two").topic == "numbers"
    assert report.path.read_text(encoding="utf-8").startswith("# Imported by quizprep from numbers.csv.")


def test_dry_run_writes_nothing(source):
    report = import_file(source, dry_run=True)
    assert report.imported == ["card-one", "card-two"] and report.written is False
    assert not report.path.exists()


def test_symbolic_link_target_is_refused(source, tmp_path):
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text("[]\n", encoding="utf-8")
    user_bank_dir().mkdir(parents=True)
    (user_bank_dir() / "numbers.yaml").symlink_to(elsewhere)
    with pytest.raises(FileRefused, match="symbolic link"):
        import_file(source)
    assert elsewhere.read_text(encoding="utf-8") == "[]\n"


def test_fifo_target_is_refused(source):
    user_bank_dir().mkdir(parents=True)
    os.mkfifo(user_bank_dir() / "numbers.yaml")
    with pytest.raises(QuizprepError, match="named pipe"):
        import_file(source)


def test_ids_used_by_another_bank_are_refused(source, tmp_path):
    import_file(source)
    with pytest.raises(
        QuizprepError,
        match=r"no item could be imported \(2 skipped; the first: numbers.csv:2: "
        r"id 'card-one' is already used by .*numbers.yaml\)",
    ):
        import_file(source, name="copy")
    more = tmp_path / "more.csv"
    more.write_text(CSV + "card-three,What is three?,Three.,numbers\n", encoding="utf-8")
    report = import_file(more, name="copy")
    assert report.imported == ["card-three"] and len(report.skipped) == 2
    assert load_bank(user_bank_roots()).get("card-three") is not None


def test_a_broken_bank_file_stops_the_import(source):
    user_bank_dir().mkdir(parents=True)
    (user_bank_dir() / "numbers.yaml").write_text("- id: Bad Id\n  question: x\n", encoding="utf-8")
    with pytest.raises(QuizprepError, match="has problems .*fix it"):
        import_file(source)


def test_bad_name_is_refused(source):
    with pytest.raises(QuizprepError, match="gives no bank name"):
        import_file(source, name="!!!")


def test_cloze_parsing_nested_and_unclosed():
    tree = cloze.parse("{{c1::outer {{c2::inner}} part}} and {{c3::open")
    assert cloze.numbers(tree) == [1, 2]
    assert cloze.render(tree, 1) == "[...] and {{c3::open"
    assert cloze.render(tree, 2) == "outer [...] part and {{c3::open"
    assert cloze.render(tree, None) == "outer inner part and {{c3::open"
    assert cloze.render(cloze.parse("a {{c1::b::the hint}} c"), 1) == "a [the hint] c"
    assert not cloze.has_cloze("no gaps {{here}}")


def test_field_conversion_keeps_math_out_of_markdown_escaping():
    converter = FieldConverter()
    text = "<i>Loss</i> \\(a_i * b_i\\) and [$]x_1[/$] &lt; [sound:say it.mp3]"
    assert converter.convert(text) == "*Loss* $a_i * b_i$ and $x_1$ < [sound:say it.mp3]"
    assert converter.media == {"say it.mp3"}
    forged = f"qzp{converter._nonce}x0z"
    assert converter.convert(f"<b>{forged}</b>") == "**0z**"  # a field cannot forge a placeholder


def test_media_names_are_safe_and_distinct():
    assert safe_media_name("plain.png") == "plain.png"
    risky = safe_media_name("../../etc/Passwd .PNG")
    assert "/" not in risky and risky.startswith("passwd-") and risky.endswith(".png")
    assert safe_media_name("A.png") != safe_media_name("a.png")


def test_report_view_lists_counts_and_skips(tmp_path):
    from rich.console import Console

    from quizprep.ui.imports import import_view

    path = tmp_path / "cards.csv"
    path.write_text("question,answer\nQ [bold]one[/bold],A\nQ two,\n", encoding="utf-8")
    console = Console(width=120, record=True, color_system=None)
    console.print(import_view(import_file(path)))
    text = console.export_text()
    assert "cards.csv imported into" in text
    assert "1 imported, 0 updated, 0 unchanged, 1 skipped" in text
    assert "skipped cards.csv:3: answer is empty" in text
