"""Budget sub-items (tiểu mục, 4 digits) the ledger posts to and payment slips name (DOMAIN.md §9). Pure.

A charge carries the sub-item of what it is for: a tax keeps its form's (1701 VAT on domestic goods and services,
1052 CIT …), a late-filing fine and the interest on a tax have their own.
"""

# Late-filing fines on domestic taxes [open: not verified against the treasury's tables, see docs/filings.md].
FINE_SUB_ITEM = "4254"
# Late-payment interest on domestic VAT (DOMAIN.md §9).
VAT_INTEREST_SUB_ITEM = "4931"
# The interest sub-item by the tax's sub-item. A tax not listed keeps its own sub-item on the interest line of a
# payment slip: confirm the code with the treasury.
INTEREST_SUB_ITEMS: dict[str, str] = {"1701": VAT_INTEREST_SUB_ITEM}
# The same by tax type, for debt notices; a tax type missing here is shown as "ask the tax office", not guessed.
INTEREST_SUB_ITEMS_BY_TAX_TYPE: dict[str, str] = {"VAT": VAT_INTEREST_SUB_ITEM}
