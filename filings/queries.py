"""Reading returns: one, a search, a year's accepted originals, and a return as an HTKK XML document."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from filings.errors import NotExportableError
from filings.export import as_htkk
from filings.lookup import search_query
from filings.models import TaxReturn
from filings.vocabulary import ReturnStatus
from registry.errors import TaxpayerNotFoundError
from registry.models import Taxpayer
from registry.services import visible_code
from taxoffice.auth.roles import Principal
from taxoffice.errors import ResourceNotFoundError


class ReturnQueries:
    """What the office answers about returns already received."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def taxpayer(self, actor: Principal, raw_code: str) -> Taxpayer:
        """The registry record of a tax code the actor may see; a 404 otherwise."""
        code = visible_code(actor, raw_code)
        taxpayer = await self.session.scalar(select(Taxpayer).where(Taxpayer.tax_code == code))
        if taxpayer is None:
            raise TaxpayerNotFoundError(code)
        return taxpayer

    async def get(self, actor: Principal, return_id: int) -> TaxReturn:
        """One return; a taxpayer sees only its own."""
        ret = await self.session.get(TaxReturn, return_id)
        if ret is None or not actor.may_see_taxpayer(ret.tax_code):
            raise ResourceNotFoundError(f"No return {return_id}.")
        return ret

    async def search(
        self,
        actor: Principal,
        *,
        tax_code: str | None,
        form: str | None,
        period: str | None,
        status: str | None,
        limit: int = 100,
    ) -> list[TaxReturn]:
        """Returns, newest first; taxpayers see only their own."""
        query = search_query(actor, tax_code=tax_code, form=form, period=period, status=status, limit=limit)
        return [] if query is None else list(await self.session.scalars(query))

    async def accepted_in_year(self, tax_code: str, year: int) -> list[TaxReturn]:
        """The current accepted returns of a taxpayer whose period lies in ``year``."""
        query = select(TaxReturn).where(
            TaxReturn.tax_code == tax_code,
            TaxReturn.status == ReturnStatus.ACCEPTED,
            TaxReturn.amendment_no == 0,
            TaxReturn.place == "",
            func.substr(TaxReturn.period, 1, 4) == str(year),
        )
        return list(await self.session.scalars(query))

    async def xml_document(self, actor: Principal, return_id: int) -> tuple[TaxReturn, bytes]:
        """A return as HTKK XML: the bytes received for an XML return; an accepted JSON return on its form version.

        Raises:
            ResourceNotFoundError: no such return, or another taxpayer's.
            NotExportableError: a JSON return the office did not accept (its figures are not the office's).
        """
        ret = await self.get(actor, return_id)
        if ret.source_format == "xml":
            return ret, ret.document
        if ret.status != ReturnStatus.ACCEPTED:
            raise NotExportableError(
                f"Return {return_id} was sent as JSON and {ret.status}: only accepted returns are exported as XML."
            )
        return ret, as_htkk(ret, (await self.taxpayer(actor, ret.tax_code)).name)
