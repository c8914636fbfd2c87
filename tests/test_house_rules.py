"""House rules read from the source: a pure domain, and one place that writes a dispute's state."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WEB_OR_ORM = ("flask", "sqlalchemy", "app")


def python_files(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def imported_modules(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def is_web_or_orm(module: str) -> bool:
    top = module.split(".")[0]
    return top in WEB_OR_ORM or top.startswith("flask_")


@pytest.mark.parametrize("path", python_files("workflows"), ids=lambda p: p.name)
def test_the_workflow_domain_imports_neither_web_nor_orm_nor_app(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    assert [m for m in imported_modules(tree) if is_web_or_orm(m)] == []


class StateWrites(ast.NodeVisitor):
    """Collect the qualified names of the functions that assign some object's `.state`."""

    def __init__(self) -> None:
        self.scope: list[str] = []
        self.found: list[str] = []

    def enter(self, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_ClassDef = visit_FunctionDef = visit_AsyncFunctionDef = enter

    def note(self, targets: list[ast.expr]) -> None:
        for target in targets:
            for node in ast.walk(target):
                if isinstance(node, ast.Attribute) and node.attr == "state":
                    self.found.append(".".join(self.scope) or "<module>")

    def visit_Assign(self, node: ast.Assign) -> None:
        self.note(node.targets)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign | ast.AnnAssign) -> None:
        self.note([node.target])
        self.generic_visit(node)

    visit_AnnAssign = visit_AugAssign

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        second = node.args[1] if len(node.args) > 1 else None
        if name == "setattr" and isinstance(second, ast.Constant) and second.value == "state":
            self.found.append(".".join(self.scope) or "<module>")
        self.generic_visit(node)


def state_writes(source: str) -> list[str]:
    visitor = StateWrites()
    visitor.visit(ast.parse(source))
    return visitor.found


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("dispute.state = 'resolved'", ["<module>"]),
        ("def close(d):\n    d.state += ''", ["close"]),
        ("class A:\n    def f(self, d):\n        d.state: str = 'x'", ["A.f"]),
        ("a, d.state = 1, 'x'", ["<module>"]),
        ("a = d.state = 'x'", ["<module>"]),
        ("setattr(d, 'state', 'x')", ["<module>"]),
        ("builtins.setattr(d, 'state', 'x')", ["<module>"]),
        ("class Dispute:\n    state: Mapped[str] = mapped_column(String(20))", []),
        ("if d.state == 'filed':\n    seen = d.state", []),
        ("d.state_changed_at = now", []),
        ("setattr(d, 'outcome', 'x')", []),
    ],
)
def test_the_state_write_scanner_spots_every_form_of_assignment(source, found):
    assert state_writes(source) == found


def test_only_the_workflow_writes_a_dispute_state():
    writes = {
        (path.relative_to(ROOT).as_posix(), where)
        for path in python_files("app", "workflows")
        for where in state_writes(path.read_text())
    }
    assert writes == {("workflows/dispute.py", "DisputeFlow.state")}
