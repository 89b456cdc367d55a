"""Forms as data: indicators, formulas, rules and the dated versions that hold them (DOMAIN.md §0, §3). Pure.

A :class:`FormVersion` checks its own definition when it is built (formulas and rules compile, name only known
indicators, formulas have no cycles), so a broken catalogue fails at import rather than on a taxpayer's return.
"""

import datetime
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from filings.expressions import Expression, ExpressionError, compile_expression
from filings.periods import DeadlineRule, PeriodKind

# Names a rule or formula may read besides the form's indicators: the form's rate tolerance, and what the office
# reads from the return's appendices and the law in force for its period (``filings/parameters.py``).
RULE_PARAMETERS = frozenset(
    {"tolerance", "vat_reduction", "reduced_rate_in_force", "cit_rate", "cit_rate_small_1", "cit_rate_small_2"}
)


class FormDefinitionError(ValueError):
    """A form version whose definition is inconsistent (a bug in the catalogue, not in a return)."""


class IndicatorType(StrEnum):
    """What an indicator holds."""

    MONEY = "money"
    """Whole đồng; negative only when the indicator allows it."""
    INTEGER = "integer"
    """A count or a flag (whole number)."""
    TEXT = "text"
    """Free text."""


class Severity(StrEnum):
    """What a finding does to a return."""

    REJECT = "reject"
    WARNING = "warning"


@dataclass(frozen=True)
class Indicator:
    """One box of a form (chỉ tiêu), e.g. ``ct40`` "VAT payable".

    A computed indicator has a ``formula``: the office recomputes it from the others.
    """

    code: str
    label_vi: str
    label_en: str
    type: IndicatorType = IndicatorType.MONEY
    required: bool = False
    formula: str | None = None
    allow_negative: bool = False

    @property
    def is_numeric(self) -> bool:
        """Whether the indicator holds a whole number (money or integer)."""
        return self.type is not IndicatorType.TEXT

    @property
    def box(self) -> str:
        """The indicator as printed on the form: ``[40]`` for ``ct40``."""
        return f"[{self.code.removeprefix('ct')}]" if self.code.startswith("ct") else self.code


@dataclass(frozen=True)
class Rule:
    """A check every return must pass: ``check`` is an expression that must be true.

    The messages may name figures as ``{ct40b}``; they are filled in with the values checked.
    """

    code: str
    severity: Severity
    check: str
    indicators: tuple[str, ...]
    message_vi: str
    message_en: str


