"""Hostile bank paths and bank files: every one is a clean problem line (FILE:LINE: ID: message), read
never or within limits, never a hang or a traceback."""

from __future__ import annotations

import os
import socket
import sys
import time

import pytest

from quizprep.bank import display_path, validate_paths
from quizprep.bank.loader import MAX_FILE_BYTES, MAX_NESTING, MAX_PROBLEMS
from quizprep.bank.validate import MAX_BRACE_DEPTH, MAX_LIST, MAX_TEXT
from tests.helpers.bank import item_yaml

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, sockets and devices need POSIX")


def problem_lines(result) -> list[str]:
    return [line for line in result.stdout.splitlines() if ": " in line and line.split(":")[1].strip().isdigit()]


def assert_one_problem(run, path, fragment: str, *command: str):
    started = time.perf_counter()
    result = run(*(command or ("validate",)), str(path))
    assert time.perf_counter() - started < 10, "took too long"
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    shown = display_path(path)
    lines = [line for line in result.output.splitlines() if line.startswith(f"{shown}:")]
    assert lines, result.output
    assert any(fragment in line for line in lines), result.output
    return lines


@posix_only
def test_a_fifo_as_bank_is_reported_not_read(run, tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    [line] = assert_one_problem(run, fifo, "named pipe")
    message = "not loaded: it is a named pipe (FIFO), not a regular file; a bank is a YAML file"
    assert line == f"{display_path(fifo)}:1: -: {message}"
    assert fifo.is_fifo()


@posix_only
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_as_bank_is_reported(run, device):
    if not os.path.exists(device):
        pytest.skip(f"{device} is missing here")
    result = run("list", "--bank", device)
    assert result.exit_code == 1, result.output
    assert f"{device}:1: -: not loaded: it is a character device" in result.stderr


@posix_only
def test_a_socket_as_bank_is_reported(run, tmp_path):
    path = tmp_path / "s.yaml"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        assert_one_problem(run, path, "is a socket")
    finally:
        server.close()


@posix_only
def test_in_a_folder_odd_entries_and_links_out_are_reported(run, tmp_path, write_bank):
    good = write_bank("good.yaml", item_yaml("good-one"))
    folder = good.parent
    outside = tmp_path / "outside.yaml"
    outside.write_text(item_yaml("outside-item"))
    (folder / "out.yaml").symlink_to(outside)
    os.mkfifo(folder / "pipe.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "elsewhere").mkdir()
    (folder / "linked-folder").symlink_to(tmp_path / "elsewhere")
    (folder / "loop").symlink_to(folder)
    inside = folder / "again.yaml"
    inside.symlink_to(good)  # inside the folder: the same file, loaded once
    result = run("validate", str(folder))
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert f"{display_path(folder / 'out.yaml')}:1: -: is a link to a file outside" in out
    assert f"{display_path(folder / 'pipe.yaml')}:1: -: is a named pipe (FIFO), not a regular file; not loaded" in out
    assert f"{display_path(folder / 'zero.yaml')}:1: -: is a link to a file outside" in out
    assert f"{display_path(folder / 'linked-folder')}:1: -: is a link to a folder outside" in out
    assert "duplicate id" not in out and "outside-item" not in out
    assert (folder / "pipe.yaml").is_fifo()


def test_a_missing_bank_is_one_clear_error(run, tmp_path):
    result = run("list", "--bank", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: no such file or folder: {tmp_path / 'nope.yaml'} (from --bank)"


def test_a_file_over_the_size_limit_is_not_parsed(run, write_bank):
    path = write_bank("huge.yaml", "")
    path.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    assert_one_problem(run, path, "the limit is 5.0 MB; split it into smaller files")


ALIAS_BOMB = """\
- id: bomb
  topic: t
  difficulty: 1
  question: q
  answer: a
  key_points: &l9 [&l0 "lol", *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0]
x1: &l1 [*l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0]
"""


def bomb_text(levels: int = 9) -> str:
    lines = ["- &a0 {id: bomb, topic: t, difficulty: 1, question: q, answer: a}"]
    for level in range(1, levels + 1):
        refs = ", ".join(f"*a{level - 1}" for _ in range(10))
        lines.append(f"- &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_before_it_expands(run, write_bank):
    path = write_bank("bomb.yaml", bomb_text())
    started = time.perf_counter()
    lines = assert_one_problem(run, path, "anchors and aliases expand the file past")
    assert time.perf_counter() - started < 5
    assert len(lines) == 1
    assert ": item#" in lines[0]


def test_a_few_aliases_are_fine(write_bank):
    text = item_yaml("first", tags="&common [alpha, beta]") + item_yaml("second", tags="*common")
    bank, problems = validate_paths([write_bank("reuse.yaml", text)])
    assert problems == [] and bank.get("second").tags == ["alpha", "beta"]


def test_a_recursive_alias_is_refused(write_bank):
    path = write_bank("loop.yaml", "- &me [*me]\n")
    _, problems = validate_paths([path])
    assert [p.message for p in problems] == ["an alias names a list or mapping that contains it (a loop)"]


def test_deep_nesting_is_refused(write_bank):
    deep = "[" * (MAX_NESTING + 5) + "]" * (MAX_NESTING + 5)
    path = write_bank("deep.yaml", item_yaml("deep", pitfalls=deep))
    _, problems = validate_paths([path])
    assert len(problems) == 1
    assert problems[0].message == f"lists and mappings nest more than {MAX_NESTING} levels deep"


def test_aliases_that_build_depth_are_refused(write_bank):
    lines = ["- &n0 [x]"] + [f"- &n{i} [*n{i - 1}]" for i in range(1, MAX_NESTING + 5)]
    _, problems = validate_paths([write_bank("chain.yaml", "\n".join(lines) + "\n")])
    assert any("nest more than" in p.message for p in problems)


@pytest.mark.parametrize(
    "field, value, message",
    [
        (
            "answer",
            "'" + "a" * (MAX_TEXT + 1) + "'",
            f"answer is {MAX_TEXT + 1:,} characters long; at most {MAX_TEXT:,} are allowed",
        ),
        (
            "key_points",
            "[" + ", ".join(f"p{i}" for i in range(MAX_LIST + 1)) + "]",
            f"key_points has {MAX_LIST + 1} entries; at most {MAX_LIST} are allowed",
        ),
        (
            "answer",
            "'$" + "{" * (MAX_BRACE_DEPTH + 1) + "x" + "}" * (MAX_BRACE_DEPTH + 1) + "$'",
            f"answer nests LaTeX braces {MAX_BRACE_DEPTH + 1} deep; at most {MAX_BRACE_DEPTH} levels are allowed",
        ),
    ],
)
def test_item_limits_name_file_line_and_item(write_bank, field, value, message):
    path = write_bank("limits.yaml", item_yaml("too-much", **{field: value}))
    _, problems = validate_paths([path])
    assert [str(p) for p in problems] == [f"{display_path(path)}:{5 if field == 'answer' else 6}: too-much: {message}"]


def test_a_flood_of_problems_is_capped(write_bank):
    path = write_bank("flood.yaml", "- 1\n" * 5000)
    _, problems = validate_paths([path])
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].message == f"{5000 - MAX_PROBLEMS:,} more problems from here on are not shown"


def test_control_characters_in_names_never_reach_the_terminal(run, write_bank):
    path = write_bank(
        "esc.yaml",
        '- id: "evil\\e[2J"\n  topic: t\n  difficulty: 1\n  question: q\n  answer: a\n  "bad\\e]0;x\\a": 1\n',
    )
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "\\x1b" in result.output
