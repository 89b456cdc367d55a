"""pandas helpers shared by the reports: periods from (year, month) columns, rows out of a frame."""

from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, extract

from taxoffice.reports.params import Grain, period_label
from taxoffice.reports.tables import Cell, Column, Kind


def year_month(column: Any) -> tuple[ColumnElement[int], ColumnElement[int]]:  # noqa: ANN401 - any date column
    """The year and the month of a date column, in SQL that both PostgreSQL and SQLite run."""
    return extract("year", column).label("y"), extract("month", column).label("m")


def frame(rows: Sequence[Any], columns: Sequence[str], counts: Sequence[str]) -> pd.DataFrame:
    """A frame of SQL result rows; ``counts`` (sums of đồng or of rows) as nullable integers, never floats."""
    data = pd.DataFrame([tuple(row) for row in rows], columns=list(columns))
    for name in counts:
        data[name] = data[name].fillna(0).astype("int64")
    for name in ("y", "m"):
        if name in data:
            data[name] = data[name].astype("int64")
    return data


def add_period(data: pd.DataFrame, grain: Grain) -> pd.DataFrame:
    """``data`` with a ``period`` label column made from its ``y`` and ``m`` columns."""
    pairs = {(int(y), int(m)) for y, m in zip(data["y"], data["m"], strict=True)}
    labels = {pair: period_label(*pair, grain) for pair in pairs}
    data = data.copy()
    data["period"] = [labels[(int(y), int(m))] for y, m in zip(data["y"], data["m"], strict=True)]
    return data


def cells(values: Sequence[Any], columns: Sequence[Column]) -> tuple[Cell, ...]:
    """One row's values as cells of ``columns``' kinds (numpy integers become ``int``)."""
    result: list[Cell] = []
    for value, column in zip(values, columns, strict=True):
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            result.append(None)
        elif column.kind in {Kind.MONEY, Kind.COUNT}:
            result.append(int(value))
        else:
            result.append(value)
    return tuple(result)
