"""The SVG charts, from worked figures: short đồng, rates, valid XML, one bar or point per value, text kept as text."""

import re
from decimal import Decimal
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

from taxoffice.reports.charts import (
    PALETTE,
    ChartText,
    Series,
    Unit,
    bar_chart,
    line_chart,
    percent,
    short_count,
    short_money,
)

M = 1_000_000
SVG_NS = "{http://www.w3.org/2000/svg}"
MONTHS = ["T1", "T2", "T3", "T4"]


def _ids(root: Element, pattern: str) -> list[str]:
    return [str(e.get("id")) for e in root.iter() if re.fullmatch(pattern, str(e.get("id") or ""))]


def test_short_money_in_both_languages() -> None:
    assert short_money(1_234_567_890) == "1,2 tỷ ₫"
    assert short_money(1_234_567_890, "en") == "₫1.2 bn"
    assert short_money(125_000_000_000) == "125 tỷ ₫"  # from 100 units on, no decimals
    assert short_money(350 * M) == "350 triệu ₫"
    assert short_money(2_500_000, "en") == "₫2.5 m"
    assert short_money(3 * M) == "3 triệu ₫"  # no ",0"
    assert short_money(558_000) == "558 nghìn ₫"
    assert short_money(999) == "999 ₫"
    assert short_money(0, "en") == "₫0"
    assert short_money(-1_500_000_000) == "\u22121,5 tỷ ₫"
    assert short_money(1_050_000_000) == "1,1 tỷ ₫"  # half up, as money.py rounds


def test_counts_and_rates() -> None:
    assert short_count(1_234_567) == "1.234.567"
    assert short_count(1_234_567, "en") == "1,234,567"
    assert percent(Decimal("0.2534")) == "25,3 %"
    assert percent(Decimal("0.2534"), "en") == "25.3%"
    assert percent(Decimal("0.25")) == "25 %"
    assert percent(Decimal("2.5"), "en") == "250%"
    assert percent(Decimal("0.00005")) == "0 %"
    assert percent(None) == "\N{EN DASH}"


def test_grouped_bars_one_per_value_in_valid_svg_with_title_and_description() -> None:
    text = ChartText("chart-x", "Số thu theo tháng & năm", "Cột: số thu năm 2026 so với 2025.")
    svg = bar_chart(
        text,
        MONTHS,
        [Series("2026", [10 * M, 20 * M, None, 40 * M]), Series("2025", [5 * M, 5 * M, 5 * M, 5 * M])],
        Unit.MONEY,
    )
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-x-title"
    assert root.findtext(f"{SVG_NS}title") == "Số thu theo tháng & năm"
    assert root.findtext(f"{SVG_NS}desc") == "Cột: số thu năm 2026 so với 2025."
    assert len(_ids(root, r"chart-x-bar-0-\d")) == 4  # None is a bar of no height: the month is still there
    assert len(_ids(root, r"chart-x-bar-1-\d")) == 4
    words = [e.text for e in root.iter(f"{SVG_NS}text")]
    assert {"T1", "T4", "2026", "2025"} <= set(words)  # text stays text (no glyph outlines)
    assert "40 triệu ₫" in words  # the value axis in short đồng
    assert all(str(e.get("id")).startswith("chart-x-") for e in root.iter() if e.get("id"))
    assert "<?xml" not in svg
    assert "<metadata" not in svg
    assert "@font-face" not in svg
    assert PALETTE[0].lower() in svg
    assert PALETTE[1].lower() in svg
    assert "<pattern" in svg  # the second series is hatched: told apart without colour


def test_horizontal_bars_with_their_values_written() -> None:
    text = ChartText("t", "Target", "Bars")
    svg = bar_chart(
        text,
        ["HNI"],
        [Series("Target", [12_000 * M]), Series("Collected", [9_967 * M])],
        Unit.MONEY,
        "en",
        horizontal=True,
        value_labels=True,
    )
    root = ElementTree.fromstring(svg)
    words = [e.text for e in root.iter(f"{SVG_NS}text")]
    assert "₫12 bn" in words
    assert "₫10 bn" in words  # 9.967 bn to one decimal
    assert len(_ids(root, r"t-bar-[01]-0")) == 2


def test_lines_one_marker_per_value_and_a_gap_for_none() -> None:
    text = ChartText("c", "Rates", "Lines")
    svg = line_chart(
        text,
        MONTHS,
        [
            Series("Filed", [Decimal("0.8"), Decimal("0.9"), None, Decimal(1)]),
            Series("Paid", [Decimal("0.5")] * 4),
        ],
        Unit.PERCENT,
    )
    root = ElementTree.fromstring(svg)
    lines = {str(e.get("id")): e for e in root.iter() if e.get("id") in {"c-line-0", "c-line-1"}}
    assert len(list(lines["c-line-0"].iter(f"{SVG_NS}use"))) == 3
    assert len(list(lines["c-line-1"].iter(f"{SVG_NS}use"))) == 4
    assert "100 %" in [e.text for e in root.iter(f"{SVG_NS}text")]


def test_two_charts_share_no_id_and_the_same_figures_give_the_same_svg() -> None:
    series = [Series("2026", [1, 2, 3, 4])]
    first = bar_chart(ChartText("a", "A", "A"), MONTHS, series, Unit.COUNT)
    second = bar_chart(ChartText("b", "B", "B"), MONTHS, series, Unit.COUNT)
    ids = re.findall(r'id="([^"]+)"', first + second)
    assert len(ids) == len(set(ids))
    assert bar_chart(ChartText("a", "A", "A"), MONTHS, [Series("2026", (1, 2, 3, 4))], Unit.COUNT) == first
    assert len(first) < 20_000  # a small page element
