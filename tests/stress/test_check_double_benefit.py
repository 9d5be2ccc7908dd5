"""``synergy-desk check`` finds what the races above must never leave: an incident funded by a
payment line that was refunded or voided. Planted by hand here, as a lost race (or a repair
made outside the program) would leave it, with every other record consistent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from synergy_desk.domain.enums import FundingKind, IncidentStatus
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor, transaction
from synergy_desk.services.incident_state import bump_count
from synergy_desk.services.money import payments
from tests.services.money.test_funding import cash, new_customer
from tests.stress.harness import funded_by_refunded_lines, make_incidents, run_check


def _fund_again(incident_id: int, line_id: int, actor: Actor) -> None:
    """Mark an unfunded incident paid by ``line_id`` again, keeping the counts in step."""
    with transaction():
        incident = t.Incident.get_by_id(incident_id)
        assert IncidentStatus(incident.status) is IncidentStatus.AWAITING_PAYMENT
        ended = (t.IncidentFunding.select()
                 .where((t.IncidentFunding.incident == incident_id)
                        & (t.IncidentFunding.payment_line == line_id)).first())
        if ended is not None:  # the refunded incident itself: its ended record comes back
            (t.IncidentFunding.update(active=True, ended_at=None, ended_reason="")
             .where(t.IncidentFunding.id == ended.id).execute())
        else:  # another incident, as a merge that lost the race would have moved it
            t.IncidentFunding.create(incident=incident_id, kind=FundingKind.PAYMENT,
                                     payment_line=line_id, active=True, created_by=actor.id,
                                     created_at=utcnow())
        (t.Incident.update(funding=FundingKind.PAYMENT, funded_at=utcnow(),
                           status=IncidentStatus.QUEUED, version=t.Incident.version + 1)
         .where(t.Incident.id == incident_id).execute())
        product = incident.__data__["product"]
        bump_count(IncidentStatus.AWAITING_PAYMENT, None, product, -1)
        bump_count(IncidentStatus.QUEUED, None, product, +1)


@pytest.mark.stress
@pytest.mark.parametrize(("void", "same_incident"), [
    (False, True), (True, True), (False, False)],
    ids=["refunded, the incident it paid for", "voided, the incident it paid for",
         "refunded, another incident"])
def test_check_reports_an_incident_funded_by_a_refunded_or_voided_line(
        db_url: str, office: dict[str, Any], reception: Actor, manager: Actor,
        product: t.Product, tmp_path: Path, void: bool, same_incident: bool) -> None:
    customer = new_customer()
    paid, other = make_incidents(reception, customer.id, product.id, 2)
    receipt = payments.take_payment(reception, cash(customer, (paid,)))
    payments.refund(manager, receipt.payment_id, reason="Paid twice by mistake.", void=void)
    assert run_check(db_url, tmp_path / "log").status == 0  # all well before the planting

    target = paid if same_incident else other
    _fund_again(target, receipt.lines[0].line_id, reception)
    reference = t.Incident.get_by_id(target).reference
    assert funded_by_refunded_lines() != []

    check = run_check(db_url, tmp_path / "log")
    assert check.status == 1, check.output
    assert reference in check.output, check.output
