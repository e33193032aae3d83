"""Live NumPy demos behind the answers.

    CATALOG                   demo name -> one-line summary (plain data, no NumPy)
    run_demo(name, params, seed) -> DemoResult: steps to show and a final `result`
    parse_params(["k=JSON", ...]) the `--set KEY=JSON` options as a dict

    INDEX                     demo name -> (topic, summary), generated into `_index.py`

A demo is a function registered with `@demo("name")` in the module of its bank topic
(`cnn.py` for `question_bank/cnn.yaml`); its docstring's first paragraph is its summary.
It receives a `Demo` context (a seeded `numpy.random.Generator` at `d.rng`, and methods
that record steps) plus its parameters, and returns its result. NumPy is imported only
when a demo runs; `python -m quizprep.demos --write-index` refreshes the index.
"""

from __future__ import annotations

import json

from quizprep.demos._index import DEMOS as INDEX
from quizprep.errors import BadValueError

__all__ = ["CATALOG", "INDEX", "run_demo", "parse_params"]

CATALOG: dict[str, str] = {name: summary for name, (_topic, summary) in INDEX.items()}


def run_demo(name: str, params: dict | None = None, seed: int = 0):
    """Run one demo; raises BadValueError for an unknown name or parameter, DemoInputError for bad values."""
    from quizprep.demos import framework

    return framework.run(name, params or {}, seed)


def parse_params(pairs: list[str]) -> dict:
    """`["logits=[1, 2, 3]", "lr=0.1"]` -> {"logits": [1, 2, 3], "lr": 0.1}; values are JSON."""
    params: dict = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise BadValueError(f"--set needs KEY=JSON, like --set 'logits=[1, 2, 3]', not {pair!r}")
        try:
            params[key] = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise BadValueError(
                f"--set {key}: {raw!r} is not valid JSON ({exc.msg}); e.g. --set '{key}=[[1, 2], [3, 4]]'"
            ) from None
    return params
