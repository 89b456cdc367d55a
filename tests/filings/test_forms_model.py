"""Form definitions check themselves: a broken catalogue fails when it is built, not on a taxpayer's return."""

import dataclasses
import datetime
from types import MappingProxyType

import pytest

from filings.forms import VAT_01_GTGT, FormDefinitionError, FormVersion, Indicator, IndicatorType, Rule, Severity
from filings.periods import DeadlineRule, PeriodKind


def _form(
    indicators: tuple[Indicator, ...],
    rules: tuple[Rule, ...] = (),
    **changes: object,
) -> FormVersion:
    fields: dict[str, object] = {
        "code": "99/TEST",
        "slug": "99-TEST",
        "htkk_code": "999",
        "name_vi": "Thử",
        "name_en": "Test",
        "tax_type": "VAT",
        "period_kinds": (PeriodKind.MONTH,),
        "deadline_rules": MappingProxyType({PeriodKind.MONTH: DeadlineRule.MONTHLY_20TH}),
        "valid_from": datetime.date(2021, 1, 1),
        "valid_to": None,
        "indicators": indicators,
        "rules": rules,
        "payable_indicator": indicators[-1].code,
        "sub_item": "1701",
        "carry_forward": MappingProxyType({}),
        "rate_tolerance": 0,
    }
    fields.update(changes)
    return FormVersion(**fields)  # type: ignore[arg-type]


A = Indicator("ct1", "Một", "One")
B = Indicator("ct2", "Hai", "Two", formula="ct1 * 2")


def test_a_consistent_form_orders_its_formulas() -> None:
    c = Indicator("ct3", "Ba", "Three", formula="ct2 + ct1")
    form = _form((A, c, B))
    assert [i.code for i in form.formula_order] == ["ct2", "ct3"]
    assert form.indicator("ct3") is c
    assert form.has_indicator("ct1")
    assert not form.has_indicator("ct9")
    with pytest.raises(KeyError):
        form.indicator("ct9")
    assert form.rule_prefix == "TEST"
    assert A.box == "[1]"
    assert Indicator("x1", "x", "x").box == "x1"
    assert hash(form) == hash(dataclasses.replace(form))
    assert form == dataclasses.replace(form)


def test_vat_formulas_come_after_their_inputs() -> None:
    order = [i.code for i in VAT_01_GTGT.formula_order]
    assert order.index("ct27") < order.index("ct34")
    assert order.index("ct28") < order.index("ct35") < order.index("ct36") < order.index("ct40a") < order.index("ct40")
    assert order.index("ct41") < order.index("ct43")


@pytest.mark.parametrize(
    ("indicators", "rules", "changes", "message"),
    [
        ((A, Indicator("ct2", "Hai", "Two", formula="ct9 + 1")), (), {}, r"unknown indicators \['ct9'\]"),
        (
            (Indicator("ct1", "Một", "One", formula="ct2"), Indicator("ct2", "Hai", "Two", formula="ct1 + 1")),
            (),
            {},
            "formulas form a cycle",
        ),
        ((A, A), (), {}, "defined twice"),
        (
            (A, B),
            (Rule("T-1", Severity.REJECT, "ct1 <= ct7", ("ct1",), "vi", "en"),),
            {},
            r"unknown indicators \['ct7'\]",
        ),
        (
            (A, B),
            (Rule("T-1", Severity.REJECT, "ct1 >= 0", ("ct8",), "vi", "en"),),
            {},
            r"unknown indicators \['ct8'\]",
        ),
        (
            (A, B),
            (Rule("T-1", Severity.REJECT, "ct1 >= 0", ("ct1",), "{ct5}", "en"),),
            {},
            r"unknown indicators \['ct5'\]",
        ),
        ((A, B), (Rule("T-1", Severity.REJECT, "ct1 >= ", ("ct1",), "vi", "en"),), {}, "rule T-1: cannot parse"),
        (
            (A, Indicator("ct2", "Hai", "Two", formula="ct1.real")),
            (),
            {},
            "the formula of ct2: Attribute is not allowed",
        ),
        ((A, B), (), {"payable_indicator": "ct40"}, r"unknown indicators \['ct40'\]"),
        ((A, B), (), {"carry_forward": MappingProxyType({"ct1": "ct43"})}, r"unknown indicators \['ct43'\]"),
        ((A, B), (), {"period_kinds": (PeriodKind.MONTH, PeriodKind.QUARTER)}, "no deadline rule"),
        ((A, B), (), {"valid_to": datetime.date(2020, 1, 1)}, "before valid_from"),
        ((A, Indicator("ct2", "Hai", "Two", IndicatorType.TEXT, formula="ct1")), (), {}, "cannot have a formula"),
        ((A, Indicator("ct2", "Hai", "Two", IndicatorType.TEXT)), (), {}, "payable indicator must be numeric"),
    ],
)
def test_inconsistent_definitions_are_refused(
    indicators: tuple[Indicator, ...], rules: tuple[Rule, ...], changes: dict[str, object], message: str
) -> None:
    with pytest.raises(FormDefinitionError, match=message):
        _form(indicators, rules, **changes)
