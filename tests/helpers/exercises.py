"""Running an exercise's hidden cases in-process, for the tests of the exercises and of their wrong variants."""

from __future__ import annotations

from quizprep.exercises import framework, kit


def results(name: str, candidate) -> list[dict]:
    return kit.grade(framework.load_one(name), candidate)


def failed_cases(name: str, candidate) -> list[str]:
    """The names of the hidden cases `candidate` fails."""
    return [r["case"] for r in results(name, candidate) if not r["ok"]]


def reference(name: str):
    return framework.load_one(name).func


def topic_names(topic: str) -> set[str]:
    return {name for name, ex in framework.load_all().items() if ex.topic == topic}


def assert_covered(topic: str, wrong: dict) -> None:
    """Every exercise of `topic`, and no other, has at least three wrong variants."""
    assert set(wrong) == topic_names(topic), "every exercise of the topic needs wrong variants here"
    assert all(len(variants) >= 3 for variants in wrong.values()), "three wrong variants per exercise at least"


def assert_caught(name: str, variants: list) -> None:
    """The reference passes every hidden case of `name` and each wrong variant fails at least one."""
    assert not failed_cases(name, reference(name)), f"the reference of {name} fails its own cases"
    for variant in variants:
        assert failed_cases(name, variant), f"{name}: the wrong variant {variant.__name__} passes every case"
