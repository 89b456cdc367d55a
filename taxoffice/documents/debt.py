"""The tax-debt notice (form 01/TTN of Circular 80/2021/TT-BTC) as a PDF: the same content as its workbook.

Every overdue debt line (tax type, budget sub-item, period, due date, days overdue, amount outstanding, late-payment
interest to the issue date), the totals, and how to pay: budget account, chapter, sub-items, payment reference.
"""

from taxoffice.documents.model import Addressee, DebtNoticeData
from taxoffice.documents.sheet import Sheet, day_words, dong
from taxoffice.money import format_dong

DEBT_FORM = "01/TTN"


def debt_notice_pdf(to: Addressee, notice: DebtNoticeData) -> bytes:
    """The debt notice of ``to`` as issued."""
    sheet = Sheet(f"{DEBT_FORM} {notice.number}")
    sheet.header(to.tax_office, DEBT_FORM, notice.issued_on)
    sheet.title(
        "THÔNG BÁO",
        "Tiền thuế nợ, tiền phạt, tiền chậm nộp",
        f"Notice of tax debt, fines and late-payment interest - số (number) {notice.number}",
    )
    sheet.fields(
        [
            ("Kính gửi (to)", to.name),
            ("Mã số thuế (tax code)", to.tax_code),
            ("Địa chỉ (address)", to.address or "—"),
        ]
    )
    sheet.para(
        f"Cơ quan thuế thông báo số tiền thuế nợ, tiền phạt, tiền chậm nộp của người nộp thuế tính đến "
        f"{day_words(notice.issued_on)} như sau:"
    )
    rows = [
        [
            "Loại thuế (tax)",
            "Tiểu mục (sub-item)",
            "Kỳ (period)",
            "Hạn nộp (due)",
            "Quá hạn (days)",
            "Còn nợ (outstanding)",
            "Tiền chậm nộp (interest)",
            "Cộng (total)",
        ]
    ]
    rows += [
        [
            line.tax_type,
            line.sub_item,
            line.period,
            f"{line.due_on:%d/%m/%Y}",
            str(line.days_overdue),
            format_dong(line.outstanding),
            format_dong(line.interest),
            format_dong(line.total),
        ]
        for line in notice.lines
    ]
    rows.append(
        [
            "Tổng cộng (total)",
            "",
            "",
            "",
            "",
            format_dong(notice.outstanding),
            format_dong(notice.interest),
            format_dong(notice.total),
        ]
    )
    sheet.table(rows, (17, 20, 17, 21, 14, 29, 30, 26))
    sheet.para(f"Tổng số tiền phải nộp (total to pay): {dong(notice.total)}", bold=True)
    pay = notice.how_to_pay
    sheet.para("Cách nộp (how to pay):", bold=True)
    sheet.fields(
        [
            ("Tài khoản thu NSNN (budget account)", f"{pay.budget_account} tại Kho bạc Nhà nước"),
            ("Chương (chapter)", pay.chapter),
            ("Tiểu mục nộp nợ (sub-items)", ", ".join(pay.sub_items) or "—"),
            ("Tiểu mục tiền chậm nộp (interest sub-items)", ", ".join(pay.interest_sub_items) or "—"),
            ("Mã tham chiếu (payment reference)", pay.payment_reference),
        ]
    )
    sheet.para(
        "Đề nghị người nộp thuế nộp ngay số tiền trên vào ngân sách nhà nước; quá thời hạn, cơ quan thuế áp dụng "
        "các biện pháp cưỡng chế theo quy định. (Pay at once; past due, enforcement follows.)"
    )
    sheet.closing(f"CƠ QUAN THUẾ {to.tax_office}")
    return sheet.output()
