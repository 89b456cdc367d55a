"""A small, safe arithmetic language for form formulas and rules. Pure.

Source text is parsed with :mod:`ast` and checked against a short list of allowed constructs, then turned into
nested closures: nothing is ever passed to ``eval`` or ``exec``. Allowed: integer literals; names (indicator codes
such as ``ct40a``, and whatever else the caller supplies, e.g. ``tolerance``); ``+ - * // /`` where ``/`` is exact
(:class:`~fractions.Fraction`) division; unary minus; comparisons ``< <= > >= == !=`` (chained as in Python);
``and``, ``or``, ``not`` (always giving a bool); calls to ``max``, ``min``, ``abs`` and ``round_half_up``.

Example:
    >>> compile_expression("max(ct36 - ct22, 0)").evaluate({"ct36": 5, "ct22": 7})
    0
"""

import ast
import functools
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TypeAlias

from taxoffice.money import round_half_up as money_round

Number: TypeAlias = int | Fraction
Value: TypeAlias = int | Fraction | bool
_Node: TypeAlias = Callable[[Mapping[str, Number]], Value]

MAX_LENGTH = 2_000
MAX_NODES = 500


class ExpressionError(ValueError):
    """An expression that is not allowed, cannot be parsed or cannot be evaluated (division by zero)."""


def round_half_up(value: Value) -> int:
    """``value`` rounded to the nearest integer by the one rounding rule (``taxoffice.money``: halves away from zero)."""
    if isinstance(value, int):
        return int(value)
    return money_round(value.numerator, value.denominator)


def _normalise(value: Value) -> Value:
    if type(value) is Fraction and value.denominator == 1:  # only the Fractions of ``_divide``, never a subclass
        return int(value.numerator)
    return value


def _divide(left: Value, right: Value) -> Value:
    if right == 0:
        raise ExpressionError("division by zero")
    if type(left) is int and type(right) is int and left % right == 0:
        return left // right  # exact: no Fraction needed (most rate checks on round figures)
    return Fraction(left) / Fraction(right)


def _rounded_quotient(left: Value, right: Value) -> Value:
    """``round_half_up(left / right)``: two whole numbers rounded in integers, without the Fraction of ``/``."""
    if type(left) is int and type(right) is int and right:
        return money_round(left, right)
    return round_half_up(_divide(left, right))


def _floor_divide(left: Value, right: Value) -> Value:
    if right == 0:
        raise ExpressionError("division by zero")
    return left // right


_BINARY: dict[type[ast.operator], Callable[[Value, Value], Value]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: _divide,
    ast.FloorDiv: _floor_divide,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Value, Value], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


def _max(*args: Value) -> Value:
    return max(args)


def _min(*args: Value) -> Value:
    return min(args)


def _abs(value: Value) -> Value:
    return -value if value < 0 else value


# name → (function, fewest arguments, most arguments; None = any number)
_FUNCTIONS: dict[str, tuple[Callable[..., Value], int, int | None]] = {
    "max": (_max, 2, None),
    "min": (_min, 2, None),
    "abs": (_abs, 1, 1),
    "round_half_up": (round_half_up, 1, 1),
}


