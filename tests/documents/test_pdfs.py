"""The notices as PDF, read back with pypdf: form numbers, codes, amounts and reasons with their diacritics."""

import datetime

from taxoffice.documents.account import account_pdf
from taxoffice.documents.debt import debt_notice_pdf
from taxoffice.documents.model import (
    AccountCharge,
    AccountEntry,
    AccountPrint,
    Addressee,
    DebtLine,
    DebtNoticeData,
    Decision,
    FiledReturn,
    HowToPay,
    Reason,
)
from taxoffice.documents.returns import decision_pdf, receipt_pdf
from tests.support.smtp import pdf_text

TO = Addressee("0109555001", "Công ty TNHH Hoa Sen Việt", "12 Phố Huế, Hai Bà Trưng, Hà Nội", "HNI")
RECEIVED = datetime.datetime(2026, 11, 20, 3, 4, 5, tzinfo=datetime.UTC)
FILED = FiledReturn(
    transaction_code="26112000000000042",
    form_code="01/GTGT",
    form_name="Tờ khai thuế giá trị gia tăng",
    period="2026-10",
    amendment_no=0,
    received_at=RECEIVED,
    due_on=datetime.date(2026, 11, 20),
    days_late=0,
)


def _flat(text: str) -> str:
    """The text with line breaks as spaces: a long value may wrap."""
    return " ".join(text.split())


def test_the_receipt_names_the_return_and_its_transaction_code() -> None:
    text = _flat(pdf_text(receipt_pdf(TO, FILED)))
    assert "Mẫu số (form): 01-1/TB-TĐT" in text
    assert "Về việc tiếp nhận hồ sơ thuế điện tử" in text
    assert "26112000000000042" in text
    assert "0109555001" in text
    assert "Công ty TNHH Hoa Sen Việt" in text
    assert "Tờ khai thuế giá trị gia tăng - mẫu 01/GTGT" in text
    assert "10:04:05 ngày 20/11/2026" in text  # Hanoi time
    assert "HNI, ngày 20 tháng 11 năm 2026" in text


def test_a_rejection_gives_every_reason_in_vietnamese_and_english() -> None:
    reasons = [
        Reason("VAT-40", "reject", "Chỉ tiêu [40] phải bằng [36] trừ [37]: khai 1.000.000 đồng", "Box 40 is wrong"),
        Reason("LATE", "warning", "Nộp chậm 3 ngày", "Filed 3 days late"),
    ]
    decided = Decision(False, RECEIVED, None, None, None, reasons)
    text = _flat(pdf_text(decision_pdf(TO, FILED, decided)))
    assert "Mẫu số (form): 01-2/TB-TĐT" in text
    assert "Về việc không chấp nhận hồ sơ khai thuế điện tử" in text
    assert "KHÔNG CHẤP NHẬN" in text
    assert "Chỉ tiêu [40] phải bằng [36] trừ [37]: khai 1.000.000 đồng" in text
    assert "Box 40 is wrong" in text
    assert "VAT-40" in text
    assert "Nộp chậm 3 ngày" in text
    assert "26112000000000042" in text


def test_an_acceptance_gives_the_figures_posted() -> None:
    decided = Decision(True, RECEIVED, 12_345_678, 12_345_678, 1_500_000, [])
    text = _flat(pdf_text(decision_pdf(TO, FILED, decided)))
    assert "Về việc chấp nhận hồ sơ khai thuế điện tử" in text
    assert "không chấp nhận" not in text
    assert "12.345.678 đồng" in text
    assert "1.500.000 đồng" in text


def test_the_debt_notice_lists_lines_totals_and_how_to_pay() -> None:
    lines = [
        DebtLine("VAT", "1701", "2025-06", "tax", datetime.date(2025, 7, 31), 91, 10_000_000, 270_000),
        DebtLine("VAT", "4254", "2025-06", "fine", datetime.date(2025, 8, 11), 80, 3_500_000, 0),
    ]
    pay = HowToPay("7111", "754", ["1701", "4254"], ["4931"], "0109555001 TTN-20251030-7-1")
    notice = DebtNoticeData("TTN-20251030-7-1", datetime.date(2025, 10, 30), lines, pay)
    text = _flat(pdf_text(debt_notice_pdf(TO, notice)))
    assert "Mẫu số (form): 01/TTN" in text
    assert "Tiền thuế nợ, tiền phạt, tiền chậm nộp" in text
    assert "10.000.000 270.000 10.270.000" in text
    assert "13.500.000 270.000 13.770.000" in text
    assert "13.770.000 đồng" in text
    assert "0109555001 TTN-20251030-7-1" in text
    assert "4931" in text


def test_the_account_statement_gives_totals_charges_and_entries_and_says_what_it_is() -> None:
    due = datetime.date(2026, 2, 23)
    charges = [
        AccountCharge("VAT", "2026-01", "tax", "1701", due, 20_000_000, 5_000_000, 15_000_000, 210_000, 36),
        AccountCharge("VAT", "2026-01", "fine", "4254", due, 3_500_000, 0, 3_500_000, 0, 36),
    ]
    entries = [
        AccountEntry(due, "charge:tax", 20_000_000, "return:1", "VAT 1701 2026-01", False, 20_000_000),
        AccountEntry(datetime.date(2026, 3, 5), "payment", 5_000_000, "VCB-1", "received", False, 15_000_000),
        AccountEntry(datetime.date(2026, 3, 5), "applied:tax", 5_000_000, "payment:1", "charge:1", True, 15_000_000),
    ]
    as_of = datetime.date(2026, 3, 31)
    data = AccountPrint(as_of, as_of, 15_000_000, 210_000, 3_500_000, 0, 18_710_000, charges, entries)
    text = _flat(pdf_text(account_pdf(TO, data)))
    assert "BẢNG KÊ" in text
    assert "Tài khoản thuế của người nộp thuế tính đến ngày 31 tháng 03 năm 2026" in text
    assert "Mẫu số" not in text  # a statement, not a numbered notice
    assert "Công ty TNHH Hoa Sen Việt" in text
    assert "0109555001" in text
    assert "Tổng phải nộp (total due): 18.710.000 đồng" in text
    assert "Tiền chậm nộp tính đến 31/03/2026 (interest to the day): 210.000 đồng" in text
    assert "Tiền phạt còn nợ (fines owed): 3.500.000 đồng" in text
    assert "VAT 2026-01 Tiền phạt (fine) 4254 23/02/2026 3.500.000 0 3.500.000 0 36" in text
    assert "VCB-1" in text
    assert "đang đối chiếu" in text
    assert "Bảng kê lập ngày 31 tháng 03 năm 2026 từ sổ tài khoản thuế" in text
