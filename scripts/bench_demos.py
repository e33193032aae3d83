#!/usr/bin/env python3
"""Time every demo and every drill template and print the slowest (the targets: well under 100 ms each).

usage: python scripts/bench_demos.py [--seeds 5] [--top 15]
Times are the median over seeds of one run each, after one warm-up run that loads the modules.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    from quizprep.demos import CATALOG, run_demo
    from quizprep.drills import CATALOG as DRILLS
    from quizprep.drills import generate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    run_demo("softmax")
    generate(next(iter(DRILLS)), 0)
    timings = []
    for kind, names, run in (("demo", CATALOG, lambda n, s: run_demo(n, seed=s)), ("drill", DRILLS, generate)):
        for name in names:
            samples = []
            for seed in range(args.seeds):
                start = time.perf_counter()
                run(name, seed)
                samples.append(time.perf_counter() - start)
            timings.append((statistics.median(samples), max(samples), kind, name))
    timings.sort(reverse=True)
    print(f"{len(CATALOG)} demos and {len(DRILLS)} drills, median and worst of {args.seeds} seeds:")
    for median, worst, kind, name in timings[: args.top]:
        print(f"  {kind:5} {name:<32} median {median * 1000:7.2f} ms   worst {worst * 1000:7.2f} ms")
    over = [name for median, _, _, name in timings if median > 0.1]
    print(f"over 100 ms (median): {', '.join(over) if over else 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
