"""The statement of a taxpayer's tax account (bảng kê tài khoản thuế) as a PDF: the figures of the account page.

A statement, not one of the notices the law numbers: the office's header and the date, no form number and no
signature; landscape A4 for its wide tables. It gives the totals, each charge's position (amount, paid,
outstanding, interest owed, days overdue) and every entry with the balance owed after it, and says on which day it
was produced and from what.
"""

from taxoffice.documents.model import AccountPrint, Addressee
from taxoffice.documents.sheet import Sheet, day_words, dong
from taxoffice.money import format_dong

KINDS = {"tax": "Tiền thuế (tax)", "interest": "Tiền chậm nộp (interest)", "fine": "Tiền phạt (fine)"}
ENTRIES = {
    "charge:tax": "Số thuế phải nộp (tax charged)",
    "charge:fine": "Tiền phạt (fine charged)",
    "charge:interest": "Tiền chậm nộp (interest charged)",
    "payment": "Số tiền đã nộp (payment)",
    "applied:tax": "Bù trừ vào tiền thuế (applied to tax)",
    "applied:interest": "Bù trừ vào tiền chậm nộp (applied to interest)",
    "applied:fine": "Bù trừ vào tiền phạt (applied to a fine)",
    "waived:interest": "Xóa tiền chậm nộp (interest written off)",
}
PENDING = " - đang đối chiếu (being reconciled)"
CHARGE_HEADINGS = [
    "Loại thuế (tax)",
    "Kỳ (period)",
    "Khoản (kind)",
    "Tiểu mục (sub-item)",
    "Hạn nộp (due on)",
    "Phải nộp (amount)",
    "Đã nộp (paid)",
    "Còn nợ (outstanding)",
    "Tiền chậm nộp còn nợ (interest owed)",
    "Ngày quá hạn (days overdue)",
]
ENTRY_HEADINGS = [
    "Ngày (date)",
    "Nghiệp vụ (entry)",
    "Số tiền (amount)",
    "Tham chiếu (reference)",
    "Chi tiết (detail)",
    "Số dư còn nợ (balance owed)",
]


def account_pdf(to: Addressee, data: AccountPrint) -> bytes:
    """The account statement of ``to`` as of ``data.as_of``."""
    sheet = Sheet(f"Bảng kê tài khoản thuế {to.tax_code} {data.as_of:%d/%m/%Y}", landscape=True)
    sheet.header(to.tax_office, None, data.produced_on)
    sheet.title(
        "BẢNG KÊ",
        f"Tài khoản thuế của người nộp thuế tính đến {day_words(data.as_of)}",
        f"Statement of the taxpayer's tax account as of {data.as_of:%d/%m/%Y}",
    )
    sheet.fields(
        [
            ("Người nộp thuế (taxpayer)", to.name),
            ("Mã số thuế (tax code)", to.tax_code),
            ("Địa chỉ (address)", to.address or "—"),
            ("Cơ quan thuế quản lý (tax office)", to.tax_office),
        ]
    )
    sheet.para("Tổng hợp (totals):", bold=True)
    sheet.fields(
        [
            ("Tiền thuế còn nợ (tax owed)", dong(data.outstanding)),
            (f"Tiền chậm nộp tính đến {data.as_of:%d/%m/%Y} (interest to the day)", dong(data.interest)),
            ("Tiền phạt còn nợ (fines owed)", dong(data.fines)),
            ("Số nộp thừa (credit)", dong(data.credit)),
            ("Tổng phải nộp (total due)", dong(data.total_due)),
        ]
    )
    sheet.para("Số phải nộp theo loại thuế và kỳ (owed per tax and period):", bold=True)
    if data.charges:
        rows = [CHARGE_HEADINGS] + [
            [
                c.tax_type,
                c.period,
                KINDS.get(c.kind, c.kind),
                c.sub_item,
                f"{c.due_on:%d/%m/%Y}",
                format_dong(c.amount),
                format_dong(c.paid),
                format_dong(c.outstanding),
                format_dong(c.interest),
                str(c.days_overdue),
            ]
            for c in data.charges
        ]
        sheet.table(rows, (16, 18, 33, 21, 22, 30, 30, 30, 34, 27), frozenset(range(5, 10)))
    else:
        sheet.para("Chưa có khoản phải nộp nào. (Nothing has been charged yet.)")
    sheet.para("Sổ chi tiết: phát sinh, số đã nộp và số dư (entries: charges, payments and the balance):", bold=True)
    if data.entries:
        rows = [ENTRY_HEADINGS] + [
            [
                f"{e.on:%d/%m/%Y}",
                ENTRIES.get(e.entry, e.entry) + (PENDING if e.pending else ""),
                format_dong(e.amount),
                e.reference,
                e.detail,
                format_dong(e.balance),
            ]
            for e in data.entries
        ]
        sheet.table(rows, (22, 62, 30, 50, 60, 37), frozenset({2, 5}))
    else:
        sheet.para("Chưa có phát sinh nào. (No entries yet.)")
    sheet.note(
        f"Bảng kê lập {day_words(data.produced_on)} từ sổ tài khoản thuế của người nộp thuế tại cơ quan thuế: "
        f"các khoản phải nộp đã ghi sổ và các khoản đã nộp đến {data.as_of:%d/%m/%Y} (kể cả khoản đang đối chiếu); "
        "tiền chậm nộp tính như thể nộp vào ngày đó. Số dư: tiền thuế và tiền phạt còn nợ sau mỗi nghiệp vụ; số âm là "
        "số nộp thừa. Bảng kê để người nộp thuế đối chiếu, không phải thông báo của cơ quan thuế.\n"
        f"(Produced on {data.produced_on:%d/%m/%Y} from the taxpayer's account kept by the tax office: the amounts "
        f"charged and the payments received up to {data.as_of:%d/%m/%Y}, including those being reconciled; interest "
        "is reckoned as if paid that day. Balance: tax and fines still owed after each entry; negative is a credit. "
        "A statement for checking the account, not a notice of the tax office.)"
    )
    return sheet.output()
