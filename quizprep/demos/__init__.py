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


MAX_SET_CHARS = 1_000_000  # one --set value
MAX_SET_DEPTH = 4  # nested lists: a matrix of vectors at most


def parse_params(pairs: list[str]) -> dict:
    """`["logits=[1, 2, 3]", "lr=0.1"]` -> {"logits": [1, 2, 3], "lr": 0.1}; values are JSON,
    bounded in length and nesting, with no NaN or infinities."""
    params: dict = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise BadValueError(f"--set needs KEY=JSON, like --set 'logits=[1, 2, 3]', not {shown(pair)!r}")
        params[key] = parse_value(key, raw)
    return params


def parse_value(key: str, raw: str):
    if len(raw) > MAX_SET_CHARS:
        raise BadValueError(f"--set {key}: the value is {len(raw):,} characters; the limit is {MAX_SET_CHARS:,}")
    if nesting(raw) > MAX_SET_DEPTH:
        raise BadValueError(f"--set {key}: lists nest deeper than {MAX_SET_DEPTH} levels")
    try:
        return json.loads(raw, parse_constant=refuse_constant)
    except json.JSONDecodeError as exc:
        raise BadValueError(
            f"--set {key}: {shown(raw)!r} is not valid JSON ({exc.msg}); e.g. --set '{key}=[[1, 2], [3, 4]]'"
        ) from None
    except ValueError as exc:
        raise BadValueError(f"--set {key}: {exc}") from None


def refuse_constant(name: str):
    raise ValueError(f"{name} is not a number a demo can use; give finite numbers")


def nesting(raw: str) -> int:
    """The deepest nesting of brackets and braces in JSON text (outside strings)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in raw:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def shown(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
