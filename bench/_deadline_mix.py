"""The deadline-day mix: which requests, in which shares, with which bodies.

Returns are distinct originals, period by period over every filer as ``bench/filings.py`` files them: JSON 01/GTGT
for the monthly filers, and files of the real corpus (``tests/fixtures/htkk/real``: HTKK's own 01/GTGT exports with
their appendices) for the quarterly ones, each rewritten to the filer's tax code and a quarter it owes. A few
writes are sent twice, as a client that lost the answer would (a return with the same Idempotency-Key, a payment
with the same bank reference): the second answer must name the same row, and the database must hold it once.
"""

import calendar
import datetime
import itertools
import json
import random
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from bench._deadline_load import Call
from bench._deadline_setup import BANK, OFFICERS
from bench._filings_setup import json_body, periods
from filings.demo import vat_values
from filings.forms import assess, find_filed_version
from filings.htkk import parse_htkk
from filings.intake import RECEIVED_CODES
from filings.parameters import return_parameters

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "htkk" / "real"
# HTKK 01/GTGT files (Circular 80) that bring no credit forward (ct22 = ct43 = 0): any run of quarters chains.
CORPUS_FILES = tuple(f"01GTGT_tt80_Q_payable_appendix_{n}.xml" for n in (1, 2, 3))
FIRST_QUARTER = (2023, 3)
# Shares of the mix, in per cent of requests (the deadline day).
SHARES = {
    "return json": 35,
    "return xml": 35,
    "read obligations": 8,
    "read account": 7,
    "bank payment": 10,
    "officer search": 3,
    "officer worklist": 2,
}
REPLAY_EVERY = 50  # one write in this many is a resend of an earlier one
REPLAY_AFTER_SECONDS = 5.0  # resent once its first answer has had time to come back
BOM = b"\xef\xbb\xbf"
M = 1_000_000


def quarters(until: datetime.date) -> list[tuple[int, int]]:
    """Every quarter from ``FIRST_QUARTER`` to the last one ended before ``until``."""
    found, (year, quarter) = [], FIRST_QUARTER
    while (year, quarter * 3) < (until.year, until.month):
        found.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return found


def rewrite(data: bytes, tax_code: str, year: int, quarter: int) -> bytes:
    """A real quarterly 01/GTGT file filed by ``tax_code`` for ``quarter``/``year``; every figure kept."""
    bom = data.startswith(BOM)
    document = data.decode("utf-8-sig")
    last = calendar.monthrange(year, quarter * 3)[1]
    fields = {
        "mst": tax_code,
        "kyKKhai": f"{quarter}/{year}",
        "kyKKhaiTuNgay": f"01/{quarter * 3 - 2:02d}/{year}",
        "kyKKhaiDenNgay": f"{last:02d}/{quarter * 3:02d}/{year}",
    }
    for tag, value in fields.items():
        document, found = re.subn(f"<{tag}>[^<]*</{tag}>", f"<{tag}>{value}</{tag}>", document, count=1)
        if not found:
            msg = f"no <{tag}> in the corpus file"
            raise ValueError(msg)
    return (BOM if bom else b"") + document.encode()


def _acceptable(data: bytes) -> bool:
    """Whether the office accepts the file on its own figures (the period's form version and rules)."""
    parsed = parse_htkk(data, figures_for=RECEIVED_CODES)
    form, in_force = find_filed_version(parsed.htkk_code, parsed.period.end)
    result = assess(form, parsed.values, parameters=return_parameters(form, parsed.period, parsed.appendices))
    return result.accepted and in_force is None


def corpus_returns(filers: list[tuple[str, str]], until: datetime.date) -> Iterator[tuple[str, bytes]]:
    """(tax code, XML) for every quarter and quarterly filer, from the corpus files accepted for that quarter."""
    originals = [(CORPUS / name).read_bytes() for name in CORPUS_FILES]
    for year, quarter in quarters(until):
        usable = [data for data in originals if _acceptable(rewrite(data, "0100109106", year, quarter))]
        for n, (tax_code, _name) in enumerate(filers):
            if usable:
                yield tax_code, rewrite(usable[n % len(usable)], tax_code, year, quarter)


