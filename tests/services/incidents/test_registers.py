"""The enhancement-request and escalation registers, and their rows for a CSV file."""

from __future__ import annotations

from typing import Any

import pytest

from synergy_desk.domain.enums import EnhancementStatus, EscalationStatus, Resolution
from synergy_desk.domain.errors import NotFound, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import closing, registers
from synergy_desk.services.incidents.closing import EscalationInput
from tests.services.incidents.incident_helpers import in_progress, make_customer


def enhancement(engineer: Actor, reception: Actor, customer: t.Customer, product: t.Product,
                title: str | None = None, request_id: int | None = None) -> int:
    ref = in_progress(engineer, reception, customer, product, f"Wants {title or request_id}")
    closing.resolve(engineer, ref.id, Resolution.ENHANCEMENT, "Forwarded",
                      enhancement_title=title, enhancement_request_id=request_id)
    return int(t.Incident.get_by_id(ref.id).enhancement_request_id)


def escalate(engineer: Actor, reception: Actor, customer: t.Customer, product: t.Product,
             subject: str = "Crash on print") -> int:
    ref = in_progress(engineer, reception, customer, product, subject)
    closing.resolve(engineer, ref.id, Resolution.ESCALATED, "Suspected bug",
                      escalation=EscalationInput("Open, print, crash", product_version="12.4"))
    return int(t.Escalation.get(t.Escalation.incident == ref.id).id)


def test_requests_most_asked_for_come_first_with_who_asked(
        engineer: Actor, reception: Actor, product: t.Product) -> None:
    alpha, bravo = make_customer("Alpha Ltd"), make_customer("Bravo Ltd")
    lonely = enhancement(engineer, reception, alpha, product, "Dark mode")
    popular = enhancement(engineer, reception, bravo, product, "CSV export")
    enhancement(engineer, reception, alpha, product, request_id=popular)
    rows = registers.list_enhancement_requests()
    assert [r.id for r in rows] == [popular, lonely]
    assert rows[0].customer_names == ("Alpha Ltd", "Bravo Ltd")
    assert rows[0].customer_count == 2 and rows[1].customer_count == 1
    assert rows[0].product_name == "Ledger Accounts"
    assert rows[0].created_by_name == "Eddie Engineer"


def test_requests_filter_by_product_and_status(engineer: Actor, reception: Actor,
                                               product: t.Product,
                                               office: dict[str, Any]) -> None:
    payroll: t.Product = office["product2"]
    customer = make_customer()
    accounts = enhancement(engineer, reception, customer, product, "CSV export")
    other = enhancement(engineer, reception, customer, payroll, "P60 by e-mail")
    registers.set_enhancement_status(engineer, other, EnhancementStatus.PLANNED)
    assert [r.id for r in registers.list_enhancement_requests(product_id=payroll.id)] == [other]
    assert [r.id for r in registers.list_enhancement_requests(status="open")] == [accounts]
    with pytest.raises(ValidationError):
        registers.list_enhancement_requests(status="maybe")


def test_setting_a_request_status_is_audited(engineer: Actor, reception: Actor,
                                             product: t.Product) -> None:
    request = enhancement(engineer, reception, make_customer(), product, "CSV export")
    row = registers.set_enhancement_status(engineer, request, "declined")
    assert row.status is EnhancementStatus.DECLINED
    audit = t.AuditLog.get(t.AuditLog.action == "enhancement.status")
    assert '"open"' in audit.before and '"declined"' in audit.after
    with pytest.raises(NotFound):
        registers.set_enhancement_status(engineer, 999, "planned")


def test_the_escalation_register_and_developments_answer(
        engineer: Actor, reception: Actor, product: t.Product,
        office: dict[str, Any]) -> None:
    payroll: t.Product = office["product2"]
    first = escalate(engineer, reception, make_customer("Alpha Ltd"), product)
    second = escalate(engineer, reception, make_customer("Bravo Ltd"), payroll, "Tax wrong")
    assert {r.id for r in registers.list_escalations()} == {first, second}
    assert [r.id for r in registers.list_escalations(product_id=payroll.id)] == [second]

    answered = registers.update_escalation(engineer, first, EscalationStatus.FIX_SCHEDULED,
                                           "Fixed in 12.5, due in May")
    assert answered.status is EscalationStatus.FIX_SCHEDULED
    assert answered.development_response == "Fixed in 12.5, due in May"
    assert [r.id for r in registers.list_escalations(status="fix_scheduled")] == [first]
    assert t.AuditLog.select().where(t.AuditLog.action == "escalation.update").count() == 1
    with pytest.raises(ValidationError):
        registers.update_escalation(engineer, first, "solved", "")
    with pytest.raises(ValidationError, match="card number"):
        registers.update_escalation(engineer, first, "fixed", "Card 4111 1111 1111 1111")


def test_register_rows_for_a_csv_file(engineer: Actor, reception: Actor,
                                      product: t.Product) -> None:
    customer = make_customer("Alpha Ltd")
    enhancement(engineer, reception, customer, product, "CSV export")
    escalate(engineer, reception, customer, product)
    wanted = registers.register_csv_rows("enhancements")
    assert wanted[0][:5] == ["Number", "Product", "Title", "Status", "Customers"]
    assert wanted[1][1:6] == ["Ledger Accounts", "CSV export", "Open", "1", "Alpha Ltd"]
    bugs = registers.register_csv_rows("escalations")
    assert bugs[0][1] == "Incident" and len(bugs) == 2
    assert bugs[1][3:6] == ["Alpha Ltd", "Ledger Accounts", "12.4"]
    assert all(isinstance(cell, str) for line in wanted + bugs for cell in line)
    with pytest.raises(ValidationError):
        registers.register_csv_rows("complaints")  # type: ignore[arg-type]
