"""Deciding what one incident is: splitting another aspect off into a new incident (charged
again) and merging a duplicate into the one that carries on (its funding handed back)."""

from __future__ import annotations

from collections.abc import Sequence

from synergy_desk.domain.enums import (
    FundingKind,
    IncidentStatus,
    Resolution,
    TimelineKind,
)
from synergy_desk.domain.errors import ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import (
    ENGINEERS,
    Actor,
    audit,
    fk_id,
    get_or_404,
    opt_fk_id,
    require,
    retried,
    transaction,
)
from synergy_desk.services.incident_state import (
    check_no_open_request,
    counts_in_one_pass,
    lock_customer,
    update_incident,
)
from synergy_desk.services.incidents import fields
from synergy_desk.services.incidents.changes import (
    IncidentRef,
    changing,
    create_in_tx,
    fund_from_contract_in_tx,
    is_funded,
    lock_pair,
    not_merged,
    ref_of,
    reindex,
    status_of,
    system_entry,
    touch,
)
from synergy_desk.services.money import funding

__all__ = ["split", "merge"]


@retried
def split(actor: Actor, incident_id: int, entry_ids: Sequence[int], *, subject: str,
          product_id: int, description: str = "", module_id: int | None = None,
          product_version: str = "") -> IncidentRef:
    """Move some of an incident's entries to a new incident about another aspect.

    The new incident is for the same customer and starts unfunded: another aspect is another
    incident, paid for again (unless the customer's contract covers it).

    Raises:
        ValidationError, NotFound, PermissionDenied.
    """
    with changing(actor, incident_id, ENGINEERS, "split incidents",
                  not_merged_for="split it") as incident:
        if status_of(incident) is IncidentStatus.CLOSED:
            raise ValidationError(f"{incident.reference} is closed; it cannot be split.")
        wanted = sorted(set(entry_ids))
        if not wanted:
            raise ValidationError("Choose at least one entry to move to the new incident.",
                                  "entries")
        entries = list(t.TimelineEntry.select()
                       .where(t.TimelineEntry.id.in_(wanted)
                              & (t.TimelineEntry.incident == incident.id)))
        if len(entries) != len(wanted):
            stray = sorted(set(wanted) - {e.id for e in entries})
            raise ValidationError(
                f"Entries {', '.join(map(str, stray))} are not on {incident.reference}.",
                "entries")
        if any(TimelineKind(e.kind) is TimelineKind.SYSTEM for e in entries):
            raise ValidationError(
                "Events record this incident's own history and stay with it; move calls, "
                "e-mails, notes and remote sessions.", "entries")
        staying = (t.TimelineEntry.select()
                   .where((t.TimelineEntry.incident == incident.id)
                          & (t.TimelineEntry.kind != TimelineKind.SYSTEM)
                          & t.TimelineEntry.id.not_in(wanted)).count())
        if staying == 0:
            raise ValidationError(
                f"At least one entry must stay on {incident.reference}; to move everything, "
                "edit its subject instead.", "entries")
        product, module = fields.product_and_module(product_id, module_id)
        customer = t.Customer.get_by_id(fk_id(incident, "customer"))
        contact = (t.Contact.get_by_id(opt_fk_id(incident, "contact"))
                   if opt_fk_id(incident, "contact") is not None else None)
        new = create_in_tx(actor, customer, contact, product, module,
                           subject=fields.subject(subject),
                           description=fields.description(description),
                           product_version=fields.product_version(product_version),
                           priority=fields.priority(incident.priority), split_from=incident.id)
        (t.TimelineEntry.update(incident=new.id, moved_from=incident.id)
         .where(t.TimelineEntry.id.in_(wanted)).execute())
        n = len(wanted)
        noun = "entry" if n == 1 else "entries"
        system_entry(actor, incident, f"{n} {noun} split off into {new.reference} "
                                      f"({new.subject}) by {actor.full_name}.")
        system_entry(actor, new, f"Split from {incident.reference} by {actor.full_name}; "
                                 f"{n} {noun} moved here.")
        audit(actor, "incident.split", "incident", incident.id,
              {"entries": wanted, "entries_on": incident.reference, "split_into": None},
              {"entries": wanted, "entries_on": new.reference, "split_into": new.reference,
               "new_incident": new.reference})
        touch(incident)
        notice = fund_from_contract_in_tx(actor, new)
        reindex(incident, new)
        if not notice:
            notice = (f"{new.reference} is a new incident and needs its own funding "
                      "before work starts.")
        return ref_of(new, [notice])


