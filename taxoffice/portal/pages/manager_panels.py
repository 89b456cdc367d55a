"""The dashboard's panels, each from one report the reports API gives (the same service, the same query).

``build_reports`` asks ``ReportService`` for the four reports of the period (as ``GET /api/v1/reports/{name}``
would, month by month, arrears by age bucket); ``panels_of`` picks their figures and draws their charts.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from taxoffice.auth.roles import Principal
from taxoffice.portal.i18n import Translator
from taxoffice.portal.pages.manager_view import (
    Headline,
    Panel,
    Period,
    bucket_label,
    by_period,
    column_of,
    count_text,
    figures,
    last_of,
    money_text,
    month_short,
    rate_text,
    table_of,
    total_of,
)
from taxoffice.reports import arrears, collections, compliance, growth
from taxoffice.reports.charts import ChartText, Lang, Series, Unit, bar_chart, line_chart
from taxoffice.reports.errors import NoArrearsRunError
from taxoffice.reports.params import ReportQuery, check_query
from taxoffice.reports.services import ReportService, spec_of
from taxoffice.reports.tables import Cell, Report, Section

# The reports on the dashboard, and the grouping each is asked for (months along; arrears by age).
GROUPING: dict[str, str | None] = {
    growth.NAME: None,
    collections.NAME: None,
    arrears.NAME: "bucket",
    compliance.NAME: None,
}


def dashboard_query(name: str, period: Period, lang: Lang) -> ReportQuery:
    """The query of report ``name`` for ``period``: the one the dashboard shows and its workbook link gives."""
    return check_query(
        start=period.start,
        end=period.end,
        today=period.end,
        grain="month",
        group_by=GROUPING[name],
        allowed=spec_of(name).dimensions,
        lang=lang,
        as_of=period.end if name == arrears.NAME else None,
    )


@dataclass(frozen=True)
class Built:
    """The reports of the dashboard, and why any is missing (no flag-arrears run yet)."""

    reports: dict[str, Report]
    missing: dict[str, str]


async def build_reports(
    reports: ReportService, period: Period, lang: Lang, actor: Principal, now: datetime.datetime
) -> Built:
    """Every report of the dashboard for ``period`` as ``actor`` may see it (an officer: its own office)."""
    built: dict[str, Report] = {}
    missing: dict[str, str] = {}
    for name in GROUPING:
        try:
            built[name] = await reports.build(name, dashboard_query(name, period, lang), actor, now)
        except NoArrearsRunError as exc:
            missing[name] = exc.detail
    return Built(built, missing)


def replica_lag(built: Built) -> str | None:
    """How far behind its primary the replica the reports were built from was, in seconds; None: the primary."""
    for report in built.reports.values():
        if report.parameters.get("read_from") == "replica":
            return report.parameters.get("replica_lag_seconds")
    return None


def workbook_href(name: str, period: Period) -> str:
    """Where the page offers report ``name`` of ``period`` as a workbook."""
    return f"/manager/reports/{name}.xlsx?{period.query_string()}"


def panels_of(built: Built, period: Period, lang: Lang) -> list[Panel]:
    """The dashboard's panels, charts drawn (a few tens of milliseconds each: call it off the event loop)."""
    t = Translator(lang)
    reports = built.reports
    panels = [
        growth_panel(reports[growth.NAME], period, lang),
        collections_panel(reports[collections.NAME], period, lang),
        target_panel(reports[collections.NAME], period, lang),
    ]
    found = reports.get(arrears.NAME)
    if found is None:
        detail = built.missing.get(arrears.NAME, "")
        notice = t(
            "Chưa có số liệu tồn nợ: việc phân loại nợ (flag-arrears) chưa chạy đến ngày này.",
            "No arrears stock yet: the arrears run (flag-arrears) has not run up to this day.",
        )
        panels.append(Panel(arrears.NAME, t("Nợ thuế theo tuổi nợ", "Arrears by age"), notice=f"{notice} {detail}"))
    else:
        panels.append(arrears_panel(found, period, lang))
    panels.append(compliance_panel(reports[compliance.NAME], period, lang))
    return panels


