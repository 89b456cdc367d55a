"""What the city seed adds to the arrears data (``bench/_arrears_data.py``): returns and the payments still waiting.

Returns: every enterprise's and household's positive VAT tax charge of the twelve months ``FIRST_PERIOD`` …
``LAST_PERIOD`` is an accepted original 01/GTGT return of that period (its tax payable and posted amount the
charge's amount, its due date the charge's), filed on time (up to nine days early) or, for ``(n + seed) % 7 = 3``,
1 to 40 days late when that day is already past; one enterprise in ten (``n % 10 < 4``, ``n % 4 = 1``) has also
filed next month's return, received and not yet decided. The document is a short XML placeholder naming the
taxpayer, with its real SHA-256.

Payments waiting: as many as make ``PAYMENTS_PER_TAXPAYER`` payments a taxpayer in all, received on the day, one in
two ``unmatched`` (an unregistered tax code of the same form), the other ``unallocated`` for a taxpayer who owes
nothing overdue (``n % 5 = 1``), waiting for the night's reconcile.
"""

import datetime

from bench._arrears_data import N_OF_CODE, OURS, TAX_CODE

FIRST_PERIOD = "2025-11"
LAST_PERIOD = "2026-10"
NEXT_PERIOD = "2026-11"
NEXT_DUE = datetime.date(2026, 12, 20)
PAYMENTS_PER_TAXPAYER = 3
VAT_FORM = "01/GTGT"
VAT_FORM_FROM = datetime.date(2022, 1, 1)

_DOCUMENT = "convert_to('<HSoThueDTu><maMST>' || __CODE__ || '</maMST><kyKKhai>' || __PERIOD__ || '</kyKKhai></HSoThueDTu>', 'UTF8')"

_RETURN_COLUMNS = """
INSERT INTO tax_return (transaction_code, taxpayer_id, tax_code, form_code, form_valid_from, period, place, kind,
    amendment_no, status, is_current, received_at, decided_at, source_format, document, document_sha256, source,
    "values", computed, findings, tax_payable, posted_amount, due_on, days_late, submitted_by, created_at, updated_at)
"""

_ACCEPTED = (
    (
        """__COLUMNS__
SELECT to_char(x.received_at, 'YYMMDD') || lpad(x.id::text, 11, '0'), x.taxpayer_id, x.tax_code, :form,
    CAST(:form_from AS date), x.period, '', 'original', 0, 'accepted', true, x.received_at, x.received_at, 'xml',
    x.document, encode(sha256(x.document), 'hex'), '{}'::jsonb, '{}'::jsonb, '{}'::jsonb, '[]'::jsonb, x.amount,
    x.amount, x.due_on, x.days_late, 'seed', x.received_at, x.received_at
FROM (
    SELECT c.id, c.taxpayer_id, c.tax_code, c.period, c.amount, c.due_on, l.days_late,
        ((c.due_on + l.days_late - CASE WHEN l.days_late = 0 THEN s.n % 10 ELSE 0 END) + time '02:00')
            AT TIME ZONE 'UTC' AS received_at,
        __DOCUMENT__ AS document
    FROM account_charge AS c JOIN taxpayer AS t ON t.id = c.taxpayer_id
    CROSS JOIN LATERAL (SELECT split_part(c.source, ':', 2)::int AS n) AS s
    CROSS JOIN LATERAL (
        SELECT CASE WHEN (s.n + :seed) % 7 = 3 AND c.due_on + 1 + s.n % 40 <= CAST(:day AS date)
            THEN 1 + s.n % 40 ELSE 0 END AS days_late
    ) AS l
    WHERE c.source LIKE 'bench:%' AND c.kind = 'tax' AND c.amount > 0 AND c.tax_type = 'VAT'
        AND c.period BETWEEN :first_period AND :last_period AND t.kind IN ('enterprise', 'household')
) AS x
ORDER BY x.id
"""
    )
    .replace("__COLUMNS__", _RETURN_COLUMNS)
    .replace("__DOCUMENT__", _DOCUMENT.replace("__CODE__", "c.tax_code").replace("__PERIOD__", "c.period"))
)

_RECEIVED = """__COLUMNS__
SELECT to_char(CAST(:day AS date), 'YYMMDD') || lpad((90000000000 + t.n)::text, 11, '0'), t.id, t.tax_code, :form,
    CAST(:form_from AS date), :next_period, '', 'original', 0, 'received', false,
    CAST(:day AS date) + time '02:00' AT TIME ZONE 'UTC', NULL, 'xml', t.document, encode(sha256(t.document), 'hex'),
    '{}'::jsonb, '{}'::jsonb, '{}'::jsonb, '[]'::jsonb, NULL, NULL, CAST(:next_due AS date), 0, 'seed', now(), now()
FROM (
    SELECT id, tax_code, __N__ AS n, __DOCUMENT__ AS document FROM taxpayer WHERE __OURS__
) AS t
WHERE t.n % 10 < 4 AND t.n % 4 = 1
"""

_WAITING = """
INSERT INTO payment (bank_ref, tax_code, taxpayer_id, payer_name, amount, paid_on, source, status, unallocated,
    received_by, note, created_at, updated_at)
SELECT 'SEED-PAY-' || i, y.code, t.id, '', x.amount, CAST(:day AS date), 'bank',
    CASE WHEN t.id IS NULL THEN 'unmatched' ELSE 'unallocated' END, x.amount, 'bench', '', now(), now()
FROM generate_series(1, :waiting) AS i
CROSS JOIN LATERAL (
    SELECT CASE WHEN i % 2 = 0 THEN :taxpayers + i ELSE 5 * ((i / 2) % greatest(:taxpayers / 5, 1)) + 1 END AS n,
        1000000 + (i * 7919 + :seed) % 50 * 100000 AS amount
) AS x
CROSS JOIN LATERAL (SELECT __TAX_CODE__ AS code FROM (SELECT x.n AS n) AS v) AS y
LEFT JOIN taxpayer AS t ON t.tax_code = y.code
ORDER BY i
""".replace("__TAX_CODE__", TAX_CODE)


_RECEIVED = (
    _RECEIVED.replace("__COLUMNS__", _RETURN_COLUMNS)
    .replace("__DOCUMENT__", _DOCUMENT.replace("__CODE__", "tax_code").replace("__PERIOD__", "'11/2026'"))
    .replace("__N__", N_OF_CODE)
    .replace("__OURS__", OURS)
)


def steps(
    taxpayers: int, matched_payments: int, day: datetime.date, seed: int
) -> list[tuple[str, str, dict[str, object]]]:
    """The seed's own statements after the arrears data (``matched_payments``: the payments it made)."""
    form = {"form": VAT_FORM, "form_from": VAT_FORM_FROM, "day": day, "seed": seed}
    waiting = max(0, PAYMENTS_PER_TAXPAYER * taxpayers - matched_payments)
    return [
        ("returns accepted", _ACCEPTED, {**form, "first_period": FIRST_PERIOD, "last_period": LAST_PERIOD}),
        (
            "returns received",
            _RECEIVED,
            {**form, "next_period": NEXT_PERIOD, "next_due": NEXT_DUE},
        ),
        ("payments waiting", _WAITING, {"waiting": waiting, "taxpayers": taxpayers, "day": day, "seed": seed}),
    ]
