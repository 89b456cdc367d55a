"""Reading a submission, JSON or HTKK XML, into one envelope; unreadable input is refused before anything is stored."""

import hashlib
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import msgspec

from filings.forms import CATALOGUE
from filings.htkk import Appendix, HtkkError, HtkkReturn, parse_htkk, repeated_error
from filings.periods import Period, PeriodError, parse_period
from filings.schemas import ReturnSubmission
from filings.vocabulary import ReturnKind
from taxoffice.errors import (
    DomainError,
    FieldError,
    InvalidRequestError,
    MalformedInputError,
    PayloadTooLargeError,
    ValidationFailedError,
)
from taxoffice.validity import refuse_nul


class UnsupportedMediaError(DomainError):
    """The body is neither JSON nor XML."""

    status = 415
    code = "unsupported-media-type"
    title = "Unsupported media type"


@dataclass(frozen=True)
class Envelope:
    """What a submission claims to be, and its figures."""

    tax_code: str
    form: str
    period: Period
    kind: ReturnKind
    amendment_no: int | None
    values: dict[str, Any]
    source_format: str
    document: bytes
    appendices: tuple[Appendix, ...] = ()
    source: dict[str, Any] = field(default_factory=dict)
    """What the office read about the file besides its figures: form version, producing program, signer …"""
    place: str = ""
    """What tells this return from another original of the same period: the line of business and the dependent
    unit or business place in another province it is filed for; empty for the taxpayer's own return."""

    @property
    def sha256(self) -> str:
        """The SHA-256 of the bytes received, printed on the receipt."""
        return hashlib.sha256(self.document).hexdigest()


def _period(text: str) -> Period:
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise ValidationFailedError(str(exc), errors=[FieldError("period", "period.invalid", str(exc))]) from exc


def _from_json(body: bytes) -> Envelope:
    try:
        data = msgspec.json.decode(body, type=ReturnSubmission)
    except msgspec.ValidationError as exc:
        raise InvalidRequestError(
            f"The return is not valid: {exc}", errors=[FieldError("body", "invalid", str(exc))]
        ) from exc
    except msgspec.DecodeError as exc:
        raise MalformedInputError(
            f"The body is not valid JSON: {exc}", errors=[FieldError("body", "json.malformed", str(exc))]
        ) from exc
    # The figures are kept as JSONB, which holds no U+0000. Decoded JSON text holds one only from a ``\u0000``
    # escape (or a raw NUL byte): a body with neither is not walked.
    if b"\\u0000" in body or b"\x00" in body:
        refuse_nul(msgspec.structs.asdict(data))
    return Envelope(
        tax_code=data.tax_code,
        form=data.form,
        period=_period(data.period),
        kind=data.kind,
        amendment_no=data.amendment_no,
        values=dict(data.values),
        source_format="json",
        document=body,
        appendices=tuple(Appendix(name, dict(totals)) for name, totals in data.appendices.items()),
        place=place_of(data.values, {}),
    )


# The HTKK form codes the office receives: a document on another form (a financial statement …) is refused as an
# unknown form without its figures being read.
RECEIVED_CODES = frozenset(f.htkk_code for f in CATALOGUE)


def _from_xml(body: bytes, max_bytes: int) -> Envelope:
    try:
        doc = parse_htkk(body, max_bytes=max_bytes, figures_for=RECEIVED_CODES)
        if doc.repeated:
            raise repeated_error(doc.repeated[0])
    except HtkkError as exc:
        raise MalformedInputError(
            f"The HTKK document cannot be read: {exc}", errors=[FieldError(exc.element or "body", exc.code, str(exc))]
        ) from exc
    return Envelope(
        tax_code=doc.tax_code,
        form=doc.htkk_code,
        period=doc.period,
        kind=ReturnKind.SUPPLEMENTARY if doc.kind == "B" else ReturnKind.ORIGINAL,
        amendment_no=doc.amendment if doc.kind == "B" else None,
        values=dict(doc.values),
        source_format="xml",
        document=body,
        appendices=doc.appendices,
        source=_source(doc),
        place=place_of(doc.values, doc.details),
    )


