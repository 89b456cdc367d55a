"""Registry tables: taxpayers, their history, registration applications, tax-code counters."""

import datetime
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from registry.statuses import TaxpayerStatus
from registry.vocabulary import ApplicationStatus
from taxoffice.db import Base, JsonB, Model, code_string


class Taxpayer(Model):
    """One registered taxpayer: enterprise, branch, household or individual."""

    __tablename__ = "taxpayer"
    __table_args__ = (
        # An ID number belongs to one taxpayer that is not closed (branches share the parent's).
        Index(
            "uq_taxpayer_id_number_active",
            "id_number",
            unique=True,
            postgresql_where=text("status <> '01' AND kind <> 'branch'"),
            sqlite_where=text("status <> '01' AND kind <> 'branch'"),
        ),
        Index("ix_taxpayer_name_search", "name_search", "id"),
        Index("ix_taxpayer_office_status", "tax_office", "status"),
        Index("ix_taxpayer_registered_on", "registered_on"),
    )

    tax_code: Mapped[str] = mapped_column(code_string(14), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    parent_tax_code: Mapped[str | None] = mapped_column(code_string(14), index=True)
    name: Mapped[str] = mapped_column(String(300))
    name_search: Mapped[str] = mapped_column(code_string(300))
    id_number: Mapped[str] = mapped_column(String(20))
    street: Mapped[str] = mapped_column(String(200), default="")
    ward: Mapped[str] = mapped_column(String(100), default="")
    district: Mapped[str] = mapped_column(String(100), default="")
    province: Mapped[str] = mapped_column(String(100), default="")
    tax_office: Mapped[str] = mapped_column(String(16))
    chapter: Mapped[str] = mapped_column(String(3))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    registered_on: Mapped[datetime.date] = mapped_column(Date)
    vat_frequency: Mapped[str] = mapped_column(String(10), default="monthly")
    tax_types: Mapped[list[str]] = mapped_column(JsonB, default=list)
    status: Mapped[str] = mapped_column(String(2), default=TaxpayerStatus.ACTIVE.value)
    status_effective_on: Mapped[datetime.date] = mapped_column(Date)
    status_reason: Mapped[str | None] = mapped_column(String(500))
    suspended_until: Mapped[datetime.date | None] = mapped_column(Date)
    # What the public lookup shows before a change becomes public (DOMAIN.md §2).
    previous_status: Mapped[str | None] = mapped_column(String(2))
    status_public_on: Mapped[datetime.date | None] = mapped_column(Date)

    @property
    def postal_address(self) -> str:
        """Street, ward, district and province, those given, as one line (notices print it)."""
        return ", ".join(part for part in (self.street, self.ward, self.district, self.province) if part)


class TaxpayerChange(Model):
    """The history of every change to a taxpayer record: which fields, from what, to what, by whom."""

    __tablename__ = "taxpayer_change"

    taxpayer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("taxpayer.id", ondelete="CASCADE"), index=True)
    change: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(80))
    effective_on: Mapped[datetime.date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(500))
    fields: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)


class RegistrationApplication(Model):
    """A one-stop registration application, followed by its number."""

    __tablename__ = "registration_application"
    __table_args__ = (
        Index("ix_registration_open_due", "status", "due_on"),
        Index("ix_registration_office_due", "tax_office", "status", "due_on"),
    )

    number: Mapped[str] = mapped_column(code_string(20), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=ApplicationStatus.SUBMITTED.value)
    submitted_on: Mapped[datetime.date] = mapped_column(Date)
    due_on: Mapped[datetime.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(300))
    id_number: Mapped[str] = mapped_column(String(20))
    parent_tax_code: Mapped[str | None] = mapped_column(code_string(14))
    # The tax office the application was sent to: its officers decide it; its queue and on-time rate count it.
    tax_office: Mapped[str] = mapped_column(String(16))
    details: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    decided_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(String(500))
    tax_code: Mapped[str | None] = mapped_column(code_string(14))


class TaxCodeCounter(Base):
    """The last sequence number issued under a two-digit prefix (digits 3-9 of new codes)."""

    __tablename__ = "tax_code_counter"

    prefix: Mapped[str] = mapped_column(String(2), primary_key=True)
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)


class NameWord(Base):
    """Every word of any taxpayer's ``name_search``, as ``to_tsvector('simple', …)`` splits it (PostgreSQL).

    Filled by a trigger on ``taxpayer`` (inserts, COPY and updates; see the migration ``name_word``); words no
    name uses any more stay. A words search turns its unfinished last word into the few words it starts.
    """

    __tablename__ = "name_word"

    word: Mapped[str] = mapped_column(code_string(300), primary_key=True)


class VatFrequencyYear(Model):
    """A taxpayer's VAT filing frequency from a calendar year on (Decree 126/2020 Art. 9: fixed for the whole year).

    Written when an officer changes ``Taxpayer.vat_frequency`` (``registry.vat_frequency.first_year_of_change``):
    the frequency until then from the registration year, and the new one from the year the change applies to.
    The frequency of year Y is that of the row with the latest ``year_from`` not after Y; a taxpayer without rows
    files at ``Taxpayer.vat_frequency``.
    """

    __tablename__ = "vat_frequency_year"
    __table_args__ = (Index("uq_vat_frequency_year", "taxpayer_id", "year_from", unique=True),)

    taxpayer_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("taxpayer.id"))
    year_from: Mapped[int] = mapped_column(Integer)
    frequency: Mapped[str] = mapped_column(String(10))
    notified_on: Mapped[datetime.date] = mapped_column(Date)
