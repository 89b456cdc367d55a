"""Words search: every word but the last is a whole word of the name, the last one starts a word of it.

On SQLite one statement of LIKE conditions. On PostgreSQL a page is found in up to three steps (docs/registry.md,
"Search"):

1. a probe: the matches among the next PROBE_ROWS rows in id order, read from the covering index
   ``ix_taxpayer_id_name`` (id and name only); common words fill a page here;
2. the words the unfinished last word starts (``name_word``), so it can be asked for as whole words;
3. the rest through a GIN index: ``ix_taxpayer_name_pairs`` (every pair of words of a name) when the words make at
   least one pair, else ``ix_taxpayer_name_words``. A pair of common words is far rarer than either word, so that
   step costs about one row visit per match instead of decoding the common words' long posting lists.
"""

import itertools
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, cast, func, literal, literal_column, select, text, true
from sqlalchemy.dialects.postgresql import TSQUERY

from registry.models import NameWord, Taxpayer

_NOT_WORD = re.compile(r"[^0-9a-z]")
_PLAIN_WORD = re.compile(r"^[0-9a-z]+$")
# Rows after the cursor, in id order, that one probe reads. Words found in more than 1 name in PROBE_ROWS / limit
# fill a page within the first probe (a few ms). When a probe found some but not enough, the next probe continues
# after the last match as long as the rate seen so far promises a full page within MAX_PROBES probes. Rarer words
# have at most ~limit / PROBE_ROWS of the table to fetch through a GIN index.
PROBE_ROWS = 15_000
MAX_PROBES = 2
# The GIN index reads an unfinished last word (`viet:*`) by decoding the posting list of every word so starting into
# a bitmap (10-20 ms for a common one) instead of skipping through it; the words it starts (from `name_word`) are
# whole words, read as `(viet | vietnam)`, when there are at most this many of them.
MAX_WORDS_STARTING = 30
# Every pair of words of the name, `a_b` with a < b, as the GIN index `ix_taxpayer_name_pairs` holds them (see the
# migration `8f3a61c2d9e4`); an indexed expression, not a column.
NAME_PAIRS = func.taxpayer_name_pairs(Taxpayer.name_search)
# Keeps the planner on the GIN index for the last step: it may take correlated words for common ones. The service
# sets it with `words_starting(…, index_only=True)`; this statement is for running the step on its own.
INDEX_ONLY = text("SET LOCAL enable_seqscan = off")


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


def _pair(a: str, b: str) -> str:
    return f"{a}_{b}" if a < b else f"{b}_{a}"


def pairs_tsquery(words: list[str], starting: list[str]) -> str | None:
    """The words as pairs of ``NAME_PAIRS``, the last one spelled out as ``starting`` (not empty); None if no pair.

    A name has the pair ``a_b`` exactly when it has both words, so the pairs ask the same as the words:
    ``["ha", "dong", "tha"]`` with ``["thanh", "thao"]`` → ``"dong_ha & ( dong_thanh | dong_thao ) & ( ha_thanh |
    ha_thao )"``. When a whole word is one of ``starting``, it already stands for the last word.
    """
    whole = sorted(set(lexemes(words)[:-1]))
    terms = [_pair(a, b) for a, b in itertools.combinations(whole, 2)]
    if not set(starting) & set(whole):
        terms += [f"( {' | '.join(_pair(w, s) for s in starting)} )" for w in whole]
    return " & ".join(terms) or None


def words_starting(prefix: str, *, index_only: bool = False) -> Select[str]:
    """Up to MAX_WORDS_STARTING + 1 words of names that start with ``prefix`` (letters and digits only).

    ``index_only`` (PostgreSQL): the query also does what ``INDEX_ONLY`` does, for the rest of the transaction,
    when it returns any word, which spares the last step a round trip of its own.
    """
    stmt = select(NameWord.word).where(NameWord.word.like(f"{prefix}%"))
    if index_only:
        stmt = stmt.add_columns(func.set_config(literal_column("'enable_seqscan'"), literal_column("'off'"), true()))
    return stmt.order_by(NameWord.word).limit(MAX_WORDS_STARTING + 1)


