"""A corpus of broken banks: each is reported with file, line and item, never with a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quizprep.bank import display_path

CORPUS = sorted((Path(__file__).parent / "broken_banks").glob("*.yaml"))
EXPECT = re.compile(rb"^# expect: (\d+): (.+?): (.+)$")


def expectation(path: Path) -> tuple[int, str, str]:
    first = path.read_bytes().splitlines()[0]
    line, item, fragment = EXPECT.match(first).groups()
    return int(line), item.decode(), fragment.decode()


def test_corpus_is_big_enough():
    assert len(CORPUS) >= 20


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_validate_names_file_line_and_item(run, path):
    line, item, fragment = expectation(path)
    result = run("validate", str(path))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    wanted = f"{display_path(path)}:{line}: {item}: "
    matches = [out for out in result.stdout.splitlines() if out.startswith(wanted)]
    assert matches, f"no line starting {wanted!r} in:\n{result.stdout}"
    assert any(fragment in out for out in matches), result.stdout


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_quiz_refuses_the_bank_with_the_same_report(run, path):
    line, item, _ = expectation(path)
    result = run("quiz", "--bank", str(path), input="q\n")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: the question bank has")
    assert f"{display_path(path)}:{line}: {item}: " in result.stderr
    assert "Traceback" not in result.output


def test_the_python_tag_never_runs(run, tmp_path):
    marker = tmp_path / "ran"
    bank = tmp_path / "evil.yaml"
    bank.write_text(
        "- id: evil\n  topic: x\n  difficulty: 1\n  question: q\n"
        f"  answer: !!python/object/apply:os.system ['touch {marker}']\n",
        encoding="utf-8",
    )
    for command in (["validate", str(bank)], ["list", "--bank", str(bank)], ["export", "--bank", str(bank)]):
        assert run(*command).exit_code == 1
    assert not marker.exists()
