"""Every ``errors[].code`` a problem can carry is written in one style: ``subject.problem``, snake_case words.

The codes are found in the source, not in a list kept by hand: every ``FieldError(field, code, message)`` call,
and, where the code arrives through a parameter (``bad_query(field, code, …)``, ``InvalidTaxCodeError(code, …)``
read back as ``exc.code``, a dataclass with a ``code`` field …), every call that fills that parameter. f-strings
are checked with their placeholders standing for a field name; a call is followed into the function it calls.
"""

import ast
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("taxoffice", "registry", "filings", "jobs")
STYLE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*(\.[a-z][a-z0-9]*(_[a-z0-9]+)*)*$")
PLACEHOLDER = "field"


@dataclass
class Source:
    """The parsed modules, and what the walk learns from them."""

    trees: dict[Path, ast.Module] = field(default_factory=dict)
    classes: set[str] = field(default_factory=set)
    # a function's name as its callers write it: a class's name for its ``__init__``
    called_as: dict[ast.AST, str] = field(default_factory=dict)
    functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # callable name → the positions and keyword names of its parameters that carry a code
    carriers: dict[str, set[tuple[int, str]]] = field(default_factory=lambda: defaultdict(set))
    holders: set[str] = field(default_factory=set)
    holders_added: bool = False


def _load() -> Source:
    src = Source()
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            src.trees[path] = tree
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    src.functions[node.name].append(node)
                    src.called_as.setdefault(node, node.name)
                if isinstance(node, ast.ClassDef):
                    src.classes.add(node.name)
                    for init in (n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"):
                        src.called_as[init] = node.name
    src.carriers["FieldError"].add((1, "code"))
    return src


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    names = [a.arg for a in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]]
    return names[1:] if names and names[0] in {"self", "cls"} else names


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    return call.args[position] if position < len(call.args) else None


def _holder_of(fn: ast.FunctionDef | ast.AsyncFunctionDef | None, name: str, src: Source) -> str | None:
    """The class of ``name`` inside ``fn``: ``except T as name`` or ``for name in f(…)`` with ``f -> list[T]``."""
    for node in ast.walk(fn) if fn is not None else ():
        if isinstance(node, ast.ExceptHandler) and node.name == name and node.type is not None:
            return ast.unparse(node.type).rsplit(".", 1)[-1]
        if (
            isinstance(node, ast.comprehension | ast.For)
            and ast.unparse(node.target) == name
            and isinstance(node.iter, ast.Call)
        ):
            for callee in src.functions.get(_name(node.iter), []):
                names = re.findall(r"\w+", ast.unparse(callee.returns)) if callee.returns is not None else []
                return next((n for n in names if n in src.classes), None)
    return None


