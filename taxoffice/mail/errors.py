"""Errors of the outbox; mapped through their base classes (taxoffice/errors.py)."""

from taxoffice.errors import ResourceNotFoundError


class MessageNotFoundError(ResourceNotFoundError):
    """No message in the outbox has the id."""

    def __init__(self, message_id: int) -> None:
        super().__init__(f"No message {message_id} in the outbox.")
