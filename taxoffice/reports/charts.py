"""Charts of report figures drawn as SVG on the server (matplotlib, no display). Pure: data in, SVG text out.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>``, its text kept as text
(``svg.fonttype = "none"``: no glyph outlines, so the file stays small and a screen reader or a search finds the
words), its element ids prefixed with the chart's id so that several charts live in one HTML page. Colours are the
Okabe-Ito palette (told apart with the common colour-vision deficiencies), and series differ by more than colour:
hatching on bars, marker and dash on lines. Drawing takes tens of milliseconds (the layout fits the margins to
the labels), so the last charts drawn are kept by their arguments. Each bar is a group ``id="<chart>-bar-<series>-<n>"`` and each line
``id="<chart>-line-<series>"`` (one marker per point), so a test can count them.

Figures come in as report cells (int đồng or counts, Decimal fractions for rates); they are turned into floats
here only to be drawn. The axis and bar labels are the short forms of ``short_money``/``short_count``/``percent``.
"""

import functools
import io
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Literal

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.typing import RcKeyType

Lang = Literal["vi", "en"]
DASH = "\N{EN DASH}"  # written for a figure that has no value (a rate without a base)
Value = int | Decimal | None

# Okabe & Ito (2008), "Color Universal Design": blue, orange, bluish green, vermillion, reddish purple, sky blue.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9")
HATCHES = ("", "///", "...", "xx", "\\\\\\", "++")
MARKERS = ("o", "s", "^", "D", "v", "P")
DASHES = ("-", "--", ":", "-.", "-", "--")
INK, MUTED, GRID = "#1b2330", "#4d5766", "#d5dbe3"
FONT = "DejaVu Sans"  # matplotlib's own, with every Vietnamese letter; the page falls back to its own font
SIZE = (4.8, 3.0)  # inches; 72 points each in SVG: 346 by 216, about a phone's width
_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "taxoffice",  # the same chart gives the same SVG
    "font.family": FONT,
    "font.size": 12.0,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "text.color": INK,
    "hatch.color": "#ffffff",
    "hatch.linewidth": 1.0,
}
LEGEND_LINE = 30  # characters of series names that fit side by side above the plot
MANY_CATEGORIES, SMALL_FONT = 8, 10.0
# A chart drawn is kept (the same figures give the same SVG): a dashboard shown again costs nothing.
CACHED_CHARTS = 128
# matplotlib's settings are global: one chart at a time (each takes a few milliseconds).
_LOCK = threading.Lock()
_ID = re.compile(r'id="([^"]+)"')
_REF = re.compile(r'(url\(#|href="#)([^)"]+)')
_MILLIARD, _MILLION, _THOUSAND = 10**9, 10**6, 10**3


class Unit(StrEnum):
    """What the values of a chart are."""

    MONEY = "money"  # integer đồng
    COUNT = "count"
    PERCENT = "percent"  # Decimal fractions: 0.25 is 25 %


@dataclass(frozen=True)
class Series:
    """One series: its name (the legend) and one value per category (None: nothing to draw there)."""

    label: str
    values: Sequence[Value]


@dataclass(frozen=True)
class ChartText:
    """What a chart says: its id in the page, its title, and a sentence describing it for screen readers."""

    chart_id: str
    title: str
    desc: str


