"""Changing an incident: reassigning it and putting right its product, module, version and
priority, each change on its timeline and in the audit log; the module and version asked at
intake are filled in from the customer's last incident on the product."""

from __future__ import annotations

import json

import pytest

from synergy_desk.domain.enums import IncidentStatus, Priority, TimelineKind
from synergy_desk.domain.errors import ConflictError, PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import details, intake
from synergy_desk.services.incidents.details import IncidentChange
from tests.services.incidents.incident_helpers import (
    in_progress,
    make_customer,
    new_call,
    row,
)


def system_lines(incident_id: int) -> list[str]:
    return [e.text for e in t.TimelineEntry.select()
            .where((t.TimelineEntry.incident == incident_id)
                   & (t.TimelineEntry.kind == TimelineKind.SYSTEM))
            .order_by(t.TimelineEntry.id)]


def last_audit(incident_id: int) -> t.AuditLog:
    return (t.AuditLog.select().where((t.AuditLog.entity == "incident")
                                      & (t.AuditLog.entity_id == str(incident_id)))
            .order_by(t.AuditLog.id.desc()).get())


def as_seen(incident: t.Incident, **overrides: object) -> IncidentChange:
    """The change form filled with what the incident holds now, with some fields changed."""
    values: dict[str, object] = {
        "engineer_id": incident.engineer_id, "product_id": incident.product_id,
        "module_id": incident.module_id, "product_version": incident.product_version,
        "priority": incident.priority}
    values.update(overrides)
    return IncidentChange(**values)  # type: ignore[arg-type]


def reports_module(product: t.Product, name: str = "Reports") -> t.Module:
    return t.Module.create(product=product.id, name=name)


def test_an_engineer_reassigns_and_corrects_details_on_the_timeline_and_in_the_audit_log(
        engineer: Actor, reception: Actor, product: t.Product,
        office: dict[str, object]) -> None:
    erin: Actor = office["engineer2"]  # type: ignore[assignment]
    payroll: t.Product = office["product2"]  # type: ignore[assignment]
    module = reports_module(payroll)
    ref = in_progress(engineer, reception, make_customer(), product)
    incident = row(ref)

    saved = details.change_incident(engineer, ref.id, incident.version, as_seen(
        incident, engineer_id=erin.id, product_id=payroll.id, module_id=module.id,
        product_version="8.1", priority=Priority.URGENT))

    after = row(ref)
    assert (after.engineer_id, after.product_id, after.module_id, after.product_version,
            after.priority) == (erin.id, payroll.id, module.id, "8.1", Priority.URGENT)
    assert saved.version == incident.version + 1
    lines = system_lines(ref.id)
    assert lines[-2] == "Assigned to Erin Engineer by Eddie Engineer."
    assert lines[-1] == ("Product from Ledger Accounts to Payroll Plus; module from none to "
                         "Reports; version from none to 8.1; priority from Normal to Urgent "
                         "(changed by Eddie Engineer).")
    audit = last_audit(ref.id)
    assert audit.action == "incident.edit" and audit.user_id == engineer.id
    before, written = json.loads(audit.before), json.loads(audit.after)
    assert before["engineer"] == engineer.id and written["engineer"] == erin.id
    assert before["priority"] == "normal" and written["priority"] == "urgent"
    assert written["product"] == payroll.id and written["module"] == module.id


