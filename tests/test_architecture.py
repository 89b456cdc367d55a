"""The shape of the house: no import cycles between our modules, and a leading underscore means private to its package.

The layers and the purity of the rule modules are import-linter's contracts (``lint-imports``, pyproject.toml);
these two rules are the ones it does not check.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("taxoffice", "registry", "filings", "jobs")
# Where imports are read for the underscore rule: the packages, and the code that uses them from outside.
IMPORTERS = (*PACKAGES, "tests", "bench")


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """The modules ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(graph[module])
    return seen


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or around a loop."""
    reach = {module: reachable(graph, module) for module in graph}
    groups = {
        frozenset(other for other in reach[module] if module in reach[other])
        for module in graph
        if module in reach[module]
    }
    return sorted(sorted(group) for group in groups)


def test_the_cycle_finder_finds_a_loop_and_nothing_else() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    assert cycles({"a": {"a"}}) == [["a"]]


def package_imports(built: grimp.ImportGraph, module: str) -> set[str]:
    """The packages of ours ``module`` imports a name from (``from package import submodule`` runs its ``__init__``).

    grimp records ``from taxoffice.accounts import payments`` as an import of the submodule only; Python first runs
    the package's ``__init__``, so a package whose ``__init__`` imports back the importer is a cycle too.
    """
    path = ROOT.joinpath(*module.split("."))
    source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    return {
        node.module
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in built.modules
        if node.module != module and ROOT.joinpath(*node.module.split(".")).is_dir()
    }


def test_no_import_cycles_between_our_modules() -> None:
    built = grimp.build_graph(*PACKAGES)
    graph = {
        module: set(built.find_modules_directly_imported_by(module)) | package_imports(built, module)
        for module in built.modules
    }
    found = [" ↔ ".join(group) for group in cycles(graph)]
    assert found == [], "\n".join(found)


def module_name(path: Path) -> tuple[str, str]:
    """The dotted name of a source file, and the package it is inside."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
        return ".".join(parts), ".".join(parts)
    return ".".join(parts), ".".join(parts[:-1])


def private_to(dotted: str) -> str | None:
    """The package a private module or name is private to; None when nothing in ``dotted`` is underscored."""
    parts = dotted.split(".")
    for position, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            owner = parts[:position]
            # a name private to a module is private to the package the module is in
            if not ROOT.joinpath(*owner).is_dir():
                owner = owner[:-1]
            return ".".join(owner)
    return None


def imported(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Every absolute import of a module or a name in ``tree``, as a dotted name with its line."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield from ((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)


def private_imports(path: Path) -> list[str]:
    """The imports in ``path`` of a module or name private to a package ``path`` is not inside."""
    module, package = module_name(path)
    found = []
    for line, name in imported(ast.parse(path.read_text(encoding="utf-8"))):
        if name.split(".")[0] not in IMPORTERS:
            continue
        owner = private_to(name)
        if owner is not None and not f"{package}.".startswith(f"{owner}."):
            found.append(f"{path.relative_to(ROOT)}:{line} ({module}) imports {name}, private to {owner}")
    return found


def test_the_underscore_rule_tells_inside_from_outside() -> None:
    assert private_to("taxoffice.arrears._search.WorklistQuery") == "taxoffice.arrears"
    assert private_to("taxoffice.arrears.services._helper") == "taxoffice.arrears"
    assert private_to("taxoffice.arrears.flagging._query") == "taxoffice.arrears.flagging"
    assert private_to("taxoffice.arrears.services.ArrearsService") is None
    assert private_to("taxoffice.__init__") is None


def test_nothing_private_is_imported_from_outside_its_package() -> None:
    found = [
        problem
        for top in IMPORTERS
        for path in sorted((ROOT / top).rglob("*.py"))
        if ".venv" not in path.parts
        for problem in private_imports(path)
    ]
    assert found == [], "\n".join(found)
