"""Who may do what (docs/roles.md), enforced by the services themselves, not by hidden buttons.

One table holds every engineers-only and managers-only use case of the incident services;
each is refused to the roles below it, with nothing written, and works for the lowest role
allowed (so the refusal is about the role and nothing else).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from synergy_desk.domain.enums import EscalationStatus, Resolution, Role, TimelineKind
from synergy_desk.domain.errors import PermissionDenied
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import callbacks, closing, intake, registers, reshape, work
from synergy_desk.services.incidents.closing import EscalationInput
from synergy_desk.services.money import refund_queue
from tests.services.incidents.incident_helpers import (
    entries,
    in_progress,
    make_customer,
    new_call,
    pay_for,
    ticket_funded,
)


@dataclass(frozen=True)
class Scene:
    queued: int  # funded, not started
    working: int  # in progress
    duplicate: int  # in progress, same customer as ``working``
    resolved: int
    request: int
    escalation: int
    callback: int
    engineer_id: int
    product_id: int
    refund: int  # a paid incident closed as out of remit: its refund waits for a manager


@pytest.fixture
def scene(engineer: Actor, reception: Actor, product: t.Product) -> Scene:
    customer = make_customer()
    queued, _ = ticket_funded(reception, customer, product, "Queued one")
    working = in_progress(engineer, reception, customer, product, "Working one")
    work.add_timeline_entry(reception, working.id, TimelineKind.NOTE, "Second aspect")
    duplicate = in_progress(engineer, reception, customer, product, "Working one again")
    resolved = in_progress(engineer, reception, customer, product, "Wants CSV")
    closing.resolve(engineer, resolved.id, Resolution.ENHANCEMENT, "Forwarded",
                      enhancement_title="CSV export")
    bug = in_progress(engineer, reception, customer, product, "Crash")
    closing.resolve(engineer, bug.id, Resolution.ESCALATED, "Bug",
                      escalation=EscalationInput("Open and print", product_version="12.4"))
    promised = callbacks.schedule_callback(reception, customer.id,
                                           utcnow() + dt.timedelta(hours=1), "Ring back")
    paid = new_call(reception, customer, product, subject="Write our macro")
    pay_for(reception, customer, paid.id)
    closing.out_of_remit(engineer, paid.id, "Writing macros is not support")
    return Scene(queued.id, working.id, duplicate.id, resolved.id,
                 int(t.EnhancementRequest.select().get().id), int(t.Escalation.select().get().id),
                 promised.id, engineer.id, product.id, int(t.RefundRequest.select().get().id))


Use = Callable[[Actor, Scene], Any]

ENGINEER_WORK: list[tuple[str, Use]] = [
    ("start work", lambda a, s: work.start_work(a, s.queued)),
    ("claim", lambda a, s: work.claim(a, s.queued)),
    ("assign", lambda a, s: work.assign(a, s.queued, s.engineer_id)),
    ("wait on customer", lambda a, s: work.wait_on_customer(a, s.working, "Asked")),
    ("log e-mail in", lambda a, s: work.add_timeline_entry(
        a, s.working, TimelineKind.EMAIL_IN, "Their reply")),
    ("log e-mail out", lambda a, s: work.add_timeline_entry(
        a, s.working, TimelineKind.EMAIL_OUT, "Our answer")),
    ("log remote session", lambda a, s: work.add_timeline_entry(
        a, s.working, TimelineKind.REMOTE_SESSION, "Connected", 600)),
    ("split", lambda a, s: reshape.split(
        a, s.working, [entries(s.working)[-1].id], subject="Other aspect",
        product_id=s.product_id)),
    ("merge", lambda a, s: reshape.merge(a, s.duplicate, s.working)),
    ("resolve", lambda a, s: closing.resolve(a, s.working, Resolution.SOLUTION, "Fixed")),
    ("close unresolved", lambda a, s: closing.close_unresolved(a, s.working, "No luck")),
    ("re-open", lambda a, s: closing.reopen(a, s.resolved, "Back again")),
    ("set enhancement status", lambda a, s: registers.set_enhancement_status(
        a, s.request, "planned")),
    ("update escalation", lambda a, s: registers.update_escalation(
        a, s.escalation, EscalationStatus.ACKNOWLEDGED, "Looking")),
    ("out of remit", lambda a, s: closing.out_of_remit(a, s.working, "Custom report")),
]
MANAGER_WORK: list[tuple[str, Use]] = [
    ("approve out-of-remit refund", lambda a, s: refund_queue.approve_refund(a, s.refund)),
    ("decline out-of-remit refund", lambda a, s: refund_queue.decline_refund(
        a, s.refund, "Support was given first")),
]

REFUSED = ([(name, use, Role.RECEPTION) for name, use in ENGINEER_WORK]
           + [(name, use, role) for name, use in MANAGER_WORK
              for role in (Role.RECEPTION, Role.ENGINEER)])
ALLOWED = ([(name, use, Role.ENGINEER) for name, use in ENGINEER_WORK]
           + [(name, use, Role.MANAGER) for name, use in MANAGER_WORK])


def _who(office: dict[str, Any], role: Role) -> Actor:
    return {Role.RECEPTION: office["reception"], Role.ENGINEER: office["engineer"],
            Role.MANAGER: office["manager"]}[role]  # type: ignore[no-any-return]


def _state() -> tuple[object, ...]:
    return (tuple(t.Incident.select(t.Incident.id, t.Incident.version)
                  .order_by(t.Incident.id).tuples()),
            t.AuditLog.select().count(), t.TimelineEntry.select().count(),
            tuple(t.CallBack.select(t.CallBack.done_at).tuples()),
            tuple(t.Escalation.select(t.Escalation.status).tuples()),
            tuple(t.EnhancementRequest.select(t.EnhancementRequest.status).tuples()))


@pytest.mark.parametrize(("name", "use", "role"), REFUSED,
                         ids=[f"{n}-{r.value}" for n, _, r in REFUSED])
def test_the_service_refuses_the_role(office: dict[str, Any], scene: Scene, name: str,
                                      use: Use, role: Role) -> None:
    before = _state()
    with pytest.raises(PermissionDenied, match="Only"):
        use(_who(office, role), scene)
    assert _state() == before


@pytest.mark.parametrize(("name", "use", "role"), ALLOWED,
                         ids=[f"{n}-{r.value}" for n, _, r in ALLOWED])
def test_the_lowest_role_allowed_may(office: dict[str, Any], scene: Scene, name: str,
                                     use: Use, role: Role) -> None:
    before = _state()
    use(_who(office, role), scene)
    assert _state() != before


def test_reception_may_mark_a_call_back_done(office: dict[str, Any], scene: Scene) -> None:
    before = _state()
    callbacks.clear_callback(office["reception"], scene.callback, "Spoke")
    assert _state() != before


def test_reception_may_log_calls_create_incidents_and_promise_call_backs(
        office: dict[str, Any], scene: Scene, product: t.Product) -> None:
    rita: Actor = office["reception"]
    customer = t.Incident.get_by_id(scene.working).customer_id
    intake.create_incident(rita, customer, product.id, "Another problem")
    work.add_timeline_entry(rita, scene.working, TimelineKind.PHONE_OUT, "Rang them")
    intake.edit_incident(rita, scene.queued, t.Incident.get_by_id(scene.queued).version,
                            description="More detail from the caller")
    callbacks.schedule_callback(rita, customer, utcnow() + dt.timedelta(hours=3), "Ring")


def test_a_deactivated_engineer_is_refused_at_once(office: dict[str, Any],
                                                   scene: Scene) -> None:
    eddie: Actor = office["engineer"]
    t.User.update(active=False).where(t.User.id == eddie.id).execute()
    with pytest.raises(PermissionDenied, match="no longer active"):
        work.start_work(eddie, scene.queued)