def _months(period: Period, lang: Lang) -> list[str]:
    return [month_short(label, lang) for label in period.months]


def growth_panel(report: Report, period: Period, lang: Lang) -> Panel:
    """New registrations month by month against a year earlier, the base and its growth."""
    t = Translator(lang)
    section = report.section("growth")
    title = t("Tăng trưởng người nộp thuế", "Taxpayer base growth")
    base_before = last_of(section, "base_year_earlier")
    headlines = [
        Headline(
            t("Đang quản lý", "Taxpayers under management"),
            count_text(last_of(section, "base"), lang),
            t(
                f"cùng kỳ năm trước: {count_text(base_before, lang)}",
                f"a year earlier: {count_text(base_before, lang)}",
            ),
        ),
        Headline(
            t("Tăng so với cùng kỳ", "Growth on a year earlier"), rate_text(last_of(section, "base_growth_rate"), lang)
        ),
        Headline(
            t("Đăng ký mới từ đầu năm", "New registrations this year"),
            count_text(total_of(section, "registered"), lang),
            t(
                f"chấm dứt: {count_text(total_of(section, 'closed'), lang)}",
                f"closed: {count_text(total_of(section, 'closed'), lang)}",
            ),
        ),
    ]
    series = [
        Series(str(period.year), by_period(section, "registered", period.months)),
        Series(str(period.year - 1), by_period(section, "registered_year_earlier", period.months)),
    ]
    chart = ChartText(
        "chart-growth",
        t("Đăng ký mới theo tháng", "New registrations by month"),
        t(
            f"Biểu đồ cột: số người nộp thuế đăng ký mới mỗi tháng năm {period.year} so với năm {period.year - 1}.",
            f"Bar chart: new taxpayer registrations each month of {period.year} against {period.year - 1}.",
        ),
    )
    keys = ("period", "registered", "registered_year_earlier", "closed", "base", "base_growth_rate")
    return Panel(
        growth.NAME,
        title,
        headlines,
        bar_chart(chart, _months(period, lang), series, Unit.COUNT, lang),
        chart.title,
        [table_of(section, keys, lang)],
        workbook_href(growth.NAME, period),
    )


def collections_panel(report: Report, period: Period, lang: Lang) -> Panel:
    """Money collected month by month, against the same months of last year."""
    t = Translator(lang)
    section = report.section("collections")
    headlines = [
        Headline(t("Đã thu từ đầu năm", "Collected this year"), money_text(total_of(section, "collected"))),
        Headline(
            t("Cùng kỳ năm trước", "Same period last year"), money_text(total_of(section, "collected_year_earlier"))
        ),
        Headline(t("Tăng/giảm", "Change"), rate_text(total_of(section, "growth_rate"), lang)),
    ]
    series = [
        Series(str(period.year), by_period(section, "collected", period.months)),
        Series(str(period.year - 1), by_period(section, "collected_year_earlier", period.months)),
    ]
    chart = ChartText(
        "chart-collections",
        t("Số thu theo tháng so với cùng kỳ", "Collections by month against last year"),
        t(
            f"Biểu đồ cột: số đã thu mỗi tháng năm {period.year} (cột liền) so với năm {period.year - 1} (cột gạch chéo).",
            f"Bar chart: money collected each month of {period.year} (solid) against {period.year - 1} (hatched).",
        ),
    )
    return Panel(
        collections.NAME,
        t("Số thu ngân sách", "Collections"),
        headlines,
        bar_chart(chart, _months(period, lang), series, Unit.MONEY, lang),
        chart.title,
        [table_of(section, ("period", "collected", "collected_year_earlier", "growth_rate"), lang)],
        workbook_href(collections.NAME, period),
    )


def _target_name(office: object, tax_type: object, t: Translator, between: str = " · ") -> str:
    where = t("Toàn Cục", "Whole department") if office == "*" else str(office)
    what = t("mọi sắc thuế", "all taxes") if tax_type == "*" else str(tax_type)
    return f"{where}{between}{what}"


