"""The page every notice is printed on: A4, DejaVu Sans (it covers Vietnamese), the State header of Circular 19.

A notice of the tax administration opens with the issuing office on the left and the national motto on the right,
the form number above the place and date, then the title, the addressee, the body and the closing lines.
"""

import datetime
from importlib import resources

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from taxoffice.calendar import VN_TZ
from taxoffice.money import format_dong

PDF = "application/pdf"
FONT = "DejaVu"
_FONTS = resources.files("taxoffice.documents") / "fonts"
# Body text size and line height (points, millimetres).
SIZE = 10.5
LINE = 5.5


def dong(amount: int | None) -> str:
    """An amount in đồng as notices write it: ``1.234.567 đồng``; none: an em dash."""
    return "—" if amount is None else f"{format_dong(amount)} đồng"


def local_time(instant: datetime.datetime) -> str:
    """An instant as Hanoi time, ``HH:MM:SS ngày DD/MM/YYYY``."""
    return f"{instant.astimezone(VN_TZ):%H:%M:%S} ngày {instant.astimezone(VN_TZ):%d/%m/%Y}"


def day_words(day: datetime.date) -> str:
    """``ngày 02 tháng 12 năm 2026``: how a notice dates itself."""
    return f"ngày {day:%d} tháng {day:%m} năm {day:%Y}"


class Sheet:
    """One notice being written, top to bottom."""

    def __init__(self, title: str, *, landscape: bool = False) -> None:
        self.pdf = FPDF(orientation="landscape" if landscape else "portrait", unit="mm", format="A4")
        with (
            resources.as_file(_FONTS / "DejaVuSans.ttf") as regular,
            resources.as_file(_FONTS / "DejaVuSans-Bold.ttf") as bold,
        ):
            self.pdf.add_font(FONT, "", str(regular))
            self.pdf.add_font(FONT, "B", str(bold))
        self.pdf.set_title(title)
        self.pdf.set_creator("taxoffice")
        self.pdf.set_margins(18, 15, 18)
        self.pdf.set_auto_page_break(auto=True, margin=15)
        self.pdf.add_page()
        self.pdf.set_font(FONT, size=SIZE)

    def _lines(self, width: float, height: float, text: str, align: Align) -> None:
        """Text wrapped in a box ``width`` wide (0: to the right margin), then back to the left margin below it."""
        self.pdf.multi_cell(width, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    @property
    def width(self) -> float:
        """The width between the margins."""
        return float(self.pdf.epw)

    def header(self, office: str, form: str | None, issued_on: datetime.date) -> None:
        """The issuing office and the national motto side by side, then the form number (if any) and the date."""
        half = self.width / 2
        top = self.pdf.get_y()
        self.pdf.set_font(FONT, "B", 9.5)
        self._lines(half - 4, 5, f"CƠ QUAN THUẾ {office}\n(TAX OFFICE)", Align.C)
        self.pdf.set_xy(self.pdf.l_margin + half, top)
        self._lines(half, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", Align.C)
        self.pdf.set_font(FONT, "", 9)
        self.pdf.ln(2)
        if form is not None:
            self.pdf.cell(0, 5, f"Mẫu số (form): {form}", align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.cell(0, 5, f"{office}, {day_words(issued_on)}", align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(4)
        self.pdf.set_font(FONT, "", SIZE)

    def title(self, vietnamese: str, subtitle: str, english: str) -> None:
        """The notice's title, centred: ``THÔNG BÁO``, what it is about, and the English heading."""
        self.pdf.set_font(FONT, "B", 13)
        self.pdf.cell(0, 7, vietnamese, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.set_font(FONT, "B", SIZE)
        self._lines(0, LINE, subtitle, Align.C)
        self.pdf.set_font(FONT, "", 9)
        self._lines(0, LINE, f"({english})", Align.C)
        self.pdf.ln(3)
        self.pdf.set_font(FONT, "", SIZE)

    def para(self, text: str, *, bold: bool = False) -> None:
        """A paragraph across the page."""
        self.pdf.set_font(FONT, "B" if bold else "", SIZE)
        self._lines(0, LINE, text, Align.L)
        self.pdf.set_font(FONT, "", SIZE)
        self.pdf.ln(1)

    def fields(self, rows: list[tuple[str, str]]) -> None:
        """Label and value pairs, one a line."""
        label_width = self.width * 0.5
        for label, value in rows:
            top = self.pdf.get_y()
            self._lines(label_width, LINE, f"- {label}:", Align.L)
            bottom = self.pdf.get_y()
            self.pdf.set_xy(self.pdf.l_margin + label_width, top)
            self.pdf.set_font(FONT, "B", SIZE)
            self._lines(0, LINE, value, Align.L)
            self.pdf.set_font(FONT, "", SIZE)
            self.pdf.set_y(max(bottom, self.pdf.get_y()))
        self.pdf.ln(1)

    def table(self, rows: list[list[str]], widths: tuple[int, ...], figures: frozenset[int] = frozenset()) -> None:
        """A table whose first row is its headings; the columns numbered in ``figures`` are right-aligned."""
        self.pdf.set_font(FONT, "", 8.5)
        align = tuple(Align.R if column in figures else Align.L for column in range(len(widths)))
        with self.pdf.table(col_widths=widths, line_height=4.5, text_align=align, padding=1) as table:
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(value)
        self.pdf.set_font(FONT, "", SIZE)
        self.pdf.ln(2)

    def closing(self, signer: str) -> None:
        """The closing line on the right: who issues the notice (an electronic notice carries no handwriting)."""
        self.pdf.ln(4)
        self.pdf.set_font(FONT, "B", SIZE)
        self.pdf.cell(0, LINE, signer, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.set_font(FONT, "", 9)
        self.pdf.cell(
            0, LINE, "(Ký điện tử / electronically signed)", align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def note(self, text: str) -> None:
        """A small-print note at the foot of the notice."""
        self.pdf.ln(4)
        self.pdf.set_font(FONT, "", 8)
        self._lines(0, 4, text, Align.L)

    def output(self) -> bytes:
        """The finished PDF."""
        return bytes(self.pdf.output())
