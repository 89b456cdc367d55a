"""Taxpayer search: tax-code prefix, name prefix, or accent-free words, with keyset pagination."""

import base64
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal_column, or_, select, tuple_

from registry.models import Taxpayer
from registry.names import fold
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


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _words_condition(words: list[str], dialect: str) -> ColumnElement[bool]:
    if dialect == "postgresql":
        tsquery = " & ".join(f"{re.sub(r'[^0-9a-z]', '', w)}:*" for w in words if re.sub(r"[^0-9a-z]", "", w))
        vector = func.to_tsvector(literal_column("'simple'"), Taxpayer.name_search)
        return vector.op("@@")(func.to_tsquery(literal_column("'simple'"), tsquery))
    conditions = [
        or_(
            Taxpayer.name_search.like(f"{_escape_like(w)}%", escape="\\"),
            Taxpayer.name_search.like(f"% {_escape_like(w)}%", escape="\\"),
        )
        for w in words
    ]
    return and_(*conditions)


def build(query: SearchQuery, dialect: str) -> tuple[Select[Any], str]:
    """The SELECT for one page (``limit + 1`` rows, to know whether more follow) and the sort column's name."""
    stmt = select(Taxpayer)
    sort = "id"
    if query.status:
        stmt = stmt.where(Taxpayer.status == query.status)
    if query.kind:
        stmt = stmt.where(Taxpayer.kind == query.kind)
    if query.tax_office:
        stmt = stmt.where(Taxpayer.tax_office == query.tax_office)
    text = (query.q or "").strip()
    if text and _CODE_LIKE.match(text):
        code = re.sub(r"[ .]", "", text)
        stmt = stmt.where(Taxpayer.tax_code.like(f"{_escape_like(code)}%", escape="\\"))
        sort = "tax_code"
    elif text:
        folded = fold(text)
        words = [w for w in folded.split(" ") if w]
        if not words:
            raise ValidationFailedError(
                "Nothing to search for.", errors=[FieldError("q", "q.empty", "Give letters or digits to search for.")]
            )
        if query.match is Match.PREFIX:
            stmt = stmt.where(Taxpayer.name_search.like(f"{_escape_like(folded)}%", escape="\\"))
            sort = "name_search"
        else:
            stmt = stmt.where(_words_condition(words, dialect))
    sort_col = getattr(Taxpayer, sort)
    if query.cursor:
        key, last_id = decode_cursor(query.cursor)
        if sort == "id":
            stmt = stmt.where(Taxpayer.id > last_id)
        else:
            stmt = stmt.where(tuple_(sort_col, Taxpayer.id) > tuple_(key, last_id))
    order = [Taxpayer.id] if sort == "id" else [sort_col, Taxpayer.id]
    return stmt.order_by(*order).limit(min(query.limit, MAX_LIMIT) + 1), sort


def next_cursor(rows: list[Taxpayer], sort: str, limit: int) -> str | None:
    """The cursor of the next page, or None on the last page."""
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    return encode_cursor(str(getattr(last, sort)) if sort != "id" else "", last.id)
