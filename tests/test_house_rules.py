"""House rules read from the source: a pure domain, no import cycles, one writer per machine."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WEB_OR_ORM = ("flask", "sqlalchemy")


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
    in_app = module == "disputedesk.app" or module.startswith("disputedesk.app.")
    return in_app or top in WEB_OR_ORM or top.startswith("flask_")


@pytest.mark.parametrize("path", python_files("disputedesk/workflows"), ids=lambda p: p.name)
def test_the_workflow_domain_imports_neither_web_nor_orm_nor_app(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    assert [m for m in imported_modules(tree) if is_web_or_orm(m)] == []


class AttributeWrites(ast.NodeVisitor):
    """Collect the qualified names of the functions that assign some object's `attr`."""

    def __init__(self, attr: str, model: str | None = None) -> None:
        self.attr, self.model = attr, model
        self.scope: list[str] = []
        self.found: list[str] = []

    def where(self) -> str:
        return ".".join(self.scope) or "<module>"

    def enter(self, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_ClassDef = visit_FunctionDef = visit_AsyncFunctionDef = enter

    def note(self, targets: list[ast.expr]) -> None:
        for target in targets:
            for node in ast.walk(target):
                if isinstance(node, ast.Attribute) and node.attr == self.attr:
                    self.found.append(self.where())

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
        if name == "setattr" and isinstance(second, ast.Constant) and second.value == self.attr:
            self.found.append(self.where())
        # The model built with the attribute, or a bulk UPDATE of the model setting it.
        keyword = any(k.arg == self.attr for k in node.keywords)
        if (
            keyword
            and self.model
            and (name == self.model or (name == "values" and self.model in ast.unparse(func)))
        ):
            self.found.append(self.where())
        self.generic_visit(node)


class StateWrites(AttributeWrites):
    def __init__(self) -> None:
        super().__init__("state")


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
        for path in python_files("disputedesk/app", "disputedesk/workflows")
        for where in state_writes(path.read_text())
    }
    assert writes == {("disputedesk/workflows/dispute.py", "DisputeFlow.state")}


def memo_status_writes(source: str) -> list[str]:
    """Find writes of a memo's status: `.status` in any module that deals with memos at all."""
    if "memo" not in source.lower():  # clocks and the outbox have statuses of their own
        return []
    visitor = AttributeWrites("status", model="CreditMemo")
    visitor.visit(ast.parse(source))
    return visitor.found


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("memo.status = 'approved'", ["<module>"]),
        ("def f(m):\n    m.status = 'issued'  # a memo", ["f"]),
        ("setattr(memo, 'status', 'void')", ["<module>"]),
        ("x = CreditMemo(amount=1, status='issued')", ["<module>"]),
        ("db.session.execute(update(CreditMemo).values(status='void'))", ["<module>"]),
        ("clock.status = 'met'", []),
        ("Response(status=204)", []),
        ("CreditMemo(amount=1)\nif memo.status == 'approved':\n    pass", []),
        ("update(SlaClock).values(status='breached')", []),
    ],
)
def test_the_memo_status_scanner_spots_every_form_of_write(source, found):
    assert memo_status_writes(source) == found


