"""The assessment app's one domain exception."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A business rule refused an operation. `message` is translatable and shown to the user as is;
    `field` names the form field it belongs to, if any (views add it there, else as a page message)."""

    def __init__(self, message: str | Promise, *, field: str | None = None, code: str = "") -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code
