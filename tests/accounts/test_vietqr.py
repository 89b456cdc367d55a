"""VietQR payloads: layout, CRC-16/CCITT-FALSE, and payloads published by other VietQR libraries."""

import xml.etree.ElementTree as ET

import pytest

from taxoffice.accounts import vietqr

# Payloads published in the READMEs of VietQR libraries; the last 4 characters are their CRC.
PUBLISHED = [
    # github.com/subiz/vietqr, README.md: 120,000 đ to 0011001932418 at BIN 970415, "ung ho lu lut"
    (
        "00020101021238570010A00000072701270006970415011300110019324180208QRIBFTTA530370454061200005802VN"
        "62170813ung ho lu lut6304C15C"
    ),
    # github.com/cuongjpitdnu/vietqr-pay (package cuongnm/viet_qr_pay), README.md: a static code, no amount
    "00020101021138530010A0000007270123000697041601092576788590208QRIBFTTA53037045802VN6304AE9F",
    # the same README: 1,000 đ, purpose "Chuyen tien"
    (
        "00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA5303704540410005802VN"
        "62150811Chuyen tien6304BBB8"
    ),
]


@pytest.mark.parametrize("published", PUBLISHED)
def test_crc_of_published_payloads(published: str) -> None:
    assert vietqr.crc16(published[:-4]) == published[-4:]


def test_crc_check_value() -> None:
    assert vietqr.crc16("123456789") == "29B1"  # the catalogued check value of CRC-16/CCITT-FALSE


def test_payload_reproduces_a_published_one() -> None:
    built = vietqr.payload("970415", "0011001932418", 120_000, "ung ho lu lut")
    assert built == PUBLISHED[0]


def test_payload_layout() -> None:
    built = vietqr.payload("970415", "7111000000000", 15_142_500, "NT7K3QX9M2S 0109666001")
    fields = vietqr.parse(built)
    assert fields["00"] == "01"
    assert fields["01"] == "12"
    merchant = vietqr.parse(fields["38"])
    assert merchant == {"00": "A000000727", "01": "0006970415" + "01137111000000000", "02": "QRIBFTTA"}
    assert vietqr.parse(merchant["01"]) == {"00": "970415", "01": "7111000000000"}
    assert (fields["53"], fields["54"], fields["58"]) == ("704", "15142500", "VN")
    assert vietqr.parse(fields["62"]) == {"08": "NT7K3QX9M2S 0109666001"}
    assert fields["63"] == vietqr.crc16(built[:-4])
    assert built[-8:-4] == "6304"


@pytest.mark.parametrize(
    ("bank_bin", "account", "amount", "purpose"),
    [
        ("97041", "1", 1, ""),
        ("970415", "", 1, ""),
        ("970415", "1" * 20, 1, ""),
        ("970415", "1", 0, ""),
        ("970415", "1", 10**13, ""),
        ("970415", "1", 1, "x" * 26),
        ("970415", "1", 1, "nộp thuế"),
    ],
)
def test_payload_refuses_what_banks_cannot_read(bank_bin: str, account: str, amount: int, purpose: str) -> None:
    with pytest.raises(ValueError, match="must be"):
        vietqr.payload(bank_bin, account, amount, purpose)


def test_parse_refuses_a_truncated_payload() -> None:
    with pytest.raises(ValueError, match="malformed"):
        vietqr.parse(PUBLISHED[0][:-2] + "9")


def test_svg_is_an_svg_document() -> None:
    root = ET.fromstring(vietqr.svg(PUBLISHED[0]).encode())  # noqa: S314 - our own output
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}path") is not None
