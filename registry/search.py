"""Taxpayer search: tax-code prefix, name prefix, or accent-free words, with keyset pagination."""

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, literal_column, select, text, true, tuple_
from sqlalchemy.orm import aliased

from registry.models import NameWord, Taxpayer
from registry.names import fold
from taxoffice.errors import FieldError, ValidationFailedError

_CODE_LIKE = re.compile(r"^[0-9][0-9 .\-]*$")
_NOT_WORD = re.compile(r"[^0-9a-z]")
_PLAIN_WORD = re.compile(r"^[0-9a-z]+$")
MAX_LIMIT = 200
# Rows after the cursor, in id order, that one probe of a words search reads (PostgreSQL). Words found in more than
# 1 name in PROBE_ROWS / limit fill a page within the first probe (a few ms); when a probe found some but not
# enough, the next probe continues after the last match as long as the rate seen so far promises a full page
# within MAX_PROBES probes. Rarer words have at most ~limit / PROBE_ROWS of the table to fetch through the GIN
# index. See docs/registry.md, "Search".
PROBE_ROWS = 15_000
MAX_PROBES = 2
# The GIN index reads an unfinished last word (`viet:*`) by decoding the posting list of every word so starting into
# a bitmap (10-20 ms for a common one) instead of skipping through it; the words it starts (from `name_word`) are
# whole words, read as `(viet | vietnam)`, when there are at most this many of them.
MAX_WORDS_STARTING = 30
# Keeps the planner on the GIN index for the second step: it may take correlated words for common ones.
INDEX_ONLY = text("SET LOCAL enable_seqscan = off")


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
    """How to fetch one page: ``probe(after_id)`` first if given, else (or when probes do not fill it) ``final``.

    Each statement selects ``limit + 1`` rows, to know whether more follow. ``probe(after_id)`` selects the matches
    among the PROBE_ROWS rows (that pass the filters) after ``after_id``; ``after_id`` starts as ``first_after``.
    ``final_on_index`` asks the caller to execute ``INDEX_ONLY`` before ``final``. ``spelled_out(words)``, given
    the result of ``words_starting(last_word)``, is the same statement as ``final`` with the unfinished last word
    replaced by those whole words, or None when that does not pay (too many of them).
    """

    final: Select[Any]
    sort: str
    probe: Callable[[int | None], Select[Any]] | None = None
    first_after: int | None = None
    final_on_index: bool = False
    last_word: str | None = None
    spelled_out: Callable[[list[str]], Select[Any] | None] | None = None


def probe_again(found: int, new: int, probes: int, wanted: int) -> bool:
    """Whether another probe should follow ``probes`` probes that found ``found`` of ``wanted`` matches (``new`` last).

    Not when the last probe found nothing (the words are rare, or the rows ran out), nor when the rate so far
    promises no full page within MAX_PROBES probes.
    """
    if new == 0 or found >= wanted or probes >= MAX_PROBES:
        return False
    expected_probes = wanted * probes / found
    return expected_probes <= MAX_PROBES


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


def lexemes(words: list[str]) -> list[str]:
    """The folded words with only their letters and digits (the rest would be tsquery syntax); none left empty."""
    return [w for w in (_NOT_WORD.sub("", word) for word in words) if w]


def tsquery_text(words: list[str]) -> str:
    """``["cong", "ty", "kiem"]`` → ``"cong & ty & kiem:*"``: whole words, the last one may be unfinished."""
    cleaned = lexemes(words)
    return " & ".join([*cleaned[:-1], f"{cleaned[-1]}:*"]) if cleaned else ""


def spelled_out_tsquery(words: list[str], starting: list[str]) -> str:
    """``["cong", "ty", "kiem"]`` with ``["kiem", "kiemtoan"]`` → ``"cong & ty & ( kiem | kiemtoan )"``."""
    return " & ".join([*lexemes(words)[:-1], f"( {' | '.join(starting)} )"])


def words_starting(prefix: str, *, index_only: bool = False) -> Select[str]:
    """Up to MAX_WORDS_STARTING + 1 words of names that start with ``prefix`` (letters and digits only).

    ``index_only`` (PostgreSQL): the query also does what ``INDEX_ONLY`` does, for the rest of the transaction,
    when it returns any word, which spares the GIN step a round trip of its own.
    """
    stmt = select(NameWord.word).where(NameWord.word.like(f"{prefix}%"))
    if index_only:
        stmt = stmt.add_columns(func.set_config(literal_column("'enable_seqscan'"), literal_column("'off'"), true()))
    return stmt.order_by(NameWord.word).limit(MAX_WORDS_STARTING + 1)


