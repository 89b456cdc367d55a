"""Accent- and case-free search form of names."""

from registry.names import fold


def test_fold() -> None:
    assert fold("Công ty  Kiểm Thử") == "cong ty kiem thu"
    assert fold("Đặng Thị Ánh") == "dang thi anh"
    assert fold("  HỘ KINH DOANH  Nguyễn Văn Ứng ") == "ho kinh doanh nguyen van ung"
    assert fold("Công ty TNHH MTV Xuất nhập khẩu Ưu Việt") == "cong ty tnhh mtv xuat nhap khau uu viet"


def test_already_folded_is_unchanged() -> None:
    assert fold("cong ty kiem thu") == "cong ty kiem thu"
