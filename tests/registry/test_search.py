"""Words search at the service level: whole words and an unfinished last word, the probe and the GIN paths, pages."""

import itertools

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from registry import words
from registry.models import Taxpayer
from registry.names import fold
from registry.schemas import TaxpayerUpdate
from registry.search import SearchQuery
from registry.services import TaxpayerService
from taxoffice.auth.roles import Principal, Role
from taxoffice.errors import ValidationFailedError
from tests.registry.helpers import SYSTEM, register_enterprise

NAMES = [
    "Công ty Kiểm Thử",
    "Công ty TNHH Kiểm Toán Sao Mai",
    "Doanh nghiệp tư nhân Kiểm Định",
    "Công ty Cổ phần Thương mại Hòa Bình",
    "Hộ kinh doanh Nguyễn Văn Thử",
    "Công ty Kiểm Thử Miền Nam",
    "Công ty Cổ phần Sao Mai",
    "Nguyễn Thị Kiều",
    "Công ty Thủ Đức",
    "Công ty TNHH Kiểm Thử Bắc Ninh",
    "Hộ kinh doanh Trần Kiểm",
    "Công ty TNHH Dịch vụ Kiểm Thử",
]


async def _seed(session: AsyncSession) -> list[Taxpayer]:
    return [await register_enterprise(session, f"01091{i:05d}", name) for i, name in enumerate(NAMES)]


def _expected(rows: list[Taxpayer], q: str) -> list[str]:
    """What a words search must find, by its rule: whole words, the last one a word's start; by registration."""
    *whole, last = fold(q).split()
    found = []
    for row in sorted(rows, key=lambda r: r.id):
        name_words = row.name_search.split()
        if all(w in name_words for w in whole) and any(w.startswith(last) for w in name_words):
            found.append(row.name)
    return found


async def _all_pages(service: TaxpayerService, q: str, limit: int) -> list[str]:
    names: list[str] = []
    cursor = None
    for _ in range(len(NAMES) + 2):
        rows, cursor = await service.search(SYSTEM, SearchQuery(q=q, limit=limit, cursor=cursor))
        names += [r.name for r in rows]
        if cursor is None:
            return names
    pytest.fail("the pages never ended")


QUERIES = [
    "cong ty kiem thu",
    "kiem",
    "ki",
    "KIEM THU",
    "thu kiem",
    "cong ty t",
    "sao mai",
    "nguyen",
    "cong ty",
    "zzz",
    # Repeated words, a last word that is also a whole one, words in another order, a pair no name has.
    "kiem thu kiem",
    "thu kiem th",
    "mai sao cong",
    "ty cong ty",
    "sao kiem",
]


@pytest.mark.parametrize(("probe_rows", "words_starting"), [(words.PROBE_ROWS, 30), (3, 30), (1, 30), (1, 0)])
async def test_words_search_pages_follow_the_rule(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch, probe_rows: int, words_starting: int
) -> None:
    """Probe in id order, then the pairs, the words or a prefix through GIN: pages hold the same rows in order."""
    rows = await _seed(session)
    monkeypatch.setattr(words, "PROBE_ROWS", probe_rows)
    monkeypatch.setattr(words, "MAX_WORDS_STARTING", words_starting)
    service = TaxpayerService(session)
    for q in QUERIES:
        for limit in (1, 2, 50):
            assert await _all_pages(service, q, limit) == _expected(rows, q), (q, limit)


async def test_only_the_last_word_may_be_unfinished(session: AsyncSession) -> None:
    await _seed(session)
    service = TaxpayerService(session)
    found, _ = await service.search(SYSTEM, SearchQuery(q="cong ty kiem th"))
    assert [r.name for r in found] == [
        "Công ty Kiểm Thử",
        "Công ty Kiểm Thử Miền Nam",
        "Công ty TNHH Kiểm Thử Bắc Ninh",
        "Công ty TNHH Dịch vụ Kiểm Thử",
    ]
    unfinished_first, _ = await service.search(SYSTEM, SearchQuery(q="con ty kiem thu"))
    assert unfinished_first == []
    accents, _ = await service.search(SYSTEM, SearchQuery(q="Thủ Đức"))
    assert [r.name for r in accents] == ["Công ty Thủ Đức"]


