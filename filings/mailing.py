"""The e-mails filing sends: the receipt of a return (01-1/TB-TĐT) and the decision on it (01-2/TB-TĐT).

Each message is written to the outbox (``taxoffice.mail``) by the very statement that stores its event, so a
receipt or decision committed carries its message, and one rolled back carries none. On PostgreSQL receiving and
deciding are single statements (autocommitted on the hot path, see ``taxoffice.db.autocommit_when_free``): the
outbox row is one more CTE of that statement, addressed by a join to the taxpayer's e-mail in the registry. On
SQLite, which has no data-modifying CTEs, the same row is a second statement in the same transaction. The PDF is
named by reference (``return-receipt:<id>``, ``return-notice:<id>``) and rendered from the stored return when the
message is sent (``filings.documents``): it costs the filing path nothing.
"""

import datetime
from functools import partial
from typing import Any

from sqlalchemy import CTE, Insert, Select, String, Text, bindparam, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from filings.fine_service import INSERT_DRAFT, draft_after, draft_params
from filings.models import TaxReturn
from filings.receipts import (
    DECIDED_ON_ARRIVAL,
    DECISION_COLUMNS,
    NUMBERED_DECIDED,
    NUMBERED_RECEIPT,
    RETURN_SOURCE_PREFIX,
    RETURNS,
    STORE_DECISION,
    TAXPAYERS,
)
from filings.vocabulary import ReturnStatus
from taxoffice.accounts.posting import AtomicStep, charges_after
from taxoffice.calendar import VN_TZ
from taxoffice.fastpaths import Prepared, one_statement_writes
from taxoffice.mail.outbox import insert_rows, row_values
from taxoffice.money import format_dong

RECEIPT_MAIL, NOTICE_MAIL = "return-receipt", "return-notice"
_NOW = bindparam("m_now", type_=RETURNS.c.received_at.type)


def _text(name: str) -> Any:  # noqa: ANN401 - a bound text parameter (SQLAlchemy's BindParameter[str])
    return bindparam(name, type_=String)


def _for(rows: CTE, subject: Any, body: Any, attachment: Any, kind: str) -> Select[Any]:  # noqa: ANN401
    """The message's row selected from ``rows`` (with a ``taxpayer_id``) joined to the taxpayer."""
    values = row_values(kind=kind, email=TAXPAYERS.c.email, subject=subject, body=body, attachment=attachment, now=_NOW)
    return select(*values).select_from(rows.join(TAXPAYERS, TAXPAYERS.c.id == rows.c.taxpayer_id))


def _plain_mail(kind: str) -> Insert:
    """The message of a return already stored, as a statement of its own (``m_taxpayer`` addresses it)."""
    rows = select(
        *row_values(
            kind=kind,
            email=TAXPAYERS.c.email,
            subject=_text("m_subject"),
            body=_text("m_body"),
            attachment=_text("m_attachment"),
            now=_NOW,
        )
    ).where(TAXPAYERS.c.id == bindparam("m_taxpayer"))
    return insert_rows(rows)


PLAIN = {RECEIPT_MAIL: _plain_mail(RECEIPT_MAIL), NOTICE_MAIL: _plain_mail(NOTICE_MAIL)}


def _numbered_message(stored: CTE, prefix: str, kind: str) -> Select[Any]:
    """The message of a return numbered by the statement (``stored``: ``id``, ``transaction_code``, ``taxpayer_id``).

    The transaction code is made by the statement itself, so the subject (``<prefix>_subject``) and the body
    (``<prefix>_body_head``, ``<prefix>_body_tail``) are joined around it.
    """
    code = stored.c.transaction_code
    return _for(
        stored,
        _text(f"{prefix}_subject") + code,
        _text(f"{prefix}_body_head") + code + _text(f"{prefix}_body_tail"),
        literal(f"{kind}:", String) + stored.c.id.cast(Text),
        kind,
    )


def _numbered(insert_: Insert) -> CTE:
    return insert_.returning(RETURNS.c.id, RETURNS.c.transaction_code, RETURNS.c.taxpayer_id).cte("received")


def receive_with_mail(numbered_receipt: Insert) -> Select[Any]:
    """PostgreSQL: the receipt statement (returning ``id``, ``transaction_code``) with its message as a CTE."""
    received = _numbered(numbered_receipt)
    mail = insert_rows(_numbered_message(received, "m", RECEIPT_MAIL)).cte("receipt_mail")
    return select(received.c.id, received.c.transaction_code).add_cte(mail)


def _decision_mail(decided: CTE) -> Insert:
    """PostgreSQL: the decision's message, selected from ``decided`` (the stored decision's ``RETURNING``)."""
    return insert_rows(_for(decided, _text("m_subject"), _text("m_body"), _text("m_attachment"), NOTICE_MAIL))


