"""Unit checks of the bank's bounds: brace depth, the fast validator on the real bank, folder scanning."""

from __future__ import annotations

from quizprep.bank import load_bank
from quizprep.bank.loader import scan_bank_files
from quizprep.bank.validate import all_valid, brace_depth, check_item


def test_brace_depth_counts_groups_not_escaped_braces():
    assert brace_depth("a{b{c}}d{e}") == 2
    assert brace_depth(r"\{ \{ \{ x \} \} \}") == 0
    assert brace_depth("}}}{") == 1
    assert brace_depth("") == 0


def test_the_fast_check_accepts_the_whole_bundled_bank():
    items = [item.to_dict() for item in load_bank().items]
    from quizprep.demos import CATALOG

    assert all(check_item(data, 1, {}, 1, set(CATALOG)) == [] for data in items)
    assert all_valid(items, set(CATALOG)) is True


def test_a_bad_field_anywhere_makes_the_fast_check_say_no():
    good = {"id": "a", "topic": "t", "difficulty": 1, "question": "q", "answer": "a"}
    for change in ({"id": "A"}, {"difficulty": True}, {"answer": " "}, {"tags": ["x", "x"]}, {"answer": "a\x1b"}):
        assert all_valid([good, {**good, **change}], None) is False
    assert all_valid([good], None) is True


def test_scan_lists_bank_files_and_skips_hidden_ones(tmp_path):
    (tmp_path / "a.yaml").write_text("- x\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yml").write_text("- x\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.yaml").write_text("- x\n")
    (tmp_path / "notes.txt").write_text("x")
    found, skipped = scan_bank_files(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.yaml", "sub/b.yml"]
    assert skipped == []
