"""Every change that matters leaves an audit row saying who changed what, from what, to what.

One table holds the use cases that change money, status, funding, customers, registers, users
or settings. Each is run through its service; the row it wrote must carry the action, the
entity and its id, the acting user, and — for a change — the changed fields in both
``before`` and ``after`` with different values (for something new, its fields in ``after``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from synergy_desk.domain.enums import (
    EnhancementStatus,
    EscalationStatus,
    Resolution,
    Role,
    WaiverKind,
)
from synergy_desk.domain.errors import AuthenticationFailed, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import callbacks, closing, intake, registers, reshape, work
from synergy_desk.services.money import funding, payments, tickets
from synergy_desk.services.office import catalogue, settings
from synergy_desk.services.people import customers, users
from synergy_desk.services.reporting.audit_log import kind_of
from tests.conftest import PASSWORD
from tests.services.money.test_funding import (
    buy_ticket,
    cash,
    expire_ticket,
    new_customer,
    new_incident,
)


@dataclass(frozen=True)
class Scene:
    office: dict[str, Any]
    customer: int
    unfunded: int  # open, awaiting payment
    paid: int  # funded by a payment, queued
    payment: int
    ticket: int  # five incidents, none used
    product: int
    module: int
    user: int  # an engineer the managers look after

    def actor(self, key: str) -> Actor:
        return self.office[key]  # type: ignore[no-any-return]

    @property
    def manager(self) -> Actor:
        return self.actor("manager")

    @property
    def engineer(self) -> Actor:
        return self.actor("engineer")

    @property
    def reception(self) -> Actor:
        return self.actor("reception")


@pytest.fixture
def scene(office: dict[str, Any], product: t.Product) -> Scene:
    reception: Actor = office["reception"]
    customer = new_customer()
    unfunded = new_incident(reception, customer, product, "Unfunded one")
    paid = new_incident(reception, customer, product, "Paid one")
    receipt = payments.take_payment(reception, cash(customer, (paid.id,)))
    ticket = buy_ticket(reception, customer, size=5)
    module = t.Module.create(product=product.id, name="Payroll export")
    return Scene(office, customer.id, unfunded.id, paid.id, receipt.payment_id, ticket,
                 product.id, module.id, office["engineer2"].id)


def _version(incident_id: int) -> int:
    return int(t.Incident.get_by_id(incident_id).version)


def _customer_version(customer_id: int) -> int:
    return int(t.Customer.get_by_id(customer_id).version)


def _line_of(payment_id: int) -> int:
    return int(t.PaymentLine.get(t.PaymentLine.payment == payment_id).id)


def _ticket_funded(s: Scene) -> int:
    """A new incident funded from the scene's season ticket."""
    ref = intake.create_incident(s.reception, s.customer, s.product, "On the ticket")
    funding.fund_from_ticket(s.reception, ref.id)
    return ref.id


def _started(s: Scene) -> int:
    work.start_work(s.engineer, s.paid)
    return s.paid


def _marked_for_customer(s: Scene) -> int:
    note = work.add_timeline_entry(s.engineer, s.paid, "note", "Fixed in the next release")
    work.set_entry_for_customer(s.engineer, note.entry_id, True)
    return s.paid


def _resolved(s: Scene) -> int:
    closing.resolve(s.engineer, s.paid, Resolution.SOLUTION, "Reinstalled the driver")
    return s.paid


def _with_calls(s: Scene) -> list[int]:
    """Two calls on the paid incident; returns their timeline entries."""
    for text in ("First aspect", "Second aspect"):
        intake.log_call(s.reception, intake.LogCallInput(s.customer, text=text,
                                                               incident_id=s.paid))
    return [e.id for e in t.TimelineEntry.select().where(t.TimelineEntry.incident == s.paid)
            .order_by(t.TimelineEntry.id)]


def _split(s: Scene) -> int:
    entries = _with_calls(s)
    reshape.split(s.engineer, s.paid, entries[-1:], subject="Second aspect",
                    product_id=s.product)
    return s.paid


def _merge(s: Scene) -> tuple[int, int]:
    """The paid incident (duplicate) merged into the unfunded one (survivor)."""
    intake.log_call(s.reception, intake.LogCallInput(s.customer, text="Same again",
                                                           incident_id=s.paid))
    reshape.merge(s.engineer, s.paid, s.unfunded)
    return s.paid, s.unfunded