def _code_holders(src: Source, cls_name: str) -> None:
    """``cls_name`` stores the code it is built with: ``self.code = code`` in ``__init__``, or a dataclass field."""
    for tree in src.trees.values():
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == cls_name):
            fields = [s.target.id for s in cls.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
            if "code" in fields:
                src.carriers[cls.name].add((fields.index("code"), "code"))
            for init in (s for s in cls.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"):
                for node in ast.walk(init):
                    if (
                        isinstance(node, ast.Assign)
                        and ast.unparse(node.targets[0]) == "self.code"
                        and isinstance(node.value, ast.Name)
                    ):
                        src.carriers[cls.name].add((_params(init).index(node.value.id), node.value.id))


def _calls(src: Source) -> Iterator[tuple[Path, ast.FunctionDef | ast.AsyncFunctionDef | None, ast.Call]]:
    """Every call of a code carrier, with the function it is written in (None: at module level)."""

    def visit(
        node: ast.AST, path: Path, fn: ast.FunctionDef | ast.AsyncFunctionDef | None
    ) -> Iterator[tuple[Path, ast.FunctionDef | ast.AsyncFunctionDef | None, ast.Call]]:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else fn
            if isinstance(child, ast.Call) and src.carriers.get(_name(child)):
                yield path, inner, child
            yield from visit(child, path, inner)

    for path, tree in src.trees.items():
        yield from visit(tree, path, None)


def _spread(src: Source) -> None:
    """A function that passes one of its parameters on as a code carries a code in that parameter too."""
    changed = True
    while changed:
        changed = False
        for _path, fn, call in list(_calls(src)):
            if fn is None:
                continue
            for position, keyword in list(src.carriers[_name(call)]):
                arg = _argument(call, position, keyword)
                if isinstance(arg, ast.Name) and arg.id in _params(fn):
                    carrier = (_params(fn).index(arg.id), arg.id)
                    if carrier not in src.carriers[src.called_as[fn]]:
                        src.carriers[src.called_as[fn]].add(carrier)
                        changed = True


def _assigned(fn: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> list[ast.expr]:
    """What a local variable of ``fn`` is set to."""
    return [
        n.value
        for n in ast.walk(fn)
        if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)
    ]


def _name_values(src: Source, name: str, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[str | None]:
    if name in _params(fn):
        return  # a parameter: its callers are walked instead
    assigned = _assigned(fn, name)
    if not assigned:
        yield None
    for value in assigned:
        yield from _values(src, value, fn)


def _held(src: Source, name: str, fn: ast.FunctionDef | ast.AsyncFunctionDef | None) -> Iterator[str | None]:
    """``name.code``: the object's class stores a code; its constructions are walked instead."""
    holder = _holder_of(fn, name, src)
    if holder is None:
        yield None
    elif holder not in src.holders:
        src.holders.add(holder)
        _code_holders(src, holder)
        src.holders_added = True


def _values(src: Source, expr: ast.expr, fn: ast.FunctionDef | ast.AsyncFunctionDef | None) -> Iterator[str | None]:
    """The codes ``expr`` may hold; None for one the walk cannot read (reported)."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        yield expr.value
    elif isinstance(expr, ast.JoinedStr):
        yield "".join(str(v.value) if isinstance(v, ast.Constant) else PLACEHOLDER for v in expr.values)
    elif isinstance(expr, ast.IfExp):
        yield from _values(src, expr.body, fn)
        yield from _values(src, expr.orelse, fn)
    elif isinstance(expr, ast.Name) and fn is not None:
        yield from _name_values(src, expr.id, fn)
    elif isinstance(expr, ast.Attribute) and expr.attr == "code" and isinstance(expr.value, ast.Name):
        yield from _held(src, expr.value.id, fn)
    elif isinstance(expr, ast.Call) and src.functions.get(_name(expr)):
        for callee in src.functions[_name(expr)]:
            for ret in (n.value for n in ast.walk(callee) if isinstance(n, ast.Return)):
                # ``return None``: no code, the caller's ``if code is not None`` keeps it from a FieldError.
                if ret is not None and not (isinstance(ret, ast.Constant) and ret.value is None):
                    yield from _values(src, ret, callee)
    else:
        yield None


def _codes() -> tuple[dict[str, list[str]], list[str]]:
    src = _load()
    _spread(src)
    found, unread = _walk(src)
    while src.holders_added:  # a new code holder turned up: walk again with its constructions
        src.holders_added = False
        _spread(src)
        found, unread = _walk(src)
    return found, unread


def _walk(src: Source) -> tuple[dict[str, list[str]], list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    unread: list[str] = []
    for path, fn, call in list(_calls(src)):
        for position, keyword in src.carriers[_name(call)]:
            arg = _argument(call, position, keyword)
            if arg is None:
                continue
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            for value in _values(src, arg, fn):
                if value is None:
                    unread.append(f"{where}: {ast.unparse(arg)}")
                else:
                    found[value].append(where)
    return found, unread


def test_every_field_error_code_is_in_the_house_style() -> None:
    found, unread = _codes()
    off_style = {code: where for code, where in found.items() if not STYLE.match(code)}
    assert not off_style, f"codes not in the `subject.problem` snake_case style: {off_style}"
    assert not unread, f"codes the walk cannot read (give them a literal or a carrier): {unread}"


def test_the_walk_reaches_codes_passed_through_parameters_and_holders() -> None:
    found, _ = _codes()
    # a literal, a parameter of a helper (bad_query), a constructor storing self.code, an f-string through a call
    for code in ("period.invalid", "cursor.invalid", "tax_code.check_digit", "xml.malformed", "field.future"):
        assert code in found, code
    assert len(found) > 50


def test_the_style_refuses_other_spellings() -> None:
    for code in ("unknown-job", "period.no-form", "Period.invalid", "period..invalid", "period.", "taxCode.length"):
        assert not STYLE.match(code), code
    for code in ("required", "tax_code.check_digit", "statement.too_many_rows", "date.out_of_range"):
        assert STYLE.match(code), code
