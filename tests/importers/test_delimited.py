"""Importing CSV and TSV files: plain tables with a header row, and Anki's text export."""

from __future__ import annotations

import pytest
import yaml

from quizprep.errors import QuizprepError
from quizprep.importers import import_file, user_bank_dir
from quizprep.importers.model import hashed_id


def write(tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def items_of(report) -> list[dict]:
    return yaml.safe_load(report.path.read_text(encoding="utf-8"))


def test_quoted_fields_with_commas_quotes_and_newlines(tmp_path):
    text = (
        "question,answer,tags,topic\n"
        '"What is a, b?","It is ""quoted"",\nand spans lines",basics vision,Computer Vision\n'
        "Second question,Second answer,,\n"
    )
    report = import_file(write(tmp_path, "cards.csv", text))
    first, second = items_of(report)
    assert first["question"] == "What is a, b?"
    assert first["answer"] == 'It is "quoted",\nand spans lines'
    assert first["tags"] == ["basics", "vision"] and first["topic"] == "computer-vision"
    assert first["id"] == hashed_id("cards", "What is a, b?")
    assert second["topic"] == "cards" and "tags" not in second and second["difficulty"] == 2


def test_bom_and_front_back_names_and_crlf(tmp_path):
    path = write(tmp_path, "list.csv", "\ufeffFront,Back\r\nQ one,A one\r\n")
    (item,) = items_of(import_file(path))
    assert (item["question"], item["answer"]) == ("Q one", "A one")


def test_tsv_and_semicolons(tmp_path):
    (tab,) = items_of(import_file(write(tmp_path, "t.tsv", "question\tanswer\nQ, with comma\tA; semi\n")))
    assert (tab["question"], tab["answer"]) == ("Q, with comma", "A; semi")
    (semi,) = items_of(import_file(write(tmp_path, "s.csv", "question;answer\nQ1;A, one\n")))
    assert (semi["question"], semi["answer"]) == ("Q1", "A, one")


def test_anki_text_export_headers(tmp_path):
    text = (
        "#separator:tab\n#html:true\n#guid column:1\n#tags column:4\n"
        "aB1\t<b>Bold</b> question \\(x^2\\)\tAnswer<br>line two\tdl::basics extra\n"
        'cD2\t"Multi\nline"\tSecond\t\n'
    )
    report = import_file(write(tmp_path, "export.txt", text))
    first, second = items_of(report)
    assert first["question"] == "**Bold** question $x^2$"
    assert first["answer"] == "Answer\nline two"
    assert first["tags"] == ["dl-basics", "extra"]
    assert first["id"].startswith("anki-ab1-")
    assert second["question"] == "Multi\nline"


def test_plain_text_export_keeps_markup_characters(tmp_path):
    text = "#separator:comma\n#html:false\nx_i * y,a <b> not html\n"
    (item,) = items_of(import_file(write(tmp_path, "plain.txt", text)))
    assert (item["question"], item["answer"]) == ("x_i * y", "a <b> not html")


def test_skips_name_file_and_line(tmp_path):
    text = 'question,answer\n"Multi\nline question",Answer one\nNo answer here,\nGood,Fine\nGood,Repeat\n'
    report = import_file(write(tmp_path, "skips.csv", text))
    assert [str(skip) for skip in report.skipped] == [
        "skips.csv:4: answer is empty",
        f"skips.csv:6: same id '{hashed_id('skips', 'Good')}' as skips.csv:5 (a repeated question or note)",
    ]
    assert len(report.imported) == 2


def test_cloze_rows(tmp_path):
    text = "question,answer\n{{c1::Adam}} keeps {{c2::two}} moment estimates,Extra\n"
    report = import_file(write(tmp_path, "cloze.csv", text))
    questions = sorted(item["question"] for item in items_of(report))
    assert questions == ["Adam keeps [...] moment estimates", "[...] keeps two moment estimates"]
    assert all(item["tags"] == ["cloze"] for item in items_of(report))


def test_reimport_changes_nothing_and_edit_updates(tmp_path):
    path = write(tmp_path, "deck.csv", "id,question,answer\nmy-card,Q,Old answer\n")
    assert import_file(path).imported == ["my-card"]
    again = import_file(path)
    assert (again.imported, again.updated, again.unchanged, again.written) == ([], [], ["my-card"], False)
    path.write_text("id,question,answer\nmy-card,Q,New answer\n", encoding="utf-8")
    assert import_file(path).updated == ["my-card"]
    assert items_of(again)[0]["answer"] == "New answer"


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "is empty"),
        ("   \n\n", "is empty"),
        ("term,definition\nx,y\n", "the first row must name the columns"),
        ("#separator:tab\n#tags column:9\na\tb\n", "names no column"),
        ("#separator:weird\na\tb\n", "unknown separator"),
        ("question,answer\n,\n", "no item could be imported"),
    ],
)
def test_bad_tables_give_one_line_errors(tmp_path, text, message):
    with pytest.raises(QuizprepError, match=message) as caught:
        import_file(write(tmp_path, "bad.csv", text))
    assert "\n" not in str(caught.value)
    assert not user_bank_dir().exists()


def test_not_utf8(tmp_path):
    with pytest.raises(QuizprepError, match="not UTF-8 text"):
        import_file(write(tmp_path, "latin.csv", "question,answer\ncafé,x\n", encoding="latin-1"))
