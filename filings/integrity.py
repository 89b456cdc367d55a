"""What the registry says about a return before its figures are looked at: who may file it, for which period, how often.

Rules (docs/filings.md, "Filing integrity"):
- ``TAXPAYER-STATUS``: a closed code (status 01) files nothing.
- ``NOT-OWED``: the taxpayer is not registered for the form's tax type.
- ``PERIOD-BEFORE-REGISTRATION``: a period that ended before the taxpayer was registered is owed by nobody under this
  code (the obligations view lists none).
- ``VAT-FREQUENCY``: a 01/GTGT for a quarter from a monthly filer, or for a month from a quarterly one, in the
  period's year (``Filer.vat_frequency`` is that year's, ``registry/vat_frequency.py``; Decree
  126/2020 Art. 8(1)(a) and Art. 9: the frequency is fixed for the whole calendar year). Accepting both would
  charge the same months twice.
"""

from filings.forms import Finding, FormVersion
from filings.obligations import vat_period_kind
from filings.periods import Period, PeriodKind
from filings.receipts import Filer, office_finding
from registry.statuses import CANNOT_FILE


def registry_findings(taxpayer: Filer, form: FormVersion, period: Period) -> list[Finding]:
    """The rejections the registry record calls for (none: the taxpayer may file this form for this period)."""
    found: list[Finding] = []
    if taxpayer.status in CANNOT_FILE:
        found.append(
            office_finding(
                "TAXPAYER-STATUS",
                (),
                taxpayer.status,
                "Mã số thuế đã chấm dứt hiệu lực, không thể nộp tờ khai.",
                "The tax code is closed: it cannot file returns.",
            )
        )
    if form.tax_type not in taxpayer.tax_types:
        found.append(
            office_finding(
                "NOT-OWED",
                (),
                form.tax_type,
                f"Người nộp thuế không đăng ký loại thuế {form.tax_type}.",
                f"The taxpayer is not registered for {form.tax_type}.",
            )
        )
    if period.end < taxpayer.registered_on:
        day = taxpayer.registered_on
        found.append(
            office_finding(
                "PERIOD-BEFORE-REGISTRATION",
                (),
                period.label,
                f"Kỳ {period.label} kết thúc trước ngày đăng ký thuế {day:%d/%m/%Y}: không có nghĩa vụ khai.",
                f"The period {period.label} ended before the tax registration of {day:%d/%m/%Y}: nothing is owed.",
            )
        )
    if form.tax_type == "VAT" and period.kind is not PeriodKind.YEAR:
        expected = vat_period_kind(taxpayer.vat_frequency)
        if period.kind is not expected:
            monthly = expected is PeriodKind.MONTH
            found.append(
                office_finding(
                    "VAT-FREQUENCY",
                    (),
                    period.label,
                    f"Người nộp thuế khai thuế GTGT theo {'tháng' if monthly else 'quý'} trong năm {period.year}: "
                    f"không nhận tờ khai kỳ {period.label}.",
                    f"The taxpayer files VAT {'monthly' if monthly else 'quarterly'} in {period.year}: a return for "
                    f"{period.label} is not received.",
                )
            )
    return found