def target_panel(report: Report, period: Period, lang: Lang) -> Panel:
    """Collected against the year's targets; says so when no target is set (never makes one up)."""
    t = Translator(lang)
    section = report.section("targets")
    title = t(f"Số thu so với dự toán năm {period.year}", f"Collections against the {period.year} target")
    href = workbook_href(collections.NAME, period)
    rows = list(section.rows)
    if not rows:
        notice = t(
            f"Chưa đặt dự toán thu năm {period.year}. Lãnh đạo đặt dự toán bằng lệnh "
            f"“taxoffice targets set --year {period.year} --amount …” hoặc API PUT /api/v1/reports/targets.",
            f"No collection target is set for {period.year}. A manager sets one with "
            f"“taxoffice targets set --year {period.year} --amount …” or the API PUT /api/v1/reports/targets.",
        )
        return Panel("targets", title, notice=notice, workbook=href)
    scope = report.parameters.get("tax_office", "*")
    keys = [column.key for column in section.columns]
    office, tax_type, target, collected, progress = (
        keys.index(k) for k in ("tax_office", "tax_type", "target", "collected", "progress")
    )
    main = next((r for r in rows if r[tax_type] == "*" and r[office] in {"*", scope}), rows[0])
    headlines = [
        Headline(
            t(
                f"Đạt dự toán ({_target_name(main[office], main[tax_type], t)})",
                f"Of the target ({_target_name(main[office], main[tax_type], t)})",
            ),
            rate_text(main[progress], lang),
            t(
                f"đã thu {money_text(main[collected])} / dự toán {money_text(main[target])}",
                f"collected {money_text(main[collected])} of {money_text(main[target])}",
            ),
        )
    ]
    names = [_target_name(r[office], r[tax_type], t, "\n") for r in rows]
    series = [
        Series(t("Dự toán", "Target"), figures([r[target] for r in rows])),
        Series(t("Đã thu", "Collected"), figures([r[collected] for r in rows])),
    ]
    chart = ChartText(
        "chart-target",
        t("Đã thu so với dự toán", "Collected against the target"),
        t(
            "Biểu đồ thanh ngang: với mỗi dự toán, số dự toán (thanh liền) và số đã thu từ đầu năm (thanh gạch chéo).",
            "Horizontal bar chart: for each target, the target (solid) and the money collected this year (hatched).",
        ),
    )
    filtered = Section(section.key, section.vi, section.en, section.columns, rows)
    table_keys = ("tax_office", "tax_type", "target", "collected", "progress", "collected_year_earlier", "growth_rate")
    return Panel(
        "targets",
        title,
        headlines,
        bar_chart(chart, names, series, Unit.MONEY, lang, horizontal=True, value_labels=True),
        chart.title,
        [table_of(filtered, table_keys, lang)],
        href,
    )


def arrears_panel(report: Report, period: Period, lang: Lang) -> Panel:
    """The arrears stock by age bucket on the last arrears run up to the period's end, with the indicators."""
    t = Translator(lang)
    stock = report.section("stock")
    indicators = report.section("indicators").rows
    run = datetime.date.fromisoformat(report.parameters["flag_arrears_run"])
    headlines = [
        Headline(
            t("Tổng nợ thuế", "Total arrears"),
            money_text(total_of(stock, "amount")),
            t(
                f"{count_text(total_of(stock, 'cases'), lang)} hồ sơ nợ",
                f"{count_text(total_of(stock, 'cases'), lang)} cases",
            ),
        ),
        _indicator(
            indicators,
            arrears.YEAR_RATIO_ROW,
            t(
                f"Nợ / số thu năm {report.parameters['fiscal_year']}",
                f"Arrears / collections of {report.parameters['fiscal_year']}",
            ),
            lang,
        ),
        _indicator(
            indicators,
            arrears.OLD_SHARE_ROW,
            t("Nợ có khả năng thu trên 12 tháng", "Collectible arrears over 12 months"),
            lang,
        ),
    ]
    buckets = [bucket_label(str(value), lang) for value in column_of(stock, "bucket")]
    chart = ChartText(
        "chart-arrears",
        t("Tồn nợ theo tuổi nợ", "Arrears stock by age"),
        t(
            f"Biểu đồ thanh ngang: số tiền nợ theo số ngày quá hạn, ngày {run:%d/%m/%Y}.",
            f"Horizontal bar chart: the amount overdue by days overdue, on {run:%d/%m/%Y}.",
        ),
    )
    amounts = Series(t("Số tiền nợ", "Amount overdue"), figures(column_of(stock, "amount")))
    return Panel(
        arrears.NAME,
        t("Nợ thuế theo tuổi nợ", "Arrears by age"),
        headlines,
        bar_chart(chart, buckets, [amounts], Unit.MONEY, lang, horizontal=True, value_labels=True),
        t(f"{chart.title}, ngày {run:%d/%m/%Y}", f"{chart.title}, on {run:%d/%m/%Y}"),
        [table_of(stock, ("bucket", "cases", "amount", "share"), lang)],
        workbook_href(arrears.NAME, period),
    )


