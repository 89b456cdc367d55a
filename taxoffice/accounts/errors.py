"""Errors of the taxpayer's account, payments and payment orders; mapped through their base classes.

A taxpayer that is not registered is the registry's ``TaxpayerNotFoundError``; a bank statement that cannot be read
is ``statements.StatementError``.
"""

from taxoffice.errors import ConflictError, FieldError, ResourceNotFoundError, RuleViolationError, ValidationFailedError


class PaymentNotFoundError(ResourceNotFoundError):
    """No payment has the id (or the caller may not see it)."""

    def __init__(self, payment_id: int, *, with_taxpayer: bool = False) -> None:
        what = "payment with a taxpayer" if with_taxpayer else "payment"
        super().__init__(f"No {what} has the id {payment_id}.")


class BankRefReusedError(ConflictError):
    """The bank's reference was already used for a different payment (the same payment again is a 200)."""

    def __init__(self, bank_ref: str) -> None:
        super().__init__(f"The bank reference {bank_ref} was already used for a different payment.")


class PaymentStateError(ConflictError):
    """The payment's status does not allow the change (reassigning a matched one, reversing twice)."""


class TaxCodeRequiredError(ValidationFailedError):
    """A payment that names no payment order needs its tax code."""

    def __init__(self, message: str = "A payment without a payment-order reference needs its tax code.") -> None:
        super().__init__(message, errors=[FieldError("tax_code", "tax_code.required", message)])


class PaymentOrderNotFoundError(ResourceNotFoundError):
    """No payment order has the reference."""

    def __init__(self, reference: str) -> None:
        super().__init__(f"No payment order has the reference {reference[:40]}.")


class OrderNotCancellableError(ConflictError):
    """Only an open payment order can be cancelled."""

    def __init__(self, reference: str, status: str) -> None:
        super().__init__(f"Payment order {reference} is {status}: only an open order can be cancelled.")


class NothingToPayError(RuleViolationError):
    """A payment order for a taxpayer with no overdue debt."""
