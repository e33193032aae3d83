"""Loading and validating bank files: line numbers, every problem at once, the cache, safety."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quizprep.bank import Item, load_bank, validate_paths
from quizprep.bank.loader import _yaml_loader, read_file
from quizprep.bank.schema import FIELDS
from quizprep.errors import BankError, QuizprepError
from tests.helpers.bank import item_yaml


def problems_of(path: Path) -> list[str]:
    bank, problems = validate_paths([path])
    return [str(p) for p in problems]


def test_uses_the_c_safe_loader_when_available():
    import yaml

    if getattr(yaml, "__with_libyaml__", False):
        assert _yaml_loader() is yaml.CSafeLoader
    else:
        assert _yaml_loader() is yaml.SafeLoader


def test_items_keep_their_file_and_line(write_bank):
    path = write_bank("two.yaml", item_yaml("first") + item_yaml("second"))
    bank, problems = validate_paths([path])
    assert problems == []
    assert [(i.id, i.line) for i in bank.items] == [("first", 1), ("second", 6)]
    assert bank.items[1].file == str(path) or bank.items[1].file.endswith("two.yaml")


def test_yaml_syntax_error_names_file_line_and_nearest_item(write_bank):
    path = write_bank("syntax.yaml", item_yaml("good") + "- id: oops\n  question: 'unterminated\n  answer: x\n")
    [message] = problems_of(path)
    assert message.startswith(f"{path}:")
    line = int(message.split(":")[1])
    assert line in (7, 8, 9)
    assert ": oops: YAML syntax error" in message


def test_tab_indentation_gets_a_hint(write_bank):
    path = write_bank("tabs.yaml", "- id: tabbed\n\ttopic: x\n")
    [message] = problems_of(path)
    assert f"{path}:2:" in message
    assert "tabs" in message


def test_python_tags_are_refused_and_never_run(write_bank, tmp_path):
    marker = tmp_path / "pwned"
    path = write_bank(
        "evil.yaml",
        "- id: evil\n  topic: x\n  difficulty: 1\n"
        f"  question: !!python/object/apply:os.system ['touch {marker}']\n  answer: a\n",
    )
    [message] = problems_of(path)
    assert f"{path}:4: evil: the YAML tag" in message
    assert "not allowed" in message
    assert not marker.exists()


def test_not_utf8_reports_the_line(write_bank):
    path = write_bank("latin.yaml", item_yaml("ok"))
    path.write_bytes(path.read_bytes() + b"- id: caf\xe9\n")
    [message] = problems_of(path)
    assert message.startswith(f"{path}:6: -: the file is not valid UTF-8 (byte 0xe9)")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", ":1: -: the file is empty"),
        ("id: x\ntopic: y\n", ":1: -: a bank file must be a YAML list of items ('- id: ...'), not a mapping"),
        ("just text\n", ":1: -: a bank file must be a YAML list of items ('- id: ...'), not the text 'just text'"),
    ],
)
def test_file_shape_problems(write_bank, text, expected):
    path = write_bank("shape.yaml", text)
    [message] = problems_of(path)
    assert message == f"{path}{expected}" or message.startswith(f"{path}{expected}")


def test_missing_fields_and_wrong_types(write_bank):
    text = "- id: partial\n  topic: Bad Topic\n  tags: notalist\n  key_points: [ok, 3]\n"
    path = write_bank("partial.yaml", text)
    messages = problems_of(path)
    assert f"{path}:1: partial: missing required field 'difficulty'" in messages
    assert f"{path}:1: partial: missing required field 'question'" in messages
    assert f"{path}:1: partial: missing required field 'answer'" in messages
    assert any(m.startswith(f"{path}:2: partial: topic must be a slug") for m in messages)
    assert f"{path}:3: partial: tags must be a list, not the text 'notalist'" in messages
    assert f"{path}:4: partial: key_points[2] must be text, not the number 3" in messages


def test_duplicate_key_in_one_item(write_bank):
    path = write_bank("dupkey.yaml", item_yaml("twice") + "  question: again\n")
    [message] = problems_of(path)
    assert message == f"{path}:6: twice: field 'question' appears twice (first at line 4)"


def test_choices_rules(write_bank):
    path = write_bank("choices.yaml", item_yaml("mcq", choices="{correct: a, wrong: [b, c], extra: 1}"))
    messages = problems_of(path)
    assert f"{path}:6: mcq: unknown key 'extra' in choices; allowed: correct, wrong" in messages
    assert f"{path}:6: mcq: choices.wrong has 2 option(s); at least 3 are needed" in messages


def test_unknown_demo_suggests_a_name(write_bank):
    path = write_bank("demo.yaml", item_yaml("with-demo", demo="sofmax"))
    assert problems_of(path) == [f"{path}:6: with-demo: unknown demo 'sofmax' (did you mean 'softmax'?)"]


def test_bad_sources_format(write_bank):
    path = write_bank("src.yaml", item_yaml("src", sources='["000:14", "14", "000:0"]'))
    messages = problems_of(path)
    assert len(messages) == 2
    assert all("must look like \"000:14\"" in m for m in messages)


def test_duplicate_ids_across_files_name_both_places(write_bank):
    first = write_bank("a.yaml", item_yaml("same-id"))
    second = write_bank("b.yaml", item_yaml("other") + item_yaml("same-id"))
    bank, problems = validate_paths([first.parent])
    assert [str(p) for p in problems] == [f"{second}:6: same-id: duplicate id 'same-id' (first defined at {first}:1)"]


def test_follow_ups_may_point_into_the_bundled_bank(write_bank):
    bundled_id = load_bank().items[0].id
    path = write_bank("links.yaml", item_yaml("linked", follow_ups=f"[{bundled_id}]"))
    assert problems_of(path) == []


def test_load_bank_raises_with_every_problem(write_bank):
    path = write_bank("bad.yaml", item_yaml("x1", difficulty=0) + item_yaml("x2", difficulty=9))
    with pytest.raises(BankError) as caught:
        load_bank([path])
    assert [p.item_id for p in caught.value.problems] == ["x1", "x2"]


def test_extra_banks_load_beside_the_bundled_one(write_bank):
    bundled = load_bank()
    path = write_bank("extra.yaml", item_yaml("extra-one"))
    both = load_bank([path])
    assert len(both.items) == len(bundled.items) + 1
    assert both.get("extra-one").question == "What is extra-one?"


def test_missing_extra_path_is_an_error(tmp_path):
    with pytest.raises(QuizprepError, match="no such file or folder"):
        load_bank([tmp_path / "nope"])


def test_cache_is_used_when_unchanged_and_refreshed_when_edited(write_bank, tmp_path):
    path = write_bank("cached.yaml", item_yaml("cached-item"))
    cache = tmp_path / "cache"
    first = read_file(path, None, cache)
    second = read_file(path, None, cache)
    assert (first.from_cache, second.from_cache) == (False, True)
    assert second.items == first.items
    path.write_text(item_yaml("cached-item", question="'Changed?'"), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different mtime even on coarse clocks
    third = read_file(path, None, cache)
    assert third.from_cache is False
    assert third.items[0][0]["question"] == "Changed?"


def test_corrupt_cache_is_ignored(write_bank, tmp_path):
    path = write_bank("c.yaml", item_yaml("c-item"))
    cache = tmp_path / "cache"
    read_file(path, None, cache)
    for entry in cache.iterdir():
        entry.write_bytes(b"\x00garbage")
    again = read_file(path, None, cache)
    assert again.from_cache is False
    assert again.items[0][0]["id"] == "c-item"


def test_item_round_trips_through_dict():
    data = {
        "id": "round-trip",
        "topic": "testing",
        "difficulty": 2,
        "tags": ["a", "b"],
        "question": "Q?",
        "answer": "A.",
        "cloze": "Q is {{c1::A::a letter}}.",
        "key_points": ["k1", "k2", "k3"],
        "pitfalls": ["p1"],
        "follow_ups": ["other"],
        "choices": {"correct": "c", "wrong": ["w1", "w2", "w3"]},
        "demo": "softmax",
        "sources": ["000:1"],
    }
    item = Item.from_dict(data, "f.yaml", 3)
    assert item.to_dict() == data
    assert list(item.to_dict()) == list(FIELDS)
    assert Item.from_dict(item.to_dict()) == item


def test_optional_fields_default_when_absent():
    item = Item.from_dict({"id": "min", "topic": "t", "difficulty": 1, "question": "q", "answer": "a"})
    assert item.to_dict()["tags"] == [] and item.to_dict()["choices"] is None and item.demo is None
