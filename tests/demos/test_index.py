"""The generated demo index agrees with the @demo functions it is built from; the shared index command writes a
stale index and leaves a current one alone."""

from __future__ import annotations

from pathlib import Path

import pytest

import quizprep.demos
from quizprep.demos.framework import INDEX_COMMAND, index_source
from quizprep.demos.index_writer import index_command, write_index


def test_index_is_up_to_date():
    path = Path(quizprep.demos.__file__).with_name("_index.py")
    assert path.read_text(encoding="utf-8") == index_source(), (
        f"quizprep/demos/_index.py is stale: run `{INDEX_COMMAND}`"
    )


def test_write_index_writes_only_when_the_text_changed(tmp_path):
    path = tmp_path / "_index.py"
    assert write_index(path, "A = 1\n") == f"wrote {path}"
    assert write_index(path, "A = 1\n") == f"{path} is up to date"
    assert write_index(path, "A = 2\n") == f"wrote {path}" and path.read_text(encoding="utf-8") == "A = 2\n"


def test_index_command_needs_the_flag_and_reports_a_current_index(capsys):
    with pytest.raises(SystemExit) as exit_info:
        index_command("quizprep.demos", "@demo", index_source, [])
    assert exit_info.value.code == 2 and "pass --write-index" in capsys.readouterr().err
    path = Path(quizprep.demos.__file__).with_name("_index.py")
    assert index_command("quizprep.demos", "@demo", index_source, ["--write-index"]) == f"{path} is up to date"
