"""The incident detail pane: everything about one incident."""

from __future__ import annotations

import pytest

from synergy_desk.domain.enums import (
    FundingKind,
    IncidentStatus,
    TimelineKind,
)
from synergy_desk.domain.errors import (
    NotFound,
)
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import work
from synergy_desk.services.incidents.detail import incident_detail
from synergy_desk.services.money import funding
from tests.services.incidents.incident_helpers import (
    buy_ticket,
    make_customer,
    new_call,
    row,
)


def test_incident_detail_has_everything_the_pane_shows(engineer: Actor, reception: Actor,
                                                       product: t.Product) -> None:
    customer = make_customer("Alpha Ltd")
    contact = t.Contact.create(customer=customer.id, name="Pat Jones", phone="01132 496000")
    ref = new_call(reception, customer, product, contact_id=contact.id,
                   description="Since Tuesday", product_version="12.4", duration=90)
    buy_ticket(reception, customer)
    funding.fund_from_ticket(reception, ref.id)
    work.start_work(engineer, ref.id)
    work.add_timeline_entry(engineer, ref.id, TimelineKind.REMOTE_SESSION,
                                 "Reinstalled driver", duration_seconds=900)

    detail = incident_detail(ref.id)

    assert (detail.reference, detail.customer_name, detail.contact_name) == (
        ref.reference, "Alpha Ltd", "Pat Jones")
    assert (detail.product_name, detail.product_version) == ("Ledger Accounts", "12.4")
    assert detail.status is IncidentStatus.IN_PROGRESS
    assert detail.engineer_name == "Eddie Engineer"
    assert detail.funding is FundingKind.TICKET
    assert detail.funding_description.startswith("Season ticket")
    assert detail.created_by_name == "Rita Reception"
    kinds = [r.kind for r in detail.timeline]
    assert kinds[0] is TimelineKind.PHONE_IN and TimelineKind.REMOTE_SESSION in kinds
    call = detail.timeline[0]
    assert (call.author_name, call.duration_seconds) == ("Rita Reception", 90)
    assert detail.version == row(ref).version


def test_detail_of_a_missing_incident_is_not_found(office: dict[str, object]) -> None:
    with pytest.raises(NotFound):
        incident_detail(999)
