"""`python -m quizprep.exercises --write-index` regenerates `quizprep/exercises/_index.py` from the exercises."""

from __future__ import annotations

import argparse
from pathlib import Path

from quizprep.exercises.framework import index_source

parser = argparse.ArgumentParser(prog="python -m quizprep.exercises", description=__doc__)
parser.add_argument("--write-index", action="store_true", help="rewrite _index.py from the @exercise functions")
args = parser.parse_args()
if not args.write_index:
    parser.error("nothing to do; pass --write-index")
path = Path(__file__).with_name("_index.py")
text = index_source()
if path.exists() and path.read_text(encoding="utf-8") == text:
    print(f"{path} is up to date")
else:
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
