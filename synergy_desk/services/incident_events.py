"""The program's own events on an incident's timeline, written inside the caller's transaction
by whichever area did the thing: a payment, a refund, a waiver, a funding change, a call-back."""

from __future__ import annotations

from synergy_desk.domain.enums import CreditNoteKind, TimelineKind
from synergy_desk.domain.money import format_pence
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor, in_transaction

__all__ = ["incident_event", "refund_event_text"]


@in_transaction
def incident_event(actor: Actor | None, incident_id: int, text: str) -> None:
    """Write one event (a line the program writes, not a person) on the incident's timeline.

    It changes neither the incident's version (it collides with nobody's edit) nor its row:
    the money services write it wherever they are in the lock order.
    """
    now = utcnow()
    t.TimelineEntry.create(incident=incident_id, kind=TimelineKind.SYSTEM,
                           author=actor.id if actor else None, occurred_at=now, text=text,
                           created_at=now)


def refund_event_text(kind: CreditNoteKind | str, gross_pence: int, receipt: str,
                      credit_note: str, reason: str) -> str:
    """The timeline's line for an incident's payment refunded (or voided) on a credit note."""
    done = "Voided" if CreditNoteKind(kind) is CreditNoteKind.VOID else "Refunded"
    return (f"{done} {format_pence(gross_pence)} from receipt {receipt} on credit note "
            f"{credit_note}: {reason.rstrip('.')}.")
