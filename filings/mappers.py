"""Model → response conversions for the e-filing API."""

import datetime
from typing import Any

from filings.forms import FormVersion
from filings.models import TaxReturn
from filings.receipts import Checked, findings_json
from filings.schemas import DifferenceRead, FindingRead, FormRead, IndicatorRead, ReturnDetail, ReturnReceipt, RuleRead
from filings.vocabulary import ReturnStatus


def _finding(f: dict[str, Any]) -> FindingRead:
    return FindingRead(
        rule=f["rule"],
        severity=f["severity"],
        indicators=list(f["indicators"]),
        value=f["value"],
        message=f"{f['message_vi']} / {f['message_en']}",
        message_vi=f["message_vi"],
        message_en=f["message_en"],
    )


def differences(values: dict[str, Any], computed: dict[str, Any]) -> list[DifferenceRead]:
    """Each computed indicator filed with a figure other than the office's, with both figures."""
    return [
        DifferenceRead(indicator=code, declared=declared, computed=office)
        for code, office in computed.items()
        if isinstance(declared := values.get(code), int) and not isinstance(declared, bool) and declared != office
    ]


def receipt(ret: TaxReturn) -> ReturnReceipt:
    """The receipt and acceptance notice of a stored return."""
    return ReturnReceipt(
        id=ret.id,
        transaction_code=ret.transaction_code,
        received_at=ret.received_at,
        status=ret.status,
        errors=[_finding(f) for f in ret.findings],
        tax_payable=ret.tax_payable,
        due_on=ret.due_on,
        days_late=ret.days_late,
        tax_code=ret.tax_code,
        form=ret.form_code,
        period=ret.period,
        kind=ret.kind,
        amendment_no=ret.amendment_no,
        posted_amount=ret.posted_amount,
        fine=ret.fine,
        document_sha256=ret.document_sha256,
        differences=differences(ret.values, ret.computed),
    )


def detail(ret: TaxReturn) -> ReturnDetail:
    """A stored return with its figures."""
    base = receipt(ret)
    return ReturnDetail(
        **{f: getattr(base, f) for f in base.__struct_fields__},
        values=ret.values,
        computed=ret.computed,
        decided_at=ret.decided_at,
        source=ret.source,
    )


def dry_run(checked: Checked, now: datetime.datetime, days_late: int) -> ReturnDetail:
    """What a submission would get, without a receipt."""
    return ReturnDetail(
        id=None,
        transaction_code=None,
        received_at=now,
        status=ReturnStatus.ACCEPTED if checked.acceptable else ReturnStatus.REJECTED,
        errors=[_finding(f) for f in findings_json(checked.findings)],
        tax_payable=checked.assessment.tax_payable,
        due_on=checked.due_on,
        days_late=days_late,
        tax_code=checked.taxpayer.tax_code,
        form=checked.form.code,
        period=checked.envelope.period.label,
        kind=checked.envelope.kind.value,
        amendment_no=checked.amendment_no,
        document_sha256=checked.envelope.sha256,
        differences=differences(checked.envelope.values, checked.assessment.computed),
        source=checked.envelope.source,
        values=checked.assessment.values,
        computed=checked.assessment.computed,
        decided_at=None,
    )


def form_read(form: FormVersion) -> FormRead:
    """A form definition."""
    return FormRead(
        code=form.code,
        slug=form.slug,
        htkk_code=form.htkk_code,
        name_vi=form.name_vi,
        name_en=form.name_en,
        tax_type=form.tax_type,
        period_kinds=[k.value for k in form.period_kinds],
        valid_from=form.valid_from,
        valid_to=form.valid_to,
        payable_indicator=form.payable_indicator,
        sub_item=form.sub_item,
        indicators=[
            IndicatorRead(
                code=i.code,
                label_vi=i.label_vi,
                label_en=i.label_en,
                type=i.type.value,
                required=i.required,
                formula=i.formula,
            )
            for i in form.indicators
        ],
        rules=[
            RuleRead(
                code=r.code,
                severity=r.severity.value,
                check=r.check,
                indicators=list(r.indicators),
                message_vi=r.message_vi,
                message_en=r.message_en,
            )
            for r in form.rules
        ],
    )