@dataclass(frozen=True)
class FormVersion:
    """One version of a form, in force from ``valid_from`` to ``valid_to`` (inclusive; None = open-ended)."""

    code: str
    slug: str
    htkk_code: str
    name_vi: str
    name_en: str
    tax_type: str
    period_kinds: tuple[PeriodKind, ...]
    deadline_rules: Mapping[PeriodKind, DeadlineRule]
    valid_from: datetime.date
    valid_to: datetime.date | None
    indicators: tuple[Indicator, ...]
    rules: tuple[Rule, ...]
    payable_indicator: str
    sub_item: str
    carry_forward: Mapping[str, str]
    rate_tolerance: int
    basis: str = ""
    """The legal text that sets out the form, e.g. ``Thông tư 80/2021/TT-BTC, Phụ lục II``."""
    _by_code: dict[str, Indicator] = field(init=False, repr=False, compare=False)
    _formula_order: tuple[Indicator, ...] = field(init=False, repr=False, compare=False)
    numeric_codes: tuple[str, ...] = field(init=False, repr=False, compare=False)
    """The codes of the numeric indicators, in the form's order."""
    formulas: tuple[tuple[str, Expression], ...] = field(init=False, repr=False, compare=False)
    """Each computed indicator's code and compiled formula, in :attr:`formula_order`."""
    checks: tuple[tuple[Rule, Expression], ...] = field(init=False, repr=False, compare=False)
    """Each rule with its compiled check, in the form's order."""
    codes: frozenset[str] = field(init=False, repr=False, compare=False)
    """The codes of every indicator."""
    reading: tuple[tuple[Indicator, str, bool, bool], ...] = field(init=False, repr=False, compare=False)
    """Each indicator with its code, whether it is numeric and whether it is computed (what reading a return asks)."""

    def __post_init__(self) -> None:
        by_code: dict[str, Indicator] = {}
        for indicator in self.indicators:
            if indicator.code in by_code:
                raise FormDefinitionError(f"{self.code}: indicator {indicator.code} is defined twice")
            by_code[indicator.code] = indicator
        object.__setattr__(self, "_by_code", by_code)
        self._check_references()
        object.__setattr__(self, "_formula_order", self._order_formulas())
        object.__setattr__(self, "numeric_codes", tuple(i.code for i in self.indicators if i.is_numeric))
        compiled = tuple((i.code, compile_expression(i.formula or "0")) for i in self._formula_order)
        object.__setattr__(self, "formulas", compiled)
        object.__setattr__(self, "checks", tuple((r, compile_expression(r.check)) for r in self.rules))
        object.__setattr__(self, "codes", frozenset(by_code))
        reading = tuple((i, i.code, i.is_numeric, i.formula is not None) for i in self.indicators)
        object.__setattr__(self, "reading", reading)

    def __hash__(self) -> int:
        return hash((self.code, self.valid_from))

    def _compile(self, text: str, where: str) -> Expression:
        try:
            return compile_expression(text)
        except ExpressionError as exc:
            raise FormDefinitionError(f"{self.code}: {where}: {exc}") from exc

    def _check_references(self) -> None:
        missing_rules = [k for k in self.period_kinds if k not in self.deadline_rules]
        if missing_rules:
            raise FormDefinitionError(f"{self.code}: no deadline rule for period kinds {missing_rules}")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise FormDefinitionError(f"{self.code}: valid_to {self.valid_to} is before valid_from {self.valid_from}")
        named = {self.payable_indicator, *self.carry_forward.keys(), *self.carry_forward.values()}
        for rule in self.rules:
            named.update(self._rule_names(rule))
        for indicator in self.indicators:
            if indicator.formula is not None:
                if not indicator.is_numeric:
                    raise FormDefinitionError(f"{self.code}: text indicator {indicator.code} cannot have a formula")
                named.update(
                    self._compile(indicator.formula, f"the formula of {indicator.code}").names - RULE_PARAMETERS
                )
        unknown = sorted(named - self._by_code.keys())
        if unknown:
            raise FormDefinitionError(f"{self.code}: unknown indicators {unknown}")
        if not self._by_code[self.payable_indicator].is_numeric:
            raise FormDefinitionError(f"{self.code}: the payable indicator must be numeric")

    def _rule_names(self, rule: Rule) -> set[str]:
        """The indicators a rule reads, names and quotes; parameters such as ``tolerance`` left out."""
        names = set(self._compile(rule.check, f"rule {rule.code}").names) | set(rule.indicators)
        for message in (rule.message_vi, rule.message_en):
            names.update(f for _, f, _, _ in string.Formatter().parse(message) if f is not None)
        return names - RULE_PARAMETERS

    def _order_formulas(self) -> tuple[Indicator, ...]:
        """Computed indicators so that each comes after every computed indicator it reads."""
        reads = {
            i.code: sorted(compile_expression(i.formula).names - RULE_PARAMETERS)
            for i in self.indicators
            if i.formula is not None
        }
        ordered: list[Indicator] = []
        state: dict[str, bool] = {}  # False while visiting, True when placed

        def visit(code: str, path: tuple[str, ...]) -> None:
            done = state.get(code)
            if done:
                return
            if done is False:
                raise FormDefinitionError(f"{self.code}: formulas form a cycle: {' → '.join((*path, code))}")
            state[code] = False
            for name in reads[code]:
                if name in reads:
                    visit(name, (*path, code))
            state[code] = True
            ordered.append(self._by_code[code])

        for code in reads:
            visit(code, ())
        return tuple(ordered)

    def indicator(self, code: str) -> Indicator:
        """The indicator with this code.

        Raises:
            KeyError: the form has no such indicator.
        """
        return self._by_code[code]

    def has_indicator(self, code: str) -> bool:
        """Whether the form has an indicator with this code."""
        return code in self._by_code

    @property
    def formula_order(self) -> tuple[Indicator, ...]:
        """The computed indicators in an order where each one's inputs come first."""
        return self._formula_order

    @property
    def rule_prefix(self) -> str:
        """The prefix of the form's own rule codes: ``GTGT`` for 01/GTGT, ``TNCN`` for 05/KK-TNCN."""
        return self.code.rsplit("/", 1)[-1].rsplit("-", 1)[-1]

    def in_force_on(self, day: datetime.date) -> bool:
        """Whether this version applies to ``day``."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)
