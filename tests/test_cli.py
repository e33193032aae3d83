"""The CLI as a user drives it: help, version, validate, list, topics, show, export, info."""

from __future__ import annotations

import datetime
import json

import pytest

from quizprep import __version__
from quizprep.bank import load_bank
from tests.helpers.bank import BANK_DIR, item_yaml

COMMANDS = [
    "quiz",
    "review",
    "interview",
    "drill",
    "demo",
    "stats",
    "config",
    "topics",
    "list",
    "show",
    "export",
    "validate",
    "orphans",
    "info",
]


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"quizprep {__version__}"


def test_help_lists_every_command(run):
    result = run("--help")
    assert result.exit_code == 0, result.output
    for command in COMMANDS:
        assert f"  {command} " in result.stdout


def test_no_arguments_shows_the_dashboard_not_help(run):
    result = run()
    assert result.exit_code == 0, result.output
    assert "Usage" not in result.output
    assert "Next: quizprep " in result.stdout


EVERY_HELP = [
    [],
    *[[command] for command in COMMANDS],
    ["plan"],
    ["optimize"],
    ["import"],
    ["search"],
    ["code"],
    ["code", "practice"],
    ["code", "check"],
    ["code", "show"],
]


@pytest.mark.parametrize("command", EVERY_HELP, ids=lambda words: " ".join(words) or "quizprep")
def test_every_help_ends_with_examples(run, command):
    result = run(*command, "--help")
    assert result.exit_code == 0, result.output
    text = result.stdout.split("Options:")[0].split("Arguments:")[0]
    examples = text.split("Examples:")[1].strip().splitlines()
    assert 2 <= len(examples) <= 4, examples
    assert all(line.strip().startswith(("quizprep ", "EDITOR=")) for line in examples), examples


@pytest.mark.parametrize("command", ["quiz", "review", "interview", "code"])
def test_session_commands_list_their_keys(run, command):
    result = run(command, "--help")
    keys = " ".join(result.stdout.split("Options:")[0].split())
    assert "Keys" in keys
    assert ("q quit" in keys) or ("q quits" in keys) or ("q alone quits" in keys), keys


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0, result.output
    assert f"quizprep {command}" in result.stdout


def test_validate_bundled_bank_is_clean(run):
    result = run("validate")
    assert result.exit_code == 0, result.output
    count = len(load_bank().items)
    assert f"{count} items" in result.stdout
    assert "no problems" in result.stdout


def test_validate_reports_broken_file_with_line_and_exit_1(run, write_bank):
    path = write_bank("broken.yaml", item_yaml("fine-item") + "- id: broken-item\n  topic: [unclosed\n")
    result = run("validate", str(path))
    assert result.exit_code == 1, result.output
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{path}:8: broken-item: YAML syntax error"), first
    assert "at line 7" in first
    assert "Traceback" not in result.output


