"""The API's vocabulary of instalment plans, extensions, fines by decision and the public debtor list (with ``TERMS``)."""

from taxoffice.glossary import TAX_CODE, Term

_DAY = "2026-11-20"
_ADDRESS = "12 Phố Huế, Phường Hàng Bài, Quận Hoàn Kiếm, Hà Nội"

LAW_TERMS: dict[str, Term] = {
    # A freeze covers the debts it names (Decree 126/2020 Art. 23.3); the ladder counts from the others.
    "ladder_due_on": Term(
        "Due date the ladder counts from today: the oldest debt overdue outside the case's freeze (the oldest of all"
        " when nothing is frozen); null when a freeze covers every overdue debt.",
        "2026-07-20",
    ),
    # Instalment plans (Law 38/2019 Art. 124.5, Circular 80/2021 Art. 66).
    "guarantee": Term("The credit institution's guarantee of the plan, covering the whole debt."),
    "guarantor": Term("The credit institution that guarantees the plan.", "Ngân hàng TMCP Ngoại thương Việt Nam"),
    "valid_until": Term("The last day the guarantee is in force: every instalment falls due by then.", "2026-12-31"),
    "instalments": Term("The plan's instalments."),
    "schedule": Term("The plan's instalments: amount and due day.", [{"due_on": "2026-12-31", "amount": 16000000}]),
    "plan": Term("The instalment plan, if any."),
    "guarantor_demand": Term("Form 02/NDAN to the plan's guarantor once an instalment is missed; null before."),
    "PlanRead.status": Term("kept, missed or completed.", "kept"),
    "GuarantorDemandRead.form": Term(
        "The form sent to the guarantor: 02/NDAN (Circular 80/2021 Appendix I, Art. 66.4).", "02/NDAN"
    ),
    # Ids in paths.
    "fine_id": Term("Id of the late-filing fine (a draft or a decision).", 12),
    "extension_id": Term("Id of the payment extension.", 3),
    "entry_id": Term("Id of the debtor-list entry.", 4),
    "listFines.status": Term("Only drafts (waiting for an officer) or only confirmed decisions.", "draft"),
    # Late-filing fines (Decree 125/2020 Art. 13; Decree 310/2025 from 16 Jan 2026).
    "mitigating": Term("Mitigating circumstances the officer found (each moves the fine 10 % of the midpoint).", 0),
    "aggravating": Term("Aggravating circumstances the officer found.", 0),
    "FineConfirmation.circumstances": Term("What the officer found, in words.", "First late return in five years"),
    "FineConfirmation.paid_before_record": Term(
        "Over 90 days late with tax payable: tax and interest paid before the office's record (Art. 13(5)); "
        "false: Art. 17(1)(a).",
        True,
    ),
    "FineRead.circumstances": Term("What the officer found, in words.", "First late return in five years"),
    "FineRead.paid_before_record": Term("Whether tax and interest were paid before the office's record.", True),
    "proposed_amount": Term("The fine the office proposed, in đồng (the band's midpoint).", 3500000),
    "warning": Term("Whether the decision is a warning (1-5 days late with a mitigating circumstance).", False),
    "clause": Term("The clause of the decree that sets the fine.", "13.2"),
    "legal_basis": Term("The decree and article the fine is decided under.", "Nghị định 125/2020/NĐ-CP, Điều 13"),
    "decided_by": Term("Login name of the officer who decided.", "officer1"),
    # Payment extensions (Law 38/2019 Art. 62 and the yearly decrees).
    "decree": Term("Number of the extension decree the request is made under.", "12/2023/NĐ-CP"),
    "requested_on": Term("Day the taxpayer's request was received.", _DAY),
    "extended_to": Term("The extended payment deadline.", "2026-12-31"),
    "ground": Term("Why the extension is granted: force_majeure or relocation (Art. 62).", "force_majeure"),
    "basis": Term("What the extension stands on: a decree or the office's decision.", "12/2023/NĐ-CP"),
    "granted_by": Term("Login name of who granted it.", "manager"),
    "revoked_on": Term("Day the extension was revoked (it then counts for nothing), if revoked.", "2026-12-01"),
    # The public debtor list (Decree 126/2020 Art. 29).
    "DebtorCandidateRead.address": Term("The taxpayer's registered address.", _ADDRESS),
    "DebtorEntryRead.address": Term("The taxpayer's registered address.", _ADDRESS),
    "amount_overdue": Term("Amount overdue (tax, interest and fines), in đồng.", 113926812),
    "overdue_since": Term("Due date of the oldest unpaid debt.", "2025-04-10"),
    "selected_by": Term("Login name of the officer who selected the debtor.", "officer1"),
    "selected_on": Term("Day the debtor was selected.", _DAY),
    "confirmed_by": Term("Login name of the head of office who confirmed it, once confirmed.", "manager"),
    "confirmed_on": Term("Day the head of office confirmed it, once confirmed.", _DAY),
    "case_ids": Term("Ids of the arrears cases selected (at most 100).", [17, 18]),
    "published_on": Term("Day the debtor was published.", _DAY),
    "DebtorRead.tax_code": Term("The debtor's tax code.", TAX_CODE),
}
