"""Hostile statements are refused while they are read, before the work they would cost: each bound on its own.

Every hostile file is built here (zip bombs with ``zipfile``, a million shared strings, endless CSVs); the cost of
refusing it is measured (CPU of the whole process, peak traced memory) against generous bounds. Before these bounds,
the 1 GB shared-string bomb took 12 s and 2 GB, a 300 KB sheet bomb 106 s, a million shared strings 9.6 s.
"""

import dataclasses
import io
import itertools
from collections.abc import Iterator

import pytest

from taxoffice.accounts.bank_statements import (
    RowProblem,
    StatementError,
    StatementLimits,
    StatementRow,
    StatementTooLargeError,
    read_statement,
)
from tests.support import hostile
from tests.support.hostile import MIB, Cost
from tests.support.statements import HEADER, TODAY, Trickle, csv_bytes, payment_rows, xlsx_bytes

DEFAULT = StatementLimits()
NO_RATIO = dataclasses.replace(DEFAULT, inflation_ratio=10**9)  # to reach the bounds behind the ratio
CHEAP_CPU = 2.0  # seconds: the refusals below do a few milliseconds of work; the files cost 10-600 s unbounded
CHEAP_MEMORY = 32 * MIB


def read_all(data: bytes, limits: StatementLimits = DEFAULT) -> list[StatementRow | RowProblem]:
    return list(read_statement(io.BytesIO(data), today=TODAY, limits=limits))


def refused(data: bytes, limits: StatementLimits = DEFAULT) -> tuple[str, Cost]:
    """The bound that refused ``data`` (its ``errors[].code``), and what refusing it cost."""
    with Cost() as cost, pytest.raises(StatementTooLargeError) as err:
        read_all(data, limits)
    assert err.value.status == 413
    (error,) = err.value.errors
    assert error.field == "file"
    assert error.message == err.value.detail
    return error.code, cost


def assert_cheap(cost: Cost) -> None:
    assert cost.cpu_seconds < CHEAP_CPU, cost.cpu_seconds
    assert cost.peak_bytes < CHEAP_MEMORY, cost.peak_bytes


@pytest.fixture(scope="module")
def string_bomb() -> bytes:
    return hostile.giant_string_bomb(300 * MIB)


@pytest.fixture(scope="module")
def sheet_bomb() -> bytes:
    return hostile.sheet_bomb(300 * MIB)


def test_a_zip_bomb_in_the_shared_strings_is_refused_by_its_ratio(string_bomb: bytes) -> None:
    assert len(string_bomb) < MIB
    bound, cost = refused(string_bomb)
    assert bound == "statement.inflation_ratio"
    assert_cheap(cost)


def test_a_zip_bomb_in_the_sheet_is_refused_by_its_ratio(sheet_bomb: bytes) -> None:
    bound, cost = refused(sheet_bomb)
    assert bound == "statement.inflation_ratio"
    assert_cheap(cost)


def test_behind_the_ratio_the_shared_strings_size_holds() -> None:
    bound, cost = refused(hostile.giant_string_bomb(100 * MIB), NO_RATIO)  # 100 MiB: under the inflated total
    assert bound == "statement.shared_strings_size"
    assert_cheap(cost)


def test_behind_the_ratio_the_inflated_total_holds(sheet_bomb: bytes) -> None:
    bound, cost = refused(sheet_bomb, NO_RATIO)
    assert bound == "statement.inflated_size"
    assert_cheap(cost)


def test_a_million_empty_shared_strings_in_a_few_kilobytes() -> None:
    data = hostile.many_shared_strings(1_000_000)
    assert len(data) < 64 * 1024
    bound, cost = refused(data)
    assert bound == "statement.inflation_ratio"
    assert_cheap(cost)
    bound, cost = refused(data, NO_RATIO)  # counted, and the count stops at the limit
    assert bound == "statement.too_many_shared_strings"
    assert_cheap(cost)


def test_a_million_distinct_shared_strings_are_counted_and_refused() -> None:
    data = hostile.many_shared_strings(1_000_000, distinct=True)  # inflates 8 times: an honest ratio
    bound, cost = refused(data)
    assert bound == "statement.too_many_shared_strings"
    assert_cheap(cost)


