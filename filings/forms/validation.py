"""Checking a return against its form (DOMAIN.md §3, §4; DESIGN.md §5.5). Pure.

Checks types, presence, carried-forward figures, the office's recomputation of every formula, and the form's rules.
Every finding carries a stable rule code, a severity, the indicators concerned, the offending value and text in
Vietnamese and English. The office's own codes are ``UNKNOWN-INDICATOR``, ``REQUIRED``, ``TYPE``, ``NEGATIVE`` and
``TOO-LARGE``; a carried-forward figure that differs from the previous period is ``<PREFIX>-<box>`` (``GTGT-022``);
a computed indicator that differs from the office's value is ``<PREFIX>-<indicator>`` (``GTGT-ct40``); the form's
rules keep their own codes (``GTGT-040B``).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from filings.forms.model import RULE_PARAMETERS, FormDefinitionError, FormVersion, Indicator, IndicatorType, Severity

# The largest amount accepted in one indicator (đồng): fifteen digits, far above any real return, and far enough
# below the 64-bit limit of the database's BigInteger that sums of many indicators cannot overflow it.
MAX_AMOUNT = 999_999_999_999_999
# How much of an offending value a finding repeats.
MAX_VALUE_TEXT = 100
# Unknown indicators reported one by one; the rest are counted in one more finding, so that a file of thousands of
# stray elements gets a notice of a few kilobytes.
MAX_UNKNOWN_FINDINGS = 20

_TYPE_NAMES_VI = {
    IndicatorType.MONEY: "số tiền nguyên (đồng)",
    IndicatorType.INTEGER: "số nguyên",
    IndicatorType.TEXT: "văn bản",
}
_TYPE_NAMES_EN = {
    IndicatorType.MONEY: "a whole number of đồng",
    IndicatorType.INTEGER: "a whole number",
    IndicatorType.TEXT: "text",
}


@dataclass(frozen=True)
class Finding:
    """Something the office found in a return."""

    rule: str
    severity: Severity
    indicators: tuple[str, ...]
    value: str | None
    message_vi: str
    message_en: str


@dataclass(frozen=True)
class Assessment:
    """What the office made of a return.

    Attributes:
        values: the numeric figures as filed, normalised: every input indicator (a missing one is 0) and each
            computed indicator the filer sent. A figure of the wrong type counts as 0 here.
        computed: the office's value of every computed indicator.
        findings: what the checks found, in the order they ran.
        payable_indicator: the indicator holding the tax payable.
        texts: text indicators as filed.
    """

    values: dict[str, int]
    computed: dict[str, int]
    findings: list[Finding]
    payable_indicator: str = ""
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        """No finding rejects the return (warnings do not)."""
        return all(f.severity is not Severity.REJECT for f in self.findings)

    @property
    def tax_payable(self) -> int:
        """The tax payable by the office's figures, never negative."""
        amount = self.computed.get(self.payable_indicator, self.values.get(self.payable_indicator, 0))
        return max(amount, 0)


