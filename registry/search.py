"""Taxpayer search: tax-code prefix, name prefix, or accent-free words, with keyset pagination."""

import base64
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, select, tuple_

from registry.models import Taxpayer
from registry.names import fold
from registry.words import PostgresWords, escape_like, lexemes, words_condition
from taxoffice.errors import FieldError, ValidationFailedError

_CODE_LIKE = re.compile(r"^[0-9][0-9 .\-]*$")
MAX_LIMIT = 200


class Match(StrEnum):
    """How ``q`` is matched against names."""

    WORDS = "words"
    PREFIX = "prefix"


@dataclass(frozen=True)
class SearchQuery:
    """What to look for."""

    q: str | None = None
    match: Match = Match.WORDS
    status: str | None = None
    kind: str | None = None
    tax_office: str | None = None
    cursor: str | None = None
    limit: int = 50


@dataclass(frozen=True)
class SearchPlan:
    """How to fetch one page: ``statement``, or on PostgreSQL a words search's steps (``words``) instead.

    Each statement selects ``limit + 1`` rows, to know whether more follow.
    """

    statement: Select[Any]
    sort: str
    words: PostgresWords | None = None


def _bad_cursor() -> ValidationFailedError:
    return ValidationFailedError(
        "The cursor is not one this search gave.",
        errors=[FieldError("cursor", "cursor.invalid", "Pass next_cursor from the previous page unchanged.")],
    )


def encode_cursor(key: str, last_id: int) -> str:
    """An opaque cursor after the row with sort value ``key`` and id ``last_id``."""
    return base64.urlsafe_b64encode(json.dumps([key, last_id]).encode()).decode()


def decode_cursor(cursor: str) -> tuple[str, int]:
    """The sort value and id a cursor stands after."""
    try:
        key, last_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError) as exc:
        raise _bad_cursor() from exc
    if not isinstance(key, str) or not isinstance(last_id, int):
        raise _bad_cursor()
    return key, last_id


def _filters(query: SearchQuery, restriction: ColumnElement[bool] | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.status:
        conditions.append(Taxpayer.status == query.status)
    if query.kind:
        conditions.append(Taxpayer.kind == query.kind)
    if query.tax_office:
        conditions.append(Taxpayer.tax_office == query.tax_office)
    if restriction is not None:
        conditions.append(restriction)
    return conditions


def _words_plan(
    words: list[str], dialect: str, conditions: list[ColumnElement[bool]], after_id: int | None, rows: int
) -> SearchPlan:
    """Words, ordered by id: one statement on SQLite, the steps of ``PostgresWords`` on PostgreSQL."""
    if dialect == "postgresql":
        steps = PostgresWords(words, conditions, after_id, rows)
        return SearchPlan(steps.probe(after_id), "id", words=steps)
    if after_id is not None:
        conditions = [*conditions, Taxpayer.id > after_id]
    stmt = select(Taxpayer).where(*conditions, words_condition(words, dialect, Taxpayer.name_search))
    return SearchPlan(stmt.order_by(Taxpayer.id).limit(rows), "id")


def plan(query: SearchQuery, dialect: str, restriction: ColumnElement[bool] | None = None) -> SearchPlan:
    """The statements for one page; ``restriction`` narrows the rows (e.g. to what a taxpayer user may see)."""
    conditions = _filters(query, restriction)
    rows = min(query.limit, MAX_LIMIT) + 1
    cursor = decode_cursor(query.cursor) if query.cursor else None
    text_q = (query.q or "").strip()
    if text_q and _CODE_LIKE.match(text_q):
        code = re.sub(r"[ .]", "", text_q)
        conditions.append(Taxpayer.tax_code.like(f"{escape_like(code)}%", escape="\\"))
        return _keyset(conditions, Taxpayer.tax_code, "tax_code", cursor, rows)
    if not text_q:
        return _keyset(conditions, None, "id", cursor, rows)
    folded = fold(text_q)
    words = [w for w in folded.split(" ") if w]
    if not words or (query.match is Match.WORDS and not lexemes(words)):
        raise ValidationFailedError(
            "Nothing to search for.", errors=[FieldError("q", "q.empty", "Give letters or digits to search for.")]
        )
    if query.match is Match.PREFIX:
        conditions.append(Taxpayer.name_search.like(f"{escape_like(folded)}%", escape="\\"))
        return _keyset(conditions, Taxpayer.name_search, "name_search", cursor, rows)
    return _words_plan(words, dialect, conditions, cursor[1] if cursor else None, rows)


def _keyset(
    conditions: list[ColumnElement[bool]],
    sort_col: Any,  # noqa: ANN401 - a column of Taxpayer, or None for the id
    sort: str,
    cursor: tuple[str, int] | None,
    rows: int,
) -> SearchPlan:
    if cursor is not None:
        key, last_id = cursor
        if sort_col is None:
            conditions = [*conditions, Taxpayer.id > last_id]
        else:
            conditions = [*conditions, tuple_(sort_col, Taxpayer.id) > tuple_(key, last_id)]
    order = [Taxpayer.id] if sort_col is None else [sort_col, Taxpayer.id]
    return SearchPlan(select(Taxpayer).where(*conditions).order_by(*order).limit(rows), sort)


def next_cursor(rows: list[Taxpayer], sort: str, limit: int) -> str | None:
    """The cursor of the next page, or None on the last page."""
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    return encode_cursor(str(getattr(last, sort)) if sort != "id" else "", last.id)
