"""The portal's two languages: Vietnamese first, English on request (a cookie set by the language switch).

Every text is written in both languages where it is used (``t("Nghĩa vụ", "Obligations")``), so a page can never
show a key instead of a word, and a reviewer reads both versions side by side.
"""

from dataclasses import dataclass
from typing import Any

from litestar import Request

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
LANGUAGE_COOKIE = "lang"


def language_of(request: Request[Any, Any, Any]) -> str:
    """The language the visitor chose (``vi`` unless the cookie says ``en``)."""
    chosen = request.cookies.get(LANGUAGE_COOKIE, DEFAULT_LANGUAGE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Translator:
    """Picks the text of the visitor's language: ``t(vietnamese, english)``."""

    lang: str

    def __call__(self, vi: str, en: str) -> str:
        """The text in this translator's language."""
        return en if self.lang == "en" else vi

    @property
    def other(self) -> str:
        """The language the switch offers."""
        return "vi" if self.lang == "en" else "en"