class _Compiler:
    """Turns an allowed syntax tree into closures, collecting the names it reads."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.names: set[str] = set()

    def refuse(self, node: ast.AST, what: str) -> ExpressionError:
        column = getattr(node, "col_offset", None)
        where = f" at column {column + 1}" if column is not None else ""
        return ExpressionError(f"{what} is not allowed in a form expression{where}: {self.text!r}")

    def compile(self, node: ast.AST) -> _Node:  # noqa: PLR0911 - one branch per allowed construct
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.BoolOp):
            return self.boolean(node)
        if isinstance(node, ast.Call):
            return self.call(node)
        raise self.refuse(node, type(node).__name__)

    def literal(self, node: ast.Constant) -> int:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.refuse(node, f"the literal {value!r} (only whole numbers)")
        return value

    def constant(self, node: ast.Constant) -> _Node:
        value = self.literal(node)
        return lambda _values: value

    def checked_name(self, node: ast.Name) -> str:
        name = node.id
        if name.startswith("_") or name in _FUNCTIONS:
            raise self.refuse(node, f"the name {name!r}")
        self.names.add(name)
        return name

    def name(self, node: ast.Name) -> _Node:
        name = self.checked_name(node)
        return lambda values: values[name]

    def pair(self, function: Callable[[Value, Value], Value], left: ast.expr, right: ast.expr) -> _Node:
        """``function`` of two operands, a name or a literal read in place rather than through a closure of its own.

        Most operands of the forms' formulas and rules are names (``ct40b <= ct40a``) or literals (``ct21 == 0``,
        ``ct32 * 10``); reading them in place saves a call each. Checked left, then right, as ``compile`` does.
        """
        if isinstance(left, ast.Name):
            a = self.checked_name(left)
            if isinstance(right, ast.Name):
                b = self.checked_name(right)
                return lambda values: function(values[a], values[b])
            if isinstance(right, ast.Constant):
                c = self.literal(right)
                return lambda values: function(values[a], c)
            second = self.compile(right)
            return lambda values: function(values[a], second(values))
        first = self.compile(left)
        if isinstance(right, ast.Name):
            b = self.checked_name(right)
            return lambda values: function(first(values), values[b])
        if isinstance(right, ast.Constant):
            c = self.literal(right)
            return lambda values: function(first(values), c)
        second = self.compile(right)
        return lambda values: function(first(values), second(values))

    def binary(self, node: ast.BinOp) -> _Node:
        function = _BINARY.get(type(node.op))
        if function is None:
            raise self.refuse(node, f"the operator {type(node.op).__name__}")
        if isinstance(node.op, ast.Add | ast.Sub):
            return self.sum(node)
        return self.pair(function, node.left, node.right)

    def sum(self, node: ast.BinOp) -> _Node:
        """A chain of ``+`` and ``-`` (``ct23 + ct24 - ct25``) as one closure.

        The arithmetic is exact (integers and fractions), so adding the terms by sign gives what adding them left
        to right does; the names are read in one ``itemgetter`` call.
        """
        added: list[ast.expr] = []
        taken: list[ast.expr] = []
        _terms(node, added, taken, negative=False)
        if len(added) + len(taken) == 2:  # noqa: PLR2004 - a plain ``a + b`` or ``a - b``
            return self.pair(operator.add if isinstance(node.op, ast.Add) else operator.sub, node.left, node.right)
        plus, minus = self.addends(added), self.addends(taken)
        return lambda values: plus(values) - minus(values)

    def addends(self, terms: list[ast.expr]) -> _Node:
        """The sum of ``terms``: the names fetched together, the other terms each evaluated."""
        names = [t.id for t in terms if isinstance(t, ast.Name)]
        others = [self.compile(t) for t in terms if not isinstance(t, ast.Name)]
        for term in terms:
            if isinstance(term, ast.Name):
                self.name(term)  # checked and recorded as the other names are
        if not others:
            if not names:
                return lambda _values: 0
            if len(names) == 1:
                only = names[0]
                return lambda values: values[only]
            fetch = operator.itemgetter(*names)
            return lambda values: sum(fetch(values))
        fetch_all = operator.itemgetter(*names) if len(names) > 1 else None
        single = names[0] if len(names) == 1 else None

        def total(values: Mapping[str, Number]) -> Value:
            result: Value = sum(fetch_all(values)) if fetch_all else values[single] if single else 0
            for other in others:
                result = result + other(values)
            return result

        return total

    def unary(self, node: ast.UnaryOp) -> _Node:
        operand = self.compile(node.operand)
        if isinstance(node.op, ast.USub):
            return lambda values: -operand(values)
        if isinstance(node.op, ast.Not):
            return lambda values: not operand(values)
        raise self.refuse(node, f"the operator {type(node.op).__name__}")

    def compare(self, node: ast.Compare) -> _Node:
        functions: list[Callable[[Value, Value], bool]] = []
        for op in node.ops:
            function = _COMPARE.get(type(op))
            if function is None:
                raise self.refuse(node, f"the comparison {type(op).__name__}")
            functions.append(function)
        if len(functions) == 1:  # the usual ``a <= b``
            return self.pair(functions[0], node.left, node.comparators[0])
        first = self.compile(node.left)
        rest = [self.compile(c) for c in node.comparators]
        steps = list(zip(functions, rest, strict=True))

        def run(values: Mapping[str, Number]) -> bool:
            left = first(values)
            for function, operand in steps:
                right = operand(values)
                if not function(left, right):
                    return False
                left = right
            return True

        return run

    def boolean(self, node: ast.BoolOp) -> _Node:
        operands = [self.compile(v) for v in node.values]
        if len(operands) == 2:  # noqa: PLR2004 - the usual ``a and b``: no generator; a bool as all() and any() give
            first, second = operands
            if isinstance(node.op, ast.And):
                return lambda values: bool(first(values) and second(values))
            return lambda values: bool(first(values) or second(values))
        if isinstance(node.op, ast.And):
            return lambda values: all(o(values) for o in operands)
        return lambda values: any(o(values) for o in operands)

    def call(self, node: ast.Call) -> _Node:
        if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
            called = node.func.id if isinstance(node.func, ast.Name) else type(node.func).__name__
            raise self.refuse(node, f"calling {called!r} (only {', '.join(sorted(_FUNCTIONS))})")
        name = node.func.id
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.refuse(node, f"keyword or starred arguments to {name}")
        function, fewest, most = _FUNCTIONS[name]
        if len(node.args) < fewest or (most is not None and len(node.args) > most):
            expected = str(fewest) if most == fewest else f"at least {fewest}"
            raise self.refuse(node, f"calling {name} with {len(node.args)} arguments (it takes {expected})")
        if len(node.args) == 2:  # noqa: PLR2004 - max(a, b), min(a, b)
            return self.pair(function, node.args[0], node.args[1])
        only_argument = node.args[0]
        if function is round_half_up and isinstance(only_argument, ast.BinOp) and isinstance(only_argument.op, ast.Div):
            # The rate checks' ``round_half_up(ct30 * 5 / 100)``: the same figure, no Fraction built on the way.
            return self.pair(_rounded_quotient, only_argument.left, only_argument.right)
        arguments = [self.compile(a) for a in node.args]
        if len(arguments) == 1:
            only = arguments[0]
            return lambda values: function(only(values))
        return lambda values: function(*(a(values) for a in arguments))


def _terms(node: ast.expr, added: list[ast.expr], taken: list[ast.expr], *, negative: bool) -> None:
    """The operands of a chain of ``+`` and ``-`` into ``added`` and ``taken`` by their sign in the whole."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
        _terms(node.left, added, taken, negative=negative)
        _terms(node.right, added, taken, negative=negative != isinstance(node.op, ast.Sub))
    else:
        (taken if negative else added).append(node)


@dataclass(frozen=True)
class Expression:
    """A checked expression: the names it reads, and a way to evaluate it."""

    text: str
    names: frozenset[str]
    _run: _Node = field(repr=False, compare=False)

    def evaluate(self, values: Mapping[str, Number]) -> Value:
        """The expression's value; a whole :class:`~fractions.Fraction` comes back as an ``int``.

        Raises:
            KeyError: a name the expression reads is missing from ``values``.
            ExpressionError: a division by zero.
        """
        result = self._run(values)
        return result if type(result) is not Fraction else _normalise(result)


@functools.lru_cache(maxsize=4_096)
def compile_expression(text: str) -> Expression:
    """Check and compile an expression (cached by its text).

    Raises:
        ExpressionError: the text is too long, does not parse, or uses anything outside the allowed constructs.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"an expression is text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"an expression may have at most {MAX_LENGTH} characters, this one has {len(text)}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot parse {text!r}: {exc.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError(f"cannot parse {text[:80]!r}: too deeply nested or invalid") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ExpressionError(f"an expression may have at most {MAX_NODES} parts: {text[:80]!r}")
    compiler = _Compiler(text)
    run = compiler.compile(tree.body)
    return Expression(text=text, names=frozenset(compiler.names), _run=run)