# PostgreSQL: the receipt and its message in one statement, returning the receipt's ``id`` and ``transaction_code``.
RECEIVE_WITH_MAIL = receive_with_mail(NUMBERED_RECEIPT)
# PostgreSQL: a decision stored only on a return still received, and its message; one row inserted iff it was.
_DECIDED = STORE_DECISION.returning(RETURNS.c.id, RETURNS.c.taxpayer_id).cte("decided")
STORE_DECISION_WITH_MAIL = _decision_mail(_DECIDED)
# PostgreSQL: the acceptance, its charges (parameters ``c_<column>`` of ``charge_arrays``) and its message in one
# statement, so one round trip with no transaction of its own is atomic; no charge is inserted when it was decided.
ACCEPT_AND_POST_WITH_MAIL = charges_after(_DECIDED, _decision_mail(_DECIDED).cte("decision_mail"))
# The same for a late original, with the draft of its fine (filings.fine_service) as one more CTE of the statement.
ACCEPT_POST_AND_DRAFT = charges_after(
    _DECIDED, _decision_mail(_DECIDED).cte("decision_mail"), draft_after(_DECIDED).cte("fine_draft")
)


def _received_and_decided() -> tuple[CTE, CTE]:
    """PostgreSQL: an original decided on arrival (``NUMBERED_DECIDED``) and its two messages, receipt first."""
    stored = _numbered(NUMBERED_DECIDED)
    receipt = _numbered_message(stored, "m", RECEIPT_MAIL)
    decision = _numbered_message(stored, "d", NOTICE_MAIL)
    # One INSERT of both rows, in this order (the outbox sends by id).
    return stored, insert_rows(union_all(receipt, decision)).cte("messages")


_STORED, _MESSAGES = _received_and_decided()
_ANSWER = ("id", "transaction_code")
# PostgreSQL: an original accepted on arrival, its two messages and its charges (their source ``return:<id>``) in one
# statement answering the return's id and transaction code (no row: a unique index refused it, nothing written).
RECEIVE_AND_ACCEPT = Prepared(charges_after(_STORED, _MESSAGES, answer=_ANSWER, source_prefix=RETURN_SOURCE_PREFIX))
# The same for a late original, with the draft of its fine.
RECEIVE_ACCEPT_AND_DRAFT = Prepared(
    charges_after(
        _STORED,
        _MESSAGES,
        draft_after(_STORED).cte("fine_draft"),
        answer=_ANSWER,
        source_prefix=RETURN_SOURCE_PREFIX,
    )
)


def _received(received_at: datetime.datetime) -> str:
    return f"{received_at.astimezone(VN_TZ):%H:%M:%S %d/%m/%Y}"


def receipt_parts(tax_code: str, form_code: str, period: str, received_at: datetime.datetime) -> dict[str, Any]:
    """The receipt message around its transaction code: ``m_subject`` + code, ``m_body_head`` + code + tail."""
    return {
        "m_subject": f"Thông báo tiếp nhận hồ sơ thuế điện tử {form_code} kỳ {period} - mã giao dịch ",
        "m_body_head": (
            f"Kính gửi người nộp thuế mã số {tax_code},\n\n"
            f"Cơ quan thuế đã tiếp nhận tờ khai {form_code} kỳ {period} lúc {_received(received_at)}.\n"
            "Mã giao dịch điện tử: "
        ),
        "m_body_tail": (
            "\n\nThông báo tiếp nhận (mẫu 01-1/TB-TĐT) được đính kèm. Thông báo chấp nhận hoặc không chấp nhận "
            "hồ sơ sẽ được gửi sau.\n\n"
            "The tax office received your return; the receipt notice is attached.\n"
        ),
        "m_now": received_at,
    }


def receipt_params(ret: TaxReturn) -> dict[str, Any]:
    """``PLAIN[RECEIPT_MAIL]``'s parameters: the receipt message of a return stored with its transaction code."""
    parts = receipt_parts(ret.tax_code, ret.form_code, ret.period, ret.received_at)
    code = ret.transaction_code or ""
    return {
        "m_subject": parts["m_subject"] + code,
        "m_body": parts["m_body_head"] + code + parts["m_body_tail"],
        "m_attachment": f"{RECEIPT_MAIL}:{ret.id}",
        "m_taxpayer": ret.taxpayer_id,
        "m_now": ret.received_at,
    }


def _decision_text(ret: TaxReturn, code: str) -> tuple[str, str]:
    """The decision message's subject and body, naming the transaction ``code``."""
    accepted = ret.status == ReturnStatus.ACCEPTED
    tax_code, form_code, period, findings = ret.tax_code, ret.form_code, ret.period, ret.findings
    verdict = "chấp nhận" if accepted else "không chấp nhận"
    lines = [
        f"Kính gửi người nộp thuế mã số {tax_code},",
        "",
        f"Cơ quan thuế {verdict} tờ khai {form_code} kỳ {period}, mã giao dịch điện tử {code}.",
    ]
    if accepted:
        lines.append(f"Số thuế phải nộp: {format_dong(ret.tax_payable or 0)} đồng.")
    reasons = [f for f in findings if accepted is False or f["severity"] != "reject"]
    if reasons:
        lines += ["", "Lý do / ghi chú (reasons):"]
        lines += [f"- [{f['rule']}] {f['message_vi']} ({f['message_en']})" for f in reasons]
    lines += [
        "",
        "Thông báo (mẫu 01-2/TB-TĐT) được đính kèm.",
        "The tax office " + ("accepted" if accepted else "did not accept") + " your return; the notice is attached.",
    ]
    return f"Thông báo {verdict} hồ sơ khai thuế điện tử - mã giao dịch {code}", "\n".join(lines) + "\n"


