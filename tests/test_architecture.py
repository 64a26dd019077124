"""The architecture, checked on the import graph of ``vpclint/`` and ``rules/`` (read with ``ast``,
nothing is imported): the layering CONTRIBUTING.md draws, held by CI rather than by review.

- no import cycles;
- no module imports a rule module (rules share helpers, ``rules/_*.py``, never each other), and
  a rule's code names no other rule (its docstring may: related rules are documentation);
- no rule's code (docstrings aside) branches on the IaC flavour or spells an attribute in one
  IaC's vocabulary, and no analysis code branches on the flavour: the model speaks one language;
- reporters import no analysis: a finding carries what they print;
- nothing below the engine imports the command line.

Each check is its own test and names every offending module and line.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE, RULES = ROOT / "vpclint", ROOT / "rules"
RULE_PACK = "vpclint.rules"  # rules/ is installed as vpclint.rules (pyproject.toml)
CLI = ("vpclint.cli", "vpclint.cli_flows", "vpclint.cli_graph", "vpclint.cli_options",
       "vpclint.cli_rules", "vpclint.__main__")


@dataclass(frozen=True)
class Import:
    """One import statement's edge: ``source`` imports ``target`` at ``line``."""

    source: str
    target: str
    line: int
    type_only: bool  # under ``if TYPE_CHECKING:``: names a type, loads nothing at run time

    def __str__(self) -> str:
        return f"{path_of(self.source)}:{self.line}: {self.source} imports {self.target}"


@lru_cache(maxsize=None)
def modules() -> dict[str, Path]:
    """Every module of the package and the rule pack by its installed name."""
    found = {}
    for base, prefix in ((PACKAGE, "vpclint"), (RULES, RULE_PACK)):
        for path in sorted(base.rglob("*.py")):
            parts = list(path.relative_to(base).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([prefix, *parts])] = path
    return found


def path_of(module: str) -> str:
    return modules()[module].relative_to(ROOT).as_posix()


def is_package(module: str) -> bool:
    return modules()[module].name == "__init__.py"


def is_rule(module: str) -> bool:
    """A rule module: ``rules/vpcNNN_slug.py`` (helpers start with an underscore)."""
    return module.startswith(RULE_PACK + ".vpc")


@lru_cache(maxsize=None)
def tree(module: str) -> ast.Module:
    return ast.parse(modules()[module].read_text(encoding="utf-8"), filename=path_of(module))


