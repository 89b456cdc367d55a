"""Payment-order references: the check character catches typos; references are found in transfer descriptions."""

import itertools
import random
from collections.abc import Callable

import pytest

from taxoffice.accounts import order_reference as ref


def _fixed(values: list[int]) -> Callable[[int], int]:
    it = iter(values)
    return lambda _n: next(it)


def test_a_reference_from_given_randomness() -> None:
    # body "7K3QX9M2": values 7, 19 (K), 3, 23 (Q), 29 (X), 9, 20 (M), 2
    made = ref.new_reference(_fixed([7, 19, 3, 23, 29, 9, 20, 2]))
    assert made[:10] == "NT7K3QX9M2"
    assert len(made) == ref.LENGTH == 11
    assert ref.normalize(made) == made


def test_luhn_mod_32_by_hand() -> None:
    # body "01": from the right, 1 doubled = 2, then 0 → 2; check = (32 - 2) % 32 = 30 → "Y"
    assert ref.check_character("01") == "Y"
    assert ref.check_character("00000000") == "0"


def test_every_single_substitution_and_neighbour_swap_is_caught() -> None:
    missed = {"0Z", "Z0"}  # Luhn mod N's one blind spot: the first and last symbols swapped
    rng = random.Random(20261202)  # noqa: S311 - reproducible samples, not secrets
    for _ in range(200):
        good = ref.new_reference(rng.randrange)
        body = good[2:]
        for i, char in itertools.product(range(len(body)), ref.ALPHABET):
            if char != body[i]:
                assert ref.normalize("NT" + body[:i] + char + body[i + 1 :]) is None
        for i in range(len(body) - 1):
            if body[i] != body[i + 1] and body[i : i + 2] not in missed:
                swapped = body[:i] + body[i + 1] + body[i] + body[i + 2 :]
                assert ref.normalize("NT" + swapped) is None


def test_look_alikes_case_and_separators_are_read() -> None:
    good = ref.new_reference(_fixed([0, 1, 0, 1, 0, 1, 0, 1]))
    typed = "nt-" + good[2:6].replace("0", "o").replace("1", "l").lower() + " " + good[6:].replace("1", "I")
    assert ref.normalize(typed) == good


@pytest.mark.parametrize("text", ["", "NT", "XX7K3QX9M2PD", "NT7K3QX9M2", "NTUUUUUUUUU"])
def test_not_references(text: str) -> None:
    assert ref.normalize(text) is None


def test_found_in_a_transfer_description() -> None:
    good = ref.new_reference(random.Random(1).randrange)  # noqa: S311 - a reproducible sample
    assert ref.find_reference(f"CT DEN:123456 NOP THUE {good} MST 0109666001") == good
    assert ref.find_reference(f"nop thue {good.lower()}") == good
    spaced = f"{good[:2]}-{good[2:6]}-{good[6:]}"
    assert ref.find_reference(f"thanh toan {spaced}.") == good
    broken = good[:-1] + ("0" if good[-1] != "0" else "1")
    assert ref.find_reference(f"NOP THUE {broken}") is None
    assert ref.find_reference(f"ABC{good}") is None  # glued to other letters: not a reference
    assert ref.find_reference(None) is None
