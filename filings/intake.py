"""Reading a submission, JSON or HTKK XML, into one envelope; unreadable input is refused before anything is stored."""

from dataclasses import dataclass
from typing import Any

import msgspec

from filings.htkk import HtkkError, parse_htkk
from filings.periods import Period, PeriodError, parse_period
from filings.schemas import ReturnKind, ReturnSubmission
from taxoffice.errors import (
    DomainError,
    FieldError,
    InvalidRequestError,
    MalformedInputError,
    PayloadTooLargeError,
    ValidationFailedError,
)


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
    document: str


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
    return Envelope(
        tax_code=data.tax_code,
        form=data.form,
        period=_period(data.period),
        kind=data.kind,
        amendment_no=data.amendment_no,
        values=dict(data.values),
        source_format="json",
        document=body.decode("utf-8", errors="replace"),
    )


def _from_xml(body: bytes, max_bytes: int) -> Envelope:
    try:
        doc = parse_htkk(body, max_bytes=max_bytes)
    except HtkkError as exc:
        raise MalformedInputError(
            f"The HTKK document cannot be read: {exc}", errors=[FieldError("body", exc.code, str(exc))]
        ) from exc
    return Envelope(
        tax_code=doc.tax_code,
        form=doc.htkk_code,
        period=doc.period,
        kind=ReturnKind.SUPPLEMENTARY if doc.kind == "B" else ReturnKind.ORIGINAL,
        amendment_no=doc.amendment if doc.kind == "B" else None,
        values=dict(doc.values),
        source_format="xml",
        document=body.decode("utf-8", errors="replace"),
    )


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
