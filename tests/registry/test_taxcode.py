"""Tax codes, with DOMAIN.md §1's worked numbers and agreement with python-stdnum."""

import random

import pytest
from stdnum.vn import mst

from registry import taxcode


def test_worked_examples() -> None:
    # 010000001: s = 29·1 + 3·1 = 32; 32 mod 11 = 10 → check digit 0.
    assert taxcode.check_digit("010000001") == 0
    assert taxcode.normalize("0100000010") == "0100000010"
    # 010000005: s = 29 + 15 = 44; remainder 0 → no valid code.
    assert taxcode.check_digit("010000005") is None
    with pytest.raises(taxcode.InvalidTaxCodeError) as err:
        taxcode.normalize("0100000050")
    assert err.value.code == "tax_code.check_digit"


def test_real_code_and_wrong_check_digit() -> None:
    assert taxcode.normalize("0100109106") == "0100109106"
    with pytest.raises(taxcode.InvalidTaxCodeError, match="should be 6"):
        taxcode.normalize("0100109107")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0100109106", "0100109106"),
        (" 0100 109 106 ", "0100109106"),
        ("01.00.109.106", "0100109106"),
        ("0100109106-001", "0100109106-001"),
        ("0100109106001", "0100109106-001"),
        ("0100109106 - 999", "0100109106-999"),
        ("001090123456", "001090123456"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert taxcode.normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("0100109106-000", "tax_code.branch_suffix"),
        ("0100000000", "tax_code.zero_sequence"),
        ("01000000", "tax_code.length"),
        ("01001091061234", "tax_code.length"),
        ("01001O9106", "tax_code.format"),
        ("", "tax_code.format"),
        ("٠١٠٠١٠٩١٠٦", "tax_code.format"),
    ],
)
def test_invalid(raw: str, rule: str) -> None:
    with pytest.raises(taxcode.InvalidTaxCodeError) as err:
        taxcode.normalize(raw)
    assert err.value.code == rule


def test_branch_codes() -> None:
    assert taxcode.branch_code("0100109106", 7) == "0100109106-007"
    with pytest.raises(ValueError, match="no free branch suffix"):
        taxcode.branch_code("0100109106", 1000)


def test_agrees_with_stdnum() -> None:
    rng = random.Random(11)  # noqa: S311 - sample codes, not secrets
    for _ in range(5_000):
        code = f"{rng.randrange(10**10):010d}"
        assert taxcode.is_valid(code) == mst.is_valid(code), code


def test_next_valid_sequence_skips_remainder_zero() -> None:
    # Sequence 5 under 01 has remainder 0: after 4 comes 6.
    assert taxcode.next_valid_sequence("01", 0) == (1, "0100000010")
    sequence, code = taxcode.next_valid_sequence("01", 4)
    assert sequence == 6
    assert taxcode.is_valid(code)
    with pytest.raises(ValueError, match="exhausted"):
        taxcode.next_valid_sequence("01", taxcode.MAX_SEQUENCE)


def test_codes_for_block() -> None:
    codes, last = taxcode.codes_for_block("01", 0, 1_000)
    assert len(codes) == len(set(codes)) == 1_000
    assert all(mst.is_valid(c) for c in codes)
    assert "0100000050" not in codes
    assert last > 1_000  # about one sequence number in 11 has no valid code
    assert codes[0] == "0100000010"
    following, _ = taxcode.codes_for_block("01", last, 10)
    assert not set(following) & set(codes)


def test_branch_codes_agree_with_stdnum() -> None:
    rng = random.Random(13)  # noqa: S311 - sample codes, not secrets
    for _ in range(2_000):
        code = f"{rng.randrange(10**10):010d}-{rng.choice([0, rng.randrange(1000)]):03d}"
        assert taxcode.is_valid(code) == mst.is_valid(code), code


def test_sequence_zero_is_never_issued() -> None:
    assert taxcode.next_valid_sequence("01", -1) == (1, "0100000010")
    assert taxcode.codes_for_block("01", -1, 1) == (["0100000010"], 1)


def test_codes_for_block_matches_next_valid_sequence_across_blocks() -> None:
    # Starting just before sequence 0010000 crosses a boundary of the precomputed ten-thousand-number tails.
    codes, last = taxcode.codes_for_block("79", 9_990, 30)
    expected: list[str] = []
    sequence = 9_990
    for _ in range(30):
        sequence, code = taxcode.next_valid_sequence("79", sequence)
        expected.append(code)
    assert codes == expected
    assert last == sequence
    assert taxcode.codes_for_block("79", 9_990, 0) == ([], 9_990)


def test_codes_for_block_exhausted_and_bad_prefix() -> None:
    tail, last = taxcode.codes_for_block("01", taxcode.MAX_SEQUENCE - 20, 5)
    assert len(tail) == 5
    assert last <= taxcode.MAX_SEQUENCE
    with pytest.raises(ValueError, match="exhausted"):
        taxcode.codes_for_block("01", taxcode.MAX_SEQUENCE - 20, 100)
    with pytest.raises(ValueError, match="two digits"):
        taxcode.codes_for_block("1", 0, 1)
    with pytest.raises(ValueError, match="two digits"):
        taxcode.next_valid_sequence("0a", 0)
