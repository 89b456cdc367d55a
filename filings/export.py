"""A stored return as an HTKK XML document: the bytes received, or an accepted JSON return on its form generation."""

import msgspec

from filings import forms
from filings.htkk import Appendix, render_htkk
from filings.models import TaxReturn
from filings.periods import parse_period
from filings.vocabulary import ReturnKind

XML_MEDIA_TYPE = "application/xml"


def _appendices(document: bytes) -> tuple[Appendix, ...]:
    """The appendices a JSON return carried (its stored body was read once already, so it decodes)."""
    body = msgspec.json.decode(document)
    found = body.get("appendices") if isinstance(body, dict) else None
    if not isinstance(found, dict):
        return ()
    return tuple(Appendix(name, dict(totals)) for name, totals in found.items() if isinstance(totals, dict))


def as_htkk(ret: TaxReturn, taxpayer_name: str) -> bytes:
    """An accepted JSON return as HTKK XML on the form version it was checked against, with the office's figures.

    Every indicator of the form the return filed or the office computed is written; text indicators as filed.
    """
    form = next(f for f in forms.CATALOGUE if f.code == ret.form_code and f.valid_from == ret.form_valid_from)
    figures: dict[str, int | str] = {}
    for indicator in form.indicators:
        value = ret.computed.get(indicator.code, ret.values.get(indicator.code))
        if isinstance(value, int | str) and not isinstance(value, bool):
            figures[indicator.code] = value
    return render_htkk(
        form.htkk_code,
        "B" if ret.kind == ReturnKind.SUPPLEMENTARY else "C",
        ret.amendment_no,
        parse_period(ret.period),
        ret.tax_code,
        taxpayer_name,
        figures,
        form_name=f"{form.name_vi} (Mẫu số {form.code})",
        appendices=_appendices(ret.document),
    )