def test_reception_may_not_reassign(engineer: Actor, reception: Actor,
                                    product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    incident = row(ref)
    lines = system_lines(ref.id)
    with pytest.raises(PermissionDenied, match="Only engineers and managers may reassign"):
        details.change_incident(reception, ref.id, incident.version,
                                as_seen(incident, engineer_id=engineer.id))
    assert row(ref).engineer_id is None and row(ref).version == incident.version
    assert system_lines(ref.id) == lines


def test_reception_may_not_change_details_once_work_has_begun(
        engineer: Actor, reception: Actor, product: t.Product,
        office: dict[str, object]) -> None:
    payroll: t.Product = office["product2"]  # type: ignore[assignment]
    ref = in_progress(engineer, reception, make_customer(), product)
    incident = row(ref)
    lines = system_lines(ref.id)
    for change in (as_seen(incident, priority=Priority.HIGH),
                   as_seen(incident, product_id=payroll.id),
                   as_seen(incident, product_version="13.0")):
        with pytest.raises(PermissionDenied, match="once work on it has begun"):
            details.change_incident(reception, ref.id, incident.version, change)
    with pytest.raises(PermissionDenied, match="once work on it has begun"):
        intake.edit_incident(reception, ref.id, incident.version, priority=Priority.HIGH)
    assert row(ref).version == incident.version
    assert row(ref).priority is Priority.NORMAL
    assert system_lines(ref.id) == lines


def test_reception_corrects_details_at_intake_on_the_timeline(
        reception: Actor, product: t.Product) -> None:
    module = reports_module(product)
    ref = new_call(reception, make_customer(), product)
    incident = row(ref)
    details.change_incident(reception, ref.id, incident.version, as_seen(
        incident, module_id=module.id, product_version="12.4", priority="high"))
    after = row(ref)
    assert (after.module_id, after.product_version, after.priority) == (
        module.id, "12.4", Priority.HIGH)
    assert system_lines(ref.id)[-1] == (
        "Module from none to Reports; version from none to 12.4; priority from Normal to "
        "High (changed by Rita Reception).")
    assert last_audit(ref.id).action == "incident.edit"


def test_an_edit_of_details_goes_on_the_timeline_too(reception: Actor,
                                                     product: t.Product) -> None:
    ref = new_call(reception, make_customer(), product)
    intake.edit_incident(reception, ref.id, ref.version, priority=Priority.LOW)
    assert system_lines(ref.id)[-1] == ("Priority from Normal to Low "
                                        "(changed by Rita Reception).")


def test_an_unchanged_form_writes_nothing(engineer: Actor, reception: Actor,
                                          product: t.Product) -> None:
    ref = in_progress(engineer, reception, make_customer(), product)
    incident = row(ref)
    audits = t.AuditLog.select().count()
    lines = system_lines(ref.id)
    saved = details.change_incident(reception, ref.id, incident.version, as_seen(incident))
    assert saved.version == incident.version
    assert t.AuditLog.select().count() == audits and system_lines(ref.id) == lines


def test_unassigning_an_incident_in_progress_queues_it(engineer: Actor, reception: Actor,
                                                       product: t.Product) -> None:
    ref = in_progress(engineer, reception, make_customer(), product)
    incident = row(ref)
    saved = details.change_incident(engineer, ref.id, incident.version,
                                    as_seen(incident, engineer_id=None))
    assert saved.status is IncidentStatus.QUEUED
    assert row(ref).engineer_id is None
    assert system_lines(ref.id)[-1] == "Unassigned from Eddie Engineer by Eddie Engineer."
    assert last_audit(ref.id).action == "incident.assign"


def test_a_stale_change_names_who_changed_what_and_writes_nothing(
        engineer: Actor, reception: Actor, product: t.Product,
        office: dict[str, object]) -> None:
    erin: Actor = office["engineer2"]  # type: ignore[assignment]
    ref = in_progress(engineer, reception, make_customer(), product)
    seen = row(ref)
    details.change_incident(erin, ref.id, seen.version, as_seen(seen, priority="high"))
    with pytest.raises(ConflictError) as caught:
        details.change_incident(engineer, ref.id, seen.version,
                                as_seen(seen, product_version="99"))
    assert caught.value.changed_by == "Erin Engineer"
    assert "priority" in caught.value.message
    assert row(ref).product_version == "" and row(ref).priority is Priority.HIGH


def test_reassigning_to_reception_or_a_module_of_another_product_is_refused(
        engineer: Actor, reception: Actor, product: t.Product,
        office: dict[str, object]) -> None:
    payroll: t.Product = office["product2"]  # type: ignore[assignment]
    elsewhere = reports_module(payroll)
    ref = in_progress(engineer, reception, make_customer(), product)
    seen = row(ref)
    with pytest.raises(ValidationError, match="works on reception"):
        details.change_incident(engineer, ref.id, seen.version,
                                as_seen(seen, engineer_id=reception.id))
    with pytest.raises(ValidationError, match="not a module of"):
        details.change_incident(engineer, ref.id, seen.version,
                                as_seen(seen, module_id=elsewhere.id))
    assert row(ref).version == seen.version


def test_the_last_module_and_version_of_the_customer_on_that_product(
        reception: Actor, product: t.Product, office: dict[str, object]) -> None:
    payroll: t.Product = office["product2"]  # type: ignore[assignment]
    customer = make_customer()
    assert intake.last_module_and_version(customer.id, product.id) is None
    module = reports_module(product)
    new_call(reception, customer, product, module_id=module.id, product_version="12.3")
    latest = new_call(reception, customer, product, subject="Second",
                      module_id=module.id, product_version="12.4")
    new_call(reception, customer, payroll, subject="Payroll", product_version="8.0")
    new_call(reception, make_customer("Other Ltd"), product, subject="Theirs",
             product_version="1.0")
    last = intake.last_module_and_version(customer.id, product.id)
    assert last == intake.LastDetails(latest.reference, module.id, "Reports", "12.4")