def _type_checking_lines(module_tree: ast.Module) -> set[int]:
    lines = set()
    for node in ast.walk(module_tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _internal(name: str) -> str | None:
    """The module of the package that ``name`` is or lies in, if any."""
    while name:
        if name in modules():
            return name
        name = name.rpartition(".")[0]
    return None


@lru_cache(maxsize=None)
def imports() -> tuple[Import, ...]:
    """Every edge between the package's modules: import statements (at module level or in a
    function) and modules named by a literal string (``import_module`` through a table of
    formats). A package's ``__init__`` that a submodule runs first is no edge: a package that
    gathers its submodules' names is the ordinary idiom, and a cycle only through it is none."""
    edges = []
    for module in modules():
        module_tree = tree(module)
        typed = _type_checking_lines(module_tree)
        package = module if is_package(module) else module.rpartition(".")[0]
        for node in ast.walk(module_tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[:len(anchor) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules() else base
                           for alias in node.names]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and node.value in modules() and not is_package(node.value):
                targets = [node.value]  # a module loaded by name (a format table)
            for target in targets:
                internal = _internal(target)
                if internal is not None and internal != module:
                    edges.append(Import(module, internal, node.lineno, node.lineno in typed))
    return tuple(edges)


def _graph(runtime_only: bool) -> dict[str, dict[str, Import]]:
    graph: dict[str, dict[str, Import]] = {module: {} for module in modules()}
    for edge in imports():
        if not (runtime_only and edge.type_only):
            graph[edge.source].setdefault(edge.target, edge)
    return graph


def _cycles(graph: dict[str, dict[str, Import]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def _cycle_path(graph: dict[str, dict[str, Import]], members: list[str]) -> list[Import]:
    """One closed path through a cycle's modules, as the import lines that make it."""
    inside = set(members)
    start = members[0]
    paths = {start: []}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target, edge in sorted(graph[node].items()):
            if target == start:
                return paths[node] + [edge]
            if target in inside and target not in paths:
                paths[target] = paths[node] + [edge]
                queue.append(target)
    return []


def _report(title: str, offences: list[str]) -> str:
    return f"{title} ({len(offences)}):\n  " + "\n  ".join(offences)


# --- the checks ---------------------------------------------------------------------------------


def test_the_graph_is_read():
    """The checks below judge the real tree: every rule file, the engine and the CLI are in it,
    and imports are resolved (relative ones, and modules named in a format table)."""
    assert len([m for m in modules() if is_rule(m)]) == len(list(RULES.glob("vpc*.py"))) > 0
    assert {"vpclint.engine", "vpclint.reporters.sarif", *CLI} <= set(modules())
    edges = {(e.source, e.target) for e in imports()}
    assert ("vpclint.rules.vpc213_no_shared_az_with_resource_gateway",
            "vpclint.rules._zones") in edges  # from ._zones import ...
    assert ("vpclint.reporters", "vpclint.reporters.sarif") in edges  # loaded by name


def test_no_import_cycles():
    """Modules at run time form no cycle (imports under ``TYPE_CHECKING`` load nothing, and are
    left out): each cycle is shown as the import lines that close it."""
    graph = _graph(runtime_only=True)
    offences = []
    for members in _cycles(graph):
        lines = "\n      ".join(str(edge) for edge in _cycle_path(graph, members))
        offences.append(f"{' <-> '.join(members)}\n      {lines}")
    assert not offences, _report("import cycles", offences)


def test_no_module_imports_a_rule_module():
    """Rules share helpers (``rules/_*.py``), never each other; the engine finds rules through
    the registry, never by importing one."""
    offences = [str(e) for e in imports() if is_rule(e.target)]
    assert not offences, _report("imports of a rule module", offences)


_RULE_ID = re.compile(r"\bVPC\d{3}\b")


def _comments_and_strings(module: str):
    """(line, text) of each comment and string literal of a module, its docstring left out."""
    source = modules()[module].read_text(encoding="utf-8")
    docstring = tree(module).body[0] if ast.get_docstring(tree(module)) is not None else None
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in (tokenize.COMMENT, tokenize.STRING):
            continue
        if docstring is not None and docstring.lineno <= token.start[0] <= docstring.end_lineno:
            continue
        yield token.start[0], token.string


def _metadata_lines(module: str) -> set[int]:
    """The lines of ``RULE = RuleMeta(...)``: its ID, and the rules it supersedes."""
    for node in tree(module).body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "RULE" for t in node.targets):
            return set(range(node.lineno, node.end_lineno + 1))
    return set()


def test_no_rule_names_another_rule_in_its_code():
    """Comments and strings of a rule name no other rule ("VPC206 reports it"): a rule that
    stays silent says why in facts, and overlaps are declared in ``RuleMeta.supersedes``."""
    offences = []
    for module in filter(is_rule, modules()):
        own = "VPC" + module.rpartition(".vpc")[2][:3]
        metadata = _metadata_lines(module)
        for line, text in _comments_and_strings(module):
            others = sorted(set(_RULE_ID.findall(text)) - {own})
            if others and line not in metadata:
                offences.append(f"{path_of(module)}:{line}: names {', '.join(others)}: "
                                f"{text.strip()[:80]}")
    assert not offences, _report("rule code naming other rules", offences)


# --- one language: the model's ------------------------------------------------------------------

_FLAVOURS = {"terraform", "cloudformation", "plan"}


def _docstring_nodes(module_tree: ast.Module) -> set[int]:
    """ids of the docstring constants of the module, its classes and its functions."""
    found = set()
    for node in ast.walk(module_tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) \
                and node.body and isinstance(node.body[0], ast.Expr) \
                and isinstance(node.body[0].value, ast.Constant) \
                and isinstance(node.body[0].value.value, str):
            found.add(id(node.body[0].value))
    return found


def _code_strings(module: str):
    """(line, value) of every string constant of the module's code (docstrings aside)."""
    module_tree = tree(module)
    docstrings = _docstring_nodes(module_tree)
    for node in ast.walk(module_tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docstrings:
            yield node.lineno, node.value


def _rule_code() -> list[str]:
    """The rule pack's modules: rules and their shared helpers."""
    return [m for m in modules() if m.startswith(RULE_PACK + ".")]


def _analysis_code() -> list[str]:
    return [m for m in modules() if m == "vpclint.analyze" or m.startswith("vpclint.analyze.")]


def test_no_rule_or_analysis_code_branches_on_the_iac_flavour():
    """No rule, helper or analysis module reads ``.flavour`` or compares with a flavour's name:
    what differs between Terraform and CloudFormation is settled in the model."""
    offences = []
    for module in _rule_code() + _analysis_code():
        for node in ast.walk(tree(module)):
            if isinstance(node, ast.Attribute) and node.attr == "flavour":
                offences.append(f"{path_of(module)}:{node.lineno}: reads .flavour: "
                                f"{ast.unparse(node)}")
        for line, value in _code_strings(module):
            if value in _FLAVOURS:
                offences.append(f"{path_of(module)}:{line}: names the flavour {value!r}")
    assert not offences, _report("rule code branching on the IaC", sorted(set(offences)))


def _key(name: str) -> str:
    return name.replace("_", "").lower()


@lru_cache(maxsize=None)
def _model_fields() -> frozenset[str]:
    """The names the model speaks: every component's fields and properties."""
    names = set()
    for module in modules():
        if module.startswith("vpclint.model."):
            for node in ast.walk(tree(module)):
                if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    names.add(node.target.id)
                elif isinstance(node, ast.FunctionDef):
                    names.add(node.name)
    return frozenset(names)


# A name of two words or more, as attributes are spelt (``enable_dns_hostnames``,
# ``PrivateDnsEnabled``, ``portMappings``); one word (``id``, ``Name``, ``Action``) is too common
# to tell an attribute from a value or from IAM's own policy grammar.
_ATTRIBUTE_LIKE = re.compile(r"[A-Za-z][a-z0-9]*(?:_[a-z0-9]+|[A-Z][a-z0-9]+)+")


@lru_cache(maxsize=None)
def _iac_vocabulary() -> frozenset[str]:
    """Attribute and property names as Terraform or CloudFormation spell them: the paths that
    ``vpclint/model/specs.py`` reads each model field from (``{"dns_hostnames":
    "enable_dns_hostnames:bool"}``), less the names the model itself uses (``cidr_block`` is
    both)."""
    fields = _model_fields()
    words = set()
    for node in ast.walk(tree("vpclint.model.specs")):
        if not isinstance(node, ast.Dict) or not node.keys or not all(
                isinstance(k, ast.Constant) and k.value in fields for k in node.keys):
            continue
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                for part in re.split(r"[.|\[\]]+|:\w+", value.value):
                    if _ATTRIBUTE_LIKE.fullmatch(part):
                        words.add(part)
    return frozenset(words - fields)


def test_no_rule_code_spells_an_attribute_in_one_iac_vocabulary():
    """No rule or helper names an attribute as one IaC spells it: neither a property of the
    model's specs (``enable_dns_hostnames``, ``PrivateDnsEnabled``), nor one name in two
    spellings (``portMappings`` and ``PortMappings``, read from untyped dicts), nor reads what
    the IaC wrote under the model (``component.resource.values``, ``.resource.type``)."""
    vocabulary = _iac_vocabulary()
    offences = []
    for module in _rule_code():
        for node in ast.walk(tree(module)):
            if isinstance(node, ast.Attribute) and node.attr in ("values", "type") \
                    and isinstance(node.value, ast.Attribute) and node.value.attr == "resource":
                offences.append(f"{path_of(module)}:{node.lineno}: reads the IaC's own "
                                f"{ast.unparse(node)}")
        spellings: dict[str, dict[str, int]] = {}
        for line, value in _code_strings(module):
            if value in vocabulary:
                offences.append(f"{path_of(module)}:{line}: spells {value!r} as one IaC does")
            if _ATTRIBUTE_LIKE.fullmatch(value):
                spellings.setdefault(_key(value), {}).setdefault(value, line)
        for variants in spellings.values():
            if len(variants) > 1 and not set(variants) & _model_fields():
                where = ", ".join(f"{v!r} (line {n})" for v, n in sorted(variants.items()))
                offences.append(f"{path_of(module)}: reads one name in {len(variants)} "
                                f"spellings: {where}")
    assert not offences, _report("rule code in one IaC's vocabulary", sorted(set(offences)))


# --- layers -------------------------------------------------------------------------------------


def test_reporters_import_no_analysis():
    """A reporter prints what a finding carries (its flow's rendered hops): it imports nothing of
    ``vpclint.analyze``, at run time or for types."""
    offences = [str(e) for e in imports()
                if e.source.startswith("vpclint.reporters") and e.target.startswith(
                    "vpclint.analyze")]
    assert not offences, _report("reporters importing the analysis", offences)


def test_nothing_below_the_engine_imports_the_command_line():
    """The command line sits on top: the engine, the stages, the reporters and the rules never
    import it (so they run the same from a test, a library call or another front end)."""
    offences = [str(e) for e in imports() if e.target in CLI and e.source not in CLI]
    assert not offences, _report("imports of the command line from below it", offences)