def test_validate_lists_every_problem_one_per_line(run, write_bank):
    path = write_bank(
        "many.yaml",
        item_yaml("one", difficulty="banana")
        + item_yaml("two", pitfall="[x]")
        + item_yaml("three", follow_ups="[nowhere]"),
    )
    result = run("validate", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines == [
        f"{path}:3: one: difficulty must be one of 1 (fundamentals), 2 (practitioner), 3 (advanced), "
        "not the text 'banana'",
        f"{path}:11: two: unknown field 'pitfall' (did you mean 'pitfalls'?); allowed fields: "
        "id, topic, difficulty, tags, question, answer, cloze, key_points, pitfalls, follow_ups, choices, demo, "
        "sources",
        f"{path}:17: three: follow_up 'nowhere' is not the id of any item",
    ]
    assert "3 problems in 1 file" in result.stderr


def test_other_commands_refuse_a_broken_bank_with_the_report(run, write_bank):
    path = write_bank("broken.yaml", item_yaml("bad-one", difficulty=7))
    result = run("list", "--bank", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the question bank has 1 problem:")
    assert f"{path}:3: bad-one: difficulty must be" in result.stderr
    assert "Traceback" not in result.output


def test_list_filters_by_topic_and_difficulty(run):
    bank = load_bank()
    topic = bank.items[0].topic
    expected = [i.id for i in bank.items if i.topic == topic and i.difficulty == 1]
    result = run("list", "--topic", topic, "--difficulty", "1")
    assert result.exit_code == 0, result.output
    assert f"{len(expected)} item" in result.stdout
    for item_id in expected:
        assert item_id[:10] in result.stdout
    other = [i.id for i in bank.items if i.topic != topic]
    assert not any(f"│ {item_id} " in result.stdout for item_id in other)


def test_list_by_tag(run, write_bank):
    path = write_bank("tags.yaml", item_yaml("tagged-a", tags="[alpha]") + item_yaml("tagged-b", tags="[beta]"))
    result = run("list", "--bank", str(path), "--tag", "alpha")
    assert result.exit_code == 0, result.output
    assert "tagged-a" in result.stdout
    assert "tagged-b" not in result.stdout


def test_bad_difficulty_is_a_usage_error(run):
    result = run("list", "--difficulty", "4")
    assert result.exit_code == 2
    assert "'4' is not one of '1', '2', '3'" in result.stderr


def test_unknown_topic_says_what_is_allowed(run):
    result = run("list", "--topic", "optimisation")
    assert result.exit_code == 2, result.output
    assert "unknown topic 'optimisation'" in result.stderr
    assert "did you mean 'optimization'" in result.stderr
    assert "Known topics:" in result.stderr


def test_topics_counts_match_bank(run):
    bank = load_bank()
    result = run("topics")
    assert result.exit_code == 0, result.output
    assert f"{len(bank.items)} items in {len(bank.topics())} topics" in result.stdout
    for topic, items in bank.topics().items():
        row = next(line for line in result.stdout.splitlines() if f" {topic} " in line)
        assert f" {len(items)} " in row


def test_show_renders_math_as_unicode(run, write_bank):
    path = write_bank(
        "math.yaml",
        item_yaml(
            "mse-demo",
            answer="|-\n    The loss is $\\frac{1}{n}\\sum_i (\\hat y_i - y_i)^2$ over the batch. It is smooth.",
            key_points="['squares the error $e^2$']",
            pitfalls="['thinking it is robust to outliers']",
        ),
    )
    result = run("show", "mse-demo", "--bank", str(path))
    assert result.exit_code == 0, result.output
    assert "1/n∑ᵢ (ŷᵢ - yᵢ)²" in result.stdout, result.stdout
    assert "squares the error e²" in result.stdout
    assert "thinking it is robust to outliers" in result.stdout
    assert "\\frac" not in result.stdout


def test_show_unknown_id_suggests(run):
    some_id = load_bank().items[0].id
    result = run("show", some_id + "x")
    assert result.exit_code == 2
    assert f"did you mean '{some_id}'" in result.stderr


def test_export_json_to_stdout_is_valid_bank_input(run, tmp_path):
    result = run("export", "--format", "json", "-o", "-")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    bank = load_bank()
    assert [d["id"] for d in data] == [i.id for i in bank.items]
    assert list(data[0]) == [
        "id",
        "topic",
        "difficulty",
        "tags",
        "question",
        "answer",
        "cloze",
        "key_points",
        "pitfalls",
        "follow_ups",
        "choices",
        "demo",
        "sources",
    ]
    exported = tmp_path / "exported.json"
    exported.write_text(result.stdout, encoding="utf-8")
    check = run("validate", str(exported))
    assert check.exit_code == 0, check.output
    assert f"{len(data)} items in 1 file:" in check.stdout


def test_export_to_file_with_filter(run, tmp_path):
    bank = load_bank()
    topic = bank.items[-1].topic
    target = tmp_path / "out.json"
    result = run("export", "--format", "json", "--topic", topic, "-o", str(target))
    assert result.exit_code == 0, result.output
    data = json.loads(target.read_text(encoding="utf-8"))
    assert {d["topic"] for d in data} == {topic}
    assert len(data) == sum(1 for i in bank.items if i.topic == topic)
    assert f"Wrote {len(data)} items" in result.stderr


def test_export_into_missing_folder_is_a_clear_error(run, tmp_path):
    result = run("export", "-o", str(tmp_path / "nowhere" / "out.json"))
    assert result.exit_code == 1
    assert "does not exist" in result.stderr


def test_export_unknown_format_lists_allowed(run):
    result = run("export", "--format", "pdf")
    assert result.exit_code == 2
    assert "json" in result.stderr


def test_bank_from_environment_loads_beside_bundled(run, write_bank, monkeypatch):
    path = write_bank("env.yaml", item_yaml("from-env"))
    monkeypatch.setenv("QUIZPREP_BANK", str(path.parent))
    result = run("show", "from-env")
    assert result.exit_code == 0, result.output
    assert "What is from-env?" in result.stdout


def test_missing_bank_path_is_a_clear_error(run, tmp_path):
    result = run("list", "--bank", str(tmp_path / "missing"))
    assert result.exit_code == 1
    assert "no such file or folder" in result.stderr
    assert "--bank" in result.stderr


def test_info_shows_where_data_lives(run, quizprep_home):
    result = run("info")
    assert result.exit_code == 0, result.output
    assert str(quizprep_home / "quizprep.db") in result.stdout
    assert str(BANK_DIR) in result.stdout or "question_bank" in result.stdout


def test_export_replaces_an_existing_file_only_with_force(run, tmp_path):
    target = tmp_path / "guide.json"
    target.write_text("my own notes", encoding="utf-8")
    refused = run("export", "--format", "json", "-o", str(target))
    assert refused.exit_code == 1, refused.output
    assert "--force" in refused.stderr
    assert target.read_text(encoding="utf-8") == "my own notes"
    replaced = run("export", "--format", "json", "-o", str(target), "--force")
    assert replaced.exit_code == 0, replaced.output
    assert json.loads(target.read_text(encoding="utf-8"))[0]["id"]


# --json on every command that reads: each output parsed


def parsed(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_list_json(run):
    bank = load_bank()
    rows = parsed(run("list", "--json", "--topic", "optimization"))
    assert [row["id"] for row in rows] == [item.id for item in bank.items if item.topic == "optimization"]
    assert set(rows[0]) == {"id", "topic", "difficulty", "tags", "question"}
    assert parsed(run("list", "--json", "--tag", "adam", "--difficulty", "1", "--difficulty", "2")) is not None


def test_topics_json(run):
    bank = load_bank()
    rows = parsed(run("topics", "--json"))
    assert {row["topic"]: row["items"] for row in rows} == {t: len(items) for t, items in bank.topics().items()}
    assert all(sum(row["by_difficulty"].values()) == row["items"] for row in rows)


def test_show_json(run):
    item = load_bank().items[3]
    [shown] = parsed(run("show", item.id, "--json"))
    assert shown["id"] == item.id and shown["answer"] == item.answer and shown["line"] == item.line


def test_info_json(run, quizprep_home):
    info = parsed(run("info", "--json"))
    assert info["data_folder"] == str(quizprep_home)
    assert info["banks"][0]["origin"] == "the bundled bank"
    assert info["version"].startswith(f"quizprep {__version__}")


@pytest.mark.parametrize(
    "args",
    [
        ["stats", "--json"],
        ["config", "--json"],
        ["demo", "--list", "--json"],
        ["drill", "--list", "--json"],
        ["code", "--list", "--json"],
        ["search", "attention", "--json"],
        ["demo", "softmax", "--json"],
    ],
    ids=" ".join,
)
def test_other_json_outputs_parse(run, args):
    assert parsed(run(*args))


def test_plan_and_import_json(run, tmp_path):
    day = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    plan = parsed(run("plan", "--json", "--minutes", "30", "--interview-date", day))
    assert plan["daily_minutes"] == 30.0 and plan["days"]
    cards = tmp_path / "cards.csv"
    cards.write_text("question,answer\nWhat is a tensor?,An array with any number of axes.\n", encoding="utf-8")
    report = parsed(run("import", str(cards), "--dry-run", "--json"))
    assert report["dry_run"] is True and len(report["imported"]) == 1


# "did you mean" for every kind of name


@pytest.mark.parametrize(
    "args, expected",
    [
        (["revew"], "Did you mean 'review'?"),
        (["list", "--topc", "x"], "--topic"),
        (["list", "--topic", "optimisation"], "did you mean 'optimization'?"),
        (["list", "--tag", "adamm"], "did you mean 'adam'?"),
        (["show", "adam-optimiser"], "did you mean 'adam-optimizer'?"),
        (["demo", "softmx"], "did you mean 'softmax'?"),
        (["drill", "kv-cache-gb"], "did you mean 'kv-cache-gib'?"),
        (["code", "softmx"], "did you mean 'softmax'?"),
        (["config", "new-per-dy"], "did you mean 'new-per-day'?"),
        (["export", "-f", "mrkdown"], "did you mean 'markdown'?"),
        (["quiz", "--type", "flashcrd"], "did you mean 'flashcard'?"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_mistyped_names_get_a_suggestion(run, args, expected):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert expected in result.stderr, result.stderr


def test_show_names_the_exercise_that_practises_an_item(run):
    result = run("show", "softmax-function")
    assert result.exit_code == 0, result.output
    assert "quizprep code softmax" in result.stdout


def test_export_markdown_with_exercises(run):
    result = run("export", "--ids", "softmax-function", "--exercises", "--no-demos")
    assert result.exit_code == 0, result.output
    assert "## Implement it" in result.stdout and "def softmax(x, axis=-1):" in result.stdout
    refused = run("export", "--format", "json", "--exercises")
    assert refused.exit_code == 2 and "--exercises" in refused.output
