"""Running a user's file in a separate, limited process and collecting what it reported.

    run(name, user_file, timeout, memory) -> ChildRun

The child is `python -I` (no user site, no PYTHON* variables, no current folder on the path) in a new session
(its own process group, killed whole when time runs out), with a clean environment that holds neither
QUIZPREP_HOME nor the database path, a fresh temporary folder as its working directory, an address-space limit
where the platform has one (RLIMIT_AS on Linux) and no core files. Standard output and error are drained by a
thread and kept up to OUTPUT_LIMIT bytes, so a print loop cannot fill memory or block the child on a full pipe.
Results come back as JSON in a file of a second private folder, never from what the user's code prints.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

OUTPUT_LIMIT = 20_000  # bytes of the user's output kept
DEFAULT_TIMEOUT = 10.0
DEFAULT_MEMORY = 1 << 30  # 1 GiB of address space: NumPy needs ~400 MB of it at import
PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
CHILD_CODE = (
    "import sys; sys.path.insert(0, sys.argv[1]); from quizprep.exercises._child import main; main(sys.argv[2:])"
)


@dataclass
class ChildRun:
    """What came back from the child: its results (None if it wrote none), exit status and output."""

    report: dict | None
    returncode: int | None
    timed_out: bool
    output: str
    output_truncated: bool
    seconds: float


def clean_environment(work: str) -> dict[str, str]:
    """Only what Python and NumPy need; one BLAS thread keeps start-up quick and memory small."""
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": work,
        "TMPDIR": work,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    if os.name == "nt":  # pragma: no cover - Windows needs these to start Python at all
        env.update({k: os.environ[k] for k in ("SYSTEMROOT", "TEMP", "TMP") if k in os.environ})
    return env


def limiter(memory: int | None):
    """The function run in the child before Python starts: memory and core-file limits (POSIX only)."""
    if os.name != "posix":  # pragma: no cover
        return None

    def apply() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if memory and hasattr(resource, "RLIMIT_AS") and sys.platform.startswith("linux"):
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return apply


def run(name: str, user_file: Path, timeout: float = DEFAULT_TIMEOUT, memory: int | None = DEFAULT_MEMORY) -> ChildRun:
    """Grade `user_file` against the exercise `name` in a child process; never raises for what the child does."""
    import time

    start = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="quizprep-run-") as work,
        tempfile.TemporaryDirectory(prefix="quizprep-result-") as private,
    ):
        result_file = os.path.join(private, "result.json")
        command = [sys.executable, "-I", "-c", CHILD_CODE, PACKAGE_PARENT, name, str(user_file), result_file]
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=work,
            env=clean_environment(work),
            start_new_session=True,
            preexec_fn=limiter(memory),  # noqa: PLW1509 - no threads of ours run between fork and exec here
            close_fds=True,
        )
        box = {"data": bytearray(), "truncated": False}
        reader = threading.Thread(target=drain, args=(proc.stdout, box), daemon=True)
        reader.start()
        try:
            proc.wait(timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            timed_out = True
        kill_group(proc)  # on time-out, and also any process the user's code left behind
        proc.wait()
        reader.join(2.0)
        proc.stdout.close()
        report = read_report(result_file)
    output = bytes(box["data"]).decode("utf-8", errors="replace")
    return ChildRun(report, proc.returncode, timed_out, output, box["truncated"], time.monotonic() - start)


def drain(stream, box: dict) -> None:
    """Read the child's output to the end, keeping the first OUTPUT_LIMIT bytes."""
    try:
        while chunk := stream.read1(65536):
            room = OUTPUT_LIMIT - len(box["data"])
            if room > 0:
                box["data"] += chunk[:room]
            if len(chunk) > room:
                box["truncated"] = True
    except (OSError, ValueError):  # closed under us after a kill
        pass


def kill_group(proc: subprocess.Popen) -> None:
    if os.name == "posix":
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    elif proc.poll() is None:  # pragma: no cover - Windows
        proc.kill()


def read_report(path: str) -> dict | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None