def escape_like(text: str) -> str:
    """``text`` matched literally by LIKE with a backslash as the escape character."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def words_condition(
    words: list[str],
    dialect: str,
    name_search: Any,  # noqa: ANN401 - Taxpayer's column or a subquery's
    tsquery: str | None = None,
) -> ColumnElement[bool]:
    """The rule as a condition on ``name_search``; ``tsquery`` (PostgreSQL) replaces ``tsquery_text(words)``."""
    if dialect == "postgresql":
        vector = func.to_tsvector(literal_column("'simple'"), name_search)
        matches = vector.op("@@")(func.to_tsquery(literal_column("'simple'"), tsquery or tsquery_text(words)))
        # A lexeme is a substring of the name, so a cheap LIKE per word (letters and digits only, nothing to
        # escape) spares most rows the to_tsvector call without changing what matches.
        return and_(*(name_search.like(f"%{w}%") for w in lexemes(words)), matches)
    padded = literal_column("' '") + name_search + literal_column("' '")
    conditions = [padded.like(f"% {escape_like(w)} %", escape="\\") for w in words[:-1]]
    conditions.append(padded.like(f"% {escape_like(words[-1])}%", escape="\\"))
    return and_(*conditions)


def probe_again(found: int, new: int, probes: int, wanted: int) -> bool:
    """Whether another probe should follow ``probes`` probes that found ``found`` of ``wanted`` matches (``new`` last).

    Not when the last probe found nothing (the words are rare, or the rows ran out), nor when the rate so far
    promises no full page within MAX_PROBES probes.
    """
    if new == 0 or found >= wanted or probes >= MAX_PROBES:
        return False
    expected_probes = wanted * probes / found
    return expected_probes <= MAX_PROBES


@dataclass(frozen=True)
class PostgresWords:
    """The statements of one page of a words search on PostgreSQL (see the module's docstring)."""

    words: list[str]
    conditions: list[ColumnElement[bool]]  # the filters
    after_id: int | None  # the cursor's
    rows: int  # a page and one more

    @property
    def last_word(self) -> str:
        """The word whose whole words ``words_starting`` finds."""
        return lexemes(self.words)[-1]

    def probe(self, after: int | None) -> Select[Any]:
        """The matches among the first PROBE_ROWS rows (that pass the filters) after ``after``, in id order.

        They come first of all matches after ``after``, since every row with a smaller id is in the window.
        Without filters the window is read from the covering index alone; only the matches visit the table.
        """
        window = select(Taxpayer.id, Taxpayer.name_search).where(*self.conditions)
        if after is not None:
            window = window.where(Taxpayer.id > after)
        seen = window.order_by(Taxpayer.id).limit(PROBE_ROWS).subquery("window")
        matched = select(seen.c.id).where(words_condition(self.words, "postgresql", seen.c.name_search))
        matched = matched.order_by(seen.c.id).limit(self.rows)
        return select(Taxpayer).where(Taxpayer.id.in_(matched)).order_by(Taxpayer.id)

    def last_step(self, starting: list[str]) -> Select[Any] | None:
        """Given ``words_starting(last_word)``: through the pairs, or else the words with the last one spelled out.

        Too many words so starting (or odd ones) leave the last word a prefix, which is the slowest way. None when
        no name has a word so starting: no name matches.
        """
        if not starting:  # no name has a word so starting: nothing to ask
            return None
        if len(starting) > MAX_WORDS_STARTING or not all(_PLAIN_WORD.match(w) for w in starting):
            return self._on_index(words_condition(self.words, "postgresql", Taxpayer.name_search))
        pairs = pairs_tsquery(self.words, starting)
        if pairs is not None:
            return self._on_index(NAME_PAIRS.op("@@")(cast(literal(pairs), TSQUERY)))
        tsquery = spelled_out_tsquery(self.words, starting)
        return self._on_index(words_condition(self.words, "postgresql", Taxpayer.name_search, tsquery))

    def _on_index(self, condition: ColumnElement[bool]) -> Select[Any]:
        # `id + 0` hides the primary key's order from the planner, so it reads the few matches through a GIN index
        # instead of walking the primary key past rows that do not match.
        stmt = select(Taxpayer).where(*self.conditions, condition)
        if self.after_id is not None:
            stmt = stmt.where(Taxpayer.id > self.after_id)
        return stmt.order_by(Taxpayer.id + 0).limit(self.rows)