def decision_params(ret: TaxReturn) -> dict[str, Any]:
    """The decision message's parameters (``m_*``): accepted with the tax payable, or not with the reasons."""
    subject, body = _decision_text(ret, ret.transaction_code or "")
    return {
        "m_subject": subject,
        "m_body": body,
        "m_attachment": f"{NOTICE_MAIL}:{ret.id}",
        "m_taxpayer": ret.taxpayer_id,
        "m_now": ret.decided_at,
    }


# Where the transaction code goes in a message written before the statement that draws it.
_CODE_SLOT = "\x00code\x00"


def _decision_parts(ret: TaxReturn) -> dict[str, Any]:
    """The decision message around its transaction code: ``d_subject`` + code, ``d_body_head`` + code + tail."""
    subject, body = _decision_text(ret, _CODE_SLOT)
    head, _slot, tail = body.partition(_CODE_SLOT)
    return {"d_subject": subject.partition(_CODE_SLOT)[0], "d_body_head": head, "d_body_tail": tail}


async def queue_plain(connection: AsyncConnection, kind: str, params: dict[str, Any]) -> None:
    """Write the message as a statement of its own, in the caller's transaction (every value a parameter)."""
    await connection.execute(PLAIN[kind], params)


def acceptance(ret: TaxReturn, draft: dict[str, Any] | None = None) -> AtomicStep:
    """``ret``'s acceptance as the step its charges are posted with: all or nothing, one statement on PostgreSQL.

    The step stores the decision and its message and, for a late original, its fine's ``draft`` (``draft_for``).
    """
    decision = {f"b_{column}": getattr(ret, column) for column in DECISION_COLUMNS}
    params = {"b_id": ret.id, **decision, **decision_params(ret)}
    if draft is None:
        return AtomicStep(ACCEPT_AND_POST_WITH_MAIL, params, partial(store_decision, ret=ret))
    return AtomicStep(ACCEPT_POST_AND_DRAFT, params | draft_params(draft), partial(_with_draft, ret=ret, draft=draft))


def accepted_on_arrival(ret: TaxReturn, draft: dict[str, Any] | None = None) -> AtomicStep:
    """PostgreSQL: ``ret``, an original accepted on arrival, received and decided as one step with its charges.

    Posted by ``AccountService.post_with_answer``: one statement writes the return, numbered, both its messages, its
    charges and, for a late original, its fine's ``draft``; it answers the return's ``id`` and ``transaction_code``,
    or nothing when a unique index refused the return.
    """
    day = f"{ret.received_at.astimezone(VN_TZ):%y%m%d}"
    params = {f"b_{column}": getattr(ret, column) for column in DECIDED_ON_ARRIVAL}
    params |= {"b_day": day, **receipt_parts(ret.tax_code, ret.form_code, ret.period, ret.received_at)}
    params |= _decision_parts(ret)
    if draft is None:
        return AtomicStep(RECEIVE_AND_ACCEPT, params, _elsewhere)
    return AtomicStep(RECEIVE_ACCEPT_AND_DRAFT, params | draft_params(draft), _elsewhere)


async def _elsewhere(_connection: AsyncConnection) -> bool:
    msg = "accepted_on_arrival is PostgreSQL's one statement; elsewhere a return is received, then decided"
    raise NotImplementedError(msg)


async def _with_draft(connection: AsyncConnection, ret: TaxReturn, draft: dict[str, Any]) -> bool:
    """Elsewhere than PostgreSQL: the decision and its message, then the draft fine, in the caller's transaction."""
    if not await store_decision(connection, ret):
        return False
    await connection.execute(INSERT_DRAFT, draft)
    return True


async def store_decision(connection: AsyncConnection, ret: TaxReturn) -> bool:
    """Store ``ret``'s decision, and its message, on a return still received; whether it was (else: decided already).

    PostgreSQL: one statement. Elsewhere: the decision, then its message, in the caller's transaction.
    """
    decision = {f"b_{column}": getattr(ret, column) for column in DECISION_COLUMNS}
    mail = decision_params(ret)
    if one_statement_writes(connection):
        result = await connection.execute(STORE_DECISION_WITH_MAIL, {"b_id": ret.id, **decision, **mail})
        return bool(result.rowcount)
    result = await connection.execute(STORE_DECISION, {"b_id": ret.id, **decision})
    if result.rowcount == 0:
        return False
    await queue_plain(connection, NOTICE_MAIL, mail)
    return True
