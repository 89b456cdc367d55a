"""The search form of a Vietnamese name: no accents, no case, single spaces. Pure."""

import unicodedata
from functools import lru_cache

_D = str.maketrans({"đ": "d", "Đ": "d", "Ð": "d", "ð": "d"})  # Ð (U+00D0) comes from old encodings


@lru_cache(maxsize=65_536)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.translate(_D))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def fold(text: str) -> str:
    """``"Công ty  Kiểm Thử"`` → ``"cong ty kiem thu"``; ``"Đặng Thị Ánh"`` → ``"dang thi anh"``."""
    return " ".join(_fold_word(w) for w in text.split())
