"""Payment-order references: short, unambiguous, with a check character, found again in a transfer's text. Pure.

A reference is ``NT`` followed by 8 random characters and 1 check character, all from Crockford's base-32
alphabet (digits and capitals without ``I``, ``L``, ``O``, ``U``), e.g. ``NT7K3QX9M2S``: 11 characters a payer
can read out or type, 32⁸ (about 1.1 trillion) possible references. The check character is Luhn mod 32 (the Luhn
algorithm over the alphabet's 32 symbols), so any single mistyped character and any swap of two neighbours is
caught, except ``0Z`` ↔ ``Z0`` (as Luhn mod 10 misses ``09`` ↔ ``90``). When a reference is read back, lower case is accepted and the look-alikes ``O`` → ``0``, ``I``/``L`` →
``1`` are read as Crockford does; spaces, dots and dashes inside it (``NT-7K3Q-X9M2S``) are ignored.
"""

import re
from collections.abc import Callable

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "NT"  # nộp thuế
BODY_LENGTH = 8
LENGTH = len(PREFIX) + BODY_LENGTH + 1
_BASE = len(ALPHABET)
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = "[ .\\-]?"
_CHAR = "[0-9A-Za-z]"
# ``NT`` then 9 characters, each optionally preceded by one separator; not glued to other letters or digits.
_FIND = re.compile(
    r"(?<![0-9A-Za-z])[Nn][Tt]" + "".join(_SEPARATORS + _CHAR for _ in range(BODY_LENGTH + 1)) + r"(?![0-9A-Za-z])"
)


def check_character(body: str) -> str:
    """The Luhn mod 32 check character of ``body`` (characters of ``ALPHABET``).

    Raises:
        KeyError: ``body`` has a character outside the alphabet.
    """
    total = 0
    factor = 2
    for char in reversed(body):
        addend = factor * _VALUE[char]
        total += addend // _BASE + addend % _BASE
        factor = 3 - factor
    return ALPHABET[(_BASE - total % _BASE) % _BASE]


def new_reference(random_below: Callable[[int], int]) -> str:
    """A fresh reference; ``random_below(n)`` gives a random integer in ``[0, n)`` (``secrets.randbelow``)."""
    body = "".join(ALPHABET[random_below(_BASE)] for _ in range(BODY_LENGTH))
    return PREFIX + body + check_character(body)


def normalize(text: str) -> str | None:
    """``text`` as a valid reference (upper case, look-alikes read, separators dropped), or ``None``."""
    compact = re.sub(r"[ .\-]", "", text.strip()).upper()
    if len(compact) != LENGTH or not compact.startswith(PREFIX):
        return None
    rest = compact[len(PREFIX) :].translate(_LOOK_ALIKES)
    if any(char not in _VALUE for char in rest):
        return None
    body, check = rest[:-1], rest[-1]
    return PREFIX + rest if check_character(body) == check else None


def find_reference(description: str | None) -> str | None:
    """The first valid reference written in a transfer's description (``"NOP THUE NT7K3QX9M2S MST 0100000010"``)."""
    if not description:
        return None
    for match in _FIND.finditer(description):
        found = normalize(match.group(0))
        if found is not None:
            return found
    return None
