"""The form expression language: what it computes, and everything it refuses."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from filings.expressions import ExpressionError, compile_expression, round_half_up


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("ct29 + ct30 + ct32 + ct32a", {"ct29": 1, "ct30": 20, "ct32": 300, "ct32a": 4000}, 4321),
        ("ct35 - ct25", {"ct35": 5, "ct25": 8}, -3),
        ("2 * ct30", {"ct30": 21}, 42),
        ("ct30 // 3", {"ct30": 10}, 3),
        ("-ct30 // 3", {"ct30": 10}, -4),
        ("ct30 * 5 / 100", {"ct30": 1_000}, 50),
        ("ct30 * 5 / 100", {"ct30": 1_010}, Fraction(101, 2)),
        ("max(ct36 - ct22, 0)", {"ct36": 5, "ct22": 7}, 0),
        ("max(-(ct36 - ct22), 0)", {"ct36": 5, "ct22": 7}, 2),
        ("min(ct1, ct2, ct3)", {"ct1": 3, "ct2": -1, "ct3": 2}, -1),
        ("abs(ct31 - 7)", {"ct31": 2}, 5),
        ("round_half_up(ct02 * 20 / 100)", {"ct02": 12_345_678}, 2_469_136),
        ("round_half_up(ct02 * 20 / 100)", {"ct02": 12_345_677}, 2_469_135),  # 2 469 135.4
        ("round_half_up(-5 / 2)", {}, -3),
        # A quotient rounded in whole numbers, as through a Fraction: either sign of either operand, bools as ints.
        ("round_half_up(ct1 / ct2)", {"ct1": 7, "ct2": -2}, -4),
        ("round_half_up(ct1 / ct2)", {"ct1": -7, "ct2": -2}, 4),
        ("round_half_up(ct1 / ct2)", {"ct1": 7, "ct2": 3}, 2),
        ("round_half_up(ct1 / ct2)", {"ct1": True, "ct2": 2}, 1),
        ("round_half_up(ct1 / 2 / 2)", {"ct1": 6}, 2),
        ("ct40b <= ct40a", {"ct40b": 5, "ct40a": 5}, True),
        ("ct40b < ct40a", {"ct40b": 5, "ct40a": 5}, False),
        ("0 <= ct21 <= 1", {"ct21": 1}, True),
        ("0 <= ct21 <= 1", {"ct21": 2}, False),
        ("1 < ct21 < 0", {"ct21": 2}, False),
        ("ct1 == 0 or ct2 >= 1", {"ct1": 5, "ct2": 0}, False),
        ("ct1 == 0 or ct2 >= 1", {"ct1": 0, "ct2": 0}, True),
        ("ct1 != 0 and not ct2 > 1", {"ct1": 1, "ct2": 1}, True),
        ("ct1 and ct2", {"ct1": 1, "ct2": 7}, True),
        ("abs(ct31 - round_half_up(ct30 * 5 / 100)) <= tolerance", {"ct31": 50, "ct30": 1_010, "tolerance": 1}, True),
        ("abs(ct31 - round_half_up(ct30 * 5 / 100)) <= tolerance", {"ct31": 49, "ct30": 1_010, "tolerance": 1}, False),
    ],
)
def test_evaluates(text: str, values: dict[str, int], expected: int | Fraction | bool) -> None:
    result = compile_expression(text).evaluate(values)
    assert result == expected
    assert type(result) is type(expected)


def test_names_and_cache() -> None:
    expression = compile_expression("max(ct36 - ct22 + ct37 - ct38 - ct39a, 0) + tolerance")
    assert expression.names == frozenset({"ct36", "ct22", "ct37", "ct38", "ct39a", "tolerance"})
    assert compile_expression("max(ct36 - ct22 + ct37 - ct38 - ct39a, 0) + tolerance") is expression


def test_missing_name_is_a_key_error() -> None:
    with pytest.raises(KeyError, match="ct22"):
        compile_expression("ct40 - ct22").evaluate({"ct40": 1})


def test_division_by_zero() -> None:
    with pytest.raises(ExpressionError, match="division by zero"):
        compile_expression("ct1 / ct2").evaluate({"ct1": 1, "ct2": 0})
    with pytest.raises(ExpressionError, match="division by zero"):
        compile_expression("ct1 // 0").evaluate({"ct1": 1})
    with pytest.raises(ExpressionError, match="division by zero"):
        compile_expression("round_half_up(ct1 * 5 / ct2)").evaluate({"ct1": 1, "ct2": 0})


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (Fraction(5, 2), 3),
        (Fraction(-5, 2), -3),
        (Fraction(7, 3), 2),
        (Fraction(-7, 3), -2),
        (Fraction(1, 2), 1),
        (4, 4),
    ],
)
def test_round_half_up(value: Fraction, rounded: int) -> None:
    assert round_half_up(value) == rounded


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # Attribute access, subscripts and dunder names.
        ("ct40.__class__", "Attribute"),
        ("().__class__.__bases__[0].__subclasses__()", "calling"),
        ("ct40[0]", "Subscript"),
        ("__builtins__", "the name '__builtins__'"),
        ("_private + 1", "the name '_private'"),
        # Calls to anything but max, min, abs, round_half_up.
        ("__import__('os').system('echo hi')", "calling"),
        ("eval('1')", "calling 'eval'"),
        ("open('/etc/passwd')", "calling 'open'"),
        ("pow(2, 10)", "calling 'pow'"),
        ("round(ct1)", "calling 'round'"),
        ("(lambda: 1)()", "calling 'Lambda'"),
        ("max", "the name 'max'"),
        ("max(ct1)", "calling max with 1 arguments"),
        ("abs(ct1, ct2)", "calling abs with 2 arguments"),
        ("max(*ct1)", "starred"),
        ("round_half_up(x=ct1)", "keyword"),
        # Imports and statements do not parse as expressions.
        ("import os", "cannot parse"),
        ("ct1 = 2", "cannot parse"),
        ("ct1; ct2", "cannot parse"),
        # Literals other than whole numbers.
        ("ct1 * 0.05", "the literal 0.05"),
        ("'text'", "the literal 'text'"),
        ("True", "the literal True"),
        ("None", "the literal None"),
        # Operators outside the list.
        ("2 ** 1000000", "the operator Pow"),
        ("ct1 % 7", "the operator Mod"),
        ("ct1 << 2", "the operator LShift"),
        ("+ct1", "the operator UAdd"),
        ("~ct1", "the operator Invert"),
        ("ct1 in ct2", "the comparison In"),
        ("ct1 is ct2", "the comparison Is"),
        # Other constructs.
        ("ct1 if ct2 else ct3", "IfExp"),
        ("[ct1 for ct1 in ct2]", "ListComp"),
        ("(ct1 := 2)", "NamedExpr"),
        ("f'{ct1}'", "JoinedStr"),
        ("{ct1: 1}", "Dict"),
        ("(ct1, ct2)", "Tuple"),
        ("", "cannot parse"),
        ("ct1 +", "cannot parse"),
    ],
)
def test_refuses(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message.replace("(", r"\(").replace("*", r"\*")):
        compile_expression(text)


def test_refuses_oversized_and_deeply_nested() -> None:
    with pytest.raises(ExpressionError, match="at most 2000 characters"):
        compile_expression("1+" * 1_000 + "1")
    with pytest.raises(ExpressionError, match="at most 500 parts"):
        compile_expression("+".join(["ct1"] * 400))
    with pytest.raises(ExpressionError):
        compile_expression("(" * 600 + "1" + ")" * 600)


def test_never_evaluates_source_text(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins  # noqa: PLC0415 - patched for this test only

    def refuse(*_args: object) -> None:
        raise AssertionError("eval/exec must not be used")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    assert compile_expression("ct1 * 3 - 4 >= 2").evaluate({"ct1": 2}) is True


# A term of a sum and its value: a name, a whole number, a fraction or a bracketed difference.
_TERMS = st.sampled_from(
    [("ct1", 7), ("ct2", -3), ("ct3", 0), ("5", 5), ("ct1 / 3", Fraction(7, 3)), ("(ct1 - ct2)", 10), ("-ct2", 3)]
)


@given(st.lists(st.tuples(st.booleans(), _TERMS), min_size=1, max_size=8))
def test_sums_and_differences_are_exact_whatever_their_length(terms: list[tuple[bool, tuple[str, Fraction]]]) -> None:
    # ``+``/``-`` chains are evaluated as one closure: the same value as adding left to right.
    text = " ".join(f"{'-' if minus else '+'} {term}" for minus, (term, _v) in terms).removeprefix("+ ")
    expected = sum(((-value if minus else value) for minus, (_t, value) in terms), Fraction(0))
    if text.startswith("- "):  # a leading minus is the unary one: the first term negated
        text = "0 " + text
    result = compile_expression(text).evaluate({"ct1": 7, "ct2": -3, "ct3": 0})
    assert result == expected
    assert type(result) is (int if expected.denominator == 1 else Fraction)
    assert compile_expression(text).names <= {"ct1", "ct2", "ct3"}


def test_a_long_sum_still_needs_every_name() -> None:
    with pytest.raises(KeyError):
        compile_expression("ct1 + ct2 + ct9").evaluate({"ct1": 1, "ct2": 2})
    with pytest.raises(ExpressionError, match="the name '_x'"):
        compile_expression("ct1 + ct2 - _x")
