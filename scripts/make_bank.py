#!/usr/bin/env python3
"""Write a synthetic bank of N items, built from the bundled items with new ids, for benchmarks.

usage: python scripts/make_bank.py OUT_DIR [--items 10000] [--files 20]
Items keep their text, choices and demos; ids, topics and follow-ups are renamed so the
bank validates on its own (load it alone with QUIZPREP_BANK or --bank beside the bundled one).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> int:
    import yaml

    from quizprep.bank import load_bank

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=20)
    args = parser.parse_args()
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    source = load_bank(use_cache=False).items
    args.out.mkdir(parents=True, exist_ok=True)
    per_file = -(-args.items // args.files)
    written = 0
    for number in range(args.files):
        chunk = []
        for index in range(number * per_file, min(args.items, (number + 1) * per_file)):
            base = source[index % len(source)]
            copy = index // len(source)
            data = base.to_dict()
            data["id"] = f"syn{copy}-{base.id}"
            data["topic"] = f"syn-{base.topic}"
            data["follow_ups"] = [f"syn{copy}-{f}" for f in base.follow_ups]
            chunk.append(data)
        if not chunk:
            break
        path = args.out / f"synthetic-{number:02d}.yaml"
        path.write_text(
            yaml.dump(chunk, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
        )
        written += len(chunk)
    # Follow-ups can point at copies beyond the last item written: keep only those that exist.
    ids = set()
    for path in sorted(args.out.glob("synthetic-*.yaml")):
        ids |= {item["id"] for item in yaml.load(path.read_text(encoding="utf-8"), Loader=loader)}
    for path in sorted(args.out.glob("synthetic-*.yaml")):
        items = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        for item in items:
            item["follow_ups"] = [f for f in item["follow_ups"] if f in ids]
        path.write_text(
            yaml.dump(items, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
        )
    print(f"wrote {written} items in {len(list(args.out.glob('synthetic-*.yaml')))} files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