def _refund_due(s: Scene) -> int:
    """A paid duplicate merged into a funded survivor: its payment is left due for refund."""
    funding.waive(s.manager, s.unfunded, WaiverKind.GOODWILL, "Long wait")
    reshape.merge(s.engineer, s.paid, s.unfunded)
    return _line_of(s.payment)


def _out_of_remit_ticket(s: Scene) -> int:
    incident = _ticket_funded(s)
    closing.out_of_remit(s.manager, incident, "Wants a custom report written")
    return incident


def _refund_ticket(s: Scene) -> int:
    line = t.PaymentLine.get(t.PaymentLine.ticket == s.ticket)
    payments.refund(s.manager, line.__data__["payment"], reason="Bought by mistake")
    return s.ticket


def _expire(s: Scene) -> int:
    expire_ticket(s.ticket)
    tickets.expire_tickets(s.manager)
    return s.ticket


def _enhancement(s: Scene) -> int:
    closing.resolve(s.engineer, s.paid, Resolution.ENHANCEMENT, "Wants a dark theme",
                      enhancement_title="Dark theme")
    return int(t.EnhancementRequest.get().id)


def _enhancement_counted(s: Scene) -> int:
    request = _enhancement(s)
    funding.waive(s.manager, s.unfunded, WaiverKind.GOODWILL, "Long wait")
    other = new_customer("Brook Farm")
    ref = intake.create_incident(s.reception, other.id, s.product, "Dark theme too")
    funding.waive(s.manager, ref.id, WaiverKind.GOODWILL, "Long wait")
    closing.resolve(s.engineer, ref.id, Resolution.ENHANCEMENT, "Also wants it",
                      enhancement_request_id=request)
    return request


def _escalate(s: Scene) -> int:
    closing.resolve(s.engineer, s.paid, Resolution.ESCALATED, "Crashes on save",
                      escalation=closing.EscalationInput("Open, save, crash",
                                                           product_version="12.4"))
    return int(t.Escalation.get().id)


def _escalation_reopened(s: Scene) -> int:
    escalation = _escalate(s)
    registers.update_escalation(s.engineer, escalation, EscalationStatus.FIXED, "Fixed in 12.5")
    closing.reopen(s.engineer, s.paid)
    closing.resolve(s.engineer, s.paid, Resolution.ESCALATED, "Still crashes",
                      escalation=closing.EscalationInput("Open, save, crash again",
                                                           product_version="12.5"))
    return escalation


def _new_customer(s: Scene) -> int:
    return customers.create_customer(
        s.reception, customers.CustomerInput("Hill Top Garage", postcode="LS2 7EW"),
        [customers.ContactInput("Sam Hill", is_primary=True)]).id


def _contact(s: Scene) -> tuple[int, int]:
    summary = customers.add_contact(s.reception, s.customer, _customer_version(s.customer),
                                    customers.ContactInput("Pat Jones", phone="0113 496 0000"))
    return s.customer, summary.contacts[-1].id


def _callback(s: Scene) -> int:
    return callbacks.schedule_callback(s.reception, s.customer,
                                       utcnow() + dt.timedelta(hours=2), "Ring after lunch",
                                       incident_id=s.paid).id


def _locked(s: Scene) -> int:
    attempts = int(t.OfficeSettings.get().lockout_attempts)
    for _ in range(attempts):
        with pytest.raises(AuthenticationFailed):
            users.login("erin", "not the password")
    return s.user


def _reset(s: Scene) -> int:
    users.reset_password(s.manager, s.user, "a new password")
    return s.user


def _product(s: Scene) -> int:
    return catalogue.add_product(s.manager, "Stock Control").id


def _settings(s: Scene) -> int:
    row = t.OfficeSettings.get()
    settings.update_settings(s.manager, int(row.version), incident_price_pence=8000)
    return int(row.id)


@dataclass(frozen=True)
class Case:
    """One use case and the audit row it must write.

    ``changed``: fields in both before and after, with different values. ``created``: fields
    in after, for something new (before is empty). ``actor``: the office key of who did it
    (None: the program itself).
    """

    name: str
    run: Callable[[Scene], Any]  # does the change; returns the entity id
    action: str
    entity: str
    actor: str | None
    changed: tuple[str, ...] = ()
    created: tuple[str, ...] = ()


