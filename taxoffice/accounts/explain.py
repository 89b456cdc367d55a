"""Where a payment's money went and why, in words (Vietnamese and English). Pure.

The parts come from the ledger (posted allocations, or the ones the reconcile job will post); this module only
tells them: each part's amount, what it paid (tax, interest or fine of which tax, period and due date), in order,
and the rule behind the order (``allocation.rules_on``: Law 38/2019/QH14 Art. 57 by default).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from taxoffice.accounts.allocation import Tier, rules_on
from taxoffice.accounts.vocabulary import ChargeKind

_TIER = {
    Tier.ENFORCED_OVERDUE: ("quá hạn, đang bị cưỡng chế", "overdue, under enforcement"),
    Tier.OVERDUE: ("quá hạn", "overdue"),
    Tier.NOT_YET_DUE: ("chưa đến hạn", "not yet due"),
}
_WHAT: dict[str, tuple[str, str]] = {
    ChargeKind.TAX: ("khoản thuế", "the tax debt"),
    ChargeKind.INTEREST: ("tiền chậm nộp của", "the late-payment interest on"),
    ChargeKind.FINE: ("khoản tiền phạt", "the fine"),
}


@dataclass(frozen=True, slots=True)
class ExplainedPart:
    """Money of a payment applied to one component of a charge."""

    amount: int
    component: str
    tax_type: str
    sub_item: str
    period: str
    due_on: datetime.date
    tier: Tier
    named: bool = False


def money(amount: int) -> str:
    """``1200000`` → ``1 200 000 ₫`` (thin groups of three, as on Vietnamese slips and bank apps)."""
    return f"{amount:,}".replace(",", "\u00a0") + "\u00a0₫"


def _part(part: ExplainedPart, lang: int) -> str:
    what = _WHAT.get(part.component, _WHAT[ChargeKind.TAX])[lang]
    tier = _TIER[part.tier][lang]
    due = part.due_on.strftime("%d/%m/%Y")
    if lang == 0:
        return f"{money(part.amount)} cho {what} {part.tax_type} ({part.sub_item}) kỳ {part.period} (hạn {due}, {tier})"
    return f"{money(part.amount)} to {what} {part.tax_type} ({part.sub_item}) for {part.period} (due {due}, {tier})"


def explain(
    amount: int, paid_on: datetime.date, parts: Sequence[ExplainedPart], credit: int, *, pending: bool = False
) -> tuple[str, str]:
    """The allocation of a payment of ``amount`` made on ``paid_on`` told in Vietnamese and in English.

    Raises:
        LookupError: no allocation rules are in force on ``paid_on``.
    """
    basis = rules_on(paid_on).legal_basis
    vi_steps = [_part(p, 0) for p in parts]
    en_steps = [_part(p, 1) for p in parts]
    paid = paid_on.strftime("%d/%m/%Y")
    if not parts:
        vi = f"Khoản nộp {money(amount)} ngày {paid} chưa được dùng cho khoản nợ nào"
        en = f"The payment of {money(amount)} on {paid} has not been applied to any debt"
    else:
        vi = f"Khoản nộp {money(amount)} ngày {paid}: trước hết " + ", sau đó ".join(vi_steps)
        en = f"The payment of {money(amount)} on {paid}: first " + ", then ".join(en_steps)
    if credit > 0:
        vi += f"; còn thừa {money(credit)} là số nộp thừa, được bù trừ vào khoản nợ sau hoặc hoàn lại khi có đề nghị"
        en += f"; {money(credit)} is left over as a credit, set against the next debt or refunded on request"
    vi += (
        f". Thứ tự theo {basis}: khoản nợ đang bị cưỡng chế, rồi khoản quá hạn, rồi khoản chưa đến hạn; trong mỗi nhóm"
        " tiền thuế trước, tiền chậm nộp, rồi tiền phạt; khoản có hạn nộp sớm hơn trước"
    )
    en += (
        f". The order follows {basis} (Law on Tax Administration, Art. 57): debts under enforcement, then"
        " other overdue debts, then debts not yet due; within each, tax before interest before fines, oldest"
        " deadline first"
    )
    if any(p.named for p in parts):
        vi += "; khoản nộp ghi rõ kỳ thuế và tiểu mục nên được dùng cho khoản đó trước"
        en += "; the payment named a period and budget sub-item, so that debt came first"
    if pending:
        vi += " (dự kiến: sẽ được hạch toán ở lần đối chiếu tới)"
        en += " (expected: posted at the next reconciliation)"
    return vi + ".", en + "."
