"""Reasons a return cannot be received."""

from taxoffice.errors import ConflictError, RuleViolationError


class UnknownFormError(RuleViolationError):
    """No such form (or no version of it for that period)."""

    code = "unknown-form"
    title = "Unknown form"


class PeriodNotEndedError(RuleViolationError):
    """The period has not ended yet: nothing can be declared for it."""

    code = "period-not-ended"
    title = "Period not ended"


class WrongPeriodKindError(RuleViolationError):
    """The form is not filed for that kind of period."""

    code = "wrong-period-kind"
    title = "Wrong period kind"


class AlreadyFiledError(ConflictError):
    """An accepted original exists: send a supplementary return instead."""

    code = "already-filed"
    title = "Already filed"


class NothingToAmendError(ConflictError):
    """A supplementary return needs an accepted original."""

    code = "nothing-to-amend"
    title = "Nothing to amend"


class NotExportableError(ConflictError):
    """A return that cannot be given back as HTKK XML."""

    code = "not-exportable"
    title = "Not exportable"
