"""The names each incident keeps for the list's sorts follow every change, on both engines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from synergy_desk.models import tables as t
from synergy_desk.models.base import db, utcnow
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import callbacks, work
from synergy_desk.services.incidents.incident_list import (
    IncidentFilter,
    Sort,
    list_incidents,
    status_counts,
)
from synergy_desk.services.office import catalogue
from synergy_desk.services.people import customers, users
from synergy_desk.services.reporting.integrity import check_database
from tests.services.incidents.incident_helpers import make_customer, new_call


def _names(incident_id: int) -> tuple[str, str, str]:
    p = "?" if db.obj.param == "?" else "%s"
    row = db.execute_sql(f"SELECT customer_name, product_name, engineer_name FROM incident "
                         f"WHERE id = {p}", [incident_id]).fetchone()
    return (row[0], row[1], row[2])


def test_a_new_incident_keeps_its_names_and_an_engineer_is_named_when_assigned(
        reception: Actor, engineer: Actor, manager: Actor, office: dict[str, Any]) -> None:
    customer = make_customer("Acme Joinery")
    ref = new_call(reception, customer, office["product"])
    assert _names(ref.id) == ("Acme Joinery", "Ledger Accounts", "")
    work.assign(manager, ref.id, engineer.id)
    assert _names(ref.id) == ("Acme Joinery", "Ledger Accounts", "Eddie Engineer")
    # A model saved whole, with whatever it read before, never writes the names back.
    incident = t.Incident.get_by_id(ref.id)
    incident.subject = "Cannot print anything"
    incident.save()
    assert _names(ref.id)[2] == "Eddie Engineer"
    work.assign(manager, ref.id, None)
    assert _names(ref.id)[2] == ""
    assert check_database() == []


def test_renaming_a_customer_product_or_user_resorts_their_incidents(
        reception: Actor, engineer: Actor, manager: Actor, office: dict[str, Any]) -> None:
    alpha, zulu = make_customer("Alpha Ltd"), make_customer("Zulu Ltd")
    first = new_call(reception, alpha, office["product"])
    second = new_call(reception, zulu, office["product2"])
    work.assign(manager, first.id, engineer.id)
    work.assign(manager, second.id, office["engineer2"].id)

    def order(column: str) -> list[int]:
        return [r.id for r in list_incidents(IncidentFilter(view="all"), Sort(column, False)).rows]

    assert order("customer") == [first.id, second.id]
    editing = customers.get_customer_for_edit(alpha.id)
    customers.update_customer(reception, alpha.id, editing.version,
                              customers.CustomerInput(**{**editing.data.__dict__,
                                                         "name": "Zyxel Ltd"}))
    assert _names(first.id)[0] == "Zyxel Ltd"
    assert order("customer") == [second.id, first.id]
    assert order("product") == [first.id, second.id]
    catalogue.update_product(manager, office["product"].id, name="Zeta Accounts")
    assert _names(first.id)[1] == "Zeta Accounts"
    assert order("product") == [second.id, first.id]
    assert order("engineer") == [first.id, second.id]  # Eddie, Erin
    users.update_user(manager, engineer.id, full_name="Yusuf Engineer")
    assert _names(first.id)[2] == "Yusuf Engineer"
    assert order("engineer") == [second.id, first.id]
    row = list_incidents(IncidentFilter(view="all"), Sort("engineer", False)).rows[1]
    assert (row.customer_name, row.product_name, row.engineer_name) == (
        "Zyxel Ltd", "Zeta Accounts", "Yusuf Engineer")
    assert check_database() == []


def test_check_names_an_incident_whose_kept_name_is_stale(
        reception: Actor, office: dict[str, Any]) -> None:
    ref = new_call(reception, make_customer("Acme Joinery"), office["product"])
    p = "?" if db.obj.param == "?" else "%s"
    db.execute_sql(f"UPDATE incident SET customer_name = 'Old Name' WHERE id = {p}", [ref.id])
    assert check_database() == [
        "1 incident keeps a customer, product or engineer name other than the current one, "
        "so the incident list sorts it out of place."]



def test_an_incident_keeps_when_its_earliest_open_call_back_is_due(
        reception: Actor, office: dict[str, Any]) -> None:
    acme, brook = make_customer("Acme Joinery"), make_customer("Brook Farm")
    first = new_call(reception, acme, office["product"])
    second = new_call(reception, brook, office["product"])
    start = utcnow()
    soon = callbacks.schedule_callback(reception, acme.id, start + dt.timedelta(hours=1),
                                       "Ring back", incident_id=first.id)
    callbacks.schedule_callback(reception, acme.id, start + dt.timedelta(hours=5), "Later",
                                incident_id=first.id)
    now = start + dt.timedelta(hours=2)

    def due(at: dt.datetime) -> list[int]:
        return [r.id for r in list_incidents(IncidentFilter(view="callbacks_due", now=at)).rows]

    assert due(start) == []
    assert due(now) == [first.id]
    assert status_counts(now=now)["callbacks_due"] == 1
    callbacks.clear_callback(reception, soon.id, "Spoke to them")
    assert due(now) == []
    later = start + dt.timedelta(hours=6)
    assert status_counts(now=later)["callbacks_due"] == 1
    # A call-back moved to another incident (as a merge moves them) moves the due time too.
    p = "?" if db.obj.param == "?" else "%s"
    db.execute_sql(f"UPDATE call_back SET incident_id = {p} WHERE incident_id = {p} "
                   f"AND done_at IS NULL", [second.id, first.id])
    assert due(later) == [second.id]
    assert check_database() == []
    db.execute_sql(f"DELETE FROM call_back WHERE incident_id = {p}", [second.id])
    assert status_counts(now=later)["callbacks_due"] == 0
    assert check_database() == []
    db.execute_sql(f"UPDATE incident SET callback_due_at = {p} WHERE id = {p}",
                   [t.CallBack.due_at.db_value(now), second.id])
    assert check_database() == [
        "1 incident is listed under call-backs due other than its open call-backs say."]


def _two_desks() -> tuple[Any, Any]:
    import psycopg

    from tests.conftest import POSTGRES_URL

    return psycopg.connect(POSTGRES_URL), psycopg.connect(POSTGRES_URL)


def test_postgresql_desks_at_the_same_moment_leave_the_kept_values_right(
        reception: Actor, office: dict[str, Any]) -> None:
    """One desk moves an incident to a customer while another renames that customer; one
    clears an incident's call-back while another books it a later one. Whichever goes first,
    the incident keeps the current name and the earliest open call-back."""
    if db.obj.param == "?":
        return  # one writer at a time on SQLite: the triggers never overlap
    import threading

    acme, brook = make_customer("Acme Joinery"), make_customer("Brook Farm")
    moved = new_call(reception, acme, office["product"])
    booked = new_call(reception, brook, office["product"])
    first = callbacks.schedule_callback(reception, brook.id, utcnow() + dt.timedelta(hours=1),
                                        "Ring back", incident_id=booked.id)
    a, b = _two_desks()
    try:
        a.execute("UPDATE incident SET customer_id = %s WHERE id = %s", (brook.id, moved.id))
        renaming = threading.Thread(target=lambda: (b.execute(
            "UPDATE customer SET name = 'Brookside Farm' WHERE id = %s", (brook.id,)),
            b.commit()))
        renaming.start()
        renaming.join(0.5)
        assert renaming.is_alive()  # the rename waits for the desk that read the name
        a.commit()
        renaming.join()
        assert _names(moved.id)[0] == "Brookside Farm"

        later = db.execute_sql("SELECT due_at FROM call_back WHERE id = %s",
                               [first.id]).fetchone()[0] + dt.timedelta(hours=2)
        for clear_first in (True, False):
            if not clear_first:
                first = callbacks.schedule_callback(
                    reception, brook.id, utcnow() + dt.timedelta(hours=1), "Ring back",
                    incident_id=booked.id)
            clear = ("UPDATE call_back SET done_at = now() WHERE id = %s", (first.id,))
            book = ("INSERT INTO call_back (customer_id, incident_id, due_at, note, "
                    "created_by_id, created_at, outcome) VALUES (%s, %s, %s, '', %s, now(), '')",
                    (brook.id, booked.id, later, reception.id))
            one, other = (clear, book) if clear_first else (book, clear)
            a.execute(*one)
            second = threading.Thread(target=lambda o=other: (b.execute(*o), b.commit()))
            second.start()
            second.join(0.5)
            a.commit()
            second.join()
            kept = db.execute_sql("SELECT callback_due_at FROM incident WHERE id = %s",
                                  [booked.id]).fetchone()[0]
            earliest = db.execute_sql(
                "SELECT MIN(due_at) FROM call_back WHERE incident_id = %s AND done_at IS NULL",
                [booked.id]).fetchone()[0]
            assert kept == earliest, clear_first
            db.execute_sql("DELETE FROM call_back WHERE incident_id = %s AND due_at = %s",
                           [booked.id, later])
        assert check_database() == []
    finally:
        a.close()
        b.close()