# The elements that tell one original of a period from another (Decree 126/2020 Art. 11 §1; docs/filings.md): the line of business (``ma_NganhNghe``, 00 = ordinary business), the dependent unit's tax code [10], and the
# province and district of a business place in another province [11c], [11b].
_PLACE_PARTS = ("ma_NganhNghe", "ct10", "ct11c_tinhTP_ma", "ct11b_quanHuyen_ma")
ORDINARY_BUSINESS = "00"
PLACE_MAX_LENGTH = 60


def place_of(values: dict[str, Any], details: dict[str, str]) -> str:
    """The key of the return among the period's originals: empty for the taxpayer's own ordinary return."""
    found = {**{k: v for k, v in values.items() if isinstance(v, str | int)}, **details}
    parts = [str(found.get(name, "")).strip() for name in _PLACE_PARTS]
    if parts[0] == ORDINARY_BUSINESS:
        parts[0] = ""
    return "/".join(parts).rstrip("/")[:PLACE_MAX_LENGTH] if any(parts) else ""


# What is kept of a document's other filled elements and appendices (real returns: at most 6, 3 and 7); the rest is
# counted, and stays in the bytes received.
MAX_DETAILS = 100
MAX_APPENDICES = 20
MAX_APPENDIX_TOTALS = 100


def _first(items: dict[str, Any], count: int) -> dict[str, Any]:
    return dict(islice(items.items(), count))


def _source(doc: HtkkReturn) -> dict[str, Any]:
    producer = doc.producer
    kept = doc.appendices[:MAX_APPENDICES]
    not_kept = {
        "details": max(0, len(doc.details) - MAX_DETAILS),
        "appendices": len(doc.appendices) - len(kept),
        "appendix_totals": sum(max(0, len(a.totals) - MAX_APPENDIX_TOTALS) for a in kept),
    }
    return {
        "form_name": doc.form_name,
        "form_version": doc.form_version,
        "producer": None
        if producer is None
        else {"code": producer.code, "name": producer.name, "version": producer.version, "vendor": producer.vendor},
        "signer": doc.signer,
        "signed": doc.signed,
        "drawn_up_on": doc.drawn_up_on.isoformat() if doc.drawn_up_on else None,
        "tax_office": doc.tax_office,
        "details": _first(doc.details, MAX_DETAILS),
        "appendices": [{"name": a.name, "totals": _first(a.totals, MAX_APPENDIX_TOTALS), "rows": a.rows} for a in kept],
        **({"not_kept": not_kept} if any(not_kept.values()) else {}),
    }


def read_submission(body: bytes, content_type: str, *, max_bytes: int) -> Envelope:
    """The envelope of a JSON or HTKK XML body; a 400/413/415/422 problem when it cannot be read."""
    if len(body) > max_bytes:
        raise PayloadTooLargeError(f"The return is larger than {max_bytes:,} bytes.")
    media = content_type.split(";", 1)[0].strip().lower()
    if media in {"application/xml", "text/xml"}:
        return _from_xml(body, max_bytes)
    if media in {"application/json", ""}:
        return _from_json(body)
    raise UnsupportedMediaError(f"Send application/json or application/xml, not {media!r}.")


_XML_MEDIA = "application/xml"
_JSON_MEDIA = "application/json"
_BOM = b"\xef\xbb\xbf"


def file_media(content_type: str | None, filename: str | None, data: bytes) -> str:
    """The media type of an uploaded file: what the browser said, else its name's extension, else its first byte.

    Browsers send ``text/xml``, ``application/xml`` or ``application/octet-stream`` for the same HTKK file.
    """
    declared = (content_type or "").split(";", 1)[0].strip().lower()
    if declared in {"application/xml", "text/xml", _JSON_MEDIA}:
        return declared
    name = (filename or "").lower()
    if name.endswith(".xml"):
        return _XML_MEDIA
    if name.endswith(".json"):
        return _JSON_MEDIA
    start = data.removeprefix(_BOM).lstrip()[:1]
    return _XML_MEDIA if start == b"<" else _JSON_MEDIA
