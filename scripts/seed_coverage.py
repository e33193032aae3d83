#!/usr/bin/env python3
"""Show which bank items answer each numbered question of the seed articles.

usage: python scripts/seed_coverage.py [--seeds DIR] [--bank PATH]... [--quiet]

Parses the numbered questions of every seed article (the formats "Q1).", "Q1.",
"**Q1.**", "1." and "Question 1"), then prints, per article, each question with
the ids of the items whose `sources` cite it ("000:14" = question 14 of the
article whose file name starts with 000). Exits 1 if any question is unanswered
or an item cites a question that does not exist, 0 otherwise.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# Each pattern captures (number, question text); the first pattern that finds anything in a file wins.
PATTERNS = [
    re.compile(r"^\s*\*\*Q(\d+)\.\s*(.+?)\s*$", re.M),  # **Q1.** **What ...?**
    re.compile(r"^\s*Q(\d+)\)?\.\s*(.+?)\s*$", re.M),  # Q1). What ...?  /  Q1. What ...?
    re.compile(r"^\s*Question (\d+)\s*\n\s*(.+?)\s*$", re.M),  # Question 1\nWhat ...?
    re.compile(r"^\s*(\d+)\.\s+(.+\?)\s*$", re.M),  # 1. What ...?
]


def seed_questions(path: Path) -> dict[int, str]:
    """The numbered questions of one article, number -> text."""
    text = path.read_text(encoding="utf-8")
    for pattern in PATTERNS:
        found = {int(number): re.sub(r"\*+", "", question).strip() for number, question in pattern.findall(text)}
        if found:
            return dict(sorted(found.items()))
    return {}


def coverage(seeds: Path, items) -> tuple[dict[str, dict[int, tuple[str, list[str]]]], list[str]]:
    """Per article prefix: question number -> (text, answering item ids); and citations of missing questions."""
    table: dict[str, dict[int, tuple[str, list[str]]]] = {}
    for path in sorted(seeds.glob("*.txt")):
        prefix = path.name[:3]
        table[prefix] = {number: (text, []) for number, text in seed_questions(path).items()}
    dangling = []
    for item in items:
        for source in item.sources:
            prefix, _, number = source.partition(":")
            entry = table.get(prefix, {}).get(int(number)) if number.isdigit() else None
            if entry is None:
                dangling.append(f"{item.id} cites {source}, which is not a seed question")
            else:
                entry[1].append(item.id)
    return table, dangling


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=REPO.parent / "shared" / "seeds", help="folder of seed articles")
    parser.add_argument(
        "--bank", type=Path, action="append", default=[], help="extra bank to load beside the bundled one"
    )
    parser.add_argument("--quiet", action="store_true", help="print only unanswered questions and the summary")
    args = parser.parse_args()
    if not args.seeds.is_dir():
        print(f"seed_coverage: no seed folder at {args.seeds}", file=sys.stderr)
        return 2

    from quizprep.bank import load_bank
    from quizprep.errors import QuizprepError

    try:
        bank = load_bank(args.bank)
    except QuizprepError as exc:
        print(f"seed_coverage: {exc}", file=sys.stderr)
        return 1
    table, dangling = coverage(args.seeds, bank.items)
    total = unanswered = 0
    for prefix, questions in table.items():
        if not args.quiet:
            print(f"\n{prefix}  ({len(questions)} questions)")
        for number, (text, ids) in questions.items():
            total += 1
            unanswered += not ids
            if ids and args.quiet:
                continue
            answer = ", ".join(ids) if ids else "UNANSWERED"
            print(f"  {prefix}:{number:<3} {text[:70]}\n        -> {answer}")
    for line in dangling:
        print(f"  {line}")
    print(
        f"\n{total - unanswered} of {total} seed questions answered; {unanswered} unanswered; "
        f"{len(dangling)} bad citations"
    )
    return 1 if unanswered or dangling or total == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
