"""Enumerations stored by value: roles, statuses, resolutions, payment methods, kinds."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    RECEPTION = "reception"
    ENGINEER = "engineer"
    MANAGER = "manager"


class IncidentStatus(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    QUEUED = "queued"
    IN_PROGRESS = "in_progress"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self not in (IncidentStatus.RESOLVED, IncidentStatus.CLOSED)


_STATUS_LABELS = {
    IncidentStatus.AWAITING_PAYMENT: "Awaiting payment",
    IncidentStatus.QUEUED: "Queued",
    IncidentStatus.IN_PROGRESS: "In progress",
    IncidentStatus.WAITING_ON_CUSTOMER: "Waiting on customer",
    IncidentStatus.RESOLVED: "Resolved",
    IncidentStatus.CLOSED: "Closed",
}

OPEN_STATUSES = tuple(s for s in IncidentStatus if s.is_open)


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class FundingKind(StrEnum):
    NONE = "none"
    PAYMENT = "payment"
    TICKET = "ticket"
    CONTRACT = "contract"
    WAIVER = "waiver"

    @property
    def label(self) -> str:
        return {
            FundingKind.NONE: "Unfunded",
            FundingKind.PAYMENT: "Paid",
            FundingKind.TICKET: "Season ticket",
            FundingKind.CONTRACT: "Contract",
            FundingKind.WAIVER: "Waived",
        }[self]


class Resolution(StrEnum):
    SOLUTION = "solution"
    WORKAROUND = "workaround"
    ENHANCEMENT = "enhancement"
    ESCALATED = "escalated"
    UNRESOLVED = "unresolved"
    OUT_OF_REMIT = "out_of_remit"
    MERGED = "merged"

    @property
    def label(self) -> str:
        return {
            Resolution.SOLUTION: "Solution",
            Resolution.WORKAROUND: "Work-around",
            Resolution.ENHANCEMENT: "Enhancement request",
            Resolution.ESCALATED: "Escalated",
            Resolution.UNRESOLVED: "Closed unresolved",
            Resolution.OUT_OF_REMIT: "Out of remit",
            Resolution.MERGED: "Merged into another incident",
        }[self]


#: The four resolutions that resolve an incident (the others close it).
RESOLVING = (Resolution.SOLUTION, Resolution.WORKAROUND, Resolution.ENHANCEMENT,
             Resolution.ESCALATED)


class TimelineKind(StrEnum):
    PHONE_IN = "phone_in"
    PHONE_OUT = "phone_out"
    EMAIL_IN = "email_in"
    EMAIL_OUT = "email_out"
    NOTE = "note"
    REMOTE_SESSION = "remote_session"
    SYSTEM = "system"

    @property
    def label(self) -> str:
        return {
            TimelineKind.PHONE_IN: "Phone call in",
            TimelineKind.PHONE_OUT: "Phone call out",
            TimelineKind.EMAIL_IN: "E-mail in",
            TimelineKind.EMAIL_OUT: "E-mail out",
            TimelineKind.NOTE: "Note",
            TimelineKind.REMOTE_SESSION: "Remote session",
            TimelineKind.SYSTEM: "Event",
        }[self]


class PaymentMethod(StrEnum):
    CASH = "cash"
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"

    @property
    def label(self) -> str:
        return {
            PaymentMethod.CASH: "Cash",
            PaymentMethod.CARD: "Card",
            PaymentMethod.BANK_TRANSFER: "Bank transfer",
        }[self]


class LineKind(StrEnum):
    INCIDENT = "incident"
    SEASON_TICKET = "season_ticket"
    CONTRACT = "contract"


class CreditNoteKind(StrEnum):
    REFUND = "refund"
    VOID = "void"


class LedgerKind(StrEnum):
    PURCHASE = "purchase"
    REDEMPTION = "redemption"
    RECREDIT = "recredit"
    EXPIRY = "expiry"
    ADJUSTMENT = "adjustment"
    CANCELLATION = "cancellation"


class WaiverKind(StrEnum):
    GOODWILL = "goodwill"
    WARRANTY = "warranty"
    INTERNAL = "internal"

    @property
    def label(self) -> str:
        return {
            WaiverKind.GOODWILL: "Goodwill",
            WaiverKind.WARRANTY: "Warranty",
            WaiverKind.INTERNAL: "Internal",
        }[self]


class EscalationStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    CANNOT_REPRODUCE = "cannot_reproduce"
    FIX_SCHEDULED = "fix_scheduled"
    FIXED = "fixed"
    WONT_FIX = "wont_fix"


class EnhancementStatus(StrEnum):
    OPEN = "open"
    PLANNED = "planned"
    DONE = "done"
    DECLINED = "declined"
