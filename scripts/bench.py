#!/usr/bin/env python3
"""Measure quizprep's speed and memory and print a table (see the README's Performance section).

usage: python scripts/bench.py [--runs 9] [--items 10000] [--rows 1000000] [--work DIR]

  (a) wall time of `quizprep --help` and of `quizprep quiz` up to its first question, each
      beside the import floor `python -c "import typer, rich.console, yaml"`, run alternately,
      medians of --runs runs, as a ratio
  (b) loading a synthetic bank of --items items (scripts/make_bank.py): cold (no cache) and cached,
      and `quizprep quiz --bank` up to its first question with it
  (c) choosing the next due item with --rows review-log rows and --items item states
      (scripts/make_history.py), and the query plan of the due query
  (d) peak memory (max RSS) of (b) and (c) together
  (e) the modules imported at start-up of `quizprep quiz`, largest first

Run it on a quiet machine: other work on the same cores shows up in every figure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
FLOOR = [PYTHON, "-c", "import typer, rich.console, yaml"]
CLI = [PYTHON, "-m", "quizprep"]


def environment(home: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "QUIZPREP_BANK")}
    env.update({"QUIZPREP_HOME": str(home), "NO_COLOR": "1", "PYTHONPATH": str(REPO)}, **extra)
    return env


def wall(command: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - start


def first_question(command: list[str], env: dict) -> float:
    """Seconds until the first answer prompt appears on standard output."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    seen = b""
    while b"Your answer" not in seen:
        chunk = proc.stdout.read1(65536) if hasattr(proc.stdout, "read1") else proc.stdout.read(1)
        if not chunk:
            break
        seen += chunk
    elapsed = time.perf_counter() - start
    proc.kill()
    proc.wait()
    if b"Your answer" not in seen:
        raise RuntimeError(f"no question from {' '.join(command)}")
    return elapsed


def alternate(measures: dict, runs: int) -> dict[str, float]:
    """Run each measurement once per round, round after round, and keep the medians."""
    times: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(runs):
        for name, measure in measures.items():
            times[name].append(measure())
    return {name: statistics.median(values) for name, values in times.items()}


def row(label: str, seconds: float, floor: float | None = None, target: str = "") -> str:
    ratio = f"{seconds / floor:5.2f}x floor" if floor else " " * 11
    return f"  {label:<52} {seconds * 1000:8.1f} ms  {ratio}  {target}"


