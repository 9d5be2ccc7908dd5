"""Customers and contacts: validation, account codes, optimistic locking, the summary panel."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from synergy_desk.domain.enums import IncidentStatus, Role
from synergy_desk.domain.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import db, utcnow
from synergy_desk.services import search_index
from synergy_desk.services.common import Actor, next_number
from synergy_desk.services.incidents import callbacks, intake
from synergy_desk.services.incidents.intake import LogCallInput
from synergy_desk.services.people.customers import (
    RECENT_INCIDENTS,
    ContactInput,
    CustomerInput,
    add_contact,
    create_customer,
    customer_summary,
    get_customer_for_edit,
    normalise_postcode,
    remove_contact,
    retire_contact,
    update_contact,
    update_customer,
)
from synergy_desk.services.search import search_customers

VISA = "4111 1111 1111 1111"


def acme(**overrides: str) -> CustomerInput:
    values = {"name": "Jane Smith", "company": "Acme Widgets Ltd",
              "address": "1 High Street\nLeeds", "postcode": "ls11aa",
              "email": "jane@acme.example", "phone": "01632 960123", "notes": "Prefers e-mail"}
    values.update(overrides)
    return CustomerInput(**values)


def make_incident(customer_id: int, actor: Actor, product: t.Product,
                  status: IncidentStatus = IncidentStatus.QUEUED,
                  contact_id: int | None = None, subject: str = "Printing fails") -> t.Incident:
    with db.atomic():
        n = next_number("incident")
        incident = t.Incident.create(
            number=n, reference=f"INC-{n:06d}", customer=customer_id, contact=contact_id,
            product=product.id, subject=subject, status=status, created_by=actor.id)
        search_index.index_incident(incident.id)
    return incident


def audit_rows(entity_id: int) -> list[t.AuditLog]:
    return list(t.AuditLog.select().where((t.AuditLog.entity == "customer")
                                          & (t.AuditLog.entity_id == str(entity_id)))
                .order_by(t.AuditLog.id))


# --- creating ------------------------------------------------------------------------------


def test_create_customer_normalises_and_numbers_accounts(reception: Actor) -> None:
    first = create_customer(reception, acme())
    second = create_customer(reception, CustomerInput(name="Bob Brown"))
    assert first.account_code == "C000001"
    assert second.account_code == "C000002"
    assert first.postcode == "LS1 1AA"
    assert first.phone == "01632 960123"
    stored = t.Customer.get_by_id(first.id)
    assert stored.phone == "+441632960123"
    assert stored.version == 1 and first.version == 1


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.ENGINEER, Role.MANAGER])
def test_every_role_may_add_customers(office: dict[str, object], role: Role) -> None:
    actor = {Role.RECEPTION: office["reception"], Role.ENGINEER: office["engineer"],
             Role.MANAGER: office["manager"]}[role]
    summary = create_customer(actor, acme())  # type: ignore[arg-type]
    assert t.Customer.get_by_id(summary.id).name == "Jane Smith"


def test_deactivated_user_cannot_add_customers(reception: Actor) -> None:
    t.User.update(active=False).where(t.User.id == reception.id).execute()
    with pytest.raises(PermissionDenied):
        create_customer(reception, acme())
    assert t.Customer.select().count() == 0


def test_create_with_contacts_and_audit(reception: Actor) -> None:
    summary = create_customer(reception, acme(), [
        ContactInput("Bob Jones", "IT manager", "bob@acme.example", "07700 900123", True),
        ContactInput("Alice Archer")])
    assert [c.name for c in summary.contacts] == ["Bob Jones", "Alice Archer"]
    assert summary.contacts[0].phone == "07700 900123"
    assert summary.primary_contact is not None and summary.primary_contact.name == "Bob Jones"
    (row,) = audit_rows(summary.id)
    assert row.action == "customer.create" and row.user_id == reception.id
    after = json.loads(row.after)
    assert after["account_code"] == "C000001"
    assert [c["name"] for c in after["contacts"]] == ["Bob Jones", "Alice Archer"]


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"name": "  "}, "name", "name"),
    ({"email": "jane.acme.example"}, "email", "not an e-mail address"),
    ({"email": "jane@acme"}, "email", "not an e-mail address"),
    ({"phone": "12"}, "phone", "dialled"),
    ({"phone": "call me"}, "phone", "dialled"),
    ({"phone": "960123"}, "phone", "area code"),
    ({"phone": "029 2018 04"}, "phone", "dialled"),  # once stored as +44 029201804
    ({"postcode": "LS1 1"}, "postcode", "UK postcode"),
    ({"postcode": "SW1A 1A"}, "postcode", "UK postcode"),
    ({"postcode": "!!"}, "postcode", "not a postcode"),
    ({"name": "x" * 201}, "name", "too long"),
])
def test_bad_customer_details_are_refused(reception: Actor, overrides: dict[str, str],
                                          field: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        create_customer(reception, acme(**overrides))
    assert caught.value.field == field
    assert t.Customer.select().count() == 0


def test_card_number_in_notes_is_refused_and_no_number_is_used(reception: Actor) -> None:
    with pytest.raises(ValidationError, match="card number") as caught:
        create_customer(reception, acme(notes=f"paid with {VISA} last time"))
    assert caught.value.field == "notes"
    assert t.Customer.select().count() == 0
    # The failed attempt gave its account code back.
    assert create_customer(reception, acme()).account_code == "C000001"


def test_card_number_in_a_contact_is_refused(reception: Actor) -> None:
    with pytest.raises(ValidationError, match="card number"):
        create_customer(reception, acme(), [ContactInput("Bob", job_title=VISA)])
    assert t.Contact.select().count() == 0


def test_control_characters_are_dropped_from_text(reception: Actor) -> None:
    summary = create_customer(reception, acme(name="Jane\x00 Smith\x1b", notes="a\r\nb\tc"))
    assert summary.name == "Jane Smith"
    assert summary.notes == "a\nb\tc"


def test_two_primary_contacts_are_refused(reception: Actor) -> None:
    with pytest.raises(ValidationError, match="primary"):
        create_customer(reception, acme(), [ContactInput("A", is_primary=True),
                                            ContactInput("B", is_primary=True)])


@pytest.mark.parametrize(("typed", "stored"), [
    ("ls11aa", "LS1 1AA"),
    ("LS1 1AA", "LS1 1AA"),
    ("  sw1a   1aa ", "SW1A 1AA"),
    ("EC1A1BB", "EC1A 1BB"),
    ("m11ae", "M1 1AE"),
    ("b338th", "B33 8TH"),
    ("gir0aa", "GIR 0AA"),
    ("", ""),
    ("75008", "75008"),          # Paris
    ("1012 ab", "1012 AB"),      # Amsterdam
    ("d02 x285", "D02 X285"),    # Dublin Eircode
    ("10115", "10115"),          # Berlin
])
def test_postcodes_are_normalised(typed: str, stored: str) -> None:
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["LS1", "LS1 1A", "LS11AAA", "SW1A 1CC", "M1 1AEX", "##", "A"])
def test_malformed_postcodes_are_refused(typed: str) -> None:
    with pytest.raises(ValidationError):
        normalise_postcode(typed)


def test_a_new_customer_is_found_by_search_at_once(reception: Actor) -> None:
    summary = create_customer(reception, acme())
    assert [hit.id for hit in search_customers("widgets")] == [summary.id]


# --- editing -------------------------------------------------------------------------------


def test_update_customer_saves_bumps_version_and_audits(reception: Actor,
                                                        engineer: Actor) -> None:
    created = create_customer(reception, acme())
    updated = update_customer(engineer, created.id, 1, acme(phone="+44 113 496 0000",
                                                            postcode="LS2 7EW"))
    assert updated.version == 2
    assert updated.phone == "0113 496 0000"
    assert updated.postcode == "LS2 7EW"
    row = audit_rows(created.id)[-1]
    assert row.action == "customer.update" and row.user_id == engineer.id
    assert json.loads(row.before) == {"phone": "+441632960123", "postcode": "LS1 1AA",
                                      "version": 1}
    assert json.loads(row.after) == {"phone": "+441134960000", "postcode": "LS2 7EW",
                                     "version": 2}


def test_stale_update_is_refused_naming_what_changed_and_who(reception: Actor,
                                                             engineer: Actor) -> None:
    created = create_customer(reception, acme())
    update_customer(reception, created.id, 1, acme(phone="0113 496 0000"))
    with pytest.raises(ConflictError) as caught:
        update_customer(engineer, created.id, 1, acme(name="Janet Smith"))
    error = caught.value
    assert error.changed_by == "Rita Reception"
    assert error.changes == {"phone": ("+441632960123", "+441134960000")}
    assert "Rita Reception" in error.message and "phone" in error.message
    assert "C000001" in error.message
    current = t.Customer.get_by_id(created.id)
    assert current.name == "Jane Smith"  # nothing of the stale edit was written
    assert current.phone == "+441134960000"
    assert current.version == 2


def test_conflict_lists_every_field_changed_since(reception: Actor, manager: Actor,
                                                  engineer: Actor) -> None:
    created = create_customer(reception, acme())
    update_customer(reception, created.id, 1, acme(phone="0113 496 0000"))
    update_customer(manager, created.id, 2, acme(phone="0113 496 0000", company="Acme plc"))
    with pytest.raises(ConflictError) as caught:
        update_customer(engineer, created.id, 1, acme(notes="Call after 2pm"))
    assert set(caught.value.changes) == {"phone", "company"}
    assert caught.value.changed_by == "Mary Manager"  # the last to change it


def test_update_without_changes_keeps_the_version(reception: Actor) -> None:
    created = create_customer(reception, acme())
    again = update_customer(reception, created.id, 1, acme(postcode="LS1 1AA",
                                                           phone="+44 1632 960123"))
    assert again.version == 1
    assert len(audit_rows(created.id)) == 1


def test_update_reindexes_for_search(reception: Actor) -> None:
    created = create_customer(reception, acme())
    update_customer(reception, created.id, 1, acme(company="Zenith Gears"))
    assert search_customers("widgets") == []
    assert [hit.id for hit in search_customers("zenith")] == [created.id]


def test_invalid_update_writes_nothing(reception: Actor) -> None:
    created = create_customer(reception, acme())
    with pytest.raises(ValidationError):
        update_customer(reception, created.id, 1, acme(email="nope"))
    assert t.Customer.get_by_id(created.id).version == 1


def test_update_of_missing_customer_is_not_found(reception: Actor) -> None:
    with pytest.raises(NotFound):
        update_customer(reception, 999, 1, acme())


def test_get_customer_for_edit_shows_phone_as_people_write_it(reception: Actor) -> None:
    created = create_customer(reception, acme())
    edit = get_customer_for_edit(created.id)
    assert edit.version == 1 and edit.account_code == "C000001"
    assert edit.data.phone == "01632 960123"
    assert edit.data.postcode == "LS1 1AA"
    # Saving the form unchanged changes nothing.
    assert update_customer(reception, created.id, edit.version, edit.data).version == 1


# --- contacts ------------------------------------------------------------------------------


def test_add_contact_makes_the_new_primary_the_only_primary(reception: Actor) -> None:
    created = create_customer(reception, acme(), [ContactInput("Bob Jones", is_primary=True)])
    summary = add_contact(reception, created.id, 1,
                          ContactInput("Carol Cole", "Director", "carol@acme.example",
                                       "+44 7700 900456", is_primary=True))
    assert summary.version == 2
    assert [(c.name, c.is_primary) for c in summary.contacts] == [
        ("Carol Cole", True), ("Bob Jones", False)]
    assert summary.contacts[0].phone == "07700 900456"
    assert [hit.id for hit in search_customers("carol")] == [created.id]
    assert audit_rows(created.id)[-1].action == "contact.add"


def test_update_contact_saves_and_reindexes(reception: Actor) -> None:
    created = create_customer(reception, acme(), [ContactInput("Bob Jones")])
    contact_id = created.contacts[0].id
    summary = update_contact(reception, contact_id, 1,
                             ContactInput("Robert Jones", phone="07700 900999"))
    assert summary.contacts[0].name == "Robert Jones"
    assert summary.contacts[0].phone == "07700 900999"
    assert search_customers("bob jones") == []
    assert [hit.id for hit in search_customers("07700 900999")] == [created.id]
    row = audit_rows(created.id)[-1]
    assert row.action == "contact.update"
    assert json.loads(row.before)["contacts"]["name"] == "Bob Jones"


def test_contact_change_from_a_stale_panel_is_refused(reception: Actor,
                                                      engineer: Actor) -> None:
    created = create_customer(reception, acme(), [ContactInput("Bob Jones")])
    contact_id = created.contacts[0].id
    update_contact(reception, contact_id, 1, ContactInput("Bob Jones", job_title="CFO"))
    with pytest.raises(ConflictError) as caught:
        update_contact(engineer, contact_id, 1, ContactInput("Bobby Jones"))
    assert "contacts" in caught.value.changes
    assert caught.value.changed_by == "Rita Reception"
    assert t.Contact.get_by_id(contact_id).name == "Bob Jones"
    # And a stale customer edit after a contact change is refused too.
    with pytest.raises(ConflictError):
        update_customer(engineer, created.id, 1, acme(name="Someone Else"))


def test_bad_contact_phone_is_refused(reception: Actor) -> None:
    created = create_customer(reception, acme())
    with pytest.raises(ValidationError, match="phone") as caught:
        add_contact(reception, created.id, 1, ContactInput("Bob", phone="0"))
    assert caught.value.field == "contact_phone"
    assert t.Customer.get_by_id(created.id).version == 1


def test_a_retired_contact_is_kept_but_no_longer_offered(reception: Actor) -> None:
    created = create_customer(reception, acme(), [ContactInput("Bob Jones", is_primary=True)])
    contact_id = created.contacts[0].id
    summary = retire_contact(reception, contact_id, 1)
    assert summary.contacts == ()
    assert [c.name for c in summary.retired_contacts] == ["Bob Jones"]
    assert summary.retired_contacts[0].retired_at is not None
    assert summary.primary_contact is None
    assert summary.version == 2
    assert t.Contact.get_by_id(contact_id).retired_at is not None
    assert search_customers("bob jones") == []
    row = audit_rows(created.id)[-1]
    assert row.action == "contact.retire"
    assert json.loads(row.before)["contacts"]["name"] == "Bob Jones"
    assert json.loads(row.before)["contacts"]["retired_at"] is None
    assert json.loads(row.after)["contacts"]["retired_at"] is not None


def test_remove_contact_is_retiring(reception: Actor) -> None:
    assert remove_contact is retire_contact


def test_a_contact_on_an_open_incident_retires_and_stays_on_it(reception: Actor,
                                                               product: t.Product) -> None:
    created = create_customer(reception, acme(), [ContactInput("Bob Jones")])
    contact_id = created.contacts[0].id
    incident = make_incident(created.id, reception, product, contact_id=contact_id)
    retire_contact(reception, contact_id, 1)
    assert t.Incident.get_by_id(incident.id).contact_id == contact_id
    assert t.Customer.get_by_id(created.id).version == 2


def test_retiring_keeps_closed_incidents_linked(reception: Actor,
                                                product: t.Product) -> None:
    created = create_customer(reception, acme(), [ContactInput("Bob Jones")])
    contact_id = created.contacts[0].id
    incident = make_incident(created.id, reception, product, IncidentStatus.CLOSED,
                             contact_id=contact_id)
    retire_contact(reception, contact_id, 1)
    reloaded = t.Incident.get_by_id(incident.id)
    assert reloaded.contact_id == contact_id
    assert reloaded.customer_id == created.id


def test_a_retired_contact_is_refused_for_new_calls_and_call_backs(
        reception: Actor, product: t.Product) -> None:
    created = create_customer(reception, acme(), [ContactInput("Bob Jones")])
    contact_id = created.contacts[0].id
    retire_contact(reception, contact_id, 1)
    with pytest.raises(ValidationError, match="has left") as caught:
        intake.log_call(reception, LogCallInput(customer_id=created.id, contact_id=contact_id,
                                                product_id=product.id, subject="Won't print"))
    assert caught.value.field == "contact"
    with pytest.raises(ValidationError, match="has left"):
        callbacks.schedule_callback(reception, created.id,
                                    utcnow() + dt.timedelta(hours=2), "Ring", contact_id=contact_id)
    assert t.Incident.select().count() == 0
    assert t.CallBack.select().count() == 0


def test_a_retired_contact_cannot_be_edited_or_retired_again(reception: Actor) -> None:
    created = create_customer(reception, acme(), [ContactInput("Bob Jones")])
    contact_id = created.contacts[0].id
    retire_contact(reception, contact_id, 1)
    with pytest.raises(ValidationError, match="has left"):
        update_contact(reception, contact_id, 2, ContactInput("Robert Jones"))
    with pytest.raises(ValidationError, match="already left"):
        retire_contact(reception, contact_id, 2)
    assert t.Contact.get_by_id(contact_id).name == "Bob Jones"
    assert t.Customer.get_by_id(created.id).version == 2


def test_retiring_with_a_stale_version_changes_nothing(reception: Actor,
                                                       engineer: Actor) -> None:
    created = create_customer(reception, acme(), [ContactInput("Bob Jones")])
    update_customer(engineer, created.id, 1, acme(name="Jane Smythe"))
    with pytest.raises(ConflictError, match="name"):
        retire_contact(reception, created.contacts[0].id, 1)
    assert t.Contact.get_by_id(created.contacts[0].id).retired_at is None


# --- account codes ---------------------------------------------------------------------------


def test_an_account_code_can_be_changed_to_the_customer_s_own(reception: Actor) -> None:
    created = create_customer(reception, acme())
    saved = update_customer(reception, created.id, 1, acme(account_code=" acme01 "))
    assert saved.account_code == "ACME01"
    assert saved.version == 2
    assert [h.id for h in search_customers("ACME01")] == [created.id]
    row = audit_rows(created.id)[-1]
    assert json.loads(row.before)["account_code"] == "C000001"
    assert json.loads(row.after)["account_code"] == "ACME01"
    assert get_customer_for_edit(created.id).data.account_code == "ACME01"


@pytest.mark.parametrize(("typed", "says"), [
    ("C000002", "given out by the program"),
    ("c12", "given out by the program"),
    ("X" * 33, "too long"),
    ("TAKEN", "already Other Ltd's"),
])
def test_a_bad_account_code_is_refused_and_nothing_changes(reception: Actor, typed: str,
                                                          says: str) -> None:
    created = create_customer(reception, acme())
    other = create_customer(reception, acme(name="Other Ltd", company="Other Ltd"))
    update_customer(reception, other.id, 1, acme(name="Other Ltd", company="Other Ltd",
                                                 account_code="TAKEN"))
    with pytest.raises(ValidationError, match=says) as caught:
        update_customer(reception, created.id, 1, acme(name="Changed", account_code=typed))
    assert caught.value.field == "account_code"
    customer = t.Customer.get_by_id(created.id)
    assert (customer.account_code, customer.name, customer.version) == (
        "C000001", "Jane Smith", 1)


def test_keeping_the_account_code_as_it_is_saves(reception: Actor) -> None:
    created = create_customer(reception, acme())
    saved = update_customer(reception, created.id, 1,
                            acme(name="Jane Smythe", account_code="C000001"))
    assert (saved.account_code, saved.name) == ("C000001", "Jane Smythe")


def test_contact_waiting_for_a_call_back_cannot_be_removed(reception: Actor) -> None:
    created = create_customer(reception, acme(), [ContactInput("Bob Jones")])
    contact_id = created.contacts[0].id
    t.CallBack.create(customer=created.id, contact=contact_id, due_at=utcnow(),
                      created_by=reception.id)
    with pytest.raises(ValidationError, match="call-back"):
        remove_contact(reception, contact_id, 1)


def test_missing_contact_is_not_found(reception: Actor) -> None:
    with pytest.raises(NotFound):
        update_contact(reception, 12345, 1, ContactInput("X"))
    with pytest.raises(NotFound):
        remove_contact(reception, 12345, 1)


# --- the summary ---------------------------------------------------------------------------


def test_summary_counts_open_incidents_and_lists_the_latest(reception: Actor,
                                                            product: t.Product) -> None:
    created = create_customer(reception, acme())
    other = create_customer(reception, CustomerInput("Someone Else"))
    statuses = [IncidentStatus.QUEUED, IncidentStatus.IN_PROGRESS, IncidentStatus.RESOLVED,
                IncidentStatus.CLOSED, IncidentStatus.AWAITING_PAYMENT]
    made = [make_incident(created.id, reception, product, statuses[i % len(statuses)],
                          subject=f"Problem {i}") for i in range(12)]
    make_incident(other.id, reception, product)
    summary = customer_summary(created.id)
    open_expected = sum(1 for i in range(12) if statuses[i % len(statuses)].is_open)
    assert summary.open_incidents == open_expected
    assert len(summary.recent_incidents) == RECENT_INCIDENTS
    # Newest first (they were opened in order, so the highest numbers come first).
    assert [r.reference for r in summary.recent_incidents] == [
        m.reference for m in reversed(made)][:RECENT_INCIDENTS]
    assert summary.recent_incidents[0].subject == "Problem 11"
    assert summary.recent_incidents[0].status is statuses[11 % len(statuses)]


def test_summary_of_missing_customer_is_not_found(office: dict[str, object]) -> None:
    with pytest.raises(NotFound):
        customer_summary(4242)
