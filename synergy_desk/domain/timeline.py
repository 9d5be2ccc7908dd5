"""Which timeline entries the customer sees: what customer-facing documents carry by default."""

from __future__ import annotations

from synergy_desk.domain.enums import TimelineKind

__all__ = ["CUSTOMER_KINDS", "CUSTOMER_EVENTS", "for_customer_by_default"]

#: Calls, e-mails and remote sessions happened with the customer: they see them by default.
#: A note is internal unless the person writing it marks it "for the customer".
CUSTOMER_KINDS = frozenset({TimelineKind.PHONE_IN, TimelineKind.PHONE_OUT,
                            TimelineKind.EMAIL_IN, TimelineKind.EMAIL_OUT,
                            TimelineKind.REMOTE_SESSION})

#: The program's own events a customer is told about: how the incident ended (resolved with
#: its note, or closed unresolved with its reason) and that it was re-opened. Every other event
#: (assignments, work started, waiting, splits and merges, out of remit and its refund workings,
#: waivers) stays with the staff. The opening and the funding are printed in the document's
#: header, not as events.
CUSTOMER_EVENTS = ("Resolved — ", "Re-opened ", "Closed unresolved ")


def for_customer_by_default(kind: TimelineKind | str, text: str) -> bool:
    """Whether an entry of this kind and text is customer-visible unless someone says otherwise."""
    kind = TimelineKind(kind)
    if kind is TimelineKind.SYSTEM:
        return text.startswith(CUSTOMER_EVENTS)
    return kind in CUSTOMER_KINDS