def _decimal_text(value: Decimal, places: int, lang: Lang) -> str:
    """``value`` rounded half-up to ``places`` decimals, without trailing zeros, with the language's comma."""
    text = format(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "vi" else text


def _grouped(number: int, lang: Lang) -> str:
    """An integer with thousands separated: ``1.234`` (vi) or ``1,234`` (en)."""
    text = f"{abs(number):,}"
    sign = "\u2212" if number < 0 else ""
    return sign + (text.replace(",", ".") if lang == "vi" else text)


def short_money(amount: int, lang: Lang = "vi") -> str:
    """Đồng in a few characters: ``1,2 tỷ ₫`` / ``₫1.2 bn``, ``350 triệu ₫`` / ``₫350 m``, ``12 nghìn ₫`` / ``₫12 k``."""
    sign = "\u2212" if amount < 0 else ""
    size = abs(amount)
    units = (
        (_MILLIARD, "tỷ", "bn"),
        (_MILLION, "triệu", "m"),
        (_THOUSAND, "nghìn", "k"),
    )
    for scale, vi, en in units:
        if size >= scale:
            figure = _decimal_text(Decimal(size) / scale, 1 if size < 100 * scale else 0, lang)
            return f"{sign}{figure} {vi} ₫" if lang == "vi" else f"{sign}₫{figure} {en}"
    return f"{sign}{size} ₫" if lang == "vi" else f"{sign}₫{size}"


def short_count(count: int, lang: Lang = "vi") -> str:
    """A count with thousands separated."""
    return _grouped(count, lang)


def percent(fraction: Decimal | None, lang: Lang = "vi", places: int = 1) -> str:
    """A Decimal fraction as a percentage: ``Decimal("0.2534")`` → ``25,3 %`` / ``25.3%``; None → an en dash."""
    if fraction is None:
        return DASH
    text = _decimal_text(fraction * 100, places, lang)
    return f"{text} %" if lang == "vi" else f"{text}%"


def _label(unit: Unit, lang: Lang) -> Callable[[float], str]:
    """How a value of ``unit`` is written on an axis or a bar (the axis gives floats: drawing units)."""
    if unit is Unit.MONEY:
        return lambda value: short_money(round(float(value)), lang)
    if unit is Unit.PERCENT:
        return lambda value: percent(Decimal(f"{float(value):.4f}") / 100, lang, 0)
    return lambda value: short_count(round(float(value)), lang)


def _drawn(value: Value, unit: Unit) -> float:
    """A cell as drawing units (percentages for rates); nothing is drawn as 0 height."""
    if value is None:
        return 0.0
    return float(value * 100) if unit is Unit.PERCENT else float(value)


def _figure() -> tuple[Figure, Axes]:
    figure = Figure(figsize=SIZE, layout="constrained")  # margins fitted to the labels
    axes = figure.add_subplot()
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_axisbelow(True)
    return figure, axes


def _frozen(series: Sequence[Series]) -> tuple[Series, ...]:
    return tuple(Series(one.label, tuple(one.values)) for one in series)


def bar_chart(
    text: ChartText,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: Unit,
    lang: Lang = "vi",
    *,
    horizontal: bool = False,
    value_labels: bool = False,
) -> str:
    """Grouped bars: one group per category, one bar per series; ``value_labels`` writes each bar's value."""
    return _bar_chart(text, tuple(categories), _frozen(series), unit, lang, horizontal, value_labels)


@functools.lru_cache(maxsize=CACHED_CHARTS)
def _bar_chart(
    text: ChartText,
    categories: tuple[str, ...],
    series: tuple[Series, ...],
    unit: Unit,
    lang: Lang,
    horizontal: bool,
    value_labels: bool,
) -> str:
    fmt = _label(unit, lang)
    with _LOCK, mpl.rc_context(_RC):
        figure, axes = _figure()
        count = max(len(series), 1)
        width = 0.8 / count
        positions = range(len(categories))
        for index, one in enumerate(series):
            offsets = [p - 0.4 + width * (index + 0.5) for p in positions]
            heights = [_drawn(v, unit) for v in one.values]
            draw = axes.barh if horizontal else axes.bar
            bars = draw(
                offsets,
                heights,
                width * 0.92,
                label=one.label,
                color=PALETTE[index % len(PALETTE)],
                hatch=HATCHES[index % len(HATCHES)],
                edgecolor="none",
            )
            for number, bar in enumerate(bars):
                bar.set_gid(f"bar-{index}-{number}")
            if value_labels:
                labels = ["" if v is None else fmt(_drawn(v, unit)) for v in one.values]
                axes.bar_label(bars, labels=labels, padding=2, fontsize=9.5, color=INK)
        value_axis, category_axis = (axes.xaxis, axes.yaxis) if horizontal else (axes.yaxis, axes.xaxis)
        _category_ticks(category_axis, categories)
        value_axis.set_major_formatter(FuncFormatter(lambda value, _pos: fmt(value)))
        value_axis.set_major_locator(MaxNLocator(nbins=3 if horizontal else 5, integer=unit is Unit.COUNT))
        axes.grid(visible=True, axis="x" if horizontal else "y", color=GRID, linewidth=0.8)
        if horizontal:
            axes.invert_yaxis()  # the first category on top, as it is read
            axes.margins(x=0.18 if value_labels else 0.05)
        elif value_labels:
            axes.margins(y=0.15)
        _legend(axes, series)
        return _svg(figure, text)


def line_chart(
    text: ChartText, categories: Sequence[str], series: Sequence[Series], unit: Unit, lang: Lang = "vi"
) -> str:
    """Lines over the categories, one per series, a marker at each value (a gap where the value is None)."""
    return _line_chart(text, tuple(categories), _frozen(series), unit, lang)


@functools.lru_cache(maxsize=CACHED_CHARTS)
def _line_chart(
    text: ChartText, categories: tuple[str, ...], series: tuple[Series, ...], unit: Unit, lang: Lang
) -> str:
    fmt = _label(unit, lang)
    with _LOCK, mpl.rc_context(_RC):
        figure, axes = _figure()
        positions = list(range(len(categories)))
        for index, one in enumerate(series):
            values = [float("nan") if v is None else _drawn(v, unit) for v in one.values]
            (line,) = axes.plot(
                positions,
                values,
                label=one.label,
                color=PALETTE[index % len(PALETTE)],
                marker=MARKERS[index % len(MARKERS)],
                linestyle=DASHES[index % len(DASHES)],
                linewidth=2,
                markersize=5,
            )
            line.set_gid(f"line-{index}")
        _category_ticks(axes.xaxis, categories)
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: fmt(value)))
        axes.yaxis.set_major_locator(MaxNLocator(nbins=5))
        if unit is Unit.PERCENT:
            axes.set_ylim(0, 105)
        axes.grid(visible=True, axis="y", color=GRID, linewidth=0.8)
        _legend(axes, series)
        return _svg(figure, text)


