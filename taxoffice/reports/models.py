"""Collection targets that managers set, and the report files the monthly job keeps for download."""

import datetime
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from taxoffice.db import JsonB, Model


class CollectionTarget(Model):
    """The amount a tax office (``""``: the whole department) plans to collect in a year, per tax type or in all.

    ``tax_type`` ``""`` is the target for every tax type together.
    """

    __tablename__ = "collection_target"
    __table_args__ = (UniqueConstraint("year", "tax_office", "tax_type"),)

    year: Mapped[int] = mapped_column(Integer)
    tax_office: Mapped[str] = mapped_column(String(20), default="")
    tax_type: Mapped[str] = mapped_column(String(4), default="")
    amount: Mapped[int] = mapped_column(BigInteger)
    set_by: Mapped[str] = mapped_column(String(80))


class ReportFile(Model):
    """A generated report kept for download: its name, the period it covers, format and bytes."""

    __tablename__ = "report_file"
    __table_args__ = (UniqueConstraint("name", "period", "file_format"),)

    name: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(8))
    file_format: Mapped[str] = mapped_column(String(4))
    parameters: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    generated_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    generated_by: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
