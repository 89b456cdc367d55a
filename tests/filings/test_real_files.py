"""Returns written by others: the real HTKK and eTax files of tests/fixtures/htkk/real (SOURCES.md says where each
came from), read and decided as the tax authority would, first by the rules alone, then over HTTP on PostgreSQL."""

import datetime
import hashlib
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from filings import forms
from filings.forms import Severity, assess
from filings.htkk import HtkkError, parse_htkk
from filings.parameters import return_parameters
from taxoffice.auth.roles import Role
from tests.filings.real_files import REAL, file_return, filer_of, registered
from tests.support.clock import Clock
from tests.support.users import Login

FILES = sorted(REAL.glob("*.xml"))
# Documents on forms the office does not take: financial statements (HTKK codes 683, 402) and the annual PIT
# finalisation 05/QTT-TNCN (953).
NOT_RETURNS = {p.name for p in FILES if p.name.startswith(("BCTC_", "05QTTTNCN_"))}
# Circular 26's 01/GTGT (code 01) for periods from 2022, written by an accounting program on HTKK 4.1.9's layout:
# the authority rejects them for the form version, naming Circular 80's form (code 842).
WRONG_GENERATION = {p.name for p in FILES if p.name.startswith("01GTGT_tt26_") and "_app_" in p.name}
# Not a return at all: a taxpayer registration (05-ĐK-TCT, code 905) written by the tax department's e-service for
# individuals. It has no return header (TKhaiThue, with the period), so it cannot be read as one.
NOT_RETURN_HEADER = {p.name for p in FILES if p.name.startswith("DKT05_")}
RETURNS = [p for p in FILES if p.name not in NOT_RETURNS | WRONG_GENERATION | NOT_RETURN_HEADER]


def _ids(path: Path) -> str:
    return path.stem


def test_the_corpus_is_there() -> None:
    assert len(FILES) >= 20
    sources = (REAL / "SOURCES.md").read_text(encoding="utf-8")
    assert [p.name for p in FILES if f"| {p.name} |" not in sources] == []
    producers = {parse_htkk(p.read_bytes()).producer for p in FILES if p.name not in NOT_RETURN_HEADER}
    assert {p.code for p in producers if p} >= {"HTKK", "ETAX"}
    # The registration names its program in the same TTinDVu block the reader cannot reach without a return header.
    assert all(b"<maDVu>ICANHAN</maDVu>" in (REAL / n).read_bytes() for n in NOT_RETURN_HEADER)
    assert NOT_RETURN_HEADER


@pytest.mark.parametrize("path", RETURNS, ids=_ids)
def test_each_return_is_decided_as_the_authority_would(path: Path) -> None:
    document = parse_htkk(path.read_bytes())
    form, in_force = forms.find_filed_version(document.htkk_code, document.period.end)
    assert in_force is None
    result = assess(form, document.values, parameters=return_parameters(form, document.period, document.appendices))
    assert [f.rule for f in result.findings if f.severity is Severity.REJECT] == []
    # Every computed cell the file declares is the office's figure.
    declared = {code: document.values[code] for code in result.computed if code in document.values}
    assert declared == {code: result.computed[code] for code in declared}
    assert declared, "the file declares its computed cells"
    assert result.tax_payable == max(int(document.values.get(form.payable_indicator, 0)), 0)


@pytest.mark.parametrize("path", [REAL / n for n in sorted(WRONG_GENERATION)], ids=_ids)
def test_a_superseded_form_is_rejected_for_its_version(path: Path) -> None:
    document = parse_htkk(path.read_bytes())
    assert document.period.end >= datetime.date(2022, 1, 1)
    form, in_force = forms.find_filed_version(document.htkk_code, document.period.end)
    assert (form.htkk_code, form.valid_to) == ("01", datetime.date(2021, 12, 31))
    assert in_force is not None
    assert in_force.htkk_code == "842"
    # Its figures alone break no rule (a nil return): the form version is the whole reason.
    result = assess(form, document.values, parameters=return_parameters(form, document.period, document.appendices))
    assert [f.rule for f in result.findings if f.severity is Severity.REJECT] == []