def test_only_the_memo_machine_writes_a_credit_memo_status():
    writes = {
        (path.relative_to(ROOT).as_posix(), where)
        for path in python_files("disputedesk/app", "disputedesk/workflows")
        for where in memo_status_writes(path.read_text())
    }
    assert writes == {("disputedesk/workflows/approvals.py", "move_memo")}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(folders: tuple[str, ...]) -> dict[str, set[str]]:
    """Map each module to the modules of ours it imports, anywhere in its body."""
    paths = {module_name(p): p for p in python_files(*folders)}
    graph = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, *([node.module] if node.module else [])])
                for alias in node.names:  # `from pkg import mod` imports the module pkg.mod
                    found.add(sub if (sub := f"{base}.{alias.name}") in paths else base)
        graph[name] = {m for m in found if m in paths and m != name}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the groups of modules that import each other (Tarjan's strongly connected parts)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


@pytest.mark.parametrize(
    ("graph", "cycles"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
    ],
)
def test_the_cycle_finder_finds_modules_that_import_each_other(graph, cycles):
    assert import_cycles(graph) == cycles


def test_no_modules_import_each_other():
    assert import_cycles(import_graph(("disputedesk/app", "disputedesk/workflows"))) == []


def test_credit_imports_run_from_approvals_through_triggers_to_memo_effects():
    graph = import_graph(("disputedesk/app", "disputedesk/workflows"))
    assert "disputedesk.app.services.triggers" in graph["disputedesk.app.services.approvals"]
    assert "disputedesk.app.services.memo_effects" in graph["disputedesk.app.services.triggers"]
    assert "disputedesk.app.services.triggers" not in graph["disputedesk.app.services.memo_effects"]


ROLE_NAMES = {"analyst", "lead", "approver", "viewer", "admin", "integration"}


def role_rules(source: str) -> list[int]:
    """Find the lines that restate who may do what: role-name tuples and `.role` comparisons."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Tuple | ast.List | ast.Set) and node.elts:
            names = [e.value if isinstance(e, ast.Constant) else None for e in node.elts]
            if all(name in ROLE_NAMES for name in names):
                lines.append(node.lineno)
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(o, ast.Attribute) and o.attr == "role" for o in operands):
                lines.append(node.lineno)
    return sorted(set(lines))


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("UPLOADERS = ('analyst', 'lead')", [1]),
        ("if user.role in {'admin'}:\n    pass", [1]),
        ("if user.role == 'viewer':\n    pass", [1]),
        ("ok = current_user.role not in roles", [1]),
        ("q = select(User).where(User.role == 'lead')", [1]),
        ("q = User.role.in_(['lead', 'approver'])", [1]),
        ("if user.can('read_reports'):\n    pass", []),
        ("q = User.role.in_(roles_with('approve_credits'))", []),
        ("USERS = [('lead@demo.test', 'lead', 'EMEA')]", []),
        ("if role not in ROLES:\n    pass", []),
        ("label = f'{user.role}'", []),
    ],
)
def test_the_role_rule_scanner_spots_copied_permission_rules(source, found):
    assert role_rules(source) == found


def test_no_role_rule_is_copied_outside_the_workflow_domain():
    copied = {
        f"{path.relative_to(ROOT).as_posix()}:{line}"
        for path in python_files("disputedesk/app")
        for line in role_rules(path.read_text())
    }
    assert copied == set(), "ask workflows.permissions.can(...) instead"


@pytest.mark.parametrize("path", python_files("disputedesk/app/queries"), ids=lambda p: p.name)
def test_queries_read_without_calling_commands_or_views(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    outside = ("disputedesk.app.services", "disputedesk.app.web", "disputedesk.app.api")
    assert [m for m in imported_modules(tree) if m.startswith(outside)] == []


# Batch jobs commit a batch (or a row) at a time on purpose; every other write, a dispute's
# or not, commits through app/services/transactions.py's transaction().
BATCH_COMMITS = {
    "disputedesk/app/services/transactions.py": "the helper itself",
    "disputedesk/app/services/outbox.py": "the worker: each row's delivery, or its failure, alone",
    "disputedesk/app/services/facts_rebuild.py": "a rebuild commits each batch of cases",
    "disputedesk/app/services/sla_sweep.py": "the sweep commits each batch of due clocks",
    "disputedesk/app/services/assurance_scan.py": "the scan commits each batch of invoices",
    "disputedesk/app/services/audit_verify.py": "a verification checkpoint after the walk",
    "disputedesk/app/seed/__init__.py": "the demo seed",
}


def commits(source: str) -> list[int]:
    """The lines of a module that commit the session themselves."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit" and "session" in ast.unparse(node.func.value)
    ]  # fmt: skip


def test_the_commit_scanner_spots_a_commit():
    assert commits("db.session.commit()\nsession.commit()\nx.commit_all()\n") == [1, 2]


def test_every_write_commits_through_the_one_transaction_helper():
    found = [
        f"{path.relative_to(ROOT).as_posix()}:{line}"
        for path in python_files("disputedesk/app")
        if path.relative_to(ROOT).as_posix() not in BATCH_COMMITS
        for line in commits(path.read_text())
    ]
    assert found == []


# Who may do what, restated in a template: the signed-in person's role compared, or a tuple of
# role names. (Showing a role, or selecting a person's role in a form, is no rule.)
TEMPLATE_ROLE_RULE = re.compile(
    r"current_user\.role\s*(==|!=|\bin\b|\bnot in\b)|\(\s*['\"]("
    + "|".join(ROLE_NAMES)
    + r")['\"]\s*,"
)


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('{% if current_user.role in ("approver", "admin") %}', True),
        ("{{ 'x' if current_user.role == 'viewer' else 'y' }}", True),
        ('{% if current_user.role != "integration" %}', True),
        ('{% if current_user.can("read_close") %}', False),
        ("{{ current_user.name }} · {{ current_user.role }}", False),
        ("<option {% if person.role == r %}selected{% endif %}>", False),
    ],
)
def test_the_template_role_scanner_spots_a_role_rule(source, found):
    assert bool(TEMPLATE_ROLE_RULE.search(source)) is found


def test_templates_ask_capabilities_never_role_names():
    copied = [
        f"{path.relative_to(ROOT).as_posix()}:{n}"
        for path in sorted((ROOT / "disputedesk" / "templates").rglob("*.html"))
        for n, text in enumerate(path.read_text().splitlines(), start=1)
        if TEMPLATE_ROLE_RULE.search(text)
    ]
    assert copied == [], "ask current_user.can(...) instead"