def _words_condition(
    words: list[str],
    dialect: str,
    name_search: Any,  # noqa: ANN401 - Taxpayer's column or its alias's
    tsquery: str | None = None,
) -> ColumnElement[bool]:
    """Every word but the last is a whole word of the name; the last one starts a word of the name.

    ``tsquery`` (PostgreSQL) replaces ``tsquery_text(words)``, for the last word spelled out.
    """
    if dialect == "postgresql":
        vector = func.to_tsvector(literal_column("'simple'"), name_search)
        matches = vector.op("@@")(func.to_tsquery(literal_column("'simple'"), tsquery or tsquery_text(words)))
        # A lexeme is a substring of the name, so a cheap LIKE per word (letters and digits only, nothing to
        # escape) spares most rows the to_tsvector call without changing what matches.
        return and_(*(name_search.like(f"%{w}%") for w in lexemes(words)), matches)
    padded = literal_column("' '") + name_search + literal_column("' '")
    conditions = [padded.like(f"% {_escape_like(w)} %", escape="\\") for w in words[:-1]]
    conditions.append(padded.like(f"% {_escape_like(words[-1])}%", escape="\\"))
    return and_(*conditions)


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
    """Words, ordered by id; on PostgreSQL bounded probes in id order, then the GIN index."""
    if dialect != "postgresql":
        if after_id is not None:
            conditions = [*conditions, Taxpayer.id > after_id]
        stmt = select(Taxpayer).where(*conditions, _words_condition(words, dialect, Taxpayer.name_search))
        return SearchPlan(stmt.order_by(Taxpayer.id).limit(rows), "id")

    def probe(after: int | None) -> Select[Any]:
        # The first PROBE_ROWS rows (that pass the filters) after `after`: the matches among them come first of
        # all matches after `after`, since every row with a smaller id is in the window.
        window = select(Taxpayer).where(*conditions)
        if after is not None:
            window = window.where(Taxpayer.id > after)
        seen = aliased(Taxpayer, window.order_by(Taxpayer.id).limit(PROBE_ROWS).subquery("window"))
        return select(seen).where(_words_condition(words, dialect, seen.name_search)).order_by(seen.id).limit(rows)

    # `id + 0` hides the primary key's order from the planner, so it reads the few matches through the GIN index
    # instead of walking the primary key past rows that do not match.
    def on_index(tsquery: str | None) -> Select[Any]:
        stmt = select(Taxpayer).where(*conditions, _words_condition(words, dialect, Taxpayer.name_search, tsquery))
        if after_id is not None:
            stmt = stmt.where(Taxpayer.id > after_id)
        return stmt.order_by(Taxpayer.id + 0).limit(rows)

    def spelled_out(starting: list[str]) -> Select[Any] | None:
        if not starting:  # no name has a word so starting
            return select(Taxpayer).where(false())
        if len(starting) > MAX_WORDS_STARTING or not all(_PLAIN_WORD.match(w) for w in starting):
            return None
        return on_index(spelled_out_tsquery(words, starting))

    return SearchPlan(
        on_index(None),
        "id",
        probe=probe,
        first_after=after_id,
        final_on_index=True,
        last_word=lexemes(words)[-1],
        spelled_out=spelled_out,
    )


def plan(query: SearchQuery, dialect: str, restriction: ColumnElement[bool] | None = None) -> SearchPlan:
    """The statements for one page; ``restriction`` narrows the rows (e.g. to what a taxpayer user may see)."""
    conditions = _filters(query, restriction)
    rows = min(query.limit, MAX_LIMIT) + 1
    cursor = decode_cursor(query.cursor) if query.cursor else None
    text_q = (query.q or "").strip()
    if text_q and _CODE_LIKE.match(text_q):
        code = re.sub(r"[ .]", "", text_q)
        conditions.append(Taxpayer.tax_code.like(f"{_escape_like(code)}%", escape="\\"))
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
        conditions.append(Taxpayer.name_search.like(f"{_escape_like(folded)}%", escape="\\"))
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