@pytest.mark.parametrize("path", [REAL / n for n in sorted(NOT_RETURNS)], ids=_ids)
def test_documents_on_forms_the_office_does_not_take(path: Path) -> None:
    document = parse_htkk(path.read_bytes())
    if path.name.startswith("BCTC_"):
        assert document.repeated  # a column of the same indicators per year
    with pytest.raises(forms.UnknownFormError, match=f"no form '{document.htkk_code}'"):
        forms.find_filed_version(document.htkk_code, document.period.end)


@pytest.mark.parametrize("path", [REAL / n for n in sorted(NOT_RETURN_HEADER)], ids=_ids)
def test_a_registration_is_not_read_as_a_return(path: Path) -> None:
    with pytest.raises(HtkkError, match=r"missing element .*/TTinTKhaiThue/TKhaiThue") as caught:
        parse_htkk(path.read_bytes())
    assert caught.value.code == "xml.structure"
    assert caught.value.element == "HSoThueDTu/HSoKhaiThue/TTinChung/TTinTKhaiThue/TKhaiThue"


def test_the_reduced_rate_appendix_is_read() -> None:
    # Q4/2024: sales at 8 % declared on the 10 % lines, the cut listed in PL_NQ142_GTGT (Decree 72/2024).
    document = parse_htkk((REAL / "01GTGT_tt80_Q_credit_appendix_1.xml").read_bytes())
    appendix = document.appendix("PL_NQ142_GTGT")
    assert appendix is not None
    assert appendix.figure("tongCongThueGTGTDuocGiam") == 10_200_600
    assert (document.values["ct32"], document.values["ct33"]) == (510_030_000, 40_802_400)
    # 10 % * [32] - the appendix's reduction = [33] exactly.
    assert 51_003_000 - 10_200_600 == 40_802_400
    form, _ = forms.find_filed_version("842", document.period.end)
    parameters = return_parameters(form, document.period, document.appendices)
    assert parameters == {"vat_reduction": 10_200_600, "reduced_rate_in_force": 1}
    # Without the appendix, the same figures break GTGT-033, naming the figures.
    bare = assess(form, document.values, parameters={"reduced_rate_in_force": 1})
    assert [(f.rule, f.value) for f in bare.findings] == [("GTGT-033", "40802400")]
    assert "({vat_reduction})" not in bare.findings[0].message_en
    assert "less the reduction the appendix lists (0)" in bare.findings[0].message_en


def _period_moved(data: bytes, old: str, new: str) -> bytes:
    return re.sub(
        rb"<kyKKhai>" + re.escape(old.encode()) + rb"</kyKKhai>", b"<kyKKhai>" + new.encode() + b"</kyKKhai>", data
    )


@pytest.fixture
def files_clock(clock: Clock) -> Clock:
    clock.set(2026, 11, 30)
    return clock


