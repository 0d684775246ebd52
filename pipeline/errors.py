"""Errors that are about an input, not about our code.

A reader raises ``InputError`` with a sentence a planning officer can act on;
the CLI prints it as one line ``FILE: message`` and goes on with the batch.
Anything else that escapes a reader is a bug of ours and is reported as an
internal error for that file (traceback only under ``--debug``).
"""
from __future__ import annotations


class InputError(Exception):
    """A file we cannot read, with the reason in plain words (no traceback shown)."""

    def __init__(self, message: str, page: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.page = page

    def __str__(self) -> str:  # "page 3: ..." when the page is known
        return f"page {self.page}: {self.message}" if self.page else self.message


class NoPledgeItem(InputError):
    """The file was read but holds no pledge card: not a reading error, but no rows either."""
