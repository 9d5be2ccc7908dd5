"""The domain's own errors; each carries a message a person can read."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a person is meant to read."""

    title = "Cannot do that"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(DomainError):
    """The input is not acceptable; nothing was changed."""

    title = "Please check the details"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class PermissionDenied(DomainError):
    """The acting user's role does not allow this."""

    title = "Not allowed"


class FundingRequired(DomainError):
    """Work cannot start on an incident until it is funded."""

    title = "Payment needed first"


class ConflictError(DomainError):
    """Someone else saved the same record first; nothing was overwritten.

    ``changes`` maps each field changed since to (what the stale screen showed, what it is
    now); ``changed_by`` names the last person to save it.
    """

    title = "Changed by someone else"

    def __init__(self, message: str, changes: dict[str, tuple[object, object]] | None = None,
                 changed_by: str | None = None) -> None:
        super().__init__(message)
        self.changes = changes or {}
        self.changed_by = changed_by


class NotFound(DomainError):
    """The record asked for does not exist."""

    title = "Not found"


class AuthenticationFailed(DomainError):
    """Wrong user name or password, or the account is locked or inactive."""

    title = "Cannot log in"


class DatabaseError(DomainError):
    """The database cannot be opened or used as it is."""

    title = "Database problem"


class SchemaTooNew(DatabaseError):
    """The database was written by a newer version of the program; it is left untouched."""


class LockTimeout(DomainError):
    """Another desk held what this change needed for longer than a desk waits; nothing of
    this change was saved, and trying again in a moment usually works."""

    title = "Another desk is saving"


class OfficeReplaced(DomainError):
    """The office database this desk opened was replaced (restored from a backup) while the
    desk was open; nothing more is written until the desk opens the office again."""

    title = "The office was restored"
