"""The grading child: runs in its own process (started by `sandbox.run`), never imported by quizprep itself.

    main([name, user_file, result_file])

It computes the reference's outputs first, then imports the user's file from its path, runs every hidden case
and writes the results as JSON to `result_file` after each case (so a timeout still says which case was running).
Nothing is read from standard output: the user's prints go there and are only shown.
"""

from __future__ import annotations

import faulthandler
import json
import os
import sys


def main(argv: list[str]) -> None:
    faulthandler.enable()  # a segmentation fault prints the Python stack, the user's lines included
    name, user_file, result_file = argv
    report: dict = {"exercise": name, "total": 0, "cases": [], "error": None}

    def write(cases=None) -> None:
        if cases is not None:
            report["cases"] = cases
        temp = result_file + ".tmp"
        with open(temp, "w", encoding="utf-8") as handle:
            json.dump(report, handle)
        os.replace(temp, result_file)

    from quizprep.exercises import framework, kit

    ex = framework.load_one(name)
    import numpy as np

    cases = ex.cases(np.random.default_rng(ex.seed()))
    expected = kit.expected_outputs(ex, cases)
    report["total"] = len(cases)
    write()
    candidate = load_candidate(name, user_file, report)
    if candidate is None:
        write()
        return
    kit.grade(ex, candidate, user_file, expected, progress=write)
    write()


def load_candidate(name: str, user_file: str, report: dict):
    """The user's function, or None with report["error"] saying why not."""
    import importlib.machinery
    import importlib.util

    from quizprep.exercises import kit

    # An explicit source loader: the file is Python whatever its name ends with (`check NAME notes.txt`).
    loader = importlib.machinery.SourceFileLoader("quizprep_user_solution", user_file)
    spec = importlib.util.spec_from_file_location("quizprep_user_solution", user_file, loader=loader)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except SystemExit as exc:
        report["error"] = {"kind": "exit", "message": f"your file called sys.exit({exc.code!r}) while loading"}
        return None
    except BaseException as exc:
        report["error"] = {
            "kind": "import",
            "message": "your file failed to load",
            "traceback": kit.user_traceback(exc, user_file),
        }
        return None
    candidate = getattr(module, name, None)
    if not callable(candidate):
        report["error"] = {"kind": "missing", "message": f"your file defines no function called {name}"}
        return None
    return candidate


if __name__ == "__main__":  # pragma: no cover - started with `python -I -c` by sandbox.run
    main(sys.argv[1:])