def _text(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= MAX_VALUE_TEXT else f"{text[:MAX_VALUE_TEXT]}…"


def _vi(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _en(amount: int) -> str:
    return f"{amount:,}"


def _reject(rule: str, indicators: tuple[str, ...], value: str | None, vi: str, en: str) -> Finding:
    return Finding(
        rule=rule, severity=Severity.REJECT, indicators=indicators, value=value, message_vi=vi, message_en=en
    )


class _Assessor:
    """One assessment in progress."""

    def __init__(self, form: FormVersion, parameters: Mapping[str, int]) -> None:
        self.form = form
        self.parameters = {**parameters, "tolerance": form.rate_tolerance}
        self.findings: list[Finding] = []
        self.values: dict[str, int] = {}
        self.texts: dict[str, str] = {}
        self.filed_computed: dict[str, int] = {}
        # Indicators whose figure could not be used (wrong type, out of range), and everything computed from them.
        self.unusable: set[str] = set()

    def read(self, raw_values: Mapping[str, object]) -> None:
        form = self.form
        # Most returns name only the form's boxes: one set comparison, in C, before looking at any key.
        unknown = [] if raw_values.keys() <= form.codes else [k for k in raw_values if not form.has_indicator(k)]
        for key in unknown[:MAX_UNKNOWN_FINDINGS]:
            name = _text(key)
            self.findings.append(
                _reject(
                    "UNKNOWN-INDICATOR",
                    (name,),
                    _text(raw_values[key]),
                    f"Chỉ tiêu {name} không có trên tờ khai {form.code} ({form.basis or form.htkk_code}).",
                    f"Indicator {name} is not on form {form.code} ({form.basis or form.htkk_code}).",
                )
            )
        if len(unknown) > MAX_UNKNOWN_FINDINGS:
            more = len(unknown) - MAX_UNKNOWN_FINDINGS
            self.findings.append(
                _reject(
                    "UNKNOWN-INDICATOR",
                    (),
                    str(more),
                    f"Còn {_vi(more)} chỉ tiêu khác không có trên tờ khai {form.code}.",
                    f"{_en(more)} more indicators are not on form {form.code}.",
                )
            )
        values, filed_computed = self.values, self.filed_computed
        for indicator, code, numeric, computed in form.reading:
            raw = raw_values.get(code)
            if type(raw) is int and 0 <= raw <= MAX_AMOUNT and numeric:
                # The common case, read without the checks it cannot fail (a whole, in range, not negative number).
                if computed:
                    filed_computed[code] = raw
                values[code] = raw
            elif raw is None and not indicator.required:  # an optional box left out: as ``missing`` reads it
                if numeric and not computed:
                    values[code] = 0
            else:
                self.read_one(indicator, raw)

    def read_one(self, indicator: Indicator, raw: object) -> None:
        if raw is None:
            self.missing(indicator)
        elif not indicator.is_numeric:
            if isinstance(raw, str):
                self.texts[indicator.code] = raw
            else:
                self.type_finding(indicator, raw)
        elif isinstance(raw, bool) or not isinstance(raw, int):
            self.type_finding(indicator, raw)
            if indicator.formula is None:
                self.values[indicator.code] = 0
        else:
            self.number(indicator, raw)

    def missing(self, indicator: Indicator) -> None:
        if indicator.required:
            self.findings.append(
                _reject(
                    "REQUIRED",
                    (indicator.code,),
                    None,
                    f"Thiếu chỉ tiêu bắt buộc {indicator.box} {indicator.label_vi}.",
                    f"The required indicator {indicator.box} ({indicator.label_en}) is missing.",
                )
            )
            self.unusable.add(indicator.code)
        if indicator.is_numeric and indicator.formula is None:
            self.values[indicator.code] = 0

    def number(self, indicator: Indicator, raw: int) -> None:
        code = indicator.code
        if abs(raw) > MAX_AMOUNT:
            box = indicator.box
            self.findings.append(
                _reject(
                    "TOO-LARGE",
                    (code,),
                    str(raw),
                    f"Chỉ tiêu {box} vượt quá {_vi(MAX_AMOUNT)}.",
                    f"Indicator {box} exceeds {_en(MAX_AMOUNT)}.",
                )
            )
            self.unusable.add(code)
            raw = 0
        elif raw < 0 and not indicator.allow_negative:
            box = indicator.box
            self.findings.append(
                _reject(
                    "NEGATIVE",
                    (code,),
                    str(raw),
                    f"Chỉ tiêu {box} không được âm (đã khai {_vi(raw)}).",
                    f"Indicator {box} may not be negative (filed {_en(raw)}).",
                )
            )
        if indicator.formula is not None:
            self.filed_computed[code] = raw
        self.values[code] = raw

    def type_finding(self, indicator: Indicator, raw: object) -> None:
        box = indicator.box
        self.unusable.add(indicator.code)
        self.findings.append(
            _reject(
                "TYPE",
                (indicator.code,),
                _text(raw),
                f"Chỉ tiêu {box} phải là {_TYPE_NAMES_VI[indicator.type]}.",
                f"Indicator {box} must be {_TYPE_NAMES_EN[indicator.type]}, not {type(raw).__name__}.",
            )
        )

    def carry_forward(self, previous: Mapping[str, int]) -> None:
        form = self.form
        for target, source in form.carry_forward.items():
            if target in self.unusable:
                continue
            expected = int(previous.get(source, 0))
            filed = self.values.get(target, 0)
            if filed != expected:
                box, source_box = form.indicator(target).box, form.indicator(source).box
                self.findings.append(
                    _reject(
                        f"{form.rule_prefix}-{target.removeprefix('ct').zfill(3).upper()}",
                        (target,),
                        str(filed),
                        f"Chỉ tiêu {box} phải bằng chỉ tiêu {source_box} của kỳ trước ({_vi(expected)}), đã khai {_vi(filed)}.",
                        f"{box} must equal {source_box} of the previous period ({_en(expected)}); filed {_en(filed)}.",
                    )
                )

    def recompute(self) -> dict[str, int]:
        form = self.form
        # Every numeric box (0 when not filed; ``values`` holds numeric boxes only), then the parameters.
        scope: dict[str, int] = dict.fromkeys(form.numeric_codes, 0)
        scope.update(self.values)
        scope.update(self.parameters)
        computed: dict[str, int] = {}
        unusable = self.unusable
        for code, formula in form.formulas:
            result = formula.evaluate(scope)
            if type(result) is not int:  # neither a bool nor a Fraction
                raise FormDefinitionError(f"{form.code}: the formula of {code} gave {result!r}, not a whole number")
            computed[code] = scope[code] = result
            if unusable and not unusable.isdisjoint(formula.names):
                unusable.add(code)
        for code, filed in self.filed_computed.items():
            office = computed[code]
            if filed != office and code not in self.unusable:
                indicator = form.indicator(code)
                self.findings.append(
                    _reject(
                        f"{form.rule_prefix}-{code}",
                        (code,),
                        str(filed),
                        f"Chỉ tiêu {indicator.box} khai {_vi(filed)}, cơ quan thuế tính lại {_vi(office)} ({indicator.formula}).",
                        f"{indicator.box} was filed as {_en(filed)}; the office computes {_en(office)} ({indicator.formula}).",
                    )
                )
        self.check_rules(scope)
        return computed

    def check_rules(self, scope: dict[str, int]) -> None:
        form = self.form
        unusable = self.unusable
        for rule, check in form.checks:
            if (unusable and not unusable.isdisjoint(check.names)) or check.evaluate(scope):
                continue
            figures_vi = {k: _vi(v) for k, v in scope.items()}
            figures_en = {k: _en(v) for k, v in scope.items()}
            self.findings.append(
                Finding(
                    rule=rule.code,
                    severity=rule.severity,
                    indicators=rule.indicators,
                    value=str(scope[rule.indicators[0]]) if rule.indicators else None,
                    message_vi=rule.message_vi.format_map(figures_vi),
                    message_en=rule.message_en.format_map(figures_en),
                )
            )


def assess(
    form: FormVersion,
    raw_values: Mapping[str, object],
    *,
    previous: Mapping[str, int] | None = None,
    parameters: Mapping[str, int] | None = None,
) -> Assessment:
    """Check a return's figures against its form and recompute every formula.

    Args:
        form: the form version in force for the return's period.
        raw_values: the figures as filed, by indicator code (money and counts as ``int``, text as ``str``); a
            ``None`` counts as missing.
        previous: the office's figures of the previous period's accepted return, when there is one: carried-forward
            indicators must match them. Without it, whatever is carried forward is accepted.
        parameters: what the office read from the return's appendices and the law for its period
            (``filings/parameters.py``): names of ``RULE_PARAMETERS`` that rules and formulas read; a name not given
            is 0.

    Returns:
        The normalised figures, the office's figures and every finding.
    """
    assessor = _Assessor(form, dict.fromkeys(RULE_PARAMETERS, 0) | dict(parameters or {}))
    assessor.read(raw_values)
    if previous is not None:
        assessor.carry_forward(previous)
    computed = assessor.recompute()
    return Assessment(
        values=assessor.values,
        computed=computed,
        findings=assessor.findings,
        payable_indicator=form.payable_indicator,
        texts=assessor.texts,
    )
