"""E-returns: every submission received, with its receipt, figures and the office's decision."""

import datetime
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

from taxoffice.db import JsonB, Model, code_string


class TaxReturn(Model):
    """A received return: ``status`` goes received → accepted | rejected.

    Accepted rows are never changed again except ``is_current`` (whether its figures stand for the period, i.e.
    no later supplementary return).
    """

    __tablename__ = "tax_return"
    __table_args__ = (
        # One accepted return per amendment number of a period and place: an accepted original (0), then 1, 2 …
        Index(
            "uq_tax_return_accepted",
            "tax_code",
            "form_code",
            "period",
            "place",
            "amendment_no",
            unique=True,
            postgresql_where=text("status = 'accepted'"),
            sqlite_where=text("status = 'accepted'"),
        ),
        Index(
            "uq_tax_return_idempotency",
            "submitted_by",
            "idempotency_key",
            unique=True,
            postgresql_where=text("idempotency_key IS NOT NULL"),
            sqlite_where=text("idempotency_key IS NOT NULL"),
        ),
        Index("ix_tax_return_code_form_period", "tax_code", "form_code", "period"),
        Index("ix_tax_return_received_at", "received_at"),
    )

    transaction_code: Mapped[str | None] = mapped_column(code_string(17), unique=True)
    taxpayer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("taxpayer.id"))
    tax_code: Mapped[str] = mapped_column(code_string(14))
    form_code: Mapped[str] = mapped_column(String(16))
    form_valid_from: Mapped[datetime.date] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(8))
    # What tells apart several originals of one period (a dependent unit's, a place's in another province); empty
    # for the taxpayer's own return (filings.intake.place_of).
    place: Mapped[str] = mapped_column(String(60), default="", server_default="")
    kind: Mapped[str] = mapped_column(String(14))
    amendment_no: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10))
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    decided_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    source_format: Mapped[str] = mapped_column(String(4))
    # The bytes received, as received, and their SHA-256 (printed on the receipt).
    document: Mapped[bytes] = mapped_column(LargeBinary)
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    # What the office read about the file besides its figures: form version, producing program, signer, appendices.
    source: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    values: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    computed: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JsonB, default=list)
    tax_payable: Mapped[int | None] = mapped_column(BigInteger)
    posted_amount: Mapped[int | None] = mapped_column(BigInteger)
    fine: Mapped[int | None] = mapped_column(BigInteger)
    due_on: Mapped[datetime.date] = mapped_column(Date)
    days_late: Mapped[int] = mapped_column(Integer, default=0)
    submitted_by: Mapped[str] = mapped_column(String(80))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    # When an earlier receipt of the same figures was rejected and this one accepted (the office's rejection was
    # wrong), lateness counts from that first receipt: its id (``days_late`` is counted from its ``received_at``).
    late_from_return_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tax_return.id"))

    @classmethod
    def unattached(cls, **values: Any) -> "TaxReturn":  # noqa: ANN401 - the columns' own types
        """A return built from its column values without the ORM's change events, for the statements that write it.

        Filing builds each return it receives in memory and writes it with its own statements (``filings.mailing``,
        ``filings.receipts``), never through a session's unit of work, so the attribute events the constructor fires
        (about a tenth of a filed return's CPU) track nothing anyone reads. Later changes fire them as usual.
        """
        ret: TaxReturn = cls.__mapper__.class_manager.new_instance()
        ret.__dict__.update(values)
        return ret


class FineDecision(Model):
    """A late-filing fine: proposed (``draft``) when a late return is accepted, charged only once an officer confirms.

    ``clause`` and ``legal_basis`` say which provision sets it (``filings.fines.propose``); ``amount`` 0 with
    ``warning`` is a warning (Decree 125/2020 Art. 13(1)). Confirming may change the circumstances (amending the
    draft); the confirmed figures replace the proposed ones, which stay in ``proposed_amount`` and the audit trail.
    """

    __tablename__ = "fine_decision"
    __table_args__ = (Index("ix_fine_decision_status", "status", "id"),)

    return_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("tax_return.id"), unique=True)
    taxpayer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("taxpayer.id"))
    tax_code: Mapped[str] = mapped_column(code_string(14), index=True)
    form_code: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(8))
    is_organisation: Mapped[bool] = mapped_column(Boolean)
    days_late: Mapped[int] = mapped_column(Integer)
    tax_payable: Mapped[int] = mapped_column(BigInteger)
    violated_on: Mapped[datetime.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))
    proposed_amount: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[int] = mapped_column(BigInteger)
    warning: Mapped[bool] = mapped_column(Boolean)
    clause: Mapped[str] = mapped_column(String(8))
    legal_basis: Mapped[str] = mapped_column(String(200))
    mitigating: Mapped[int] = mapped_column(Integer, default=0)
    aggravating: Mapped[int] = mapped_column(Integer, default=0)
    paid_before_record: Mapped[bool] = mapped_column(Boolean, default=True)
    circumstances: Mapped[str] = mapped_column(String(1000), default="")
    decided_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(80))
    due_on: Mapped[datetime.date | None] = mapped_column(Date)