CASES: list[Case] = [
    # Incidents: creation and every status change.
    Case("create incident", lambda s: intake.create_incident(
        s.reception, s.customer, s.product, "Cannot post journals").id,
        "incident.create", "incident", "reception", created=("status", "subject", "customer")),
    Case("log a call", lambda s: intake.log_call(s.reception, intake.LogCallInput(
        s.customer, text="Still broken", incident_id=s.paid)).id,
        "incident.log_call", "incident", "reception", created=("entry", "duration_seconds")),
    Case("mark an entry for the customer", _marked_for_customer, "incident.for_customer",
         "incident", "engineer", changed=("for_customer",)),
    Case("edit incident", lambda s: intake.edit_incident(
        s.engineer, s.unfunded, _version(s.unfunded), subject="Cannot print remittances").id,
        "incident.edit", "incident", "engineer", changed=("subject", "version")),
    Case("assign", lambda s: work.assign(s.engineer, s.paid, s.user).id,
         "incident.assign", "incident", "engineer", changed=("engineer",)),
    Case("start work", lambda s: work.start_work(s.engineer, s.paid).id,
         "incident.start", "incident", "engineer", changed=("status", "engineer")),
    Case("wait on customer", lambda s: work.wait_on_customer(s.engineer, _started(s)).id,
         "incident.wait", "incident", "engineer", changed=("status",)),
    Case("resolve", lambda s: closing.resolve(
        s.engineer, s.paid, Resolution.WORKAROUND, "Print to PDF first").id,
        "incident.resolve", "incident", "engineer",
        changed=("status", "resolution", "resolution_note", "resolved_by")),
    Case("close unresolved", lambda s: closing.close_unresolved(
        s.engineer, s.paid, "Customer's hardware fault").id,
        "incident.close", "incident", "engineer", changed=("status", "resolution")),
    Case("re-open", lambda s: closing.reopen(s.engineer, _resolved(s)).id,
         "incident.reopen", "incident", "engineer",
         changed=("status", "resolution", "reopen_count")),
    Case("out of remit", lambda s: closing.out_of_remit(
        s.manager, s.paid, "Wants a custom report written").id,
        "incident.out_of_remit", "incident", "manager", changed=("status", "resolution")),
    Case("split", _split, "incident.split", "incident", "engineer",
         changed=("entries_on", "split_into")),
    Case("merge: the duplicate", lambda s: _merge(s)[0], "incident.merge", "incident",
         "engineer", changed=("status", "resolution", "merged_into")),
    Case("merge: the survivor", lambda s: _merge(s)[1], "incident.merge", "incident",
         "engineer", changed=("entries_on", "merged_in", "duplicate_funding")),
    # Funding.
    Case("paid: the incident", lambda s: payments.take_payment(
        s.reception, cash(t.Customer.get_by_id(s.customer), (s.unfunded,))) and s.unfunded,
        "incident.funded", "incident", "reception", changed=("funding", "status")),
    Case("paid: the funding", lambda s: payments.take_payment(
        s.reception, cash(t.Customer.get_by_id(s.customer), (s.unfunded,))) and s.unfunded,
        "funding.attach", "incident", "reception", changed=("funding", "active")),
    Case("refunded: the incident", lambda s: payments.refund(
        s.manager, s.payment, reason="Paid twice") and s.paid,
        "incident.unfunded", "incident", "manager", changed=("funding", "status")),
    Case("refunded: the funding", lambda s: payments.refund(
        s.manager, s.payment, reason="Paid twice") and s.paid,
        "funding.end", "incident", "manager", changed=("active", "ended_at")),
    Case("waive", lambda s: funding.waive(
        s.manager, s.unfunded, WaiverKind.GOODWILL, "Long wait").incident_id,
        "funding.waive", "incident", "manager", changed=("funding",)),
    Case("contract funds it", lambda s: (funding.create_contract(
        s.manager, s.customer, "SC-9", dt.date(2020, 1, 1), dt.date(2099, 12, 31))
        and funding.fund_from_contract(s.reception, s.unfunded).incident_id),
        "incident.funded", "incident", "reception", changed=("funding", "contract", "status")),
    Case("hand back a ticket", _out_of_remit_ticket, "funding.hand_back", "incident", "manager",
         changed=("active",)),
    Case("hand back a waiver", lambda s: (
        funding.waive(s.manager, s.unfunded, WaiverKind.GOODWILL, "Long wait")
        and closing.out_of_remit(s.manager, s.unfunded, "Not our product").id),
        "funding.hand_back", "incident", "manager", changed=("active", "waiver_revoked_at")),
    Case("refund due", _refund_due, "funding.refund_due", "payment_line", "engineer",
         changed=("refund_due", "funds")),
    Case("record a contract", lambda s: funding.create_contract(
        s.manager, s.customer, "SC-1", dt.date(2025, 1, 1), dt.date(2030, 12, 31)).id,
        "contract.create", "contract", "manager", created=("reference", "starts_on", "ends_on")),
    # Money.
    Case("take a payment", lambda s: payments.take_payment(
        s.reception, cash(t.Customer.get_by_id(s.customer), (s.unfunded,))).payment_id,
        "payment.take", "payment", "reception",
        created=("receipt_number", "gross_pence", "method", "lines")),
    Case("refund", lambda s: payments.refund(
        s.manager, s.payment, reason="Paid twice").credit_note_id,
         "payment.refund", "credit_note", "manager",
         changed=("refunded_pence", "outstanding_pence", "refunded_lines")),
    Case("void", lambda s: payments.refund(s.manager, s.payment, reason="Wrong card",
                                           void=True).credit_note_id,
         "payment.void", "credit_note", "manager",
         changed=("refunded_pence", "outstanding_pence", "refunded_lines")),
    # Season tickets: every ledger movement, on the ticket itself.
    Case("buy a ticket", lambda s: buy_ticket(s.reception, t.Customer.get_by_id(s.customer)),
         "ticket.purchase", "season_ticket", "reception", changed=("balance",)),
    Case("redeem", lambda s: funding.fund_from_ticket(s.reception, s.unfunded).ticket_id,
         "ticket.redeem", "season_ticket", "reception", changed=("balance",)),
    Case("re-credit", lambda s: _out_of_remit_ticket(s) and s.ticket,
         "ticket.recredit", "season_ticket", "manager", changed=("balance",)),
    Case("adjust", lambda s: tickets.adjust(s.manager, s.ticket, -1, "Goodwill correction").id,
         "ticket.adjust", "season_ticket", "manager", changed=("balance",)),
    Case("expire", _expire, "ticket.expired", "season_ticket", "manager", changed=("balance",)),
    Case("refund a ticket", _refund_ticket, "ticket.cancel", "season_ticket", "manager",
         changed=("balance",)),
    # Customers and call-backs.
    Case("add customer", _new_customer, "customer.create", "customer", "reception",
         created=("name", "account_code", "contacts")),
    Case("change customer", lambda s: customers.update_customer(
        s.reception, s.customer, _customer_version(s.customer),
        customers.CustomerInput("Acme Joinery Ltd", address="2 Mill Lane\nYork")).id,
        "customer.update", "customer", "reception", changed=("name", "version")),
    Case("add contact", lambda s: _contact(s)[0], "contact.add", "customer", "reception",
         changed=("contacts", "version")),
    Case("change contact", lambda s: customers.update_contact(
        s.reception, _contact(s)[1], _customer_version(s.customer),
        customers.ContactInput("Pat Jones", job_title="Office manager")).id,
        "contact.update", "customer", "reception", changed=("contacts", "version")),
    Case("retire contact", lambda s: customers.retire_contact(
        s.reception, _contact(s)[1], _customer_version(s.customer)).id,
        "contact.retire", "customer", "reception", changed=("contacts", "version")),
    Case("promise a call-back", _callback, "callback.schedule", "callback", "reception",
         created=("due_at", "note", "customer")),
    Case("clear a call-back", lambda s: callbacks.clear_callback(
        s.engineer, _callback(s), "Talked them through it").id,
        "callback.clear", "callback", "engineer", changed=("done_at", "done_by", "outcome")),
    # Registers.
    Case("enhancement request", _enhancement, "enhancement.create", "enhancement_request",
         "engineer", created=("title", "product", "status")),
    Case("enhancement counted", _enhancement_counted, "enhancement.count",
         "enhancement_request", "engineer", changed=("customer_count",)),
    Case("enhancement status", lambda s: registers.set_enhancement_status(
        s.engineer, _enhancement(s), EnhancementStatus.PLANNED).id,
        "enhancement.status", "enhancement_request", "engineer", changed=("status",)),
    Case("escalate", _escalate, "escalation.create", "escalation", "engineer",
         created=("steps_to_reproduce", "product_version", "status")),
    Case("escalation answered", lambda s: registers.update_escalation(
        s.engineer, _escalate(s), EscalationStatus.ACKNOWLEDGED, "Reproduced").id,
        "escalation.update", "escalation", "engineer",
        changed=("status", "development_response")),
    Case("escalated again", _escalation_reopened, "escalation.reopen", "escalation", "engineer",
         changed=("status", "product_version", "steps_to_reproduce")),
    # Users.
    Case("add user", lambda s: users.create_user(
        s.manager, "newbie", "New Person", Role.RECEPTION, PASSWORD).id,
        "user.create", "user", "manager", created=("username", "full_name", "role")),
    Case("change role", lambda s: users.update_user(s.manager, s.user, role=Role.MANAGER).id,
         "user.update", "user", "manager", changed=("role", "version")),
    Case("deactivate", lambda s: users.update_user(s.manager, s.user, active=False).id,
         "user.update", "user", "manager", changed=("active", "version")),
    Case("lock out", _locked, "user.locked", "user", None, changed=("locked_until",)),
    Case("unlock", lambda s: (_locked(s) and users.unlock(s.manager, s.user)) or s.user,
         "user.unlocked", "user", "manager", changed=("locked_until",)),
    Case("reset password", _reset, "user.password_reset", "user", "manager",
         changed=("must_change_password", "version")),
    Case("change own password", lambda s: (_reset(s) and None) or users.change_own_password(
        users.login("erin", "a new password"), "a new password", "another password") or s.user,
        "user.password_changed", "user", "engineer2",
        changed=("must_change_password", "version")),
    # Settings and products.
    Case("change settings", _settings, "settings.update", "settings", "manager",
         changed=("incident_price_pence", "version")),
    Case("add product", _product, "product.create", "product", "manager",
         created=("name", "active")),
    Case("rename product", lambda s: catalogue.update_product(
        s.manager, s.product, name="Ledger Accounts Pro").id,
        "product.update", "product", "manager", changed=("name",)),
    Case("retire product", lambda s: catalogue.update_product(
        s.manager, s.product, active=False).id,
        "product.update", "product", "manager", changed=("active",)),
    Case("add module", lambda s: catalogue.add_module(s.manager, s.product, "Budgets").id,
         "module.create", "module", "manager", created=("name", "product")),
    Case("rename module", lambda s: catalogue.update_module(
        s.manager, s.module, name="Payroll exports").id,
        "module.update", "module", "manager", changed=("name",)),
]


