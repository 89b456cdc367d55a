"""Finding returns: the query behind ``GET /returns``."""

from sqlalchemy import Select, select

from filings.models import TaxReturn
from registry.services import parse_code
from taxoffice.auth.roles import Principal


def search_query(
    actor: Principal,
    *,
    tax_code: str | None,
    form: str | None,
    period: str | None,
    status: str | None,
    limit: int,
) -> Select[TaxReturn] | None:
    """Returns matching the filters, newest first; ``None`` when ``actor`` may not see the tax code asked for."""
    query = select(TaxReturn).order_by(TaxReturn.id.desc()).limit(limit)
    if tax_code:
        code = parse_code(tax_code)
        if not actor.may_see_taxpayer(code):
            return None
        query = query.where(TaxReturn.tax_code == code)
    elif not actor.is_staff:
        query = query.where(TaxReturn.tax_code == (actor.tax_code or ""))
    if form:
        query = query.where(TaxReturn.form_code == form.replace("-", "/"))
    if period:
        query = query.where(TaxReturn.period == period)
    if status:
        query = query.where(TaxReturn.status == status)
    return query
