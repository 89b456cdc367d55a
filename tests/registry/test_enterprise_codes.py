"""An enterprise's code from its registration certificate is its tax code (Decree 01/2021/ND-CP Art. 8(1))."""

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from registry import codes, taxcode
from registry.models import TaxCodeCounter
from registry.vocabulary import TaxpayerKind
from tests.registry.helpers import register_enterprise


def _valid(nine: str) -> str:
    digit = taxcode.check_digit(nine)
    assert digit is not None
    return f"{nine}{digit}"


def test_only_an_enterprise_bringing_a_valid_ten_digit_code_keeps_it() -> None:
    code = _valid("010988776")
    assert codes.enterprise_code(TaxpayerKind.ENTERPRISE, code) == code
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    assert codes.enterprise_code(TaxpayerKind.ENTERPRISE, wrong) is None  # the check digit fails
    assert codes.enterprise_code(TaxpayerKind.ENTERPRISE, "0109887") is None  # an older certificate's number
    assert codes.enterprise_code(TaxpayerKind.HOUSEHOLD, code) is None
    assert codes.enterprise_code(TaxpayerKind.INDIVIDUAL, code) is None


async def test_the_enterprise_is_registered_under_its_enterprise_code(session: AsyncSession) -> None:
    code = _valid("010988776")
    registered = await register_enterprise(session, code)
    assert registered.tax_code == code
    other = await register_enterprise(session, "0109887", name="Hợp tác xã Kiểm Thử")  # an older certificate
    assert other.tax_code != code
    assert taxcode.is_valid(other.tax_code)


async def test_an_issued_code_skips_one_an_enterprise_brought(session: AsyncSession) -> None:
    prefix = "97"  # a prefix no other test issues under
    try:
        first = await codes.next_organisation_code(session, prefix)
        following = taxcode.next_valid_sequence(prefix, int(first[2:9]))[1]
        await register_enterprise(session, following)  # an enterprise brought the code the counter would issue next
        issued = await codes.next_organisation_code(session, prefix)
        assert issued not in {first, following}
        assert issued > following
    finally:
        await session.execute(delete(TaxCodeCounter).where(TaxCodeCounter.prefix == prefix))
