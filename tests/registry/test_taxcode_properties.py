"""Tax codes, property by property: the check digit against python-stdnum, normalisation, branch codes, issuing."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.vn import mst

from registry import taxcode

DIGITS = "0123456789"
nine_digits = st.text(alphabet=DIGITS, min_size=9, max_size=9)
separators = st.sampled_from([" ", ".", "-", "  ", ". "])


@st.composite
def valid_codes(draw: st.DrawFn) -> str:
    """A valid 10-digit code: nine digits that have a check digit, and that digit."""
    nine = draw(nine_digits.filter(lambda n: n[2:] != "0000000" and taxcode.check_digit(n) is not None))
    return f"{nine}{taxcode.check_digit(nine)}"


@st.composite
def with_separators(draw: st.DrawFn, code: str) -> str:
    """``code`` with spaces, dots or dashes between some of its characters, and around it."""
    pieces = []
    for char in code.replace("-", ""):
        pieces.append(char)
        if draw(st.booleans()):
            pieces.append(draw(separators))
    return draw(st.sampled_from(["", " "])) + "".join(pieces) + draw(st.sampled_from(["", " "]))


@given(st.one_of(valid_codes(), st.text(alphabet=DIGITS, min_size=10, max_size=10)))
def test_ten_digits_valid_exactly_when_stdnum_says_so(code: str) -> None:
    assert taxcode.is_valid(code) == mst.is_valid(code)


@given(
    st.one_of(
        st.tuples(valid_codes(), st.integers(0, 999)).map(lambda pair: f"{pair[0]}{pair[1]:03d}"),
        st.text(alphabet=DIGITS, min_size=13, max_size=13),
    )
)
def test_thirteen_digits_valid_exactly_when_stdnum_says_so(code: str) -> None:
    assert taxcode.is_valid(code) == mst.is_valid(code)


@given(nine_digits)
def test_a_check_digit_exists_unless_the_remainder_is_zero(nine: str) -> None:
    digit = taxcode.check_digit(nine)
    remainder = sum(w * int(d) for w, d in zip(taxcode.WEIGHTS, nine, strict=True)) % 11
    assert (digit is None) == (remainder == 0)
    if digit is not None and nine[2:] != "0000000":
        assert mst.is_valid(f"{nine}{digit}")
        assert [d for d in DIGITS if taxcode.is_valid(f"{nine}{d}")] == [str(digit)]


@given(valid_codes(), st.integers(0, 9), st.sampled_from(DIGITS))
def test_any_single_wrong_digit_is_caught(code: str, position: int, digit: str) -> None:
    typo = code[:position] + digit + code[position + 1 :]
    assert taxcode.is_valid(typo) == (typo == code)


@given(valid_codes().flatmap(lambda code: st.tuples(st.just(code), with_separators(code))))
def test_normalising_drops_separators_and_is_idempotent(pair: tuple[str, str]) -> None:
    code, written = pair
    assert taxcode.normalize(written) == code
    assert taxcode.normalize(taxcode.normalize(written)) == code


@given(valid_codes(), st.integers(1, 999), st.data())
def test_branch_codes_are_thirteen_digits_after_their_parent(parent: str, suffix: int, data: st.DataObject) -> None:
    branch = taxcode.branch_code(parent, suffix)
    assert branch == f"{parent}-{suffix:03d}"
    assert len(branch.replace("-", "")) == 13
    assert taxcode.normalize(branch) == branch
    assert taxcode.normalize(data.draw(with_separators(branch))) == branch
    assert taxcode.normalize(branch.replace("-", "")) == branch
    assert not taxcode.is_valid(f"{parent}000")


@given(st.text(alphabet=DIGITS, min_size=12, max_size=12))
def test_twelve_digits_are_a_personal_id_as_they_are(number: str) -> None:
    assert taxcode.normalize(number) == number


@given(st.text(min_size=0, max_size=20))
def test_anything_else_is_refused_with_a_rule_code_never_a_crash(raw: str) -> None:
    if taxcode.is_valid(raw):
        code = taxcode.normalize(raw)
        assert taxcode.normalize(code) == code
        return
    with pytest.raises(taxcode.InvalidTaxCodeError) as refused:
        taxcode.normalize(raw)
    assert refused.value.code.startswith("tax_code.")


@given(st.integers(0, 99).map(lambda n: f"{n:02d}"), st.integers(0, 9_999_000), st.integers(1, 25))
def test_issued_codes_are_valid_and_a_block_matches_one_by_one(prefix: str, after: int, count: int) -> None:
    one_by_one = []
    sequence = after
    for _ in range(count):
        sequence, code = taxcode.next_valid_sequence(prefix, sequence)
        one_by_one.append(code)
    assert all(mst.is_valid(code) and code.startswith(prefix) for code in one_by_one)
    assert taxcode.codes_for_block(prefix, after, count) == (one_by_one, sequence)