def _legend(axes: Axes, series: Sequence[Series]) -> None:
    """The series' names above the plot: side by side when short, one under another when not."""
    if len(series) > 1:
        wide = sum(len(one.label) for one in series) > LEGEND_LINE
        axes.legend(
            loc="lower left",
            bbox_to_anchor=(0, 1.0),
            ncols=1 if wide else len(series),
            frameon=False,
            borderaxespad=0.2,
        )


def _category_ticks(axis: Axis, categories: Sequence[str]) -> None:
    """The categories along ``axis``, a size smaller when there are many (twelve months fit a phone)."""
    axis.set_ticks(list(range(len(categories))), list(categories))
    if len(categories) > MANY_CATEGORIES:
        axis.set_tick_params(labelsize=SMALL_FONT)


def _svg(figure: Figure, text: ChartText) -> str:
    """The figure as inline SVG: no XML prolog or metadata, ids prefixed, a title and a description for readers."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    prefix = text.chart_id
    svg = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = _REF.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)
    svg = svg.replace(f"font-family: '{FONT}'", f"font-family: '{FONT}', 'Be Vietnam Pro', sans-serif")
    head_end = svg.index(">") + 1
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
    head = svg[:head_end].replace(
        "<svg ", f'<svg role="img" aria-labelledby="{title_id}" aria-describedby="{desc_id}" ', 1
    )
    labels = (
        f'\n <title id="{title_id}">{_escape(text.title)}</title>\n <desc id="{desc_id}">{_escape(text.desc)}</desc>'
    )
    return head + labels + svg[head_end:].rstrip() + "\n"


def _escape(words: str) -> str:
    return words.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