def json_returns(filers: list[tuple[str, str]], until: datetime.date) -> Iterator[tuple[str, bytes]]:
    """(tax code, JSON) for every month and monthly filer, as ``bench/filings.py`` files them."""
    for n, (period, (tax_code, _name)) in enumerate(itertools.product(periods(until), filers)):
        values = vat_values(sales_10=(300 + n % 97) * M, input_vat=(10 + n % 7) * M)
        yield tax_code, json_body(tax_code, period, values)


class Mix:
    """The next request of the mix, drawn at random in the shares of ``SHARES`` (seeded: the same run twice)."""

    def __init__(
        self,
        monthly: list[tuple[str, str]],
        quarterly: list[tuple[str, str]],
        tokens: dict[str, str],
        today: datetime.date,
        seed: int,
    ) -> None:
        self.rng = random.Random(seed)
        self.filers = monthly + quarterly
        self.tokens = tokens
        self.today = today
        self.run = f"DD{seed}-{int(time.time())}"
        self.returns = {
            "return json": json_returns(monthly, today),
            "return xml": corpus_returns(quarterly, today),
        }
        self.sent: dict[str, list[tuple[float, Call]]] = {"return": [], "bank payment": []}
        self.counter = itertools.count(1)  # numbers the keys
        self.writes = itertools.count(1)  # counts the writes, for the resends
        self.kinds = list(SHARES)
        self.weights = list(SHARES.values())
        self.words = sorted({word for _code, name in self.filers for word in name.split() if len(word) > 3})

    def _auth(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def _replay(self, group: str) -> Call | None:
        """An earlier write of ``group`` sent again, once its first answer has had time to come back."""
        sent = self.sent[group]
        if next(self.writes) % REPLAY_EVERY or not sent or time.perf_counter() - sent[0][0] < REPLAY_AFTER_SECONDS:
            return None
        horizon = time.perf_counter() - REPLAY_AFTER_SECONDS
        ready = [call for at, call in sent[-2000:] if at <= horizon]
        return self.rng.choice(ready) if ready else None

    def _return(self, kind: str) -> Call:
        if (replay := self._replay("return")) is not None:
            return replay
        item = next(self.returns[kind], None)
        if item is None:
            msg = f"out of {kind} returns to file: raise --taxpayers"
            raise SystemExit(msg)
        tax_code, body = item
        media = "application/xml" if kind == "return xml" else "application/json"
        key = f"{self.run}-{next(self.counter)}"
        headers = {**self._auth(tax_code), "Content-Type": media, "Idempotency-Key": key}
        call = Call(kind, "POST", "/api/v1/returns", headers, body, frozenset({"201", "200"}), key)
        self.sent["return"].append((time.perf_counter(), call))
        return call

    def _payment(self) -> Call:
        if (replay := self._replay("bank payment")) is not None:
            return replay
        tax_code, name = self.rng.choice(self.filers)
        bank_ref = f"{self.run}-{next(self.counter)}"
        body = {
            "bank_ref": bank_ref,
            "tax_code": tax_code,
            "amount": self.rng.randrange(1, 400) * 100_000,
            "paid_on": self.today.isoformat(),
            "payer_name": name,
        }
        headers = {**self._auth(BANK), "Content-Type": "application/json"}
        encoded = json.dumps(body, ensure_ascii=False).encode()
        call = Call("bank payment", "POST", "/api/v1/payments", headers, encoded, frozenset({"201", "200"}), bank_ref)
        self.sent["bank payment"].append((time.perf_counter(), call))
        return call

    def __call__(self) -> Call:
        kind = self.rng.choices(self.kinds, self.weights)[0]
        if kind.startswith("return"):
            return self._return(kind)
        if kind == "bank payment":
            return self._payment()
        if kind.startswith("read"):
            tax_code, _name = self.rng.choice(self.filers)
            what = "obligations" if kind == "read obligations" else "account"
            return Call(kind, "GET", f"/api/v1/taxpayers/{tax_code}/{what}", self._auth(tax_code))
        officer = self._auth(self.rng.choice(OFFICERS))
        if kind == "officer search":
            word = self.rng.choice(self.words)
            return Call(kind, "GET", f"/api/v1/taxpayers?q={quote(word)}&limit=50", officer)
        filters = self.rng.choice(("", "&unassigned=true", "&sort=age"))
        return Call(kind, "GET", f"/api/v1/arrears/cases?limit=50{filters}", officer)
