"""HTKK XML returns, as HTKK, accounting packages and the portal write them (DOMAIN.md §3). Pure."""

from filings.htkk._model import Appendix, HtkkReturn, Producer, parse_htkk_date
from filings.htkk._reader import INDICATOR_TAG, KINDS, parse_htkk, repeated_error
from filings.htkk._writer import render_htkk
from filings.htkk._xml import MAX_BYTES, NAMESPACE, HtkkError

__all__ = [
    "INDICATOR_TAG",
    "KINDS",
    "MAX_BYTES",
    "NAMESPACE",
    "Appendix",
    "HtkkError",
    "HtkkReturn",
    "Producer",
    "parse_htkk",
    "parse_htkk_date",
    "render_htkk",
    "repeated_error",
]
