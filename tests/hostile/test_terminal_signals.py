"""Signals leave the terminal as they found it: SIGTERM and SIGHUP end a session like Ctrl-C, Ctrl-Z and fg work."""

from __future__ import annotations

import os
import select
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="terminals and signals here are POSIX")


class Pty:
    """A quizprep session on a pseudo-terminal, its output collected as it comes."""

    def __init__(self, home, *args: str):
        import termios

        self.master, self.slave = os.openpty()
        attributes = termios.tcgetattr(self.slave)
        attributes[3] |= termios.ECHO | termios.ICANON
        termios.tcsetattr(self.slave, termios.TCSANOW, attributes)
        env = {**os.environ, "QUIZPREP_HOME": str(home), "TERM": "xterm", "COLUMNS": "100", "PYTHONWARNINGS": "ignore"}
        env.pop("NO_COLOR", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "quizprep", *args],
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            env=env,
            start_new_session=True,
        )
        self.output = b""

    def read_until(self, text: bytes, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while text not in self.output:
            assert time.monotonic() < deadline, self.output.decode(errors="replace")[-2000:]
            if select.select([self.master], [], [], 0.1)[0]:
                try:
                    self.output += os.read(self.master, 65536)
                except OSError:
                    break

    def mode(self) -> tuple[bool, bool]:
        """(echo on, line mode on) of the terminal, as the process left it."""
        import termios

        flags = termios.tcgetattr(self.slave)[3]
        return bool(flags & termios.ECHO), bool(flags & termios.ICANON)

    def wait_for_mode(self, wanted: tuple[bool, bool], seconds: float = 10) -> tuple[bool, bool]:
        deadline = time.monotonic() + seconds
        while self.mode() != wanted and time.monotonic() < deadline:
            self.read_until(b"", 0.1)
            time.sleep(0.05)
        return self.mode()

    def finish(self, seconds: float = 30) -> int:
        deadline = time.monotonic() + seconds
        while self.proc.poll() is None and time.monotonic() < deadline:
            if select.select([self.master], [], [], 0.1)[0]:
                try:
                    self.output += os.read(self.master, 65536)
                except OSError:
                    break
        return self.proc.wait(timeout=5)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.slave)
        os.close(self.master)


def answers(home) -> int:
    with sqlite3.connect(home / "quizprep.db") as conn:
        return conn.execute("SELECT count(*) FROM review_log").fetchone()[0]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_a_single_key_read_restores_the_terminal_and_keeps_answers(tmp_path, signum):
    term = Pty(tmp_path, "quiz", "--type", "mcq", "-n", "3", "--seed", "2")
    try:
        term.read_until(b"Your answer (A, B, C or D): ")
        assert term.wait_for_mode((False, False)) == (False, False)
        os.write(term.master, b"a")  # one key, no Enter
        term.read_until(b"Enter")  # the pause after the answer: another single-key read
        assert term.wait_for_mode((False, False)) == (False, False)  # cbreak, no echo, while waiting for a key
        term.proc.send_signal(signum)
        code = term.finish()
        assert code == 128 + signum, term.output.decode(errors="replace")
        assert term.mode() == (True, True)  # echo and line mode are back
        text = term.output.decode(errors="replace")
        assert "Session summary" in text and f"ended by {signal.Signals(signum).name}" in text
        assert "1 answer confirmed as 'Saved.' kept" in text
        assert "Traceback" not in text
        assert answers(tmp_path) == 1
    finally:
        term.close()


def test_ctrl_z_gives_the_terminal_back_and_fg_resumes_the_key_read(tmp_path):
    term = Pty(tmp_path, "quiz", "--type", "mcq", "-n", "2", "--seed", "2")
    try:
        term.read_until(b"Your answer (A, B, C or D): ")
        assert term.wait_for_mode((False, False)) == (False, False)
        term.proc.send_signal(signal.SIGTSTP)
        assert term.wait_for_mode((True, True)) == (True, True)  # stopped: the shell gets its terminal back
        term.proc.send_signal(signal.SIGCONT)
        assert term.wait_for_mode((False, False)) == (False, False)  # fg: the pending key read is single-key again
        os.write(term.master, b"a")
        term.read_until(b"Enter")
        assert term.wait_for_mode((False, False)) == (False, False)
        os.write(term.master, b"q")
        assert term.finish() == 0, term.output.decode(errors="replace")
        assert term.mode() == (True, True)
        assert answers(tmp_path) == 1
    finally:
        term.close()


def test_sigterm_in_a_piped_session_keeps_answers_and_exits_143(tmp_path):
    env = {**os.environ, "QUIZPREP_HOME": str(tmp_path), "NO_COLOR": "1", "PYTHONWARNINGS": "ignore"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "quizprep", "quiz", "--type", "flashcard", "-n", "3", "--seed", "1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    proc.stdin.write(b"attempt\n3\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (tmp_path / "quizprep.db").exists():
        time.sleep(0.05)
    while time.monotonic() < deadline and answers(tmp_path) < 1:
        time.sleep(0.05)
    time.sleep(1.0)  # let it reach the next prompt; a busy machine can be slow
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err.decode()
    assert b"ended by SIGTERM" in out and b"Session summary" in out
    assert err.decode().startswith("Error: the session was ended by SIGTERM; 1 answer confirmed as 'Saved.' kept")
    assert b"Traceback" not in err
    assert answers(tmp_path) == 1
