"""Registry statuses and the moves between them (DOMAIN.md §2). Pure."""

from enum import StrEnum


class TaxpayerStatus(StrEnum):
    """Status codes of the tax registry."""

    ACTIVE = "00"
    CLOSED = "01"
    MOVED = "02"
    CEASING = "03"
    INCOMPLETE = "04"
    SUSPENDED = "05"
    NOT_AT_ADDRESS = "06"
    AWAITING_BANKRUPTCY = "07"


LABELS: dict[TaxpayerStatus, tuple[str, str]] = {
    TaxpayerStatus.ACTIVE: ("Đang hoạt động", "Active"),
    TaxpayerStatus.CLOSED: (
        "Ngừng hoạt động và đã hoàn thành thủ tục chấm dứt hiệu lực MST",
        "Ceased, tax code closed",
    ),
    TaxpayerStatus.MOVED: ("Đã chuyển cơ quan thuế quản lý", "Moved to another tax office"),
    TaxpayerStatus.CEASING: (
        "Ngừng hoạt động nhưng chưa hoàn thành thủ tục chấm dứt hiệu lực MST",
        "Ceased, closure pending",
    ),
    TaxpayerStatus.INCOMPLETE: ("Đang hoạt động (chưa hoàn thành thủ tục đăng ký)", "Active, registration incomplete"),
    TaxpayerStatus.SUSPENDED: ("Tạm ngừng hoạt động, kinh doanh", "Temporarily suspended"),
    TaxpayerStatus.NOT_AT_ADDRESS: (
        "Không hoạt động tại địa chỉ đã đăng ký",
        "Not operating at the registered address",
    ),
    TaxpayerStatus.AWAITING_BANKRUPTCY: ("Chờ làm thủ tục phá sản", "Awaiting bankruptcy"),
}

S = TaxpayerStatus
TRANSITIONS: dict[TaxpayerStatus, frozenset[TaxpayerStatus]] = {
    S.ACTIVE: frozenset({S.MOVED, S.CEASING, S.SUSPENDED, S.NOT_AT_ADDRESS, S.AWAITING_BANKRUPTCY}),
    S.INCOMPLETE: frozenset({S.ACTIVE, S.CEASING, S.SUSPENDED, S.NOT_AT_ADDRESS}),
    S.SUSPENDED: frozenset({S.ACTIVE, S.CEASING, S.NOT_AT_ADDRESS, S.AWAITING_BANKRUPTCY}),
    S.NOT_AT_ADDRESS: frozenset({S.ACTIVE, S.CEASING, S.AWAITING_BANKRUPTCY}),
    S.CEASING: frozenset({S.CLOSED, S.ACTIVE}),
    S.AWAITING_BANKRUPTCY: frozenset({S.CLOSED, S.ACTIVE}),
    S.MOVED: frozenset({S.ACTIVE}),
    S.CLOSED: frozenset(),
}

# Changes to these statuses are published the next working day (DOMAIN.md §2).
PUBLISHED_NEXT_WORKING_DAY = frozenset({S.CLOSED, S.CEASING, S.SUSPENDED, S.NOT_AT_ADDRESS})
# A taxpayer in these statuses may not file or open an e-filing account.
CANNOT_FILE = frozenset({S.CLOSED})
# Debts of taxpayers in these statuses are difficult to collect (DOMAIN.md §8).
DIFFICULT_TO_COLLECT = frozenset({S.CLOSED, S.CEASING, S.NOT_AT_ADDRESS, S.AWAITING_BANKRUPTCY})


def transition_problem(current: TaxpayerStatus, new: TaxpayerStatus) -> str | None:
    """Why ``current`` → ``new`` is not allowed, or None when it is."""
    if current == new:
        return f"The taxpayer is already in status {new.value} ({LABELS[new][1]})."
    if current is S.CLOSED:
        return "Status 01 (tax code closed) is final: no further change is possible."
    allowed = TRANSITIONS[current]
    if new not in allowed:
        options = ", ".join(sorted(s.value for s in allowed))
        return (
            f"Status {current.value} ({LABELS[current][1]}) cannot change to {new.value} ({LABELS[new][1]}); "
            f"allowed: {options}."
        )
    return None
