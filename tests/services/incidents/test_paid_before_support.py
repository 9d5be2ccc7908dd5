"""Paid before support, everywhere: while an incident is unfunded only the intake may be logged
on it; support work (remote sessions, outgoing support calls and replies) is refused for every
role with the message starting work gives."""

from __future__ import annotations

import pytest

from synergy_desk.domain.enums import TimelineKind
from synergy_desk.domain.errors import FundingRequired
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import work
from tests.services.incidents.incident_helpers import (
    entries,
    in_progress,
    make_customer,
    new_call,
    pay_for,
)

ROLES = ["reception", "engineer", "manager"]
SUPPORT_WORK = [TimelineKind.REMOTE_SESSION, TimelineKind.PHONE_OUT, TimelineKind.EMAIL_OUT]


def _start_work_message(engineer: Actor, incident_id: int) -> str:
    with pytest.raises(FundingRequired) as refused:
        work.start_work(engineer, incident_id)
    return refused.value.message


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", SUPPORT_WORK)
def test_support_work_on_an_unfunded_incident_is_refused_for_every_role(
        request: pytest.FixtureRequest, reception: Actor, engineer: Actor, product: t.Product,
        role: str, kind: TimelineKind) -> None:
    actor: Actor = request.getfixturevalue(role)
    ref = new_call(reception, make_customer(), product)
    before = len(entries(ref))
    with pytest.raises(FundingRequired) as refused:
        work.add_timeline_entry(actor, ref.id, kind, "Connected and fixed the printer driver",
                                duration_seconds=55 * 60)
    assert refused.value.message == _start_work_message(engineer, ref.id).replace(
        "before work starts", "before support work is logged")
    assert len(entries(ref)) == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", [TimelineKind.PHONE_IN, TimelineKind.NOTE])
def test_the_intake_is_logged_while_unfunded(request: pytest.FixtureRequest, reception: Actor,
                                             product: t.Product, role: str,
                                             kind: TimelineKind) -> None:
    actor: Actor = request.getfixturevalue(role)
    ref = new_call(reception, make_customer(), product)
    work.add_timeline_entry(actor, ref.id, kind, "Customer rang to chase", duration_seconds=90)
    assert entries(ref)[-1].kind is kind


def test_an_e_mail_in_is_intake_too(engineer: Actor, reception: Actor,
                                    product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    work.add_timeline_entry(engineer, ref.id, TimelineKind.EMAIL_IN, "Screenshot attached")
    assert entries(ref)[-1].kind is TimelineKind.EMAIL_IN


@pytest.mark.parametrize("role", ROLES)
def test_an_outgoing_call_about_payment_is_logged_while_unfunded(
        request: pytest.FixtureRequest, reception: Actor, product: t.Product,
        role: str) -> None:
    actor: Actor = request.getfixturevalue(role)
    ref = new_call(reception, make_customer(), product)
    work.add_timeline_entry(actor, ref.id, TimelineKind.PHONE_OUT,
                            "Rang to take the card payment", duration_seconds=120,
                            about_payment=True)
    last = entries(ref)[-1]
    assert last.kind is TimelineKind.PHONE_OUT and last.about_payment is True


def test_an_e_mail_out_about_payment_is_logged_while_unfunded(engineer: Actor, reception: Actor,
                                                               product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    work.add_timeline_entry(engineer, ref.id, TimelineKind.EMAIL_OUT,
                            "Sent the bank details for the transfer", about_payment=True)
    assert entries(ref)[-1].about_payment is True


def test_a_remote_session_is_never_about_payment(engineer: Actor, reception: Actor,
                                                 product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    with pytest.raises(FundingRequired):
        work.add_timeline_entry(engineer, ref.id, TimelineKind.REMOTE_SESSION,
                                "Looked at the printer", about_payment=True)


@pytest.mark.parametrize("kind", SUPPORT_WORK)
def test_support_work_is_logged_once_funded(engineer: Actor, reception: Actor,
                                            product: t.Product, kind: TimelineKind) -> None:
    customer = make_customer()
    ref = new_call(reception, customer, product)
    pay_for(reception, customer, ref.id)
    work.add_timeline_entry(engineer, ref.id, kind, "Fixed the driver", duration_seconds=600)
    last = entries(ref)[-1]
    assert last.kind is kind and last.about_payment is False


def test_support_work_on_a_funded_incident_in_progress(engineer: Actor, reception: Actor,
                                                       product: t.Product) -> None:
    ref = in_progress(engineer, reception, make_customer(), product)
    work.add_timeline_entry(engineer, ref.id, TimelineKind.REMOTE_SESSION, "Session",
                            duration_seconds=55 * 60)
    assert entries(ref)[-1].duration_seconds == 55 * 60