async def test_words_search_with_filters_and_a_taxpayer_user(session: AsyncSession) -> None:
    rows = await _seed(session)
    service = TaxpayerService(session)
    none, _ = await service.search(SYSTEM, SearchQuery(q="kiem", status="01"))
    assert none == []
    me = Principal(user_id=None, username=rows[5].tax_code, role=Role.TAXPAYER, tax_code=rows[5].tax_code)
    mine, cursor = await service.search(me, SearchQuery(q="cong ty kiem"))
    assert [r.tax_code for r in mine] == [rows[5].tax_code]
    assert cursor is None


async def test_a_renamed_taxpayer_is_found_by_its_new_words(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The words an unfinished last word is spelled out into follow registrations and renames (PostgreSQL)."""
    rows = await _seed(session)
    monkeypatch.setattr(words, "PROBE_ROWS", 1)  # straight to the GIN index
    service = TaxpayerService(session)
    await service.update(SYSTEM, rows[0].tax_code, TaxpayerUpdate(name="Công ty Kiểm Thử Quỳnh Lưu"))
    found, _ = await service.search(SYSTEM, SearchQuery(q="kiem thu quy"))
    assert [r.name for r in found] == ["Công ty Kiểm Thử Quỳnh Lưu"]
    if session.get_bind().dialect.name == "postgresql":
        assert list(await session.scalars(words.words_starting("qu"))) == ["quynh"]
        assert list(await session.scalars(words.words_starting("ki"))) == ["kiem", "kieu", "kinh"]
        # Asked to, the same query keeps the planner on the index for the rest of the transaction.
        await session.execute(text("SET LOCAL enable_seqscan = on"))  # the search above turned it off
        assert list(await session.scalars(words.words_starting("ki", index_only=True))) == ["kiem", "kieu", "kinh"]
        assert await session.scalar(text("SHOW enable_seqscan")) == "off"


async def test_a_query_without_letters_or_digits_is_refused(session: AsyncSession) -> None:
    with pytest.raises(ValidationFailedError):
        await TaxpayerService(session).search(SYSTEM, SearchQuery(q="%%% -"))


def test_tsquery_keeps_letters_and_digits_and_only_the_last_word_is_a_prefix() -> None:
    assert words.tsquery_text(["cong", "ty", "kiem"]) == "cong & ty & kiem:*"
    assert words.tsquery_text(["a&b", "(c)", "d:*"]) == "ab & c & d:*"
    assert words.tsquery_text(["!!"]) == ""


def test_another_probe_only_when_the_rate_promises_a_page() -> None:
    assert words.probe_again(found=49, new=49, probes=1, wanted=51)
    assert not words.probe_again(found=10, new=10, probes=1, wanted=51)
    assert not words.probe_again(found=49, new=0, probes=2, wanted=51)
    assert not words.probe_again(found=50, new=1, probes=words.MAX_PROBES, wanted=51)
    assert not words.probe_again(found=51, new=51, probes=1, wanted=51)


def test_pairs_ask_for_the_same_names_as_the_words() -> None:
    assert words.pairs_tsquery(["tu", "van", "hoa", "binh"], ["binh"]) == (
        "hoa_tu & hoa_van & tu_van & ( binh_hoa ) & ( binh_tu ) & ( binh_van )"
    )
    assert words.pairs_tsquery(["ha", "dong", "tha"], ["thanh", "thao"]) == (
        "dong_ha & ( dong_thanh | dong_thao ) & ( ha_thanh | ha_thao )"
    )
    # A whole word that is one of the words the last one starts already stands for it; repeats count once.
    assert words.pairs_tsquery(["ha", "dong", "ha"], ["ha", "hai"]) == "dong_ha"
    # One word, or one word and itself again, makes no pair: the words index answers those.
    assert words.pairs_tsquery(["hong"], ["hong", "hongha"]) is None
    assert words.pairs_tsquery(["ha", "ha"], ["ha", "hai"]) is None
    assert words.pairs_tsquery(["hong", "a"], ["a", "anh"]) == "( a_hong | anh_hong )"


async def test_the_pairs_index_holds_every_pair_of_a_names_words(session: AsyncSession) -> None:
    """`taxpayer_name_pairs` orders each pair as Python does, whatever the parser makes of the name (PostgreSQL)."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the pairs index is PostgreSQL's")
    pairs = await session.scalar(text("SELECT taxpayer_name_pairs('cong ty 3d a_b kiem-thu')::text"))
    assert pairs is not None
    found = {p.strip("'") for p in pairs.split()}
    # The parser splits `a_b` at `_` and keeps `kiem-thu` whole beside its parts.
    parsed = ["cong", "ty", "3d", "a", "b", "kiem-thu", "kiem", "thu"]
    assert found == {"_".join(sorted(p)) for p in itertools.combinations(parsed, 2)}