def test_shared_strings_up_to_the_limit_are_read() -> None:
    limits = dataclasses.replace(DEFAULT, shared_strings=3)
    header = "".join(f'<c t="s"><v>{n}</v></c>' for n in range(3)).encode()
    strings = [f"<si><t>{name}</t></si>".encode() for name in HEADER[:3]]
    with pytest.raises(StatementError, match="paid_on"):  # read, and found wanting for another reason
        read_all(hostile.workbook([b"<row>" + header + b"</row>"], strings), limits)
    bound, _ = refused(hostile.workbook([b"<row>" + header + b"</row>"], [*strings, strings[0]]), limits)
    assert bound == "statement.too_many_shared_strings"


def test_a_part_read_whole_is_bounded() -> None:
    bound, cost = refused(hostile.big_part("xl/styles.xml", 20 * MIB), NO_RATIO)
    assert bound == "statement.part_size"
    assert_cheap(cost)


def test_an_archive_of_too_many_parts() -> None:
    bound, cost = refused(hostile.many_parts(1_001))
    assert bound == "statement.too_many_parts"
    assert_cheap(cost)
    assert read_all(hostile.many_parts(100)) == []  # a header and no rows


def test_a_part_lying_about_its_size_stops_at_the_size_it_declares(string_bomb: bytes) -> None:
    """``zipfile`` stops a part at its declared size and fails its CRC: the ratio check can trust declarations."""
    liar = hostile.lying_zip(string_bomb, "xl/sharedStrings.xml", 1_000)
    with Cost() as cost, pytest.raises(StatementError, match="cannot be read"):
        read_all(liar)
    assert_cheap(cost)


@pytest.mark.parametrize(
    ("prolog", "strings"),
    [
        (
            b'<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
            b"<si><t>&b;</t></si>",
        ),
        (b"", b"<si><t>unclosed</si>"),
    ],
)
def test_a_document_type_or_broken_xml_in_the_shared_strings_is_refused(prolog: bytes, strings: bytes) -> None:
    data = hostile.workbook([hostile.header_row()], [strings], prolog=prolog)
    with pytest.raises(StatementError, match="cannot be read"):
        read_all(data)


def _endless_csv() -> Iterator[bytes]:
    yield ",".join(HEADER).encode() + b"\r\n"
    for row in payment_rows(10**9):
        yield ",".join(row).encode() + b"\r\n"


def test_rows_past_the_limit_are_not_read() -> None:
    stream = Trickle(_endless_csv())
    limits = dataclasses.replace(DEFAULT, rows=1_000)
    items = read_statement(stream, today=TODAY, limits=limits)  # type: ignore[arg-type]  # a RawIOBase is a binary stream
    read = list(itertools.islice(items, 999))
    assert all(isinstance(item, StatementRow) for item in read)
    with pytest.raises(StatementTooLargeError, match="more than 1,000 rows") as err:
        next(items)
    assert err.value.errors[0].code == "statement.too_many_rows"
    assert stream.consumed < 512 * 1024  # a few buffers past row 1,000, not the endless rest


def test_an_xlsx_row_limit_counts_sheet_rows() -> None:
    data = xlsx_bytes(list(payment_rows(20)))
    assert len(read_all(data, dataclasses.replace(DEFAULT, rows=21))) == 20
    bound, _ = refused(data, dataclasses.replace(DEFAULT, rows=20))
    assert bound == "statement.too_many_rows"


def test_cells_are_counted_across_the_file() -> None:
    wide = [(*row, *("x" * 91)) for row in payment_rows(30)]  # 100 cells a row
    data = csv_bytes(wide, header=(*HEADER, *(f"extra_{n}" for n in range(91))))
    assert len(read_all(data, dataclasses.replace(DEFAULT, cells=3_100))) == 30
    bound, _ = refused(data, dataclasses.replace(DEFAULT, cells=3_000))
    assert bound == "statement.too_many_cells"


def test_a_row_wider_than_excel_is_refused() -> None:
    data = ",".join(HEADER).encode() + b"\r\n" + b"," * 16_384 + b"\r\n"
    bound, cost = refused(data)
    assert bound == "statement.too_many_columns"
    assert_cheap(cost)