@retried
def merge(actor: Actor, duplicate_id: int, survivor_id: int) -> str:
    """Merge a duplicate incident into the one that carries on.

    The duplicate's calls, e-mails and notes join the survivor's timeline in time order; the
    duplicate is closed as merged and its funding is handed back (a ticket incident is
    re-credited; a payment moves to the survivor if that is unfunded).

    The customer is locked before the two incidents (the lock order of
    :mod:`synergy_desk.services.incident_state`), as a refund does: a manager refunding the
    duplicate's receipt meanwhile either goes first (the merge then finds the duplicate
    unfunded and moves nothing) or waits and finds the payment on the survivor.

    Returns:
        One line saying what was done.

    Raises:
        ValidationError, NotFound, PermissionDenied.
    """
    with transaction(), counts_in_one_pass():
        require(actor, ENGINEERS, "merge incidents")
        if duplicate_id == survivor_id:
            raise ValidationError("An incident cannot be merged into itself.")
        # An incident never changes customer, so reading whose they are needs no lock.
        customers = {fk_id(get_or_404(t.Incident, i, "incident"), "customer")
                     for i in (duplicate_id, survivor_id)}
        if len(customers) == 1:
            lock_customer(customers.pop())
        duplicate, survivor = lock_pair(duplicate_id, survivor_id)
        if fk_id(duplicate, "customer") != fk_id(survivor, "customer"):
            raise ValidationError(
                f"{duplicate.reference} and {survivor.reference} are for different customers; "
                "only one customer's incidents can be merged.")
        for incident in (duplicate, survivor):
            not_merged(incident, "merge with it")
            if status_of(incident) is IncidentStatus.CLOSED:
                raise ValidationError(f"{incident.reference} is closed; it cannot be merged.")
        # The money that arrives for it must still find the incident open and unfunded.
        check_no_open_request(duplicate, f"merged into {survivor.reference}")
        moving = [e.id for e in t.TimelineEntry.select(t.TimelineEntry.id)
                  .where((t.TimelineEntry.incident == duplicate.id)
                         & (t.TimelineEntry.kind != TimelineKind.SYSTEM))]
        if moving:
            (t.TimelineEntry.update(incident=survivor.id, moved_from=duplicate.id)
             .where(t.TimelineEntry.id.in_(moving)).execute())
        # Promised call-backs follow the conversation.
        moved_callbacks = (t.CallBack.update(incident=survivor.id)
                           .where((t.CallBack.incident == duplicate.id)
                                  & t.CallBack.done_at.is_null()).execute())
        handed_back = ""
        duplicate_funding = FundingKind(duplicate.funding)
        if is_funded(duplicate):
            transfer = survivor if not is_funded(survivor) else None
            handed_back = funding.hand_back_funding(
                actor, duplicate, f"Merged into {survivor.reference}", transfer_to=transfer)
        now = utcnow()
        update_incident(actor, duplicate, {
            "status": IncidentStatus.CLOSED, "resolution": Resolution.MERGED,
            "resolution_note": f"Duplicate of {survivor.reference}.",
            "merged_into": survivor.id, "closed_at": now}, action="incident.merge")
        n = len(moving)
        noun = "entry" if n == 1 else "entries"
        system_entry(actor, duplicate, f"Merged into {survivor.reference} by "
                                       f"{actor.full_name}; {n} {noun} moved there.")
        system_entry(actor, survivor, f"{duplicate.reference} merged into this incident by "
                                      f"{actor.full_name}; {n} {noun} moved here.")
        touch(survivor)
        audit(actor, "incident.merge", "incident", survivor.id,
              {"entries": moving, "entries_on": duplicate.reference,
               "duplicate": duplicate.reference, "duplicate_funding": duplicate_funding,
               "merged_in": None},
              {"entries": moving, "entries_on": survivor.reference,
               "duplicate": duplicate.reference, "callbacks": moved_callbacks,
               "duplicate_funding": FundingKind(duplicate.funding), "funding": handed_back,
               "merged_in": duplicate.reference})
        reindex(duplicate, survivor)
        summary = f"{duplicate.reference} merged into {survivor.reference}: {n} {noun} moved"
        if handed_back:
            summary += f"; {handed_back.rstrip('.')}"
        return summary + "."

