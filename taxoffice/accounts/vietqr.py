"""VietQR: the EMVCo merchant-presented QR payload Vietnamese banking apps scan to fill in a transfer. Pure.

Layout (NAPAS VietQR, on EMVCo QRCPS-MPM; each field is ID, 2-digit length, value):

- ``00`` payload format indicator ``01``; ``01`` point of initiation ``12`` (dynamic: this amount, once;
  ``11`` is a static, reusable code);
- ``38`` merchant account information, itself made of ``00`` the NAPAS GUID ``A000000727``, ``01`` the
  beneficiary (``00`` the bank's 6-digit acquirer BIN, ``01`` the account number) and ``02`` the service code
  ``QRIBFTTA`` (inter-bank fast transfer to an account);
- ``53`` currency ``704`` (đồng); ``54`` amount (whole đồng); ``58`` country ``VN``;
- ``62`` additional data, its ``08`` the purpose of the transfer: what the bank app puts in the description;
- ``63`` CRC-16/CCITT-FALSE (polynomial 0x1021, start 0xFFFF) over everything before it, ``6304`` included,
  as 4 upper-case hex digits.

Checked against payloads published by VietQR libraries (tests/accounts/test_vietqr.py).
"""

import io
import re

import segno

GUID = "A000000727"
SERVICE_TRANSFER_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY = "VN"
MAX_PURPOSE = 25  # EMVCo: a sub-field of the additional data template holds at most 25 characters
MAX_AMOUNT_DIGITS = 13  # EMVCo: the transaction amount field holds at most 13 characters
_BIN = re.compile(r"[0-9]{6}")
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")
_PURPOSE = re.compile(r"[ -~]*")  # printable ASCII: bank apps drop or mangle anything else


def field(tag: str, value: str) -> str:
    """One EMVCo data object: ``tag``, the value's length in two digits, the value.

    Raises:
        ValueError: the value is longer than 99 characters.
    """
    if len(value) > 99:  # noqa: PLR2004 - the two-digit length field
        raise ValueError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def crc16(text: str) -> str:
    """CRC-16/CCITT-FALSE of ``text`` (UTF-8) as 4 upper-case hex digits: ``crc16("123456789") == "29B1"``."""
    crc = 0xFFFF
    for byte in text.encode():
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
        crc &= 0xFFFF
    return f"{crc:04X}"


def payload(bank_bin: str, account: str, amount: int, purpose: str) -> str:
    """The dynamic VietQR payload for a transfer of ``amount`` đồng to ``account`` at the bank ``bank_bin``.

    Args:
        bank_bin: the beneficiary bank's 6-digit NAPAS acquirer BIN (e.g. ``970415``).
        account: the beneficiary account number (letters and digits, at most 19).
        amount: whole đồng, more than 0.
        purpose: the transfer description (printable ASCII, at most 25 characters).

    Raises:
        ValueError: an argument outside the limits above.
    """
    if not _BIN.fullmatch(bank_bin):
        raise ValueError(f"the bank BIN must be 6 digits, not {bank_bin!r}")
    if not _ACCOUNT.fullmatch(account):
        raise ValueError(f"the account number must be 1-19 letters or digits, not {account!r}")
    if amount <= 0 or len(str(amount)) > MAX_AMOUNT_DIGITS:
        raise ValueError(f"the amount must be 1 to 13 digits of đồng, not {amount}")
    if len(purpose) > MAX_PURPOSE or not _PURPOSE.fullmatch(purpose):
        raise ValueError(f"the purpose must be at most {MAX_PURPOSE} printable ASCII characters, not {purpose!r}")
    beneficiary = field("00", bank_bin) + field("01", account)
    merchant = field("00", GUID) + field("01", beneficiary) + field("02", SERVICE_TRANSFER_TO_ACCOUNT)
    body = (
        field("00", "01")
        + field("01", "12")
        + field("38", merchant)
        + field("53", CURRENCY_VND)
        + field("54", str(amount))
        + field("58", COUNTRY)
        + (field("62", field("08", purpose)) if purpose else "")
        + "6304"
    )
    return body + crc16(body)


def parse(text: str) -> dict[str, str]:
    """The top-level fields of an EMVCo payload, tag → value (nested templates left as text).

    Raises:
        ValueError: the text is not a sequence of well-formed fields.
    """
    fields: dict[str, str] = {}
    at = 0
    while at < len(text):
        tag, length = text[at : at + 2], text[at + 2 : at + 4]
        if not (tag.isdigit() and length.isdigit()) or at + 4 + int(length) > len(text):
            raise ValueError(f"malformed field at position {at}")
        fields[tag] = text[at + 4 : at + 4 + int(length)]
        at += 4 + int(length)
    return fields


def svg(text: str, *, standalone: bool = True) -> str:
    """``text`` as a QR code in an SVG document (error correction M, 4-module quiet zone, 4 px modules).

    ``standalone=False`` leaves out the XML declaration and namespace, for an SVG written inside an HTML page.
    """
    buffer = io.BytesIO()
    segno.make_qr(text, error="m", boost_error=False).save(
        buffer, kind="svg", scale=4, border=4, title="VietQR", xmldecl=standalone, svgns=standalone
    )
    return buffer.getvalue().decode()
