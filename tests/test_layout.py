"""The layout keeps its promises: no import cycles, a CLI without SQL or markup, no helper defined twice."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "quizprep"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def top_level_imports(path: Path) -> set[str]:
    """quizprep modules imported at module level (imports inside functions are lazy and run later)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    this = module_name(path)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    found = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("quizprep")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            if not base.startswith("quizprep"):
                continue
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        graph[name] = {target for target in top_level_imports(path) if target in modules and target != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return stack[stack.index(target) :] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_find_cycle_sees_a_cycle_and_a_clean_graph():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_import_cycles_in_the_package():
    assert find_cycle(import_graph()) is None


def test_the_cli_holds_no_sql_and_no_markup():
    text = "".join(path.read_text(encoding="utf-8") for path in sorted((PACKAGE / "cli").glob("*.py")))
    assert "@app.command" in text
    for word in ("SELECT ", "INSERT ", "UPDATE ", "DELETE ", "execute("):
        assert word not in text, word
    for tag in ("[bold", "[dim", "[red", "[green", "[yellow", "[cyan", "[/]"):
        assert tag not in text, tag


def test_sql_lives_only_in_the_store():
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name == "store" or "importers" in path.parts or "search.py" == path.name:
            continue
        text = path.read_text(encoding="utf-8")
        assert "FROM card_state" not in text and "FROM review_log" not in text, path