def in_process(code: str, env: dict) -> str:
    return subprocess.run([PYTHON, "-c", code], env=env, capture_output=True, text=True, check=True).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--work", type=Path, help="folder for the synthetic bank and database (default: a temporary one)"
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="quizprep-bench-"))
    home = work / "home"
    bank = work / "bank"
    big_home = work / "big-home"
    env = environment(home)
    wall(CLI + ["--version"], env)  # write bytecode caches and the bank cache before timing
    wall(CLI + ["list"], env)

    print(f"quizprep benchmark (wall times are medians of {args.runs} alternating runs)")
    print("\n(a) start-up")
    medians = alternate(
        {
            "floor": lambda: wall(FLOOR, env),
            "help": lambda: wall(CLI + ["--help"], env),
            "quiz": lambda: first_question(CLI + ["quiz", "--seed", "1"], env),
            "review": lambda: first_question(CLI + ["review"], env),
            "bare": lambda: wall(CLI, env),
            "code": lambda: wall(CLI + ["code", "--list", "--json"], env),
        },
        args.runs,
    )
    floor = medians["floor"]
    print(row("import floor: python -c 'import typer, rich.console, yaml'", floor))
    print(row("quizprep --help", medians["help"], floor, "target <= 1.25x"))
    print(row("quizprep quiz, to the first question", medians["quiz"], floor, "target <= 1.50x"))
    print(row("quizprep review, to the first card", medians["review"], floor, "target <= 1.50x"))
    print(row("quizprep (bare: the dashboard)", medians["bare"], floor, "target <= 1.50x"))
    print(row("quizprep code --list --json", medians["code"], floor, "target <= 1.50x"))

    print(f"\n(b) a {args.items:,}-item bank")
    if not bank.exists():
        subprocess.run(
            [PYTHON, str(REPO / "scripts" / "make_bank.py"), str(bank), "--items", str(args.items)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    big_env = environment(big_home)
    db = big_home / "quizprep.db"
    if not (big_home / "history-made").exists():  # the history goes in before anything opens the database
        db.unlink(missing_ok=True)
        subprocess.run(
            [
                PYTHON,
                str(REPO / "scripts" / "make_history.py"),
                str(db),
                "--bank",
                str(bank),
                "--rows",
                str(args.rows),
                "--items",
                str(args.items),
            ],
            env=big_env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (big_home / "history-made").write_text("yes")
    load = (
        "import time, sys; from pathlib import Path; from quizprep.bank import load_bank\n"
        "t = time.perf_counter(); b = load_bank([Path(sys.argv[1])]); print(time.perf_counter() - t)"
    )
    shutil.rmtree(big_home / "cache", ignore_errors=True)
    cold = float(
        subprocess.run([PYTHON, "-c", load, str(bank)], env=big_env, capture_output=True, text=True, check=True).stdout
    )
    cached = statistics.median(
        float(
            subprocess.run(
                [PYTHON, "-c", load, str(bank)], env=big_env, capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(args.runs)
    )
    print(row("load, cold (parse, check, write the cache)", cold, None, "target <= 2000 ms"))
    print(row("load, cached", cached, None, "target <= 150 ms"))
    medians = alternate(
        {
            "floor": lambda: wall(FLOOR, big_env),
            "quiz": lambda: first_question(CLI + ["quiz", "--seed", "1", "--bank", str(bank)], big_env),
        },
        args.runs,
    )
    print(row("quizprep quiz --bank BIG, to the first question", medians["quiz"], medians["floor"], "target <= 2.50x"))

    print(f"\n(c) {args.rows:,} review-log rows and {args.items:,} item states")
    db = big_home / "quizprep.db"
    pick = (
        "import sys, time, resource\n"
        "from datetime import datetime, timezone\n"
        "from pathlib import Path\n"
        "from quizprep import store, config\n"
        "from quizprep.bank import load_bank\n"
        "from quizprep.paths import db_path\n"
        "from quizprep.api import Policy, next_item\n"
        "from quizprep.clock import day_start\n"
        "from quizprep.modes.review import review_cards\n"
        "bank = load_bank([Path(sys.argv[1])])\n"
        "times = []\n"
        "for _ in range(int(sys.argv[2])):\n"
        "    t = time.perf_counter()\n"
        "    now = datetime.now(timezone.utc)\n"
        "    conn = store.connect(db_path())\n"
        "    settings = config.load(conn)\n"
        "    cards = review_cards(bank.items, store.all_cards(conn))\n"
        "    spent = store.seconds_since(conn, store.iso(day_start(now, None)))\n"
        "    first = next_item(cards, now, Policy(), spent)\n"
        "    conn.close()\n"
        "    times.append(time.perf_counter() - t)\n"
        "times.sort()\n"
        "print(times[len(times) // 2], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run(
        [PYTHON, "-c", pick, str(bank), str(args.runs)], env=big_env, capture_output=True, text=True, check=True
    ).stdout.split()
    print(row("next card (open db, states, today's time, planner)", float(out[0]), None, "target <= 50 ms"))
    plan = subprocess.run(
        [
            PYTHON,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
            "print(' | '.join(r[3] for r in c.execute("
            "'EXPLAIN QUERY PLAN SELECT count(*) FROM card_state WHERE due <= ?', ('2026',))));"
            "print(' | '.join(r[3] for r in c.execute("
            "'EXPLAIN QUERY PLAN SELECT count(*) FROM review_log WHERE reviewed_at >= ?', ('2026',))))",
            str(db),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    print(f"  query plan, due items:         {plan[0]}")
    print(f"  query plan, today's answers:   {plan[1]}")

    print("\n(d) peak memory")
    rss_kib = int(out[1])
    print(
        f"  {'max RSS: the big bank loaded plus the next-due query on the big history':<52} "
        f"{rss_kib / 1024:8.1f} MB               target <= 150 MB"
    )

    print("\n(e) modules imported by `quizprep quiz` before its first question, largest first (cumulative)")
    trace = subprocess.run(
        CLI[:1] + ["-X", "importtime"] + CLI[1:] + ["quiz", "--seed", "1"],
        env=env,
        input="q\n",
        capture_output=True,
        text=True,
    ).stderr
    entries = []
    for line in trace.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.split("|", 2)
            if cumulative.strip().isdigit() and name.startswith(" ") and not name.startswith("  "):
                entries.append((int(cumulative), name.strip()))
    for micros, name in sorted(entries, reverse=True)[:15]:
        print(f"  {micros / 1000:8.1f} ms  {name}")
    heavy = [name for _, name in entries if name.split(".")[0] in ("numpy", "fsrs", "genanki", "prompt_toolkit")]
    print(
        "  heavy modules at start-up: "
        + (", ".join(heavy) if heavy else "none (numpy, fsrs, genanki, prompt_toolkit load when used)")
    )
    if not args.work:
        print(f"\n(work files in {work}; delete when done)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
