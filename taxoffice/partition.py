"""A share of the taxpayers for one nightly job: partition ``index`` of ``count``, by taxpayer id modulo ``count``.

The partitions of one count are disjoint and cover every taxpayer, whatever the ids: a job run as ``count``
partitions (on several workers at once) touches each taxpayer in exactly one of them, so no two partitions ever
lock, read-modify-write or sum the same taxpayer's rows. The id is stable (never reused or renumbered), so a
partition run again after a crash takes the same taxpayers.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement


@dataclass(frozen=True)
class Partition:
    """Partition ``index`` (0 … ``count`` - 1) of ``count``: the taxpayers whose id modulo ``count`` is ``index``."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if self.count < 1 or not 0 <= self.index < self.count:
            msg = f"No partition {self.index} of {self.count}"
            raise ValueError(msg)

    def holds(self, taxpayer_id: ColumnElement[Any] | Any) -> ColumnElement[bool]:  # noqa: ANN401 - a column
        """The SQL condition that the taxpayer id ``taxpayer_id`` (a column) falls in this partition."""
        condition: ColumnElement[bool] = taxpayer_id % self.count == self.index
        return condition

    def takes(self, taxpayer_id: int) -> bool:
        """Whether taxpayer ``taxpayer_id`` falls in this partition."""
        return taxpayer_id % self.count == self.index

    def __str__(self) -> str:
        return f"{self.index + 1}/{self.count}"

    @classmethod
    def all_of(cls, count: int) -> list["Partition"]:
        """The ``count`` partitions of ``count``."""
        return [cls(index, count) for index in range(count)]