async def test_a_company_files_its_quarters_in_order(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, files_clock: Clock
) -> None:
    # Bình Nguyễn Decor's quarters 3/2024 … 2/2025 as HTKK wrote them: each [22] is the previous quarter's [43].
    names = [
        "01GTGT_tt80_Q_credit_2.xml",
        "01GTGT_tt80_Q_credit_appendix_1.xml",
        "01GTGT_tt80_Q_credit_appendix_2.xml",
        "01GTGT_tt80_Q_credit_3.xml",
    ]
    first = parse_htkk((REAL / names[0]).read_bytes())
    filer = await registered(session, first.tax_code, first.taxpayer_name)
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    for index, name in enumerate(names):
        data = (REAL / name).read_bytes()
        response = await file_return(client, me, data, upload=index % 2 == 1)
        receipt = response.json()
        assert response.status_code == 201, receipt
        assert receipt["status"] == "accepted", (name, receipt["errors"])
        assert receipt["document_sha256"] == hashlib.sha256(data).hexdigest()
        assert receipt["differences"] == []
        # The office gives back exactly the bytes it received.
        original = await client.get(f"/api/v1/returns/{receipt['id']}", params={"format": "xml"}, headers=me)
        assert original.status_code == 200
        assert original.headers["content-type"].startswith("application/xml")
        assert original.content == data
        detail = (await client.get(f"/api/v1/returns/{receipt['id']}", headers=me)).json()
        assert detail["source"]["producer"]["code"] == "HTKK"
        assert detail["source"]["form_version"] in {"2.7.4", "2.8.3"}
        names = [a["name"] for a in detail["source"]["appendices"]]
        assert names == (["PL_NQ142_GTGT"] if "appendix" in name else [])


async def test_a_circular_26_form_for_2024_is_rejected_by_rule(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, files_clock: Clock
) -> None:
    data, _, me = await filer_of("01GTGT_tt26_M_credit_1.xml", session, login)
    moved = _period_moved(data, "01/2021", "07/2024")
    response = await file_return(client, me, moved)
    assert response.status_code == 201
    receipt = response.json()
    assert receipt["status"] == "rejected"
    rule = next(e for e in receipt["errors"] if e["rule"] == "FORM-VERSION")
    assert "Thông tư 26/2015" in rule["message_en"]
    assert "Thông tư 80/2021" in rule["message_en"]
    assert "(code 842)" in rule["message_en"]
    # The same file for its own period, January 2021, is accepted on Circular 26's form.
    accepted = (await file_return(client, me, data)).json()
    assert accepted["status"] == "accepted", accepted["errors"]
    assert accepted["form"] == "01/GTGT"


async def test_a_program_still_writing_circular_26_is_rejected_by_rule(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, files_clock: Clock
) -> None:
    # Q4/2025 as an accounting program wrote it on HTKK 4.1.9's Circular 26 layout (period " 4/2025", dd-mm-yyyy).
    data, _, me = await filer_of("01GTGT_tt26_Q_nil_app_2025_3.xml", session, login)
    response = await file_return(client, me, data, upload=True)
    assert response.status_code == 201
    receipt = response.json()
    assert receipt["status"] == "rejected"
    assert [e["rule"] for e in receipt["errors"]] == ["FORM-VERSION"]
    assert "does not apply to the period" in receipt["errors"][0]["message_en"]
    assert "(code 842)" in receipt["errors"][0]["message_en"]
    # Kept with its notice: the office gives back the bytes it received.
    original = await client.get(f"/api/v1/returns/{receipt['id']}", params={"format": "xml"}, headers=me)
    assert original.content == data


async def test_a_financial_statement_is_not_a_return(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, files_clock: Clock
) -> None:
    data, document, me = await filer_of("BCTC_tt200_Y_1.xml", session, login)
    response = await file_return(client, me, data)
    assert response.status_code == 422
    problem = response.json()
    assert "no form '402'" in problem["detail"]
    assert document.form_name[:20] in problem["detail"]


async def test_a_registration_sent_as_a_return_is_a_400_naming_the_element(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, files_clock: Clock
) -> None:
    # An individual's registration (05-ĐK-TCT) as the tax department's e-service wrote it, sent by a company.
    first = parse_htkk((REAL / "01GTGT_tt80_Q_credit_2.xml").read_bytes())
    filer = await registered(session, first.tax_code, first.taxpayer_name)
    me = await login(Role.TAXPAYER, tax_code=filer.tax_code)
    data = (REAL / "DKT05_icanhan_registration_1.xml").read_bytes()
    for upload in (False, True):
        response = await file_return(client, me, data, upload=upload)
        assert response.status_code == 400, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert "TTinTKhaiThue/TKhaiThue" in problem["detail"]
