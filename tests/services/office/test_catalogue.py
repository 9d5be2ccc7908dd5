"""The catalogue of products and modules: managers add, rename, retire and restore them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from synergy_desk.domain.errors import (
    NotFound,
    PermissionDenied,
    ValidationError,
)
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.office.catalogue import (
    add_module,
    add_product,
    list_products,
    update_module,
    update_product,
)
from synergy_desk.services.office.settings import (
    normalise_vat_number,
)


def test_list_products_with_their_modules(manager: Actor, product: t.Product) -> None:
    add_module(manager, product.id, "Reports")
    add_module(manager, product.id, "Bank feeds")
    retired = add_module(manager, product.id, "Old importer")
    update_module(manager, retired.id, active=False)
    rows = list_products()
    assert [p.name for p in rows] == ["Ledger Accounts", "Payroll Plus"]
    assert [m.name for m in rows[0].modules] == ["Bank feeds", "Reports"]
    assert rows[0].current_version == "12.4"
    everything = list_products(include_inactive=True)
    assert [m.name for m in everything[0].modules] == ["Bank feeds", "Old importer", "Reports"]


def test_manager_adds_and_changes_a_product(manager: Actor) -> None:
    row = add_product(manager, "  Stock Control ", "3.0")
    assert row.name == "Stock Control" and row.current_version == "3.0" and row.active
    row = update_product(manager, row.id, current_version="3.1", active=False)
    assert row.current_version == "3.1" and not row.active
    assert "Stock Control" not in [p.name for p in list_products()]
    assert "Stock Control" in [p.name for p in list_products(include_inactive=True)]
    actions = [(a.action, json.loads(a.after)) for a in t.AuditLog.select()
               .where(t.AuditLog.entity == "product").order_by(t.AuditLog.id)]
    assert actions[0][0] == "product.create"
    assert actions[1] == ("product.update", {"current_version": "3.1", "active": False})


@pytest.mark.parametrize("who", ["engineer", "reception"])
def test_only_managers_change_the_catalogue(office: dict[str, Any], who: str) -> None:
    actor, product = office[who], office["product"]
    with pytest.raises(PermissionDenied):
        add_product(actor, "Stock Control")
    with pytest.raises(PermissionDenied):
        update_product(actor, product.id, active=False)
    with pytest.raises(PermissionDenied):
        add_module(actor, product.id, "Reports")
    assert [p.name for p in list_products()] == ["Ledger Accounts", "Payroll Plus"]


def test_product_names_are_unique_whatever_their_case(manager: Actor,
                                                      product: t.Product) -> None:
    with pytest.raises(ValidationError, match="already a product"):
        add_product(manager, "ledger ACCOUNTS")
    with pytest.raises(ValidationError, match="already a product"):
        update_product(manager, office_product2(), name="Ledger Accounts")
    with pytest.raises(ValidationError):
        add_product(manager, "   ")
    # Renaming a product to its own name in another case is fine.
    assert update_product(manager, product.id, name="LEDGER Accounts").name == "LEDGER Accounts"


def office_product2() -> int:
    return int(t.Product.get(t.Product.name == "Payroll Plus").id)


def test_module_names_are_unique_within_a_product(manager: Actor, product: t.Product) -> None:
    add_module(manager, product.id, "Reports")
    with pytest.raises(ValidationError, match="already has a module"):
        add_module(manager, product.id, "reports")
    other = add_module(manager, office_product2(), "Reports")  # another product: fine
    assert other.product_id == office_product2()
    renamed = update_module(manager, other.id, name="Payslips")
    assert renamed.name == "Payslips"


def test_missing_products_and_modules_are_not_found(manager: Actor) -> None:
    with pytest.raises(NotFound):
        update_product(manager, 999, active=False)
    with pytest.raises(NotFound):
        add_module(manager, 999, "Reports")
    with pytest.raises(NotFound):
        update_module(manager, 999, active=False)


@pytest.mark.parametrize(("typed", "stored"), [
    ("GB123456789", "GB123456789"),
    ("gb 123 4567 89", "GB123456789"),
    ("GB-123-456-789-012", "GB123456789012"),
    ("123456789", "GB123456789"),
    ("", ""),
])
def test_vat_numbers_are_normalised(typed: str, stored: str) -> None:
    assert normalise_vat_number(typed) == stored
