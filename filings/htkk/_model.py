"""What an HTKK document declares, as read. Pure."""

import datetime
import functools
import re
from dataclasses import dataclass, field

from filings.periods import Period

_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


# Texts up to this long are remembered (the same few dates head most returns of a period); longer ones are read anew.
_CACHED_LENGTH = 40


def parse_htkk_date(text: str) -> datetime.date | None:
    """A date as programs write it in HTKK files; None when the text is empty or no such date exists.

    Read: ``dd/mm/yyyy``, ``dd-mm-yyyy``, ``dd.mm.yyyy`` and ISO ``yyyy-mm-dd``, any time of day after it ignored.
    """
    return _cached_date(text) if len(text) <= _CACHED_LENGTH else _date(text)


def _date(text: str) -> datetime.date | None:
    day_part = text.strip().replace("T", " ").split(" ", 1)[0]
    if match := _DAY_FIRST.fullmatch(day_part):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    elif match := _ISO.fullmatch(day_part):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


_cached_date = functools.lru_cache(maxsize=1_024)(_date)


@dataclass(frozen=True)
class Producer:
    """The program that wrote the file (``TTinDVu``): HTKK, an accounting package, the portal."""

    code: str
    name: str = ""
    version: str = ""
    vendor: str = ""


@dataclass(frozen=True)
class Appendix:
    """An appendix (``PLuc/<name>``), e.g. ``PL_NQ142_GTGT`` listing the goods sold at the reduced VAT rate.

    ``totals`` holds each figure that occurs once in it (``tongCongThueGTGTDuocGiam``, ``ct9``): a whole number as
    ``int``, else the text; ``rows`` counts the rows of its lists (``BangKeTenHHDV`` …).
    """

    name: str
    totals: dict[str, int | str] = field(default_factory=dict)
    rows: int = 0

    def figure(self, name: str) -> int:
        """A whole-number total of the appendix; 0 when it is absent or not a whole number."""
        value = self.totals.get(name)
        return value if isinstance(value, int) else 0


@dataclass(frozen=True)
class HtkkReturn:
    """What an HTKK document declares.

    ``values`` maps each indicator tag (``ct…``) under ``CTieuTKhaiChinh`` to an ``int`` when its text is a whole
    number, else to the stripped text (which validation then reports); empty elements are left out, as HTKK
    writes them for blank boxes. ``details`` keeps the other filled elements of ``CTieuTKhaiChinh`` (the line of
    business ``ma_NganhNghe``, the budget sub-item ``tieuMucHachToan`` …) as text.
    """

    htkk_code: str
    kind: str
    amendment: int
    period: Period
    tax_code: str
    taxpayer_name: str
    values: dict[str, int | str]
    form_name: str = ""
    form_version: str = ""
    producer: Producer | None = None
    signer: str = ""
    drawn_up_on: datetime.date | None = None
    tax_office: str = ""
    details: dict[str, str] = field(default_factory=dict)
    appendices: tuple[Appendix, ...] = ()
    signed: bool = False
    repeated: tuple[str, ...] = ()

    def appendix(self, name: str) -> Appendix | None:
        """The appendix with this name, if the document carries it."""
        return next((a for a in self.appendices if a.name == name), None)
