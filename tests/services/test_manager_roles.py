"""Every managers-only use case refuses reception and engineers in the service itself.

One table holds every service function that checks ``require(actor, MANAGERS, ...)``; each is
called as reception and as an engineer with arguments that would otherwise succeed, must
raise PermissionDenied, and must leave every table exactly as it was. The same call as the
manager then works, so the refusal is about the role and nothing else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from synergy_desk.domain.enums import Role, WaiverKind
from synergy_desk.domain.errors import PermissionDenied
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import closing
from synergy_desk.services.money import funding, payments, refund_queue, tickets
from synergy_desk.services.office import catalogue, settings
from synergy_desk.services.people import users
from tests.conftest import PASSWORD
from tests.services.money.test_funding import buy_ticket, cash, new_customer, new_incident


@dataclass(frozen=True)
class Scene:
    customer: int
    unfunded: int  # open, awaiting payment
    paid: int  # funded by a payment, queued
    payment: int
    ticket: int
    product: int
    module: int
    user: int  # an engineer the managers look after
    settings_version: int
    refund_request: int  # a paid incident an engineer closed as out of remit


@pytest.fixture
def scene(office: dict[str, Any], product: t.Product) -> Scene:
    reception: Actor = office["reception"]
    customer = new_customer()
    unfunded = new_incident(reception, customer, product, "Unfunded one")
    paid = new_incident(reception, customer, product, "Paid one")
    receipt = payments.take_payment(reception, cash(customer, (paid.id,)))
    ticket = buy_ticket(reception, customer, size=5)
    module = t.Module.create(product=product.id, name="Payroll export")
    macro = new_incident(reception, customer, product, "Write our macro")
    payments.take_payment(reception, cash(customer, (macro.id,)))
    closing.out_of_remit(office["engineer"], macro.id, "Writing macros is not support")
    return Scene(customer.id, unfunded.id, paid.id, receipt.payment_id, ticket, product.id,
                 module.id, office["engineer2"].id,
                 int(t.OfficeSettings.get().version), int(t.RefundRequest.select().get().id))


Use = Callable[[Actor, Scene], Any]

MANAGER_ONLY: list[tuple[str, Use]] = [
    ("users.create_user", lambda a, s: users.create_user(
        a, "newbie", "New Person", Role.MANAGER, PASSWORD)),
    ("users.update_user", lambda a, s: users.update_user(a, s.user, role=Role.MANAGER)),
    ("users.reset_password", lambda a, s: users.reset_password(a, s.user, "a new password")),
    ("users.unlock", lambda a, s: users.unlock(a, s.user)),
    ("users.list_users", lambda a, s: users.list_users(a)),
    ("settings.update_settings", lambda a, s: settings.update_settings(
        a, s.settings_version, incident_price_pence=1)),
    ("catalogue.add_product", lambda a, s: catalogue.add_product(a, "Stock Control")),
    ("catalogue.update_product", lambda a, s: catalogue.update_product(
        a, s.product, name="Renamed")),
    ("catalogue.add_module", lambda a, s: catalogue.add_module(a, s.product, "Budgets")),
    ("catalogue.update_module", lambda a, s: catalogue.update_module(
        a, s.module, active=False)),
    ("funding.waive", lambda a, s: funding.waive(
        a, s.unfunded, WaiverKind.GOODWILL, "Long wait")),
    ("funding.create_contract", lambda a, s: funding.create_contract(
        a, s.customer, "SC-1", dt.date(2025, 1, 1), dt.date(2030, 12, 31))),
    ("payments.refund", lambda a, s: payments.refund(a, s.payment, reason="Paid twice")),
    ("payments.void", lambda a, s: payments.refund(a, s.payment, reason="Wrong", void=True)),
    ("tickets.adjust", lambda a, s: tickets.adjust(a, s.ticket, -1, "Goodwill correction")),
    ("refund_queue.approve_refund", lambda a, s: refund_queue.approve_refund(
        a, s.refund_request)),
    ("refund_queue.decline_refund", lambda a, s: refund_queue.decline_refund(
        a, s.refund_request, "Support was given first")),
]

CSV = b"Account Ref,Name,Telephone\r\nC900001,Brook Farm Supplies,0113 496 0123\r\n"


def _import(actor: Actor) -> Any:
    from synergy_desk.services.data import csv_import

    data = csv_import.read_csv(CSV)
    return csv_import.import_customers(actor, data, csv_import.guess_mapping(data.headers))


MANAGER_ONLY.append(("csv_import.import_customers", lambda a, s: _import(a)))

REFUSED = [(name, use, role) for name, use in MANAGER_ONLY
           for role in (Role.RECEPTION, Role.ENGINEER)]


def _state() -> tuple[tuple[str, int, str], ...]:
    """Every table's row count and a digest of its rows: any write at all changes it."""
    out = []
    for model in t.ALL_MODELS:
        rows = list(model.select().order_by(*[f for f in model._meta.sorted_fields
                                               if f.primary_key]).tuples())
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        out.append((model._meta.table_name, len(rows), digest))
    return tuple(out)


def _who(office: dict[str, Any], role: Role) -> Actor:
    return {Role.RECEPTION: office["reception"], Role.ENGINEER: office["engineer"],
            Role.MANAGER: office["manager"]}[role]  # type: ignore[no-any-return]


@pytest.mark.parametrize(("name", "use", "role"), REFUSED,
                         ids=[f"{n}-{r.value}" for n, _, r in REFUSED])
def test_reception_and_engineers_are_refused(office: dict[str, Any], scene: Scene, name: str,
                                             use: Use, role: Role) -> None:
    before = _state()
    with pytest.raises(PermissionDenied, match="Only managers"):
        use(_who(office, role), scene)
    assert _state() == before


@pytest.mark.parametrize(("name", "use"), MANAGER_ONLY, ids=[n for n, _ in MANAGER_ONLY])
def test_the_manager_may(office: dict[str, Any], scene: Scene, name: str, use: Use) -> None:
    before = _state()
    use(office["manager"], scene)
    if name != "users.list_users":  # the one that only reads
        assert _state() != before