def _rows_since(last_id: int) -> list[t.AuditLog]:
    return list(t.AuditLog.select().where(t.AuditLog.id > last_id).order_by(t.AuditLog.id))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_change_is_in_the_audit_log(scene: Scene, case: Case) -> None:
    last = t.AuditLog.select(t.AuditLog.id).order_by(t.AuditLog.id.desc()).scalar() or 0
    entity_id = case.run(scene)
    rows = [r for r in _rows_since(last) if r.action == case.action
            and r.entity == case.entity and r.entity_id == str(entity_id)]
    assert rows, (f"no {case.action} row about {case.entity} {entity_id}; wrote "
                  f"{[(r.action, r.entity, r.entity_id) for r in _rows_since(last)]}")
    row = rows[-1]
    expected_user = scene.actor(case.actor).id if case.actor else None
    assert row.__data__["user"] == expected_user
    before = json.loads(row.before) if row.before else {}
    after = json.loads(row.after) if row.after else {}
    for name in case.changed:
        assert name in before and name in after, f"{name} missing: {before} → {after}"
        assert before[name] != after[name], f"{name} did not change: {before[name]!r}"
    if case.created:
        assert before == {}
        for name in case.created:
            assert name in after, f"{name} missing from {after}"
    assert case.changed or case.created
    # Every action has a kind a person can filter by, not the catch-all.
    assert kind_of(row.action) != "other"


def test_a_refused_change_writes_no_audit_row(scene: Scene) -> None:
    """The audit row is part of the change's transaction: no change, no row."""
    last = t.AuditLog.select(t.AuditLog.id).order_by(t.AuditLog.id.desc()).scalar() or 0
    with pytest.raises(ValidationError, match="already been refunded"):
        payments.refund(scene.manager, scene.payment, reason="Paid twice")
        payments.refund(scene.manager, scene.payment, reason="Paid twice again")
    rows = _rows_since(last)
    assert [r.action for r in rows if r.entity == "credit_note"] == ["payment.refund"]
