"""Grading in a separate process: limits, crashes, output caps, clean environment, timing."""

from __future__ import annotations

import json
import os
import textwrap
import time

import pytest

from quizprep.errors import QuizprepError
from quizprep.exercises import check_file, solution
from quizprep.files import FileRefused

SOFTMAX_HEAD = "import numpy as np\n\n\ndef softmax(x, axis=-1):\n"


def write(tmp_path, body: str, name: str = "mine.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_the_reference_passes_within_two_seconds(tmp_path):
    path = write(tmp_path, solution("conv2d"))
    start = time.monotonic()
    report = check_file("conv2d", path)
    elapsed = time.monotonic() - start
    assert report.ok and report.passed == report.total == 7, report.to_dict()
    assert elapsed < 2.0, f"grading took {elapsed:.2f} s"


def test_json_report_of_a_wrong_answer(tmp_path):
    path = write(tmp_path, SOFTMAX_HEAD + "    e = np.exp(x)\n    return e / e.sum(axis=axis, keepdims=True)\n")
    data = json.loads(json.dumps(check_file("softmax", path).to_dict()))
    assert (data["exercise"], data["ok"], data["total"]) == ("softmax", False, 9)
    assert data["passed"] == 9 - len(data["failures"]) and data["failures"]
    assert set(data["failures"][0]) >= {"case", "input", "expected", "got", "message"}


def test_an_endless_loop_times_out_and_the_group_is_killed(tmp_path):
    marker = tmp_path / "child-alive"
    body = f"""
        import subprocess, sys, time
        def softmax(x, axis=-1):
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3); open({str(marker)!r}, 'w')"])
            while True:
                pass
    """
    start = time.monotonic()
    report = check_file("softmax", write(tmp_path, body), timeout=1.0)
    assert time.monotonic() - start < 3.0
    assert "timed out after 1 s during case 1 of 9" in report.error
    time.sleep(3.5)
    assert not marker.exists(), "the grandchild outlived the time-out"


def test_megabytes_of_print_are_cut_not_hung(tmp_path):
    body = SOFTMAX_HEAD + "    print('x' * 10_000_000)\n    for _ in range(200): print('y' * 50_000)\n    return x\n"
    report = check_file("softmax", write(tmp_path, body), timeout=8.0)
    assert report.output.endswith("(output cut)") and len(report.output) < 30_000
    assert not report.ok and report.total == 9


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("import sys\nsys.exit(3)\n", "your file called sys.exit(3) while loading"),
        (SOFTMAX_HEAD + "    import os\n    os._exit(4)\n", "ended with exit code 4 before reporting"),
        (SOFTMAX_HEAD + "    import ctypes\n    return ctypes.string_at(0)\n", "segmentation fault"),
        ("def softmax(x, axis=-1)\n    return x\n", "your file failed to load"),
        ("import numpy as np\n", "your file defines no function called softmax"),
    ],
)
def test_exits_crashes_and_broken_files_are_reported(tmp_path, body, expected):
    report = check_file("softmax", write(tmp_path, body), timeout=5.0)
    assert not report.ok and expected in report.error, report.to_dict()


def test_sys_exit_inside_the_function_fails_each_case(tmp_path):
    report = check_file("softmax", write(tmp_path, SOFTMAX_HEAD + "    raise SystemExit(0)\n"))
    assert report.passed == 0 and all("SystemExit" in f.message for f in report.failures)


def test_memory_is_limited(tmp_path):
    body = SOFTMAX_HEAD + "    junk = np.ones(2_000_000_000 // 8 * 2)\n    return junk\n"
    report = check_file("softmax", write(tmp_path, body), memory=1 << 30)
    assert not report.ok
    assert any("MemoryError" in f.message for f in report.failures) or "crashed" in report.error


def test_the_traceback_is_trimmed_to_the_users_file(tmp_path):
    body = SOFTMAX_HEAD + "    return helper(x)\n\n\ndef helper(x):\n    return np.exp(x) @ 'text'\n"
    path = write(tmp_path, body)
    message = check_file("softmax", path).failures[0].message
    assert str(path.resolve()) in message and "line 9, in helper" in message
    assert "quizprep" not in message.replace(str(path.resolve()), "")


def test_the_child_runs_in_a_clean_temporary_folder(tmp_path, quizprep_home):
    body = f"""
        import os, sys
        def softmax(x, axis=-1):
            assert "QUIZPREP_HOME" not in os.environ, "home leaked"
            assert os.getcwd() != {str(tmp_path)!r} and "quizprep-run-" in os.getcwd()
            assert sys.flags.isolated
            raise ValueError("clean")
    """
    report = check_file("softmax", write(tmp_path, body))
    assert all("ValueError: clean" in f.message for f in report.failures), report.failures[0].message


def test_files_that_cannot_be_graded_are_refused(tmp_path):
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    with pytest.raises(FileRefused, match="named pipe"):
        check_file("softmax", fifo)
    with pytest.raises(QuizprepError, match="cannot read"):
        check_file("softmax", tmp_path / "missing.py")
    with pytest.raises(QuizprepError, match="more than 0 seconds"):
        check_file("softmax", write(tmp_path, solution("softmax")), timeout=0)


def test_a_solution_file_need_not_end_in_py(tmp_path):
    from quizprep.exercises import check_file

    path = tmp_path / "softmax-attempt.txt"
    path.write_text(
        "import numpy as np\n\n\ndef softmax(x, axis=-1):\n"
        "    z = x - x.max(axis=axis, keepdims=True)\n    e = np.exp(z)\n"
        "    return e / e.sum(axis=axis, keepdims=True)\n",
        encoding="utf-8",
    )
    report = check_file("softmax", path, 10.0)
    assert report.ok and report.passed == report.total