def _indicator(rows: Sequence[tuple[Cell, ...]], index: int, label: str, lang: Lang) -> Headline:
    """An indicator row (name, amount, rate, benchmark, met) as a headline with its benchmark."""
    _name, _amount, rate, benchmark, met = rows[index]
    limit = rate_text(benchmark, lang)
    note = f"{'chuẩn' if lang == 'vi' else 'benchmark'} < {limit}" + (f" · {met}" if met else "")
    return Headline(label, rate_text(rate, lang), note)


def compliance_panel(report: Report, period: Period, lang: Lang) -> Panel:
    """On-time filing and on-time payment rates, month by month (deadlines passed in the period)."""
    t = Translator(lang)
    filing, payment = report.section("filing"), report.section("payment")
    headlines = [
        Headline(
            t("Nộp tờ khai đúng hạn", "Returns filed on time"),
            rate_text(total_of(filing, "on_time_rate"), lang),
            t(
                f"{count_text(total_of(filing, 'on_time'), lang)} / {count_text(total_of(filing, 'due'), lang)} tờ khai",
                f"{count_text(total_of(filing, 'on_time'), lang)} of {count_text(total_of(filing, 'due'), lang)} returns",
            ),
        ),
        Headline(
            t("Nộp thuế đúng hạn (số tiền)", "Tax paid on time (amount)"),
            rate_text(total_of(payment, "amount_rate"), lang),
            t(
                f"theo số khoản: {rate_text(total_of(payment, 'count_rate'), lang)}",
                f"by count: {rate_text(total_of(payment, 'count_rate'), lang)}",
            ),
        ),
    ]
    series = [
        Series(t("Nộp tờ khai đúng hạn", "Filed on time"), by_period(filing, "on_time_rate", period.months)),
        Series(t("Nộp thuế đúng hạn", "Paid on time"), by_period(payment, "amount_rate", period.months)),
    ]
    chart = ChartText(
        "chart-compliance",
        t("Tỷ lệ nộp tờ khai và nộp thuế đúng hạn", "On-time filing and payment rates"),
        t(
            "Biểu đồ đường: theo tháng của hạn nộp, tỷ lệ tờ khai nộp đúng hạn (đường liền, chấm tròn) và tỷ lệ "
            "số thuế nộp đúng hạn (đường gạch, chấm vuông).",
            "Line chart: by month of the deadline, the share of returns filed on time (solid line, circles) and "
            "the share of tax paid on time (dashed line, squares).",
        ),
    )
    return Panel(
        compliance.NAME,
        t("Tuân thủ: nộp tờ khai, nộp thuế đúng hạn", "Compliance: on-time filing and payment"),
        headlines,
        line_chart(chart, _months(period, lang), series, Unit.PERCENT, lang),
        chart.title,
        [
            table_of(filing, ("period", "due", "on_time", "late", "not_filed", "on_time_rate"), lang),
            table_of(payment, ("period", "charges", "amount_due", "paid_amount", "count_rate", "amount_rate"), lang),
        ],
        workbook_href(compliance.NAME, period),
    )
