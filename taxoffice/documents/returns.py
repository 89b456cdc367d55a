"""The e-return notices of Circular 19/2021/TT-BTC: the receipt (01-1/TB-TĐT) and the decision (01-2/TB-TĐT).

The receipt tells the taxpayer the office received the return, with its electronic transaction code; the decision
says whether the return is accepted, with the figures posted, or not, with the reasons (each with its rule code).
"""

from taxoffice.documents.model import Addressee, Decision, FiledReturn
from taxoffice.documents.sheet import Sheet, dong, local_time

RECEIPT_FORM = "01-1/TB-TĐT"
DECISION_FORM = "01-2/TB-TĐT"
_AUTOMATIC = (
    "Thông báo này được hệ thống của cơ quan thuế gửi tự động; người nộp thuế tra cứu hồ sơ bằng mã giao dịch "
    "điện tử ở trên. (This notice was sent automatically; look the return up by its transaction code.)"
)


# A late return's fine is an officer's decision, notified on its own (filings/fine_service.py).
_FINE_APART = "theo quyết định riêng của cơ quan thuế (by a separate decision of the office)"


def _kind(amendment_no: int) -> str:
    return "Chính thức (original)" if amendment_no == 0 else f"Bổ sung lần {amendment_no} (supplementary)"


def _addressee(sheet: Sheet, to: Addressee) -> None:
    sheet.fields(
        [
            ("Kính gửi (to)", to.name),
            ("Mã số thuế (tax code)", to.tax_code),
            ("Địa chỉ (address)", to.address or "—"),
        ]
    )


def _the_return(filed: FiledReturn) -> list[tuple[str, str]]:
    return [
        ("Tên hồ sơ (return)", f"{filed.form_name} - mẫu {filed.form_code}"),
        ("Kỳ tính thuế (period)", filed.period),
        ("Loại tờ khai (kind)", _kind(filed.amendment_no)),
        ("Mã giao dịch điện tử (transaction code)", filed.transaction_code),
        ("Thời điểm tiếp nhận (received)", local_time(filed.received_at)),
    ]


def receipt_pdf(to: Addressee, filed: FiledReturn) -> bytes:
    """The receipt notice (01-1/TB-TĐT) of a return received."""
    sheet = Sheet(f"{RECEIPT_FORM} {filed.transaction_code}")
    sheet.header(to.tax_office, RECEIPT_FORM, filed.received_at.date())
    sheet.title("THÔNG BÁO", "Về việc tiếp nhận hồ sơ thuế điện tử", "Receipt of an electronic tax return")
    _addressee(sheet, to)
    sheet.para(
        f"Cơ quan thuế đã nhận được hồ sơ thuế điện tử của người nộp thuế lúc {local_time(filed.received_at)}, "
        "cụ thể như sau:"
    )
    sheet.fields(
        [
            *_the_return(filed),
            ("Hạn nộp (due on)", f"{filed.due_on:%d/%m/%Y}"),
            ("Số ngày nộp chậm (days late)", str(filed.days_late)),
        ]
    )
    sheet.para(
        "Cơ quan thuế sẽ gửi thông báo về việc chấp nhận hoặc không chấp nhận hồ sơ khai thuế điện tử "
        "(mẫu 01-2/TB-TĐT) trong thời hạn quy định. (A notice of acceptance or rejection follows.)"
    )
    sheet.closing(f"CƠ QUAN THUẾ {to.tax_office}")
    sheet.note(_AUTOMATIC)
    return sheet.output()


def decision_pdf(to: Addressee, filed: FiledReturn, decision: Decision) -> bytes:
    """The notice (01-2/TB-TĐT) accepting a return, with its figures, or not accepting it, with the reasons."""
    verdict = "chấp nhận" if decision.accepted else "không chấp nhận"
    sheet = Sheet(f"{DECISION_FORM} {filed.transaction_code}")
    sheet.header(to.tax_office, DECISION_FORM, decision.decided_at.date())
    sheet.title(
        "THÔNG BÁO",
        f"Về việc {verdict} hồ sơ khai thuế điện tử",
        "Acceptance of an electronic tax return" if decision.accepted else "Rejection of an electronic tax return",
    )
    _addressee(sheet, to)
    sheet.para(
        f"Căn cứ hồ sơ khai thuế điện tử người nộp thuế gửi tới cơ quan thuế lúc {local_time(filed.received_at)}, "
        f"cơ quan thuế thông báo {verdict} hồ sơ khai thuế điện tử:"
    )
    sheet.fields(_the_return(filed))
    if decision.accepted:
        sheet.para("Kết quả: CHẤP NHẬN (accepted). Số thuế ghi nhận (figures posted):", bold=True)
        sheet.fields(
            [
                ("Số thuế phải nộp (tax payable)", dong(decision.tax_payable)),
                ("Số ghi vào tài khoản (posted)", dong(decision.posted_amount)),
                (
                    "Tiền phạt nộp chậm tờ khai (late-filing fine)",
                    dong(decision.fine) if decision.fine is not None else _FINE_APART,
                ),
            ]
        )
    else:
        sheet.para("Kết quả: KHÔNG CHẤP NHẬN (not accepted), với lý do (for these reasons):", bold=True)
    if decision.reasons:
        rows = [["Mã (rule)", "Mức (severity)", "Lý do (reason)"]]
        rows += [[r.rule, r.severity, f"{r.message_vi}\n{r.message_en}"] for r in decision.reasons]
        sheet.table(rows, (28, 22, 124))
    if not decision.accepted:
        sheet.para("Người nộp thuế sửa các lỗi nêu trên và gửi lại hồ sơ. (Correct the errors above and file again.)")
    sheet.closing(f"CƠ QUAN THUẾ {to.tax_office}")
    sheet.note(_AUTOMATIC)
    return sheet.output()
