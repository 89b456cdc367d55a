"""Forms as data: definitions, the shipped catalogue and validation of returns against them. Pure."""

from filings.forms.catalogue import (
    CATALOGUE,
    VAT_01_GTGT,
    UnknownFormError,
    all_forms,
    find_by_htkk,
    find_filed_version,
    find_form,
    forms_for_tax_type,
)
from filings.forms.cit_2021 import CIT_03_TNDN_TT80
from filings.forms.cit_2025 import CIT_03_TNDN
from filings.forms.model import FormDefinitionError, FormVersion, Indicator, IndicatorType, Rule, Severity
from filings.forms.pit import PIT_05_KK_TNCN, PIT_05_KK_TNCN_TT92
from filings.forms.validation import MAX_AMOUNT, Assessment, Finding, assess
from filings.forms.vat import VAT_01_GTGT_TT26

__all__ = [
    "CATALOGUE",
    "CIT_03_TNDN",
    "CIT_03_TNDN_TT80",
    "MAX_AMOUNT",
    "PIT_05_KK_TNCN",
    "PIT_05_KK_TNCN_TT92",
    "VAT_01_GTGT",
    "VAT_01_GTGT_TT26",
    "Assessment",
    "Finding",
    "FormDefinitionError",
    "FormVersion",
    "Indicator",
    "IndicatorType",
    "Rule",
    "Severity",
    "UnknownFormError",
    "all_forms",
    "assess",
    "find_by_htkk",
    "find_filed_version",
    "find_form",
    "forms_for_tax_type",
]
