"""The catalogue of products and modules the office supports: listing, adding, renaming,
retiring and restoring them (managers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from peewee import fn

from synergy_desk.domain.errors import ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.common import (
    MANAGERS,
    Actor,
    audit,
    get_or_404,
    in_transaction,
    require,
    retried,
    snapshot,
    transaction,
)
from synergy_desk.services.office.settings import boolean, free_text

R = TypeVar("R", t.Product, t.Module)

__all__ = ["ProductRow", "ModuleRow", "list_products", "add_product", "update_product",
           "add_module", "update_module"]


@dataclass(frozen=True)
class ModuleRow:
    id: int
    product_id: int
    name: str
    active: bool


@dataclass(frozen=True)
class ProductRow:
    id: int
    name: str
    current_version: str
    active: bool
    modules: tuple[ModuleRow, ...] = ()


def _module_row(module: t.Module) -> ModuleRow:
    return ModuleRow(module.id, int(module.__data__["product"]), module.name, bool(module.active))


def _product_row(product: t.Product) -> ProductRow:
    """A product with all its modules, retired ones too (as a manager edits them)."""
    query = t.Module.select().where(t.Module.product == product.id)
    modules = tuple(_module_row(m) for m in query.order_by(t.Module.name))
    return ProductRow(product.id, product.name, product.current_version, bool(product.active),
                      modules)


def list_products(include_inactive: bool = False) -> list[ProductRow]:
    """Products with their modules, by name; retired ones (and retired modules) only if asked."""
    products = t.Product.select().order_by(t.Product.name)
    modules = t.Module.select().order_by(t.Module.name)
    if not include_inactive:
        products = products.where(t.Product.active)
        modules = modules.where(t.Module.active)
    by_product: dict[int, list[ModuleRow]] = {}
    for module in modules:
        by_product.setdefault(int(module.__data__["product"]), []).append(_module_row(module))
    return [ProductRow(p.id, p.name, p.current_version, bool(p.active),
                       tuple(by_product.get(p.id, ()))) for p in products]


def _product_name(name: Any, product_id: int | None) -> str:
    text = free_text("product name", 120, required=True)(name, "name")
    clash = t.Product.select(t.Product.id).where(fn.LOWER(t.Product.name) == text.lower())
    if product_id is not None:
        clash = clash.where(t.Product.id != product_id)
    if clash.exists():
        raise ValidationError(f"There is already a product called “{text}”.", "name")
    return text


def _module_name(name: Any, product_id: int, module_id: int | None) -> str:
    text = free_text("module name", 120, required=True)(name, "name")
    clash = t.Module.select(t.Module.id).where(
        (t.Module.product == product_id) & (fn.LOWER(t.Module.name) == text.lower()))
    if module_id is not None:
        clash = clash.where(t.Module.id != module_id)
    if clash.exists():
        raise ValidationError(f"This product already has a module called “{text}”.", "name")
    return text


@retried
def add_product(actor: Actor, name: str, current_version: str = "") -> ProductRow:
    """Add a product to the catalogue (managers only).

    Raises:
        PermissionDenied: the actor is not a manager.
        ValidationError: no name, or a product of that name exists.
    """
    with transaction():
        require(actor, MANAGERS, "change the products")
        values = {"name": _product_name(name, None),
                  "current_version": free_text("version", 40)(current_version,
                                                                "current_version")}
        product = t.Product.create(**values)
        audit(actor, "product.create", "product", product.id, None, snapshot(product))
        return _product_row(product)


@retried
def update_product(actor: Actor, product_id: int, *, name: str | None = None,
                   current_version: str | None = None,
                   active: bool | None = None) -> ProductRow:
    """Rename a product, set its current version, or retire/restore it (managers only).

    Only the values given are written, so two managers changing different things do not undo
    each other. Retiring keeps the product on existing incidents.

    Raises:
        PermissionDenied, ValidationError, NotFound.
    """
    with transaction():
        require(actor, MANAGERS, "change the products")
        product = get_or_404(t.Product, product_id, "product")
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = _product_name(name, product_id)
        if current_version is not None:
            values["current_version"] = free_text("version", 40)(current_version,
                                                                  "current_version")
        if active is not None:
            values["active"] = boolean("active")(active, "active")
        return _product_row(_write_changes(actor, product, values, "product"))


@retried
def add_module(actor: Actor, product_id: int, name: str) -> ModuleRow:
    """Add a module (plugin) to a product (managers only).

    Raises:
        PermissionDenied, ValidationError (no name, or the product has one of that name),
        NotFound.
    """
    with transaction():
        require(actor, MANAGERS, "change the products")
        product = get_or_404(t.Product, product_id, "product")
        module = t.Module.create(product=product.id,
                                 name=_module_name(name, product.id, None))
        audit(actor, "module.create", "module", module.id, None, snapshot(module))
        return _module_row(module)


@retried
def update_module(actor: Actor, module_id: int, *, name: str | None = None,
                  active: bool | None = None) -> ModuleRow:
    """Rename a module or retire/restore it (managers only).

    Raises:
        PermissionDenied, ValidationError, NotFound.
    """
    with transaction():
        require(actor, MANAGERS, "change the products")
        module = get_or_404(t.Module, module_id, "module")
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = _module_name(name, int(module.__data__["product"]), module_id)
        if active is not None:
            values["active"] = boolean("active")(active, "active")
        return _module_row(_write_changes(actor, module, values, "module"))


@in_transaction
def _write_changes(actor: Actor, row: R, values: dict[str, Any], entity: str) -> R:
    """Write the values that differ from the row's and audit them; the row as it is now."""
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    if not changed:
        return row
    model = type(row)
    row_id = int(row.id)
    before = snapshot(row, fields=list(changed))
    (model.update({getattr(model, k): v for k, v in changed.items()})
     .where(model.id == row_id).execute())
    fresh: R = model.get_by_id(row_id)
    audit(actor, f"{entity}.update", entity, row_id, before,
          snapshot(fresh, fields=list(changed)))
    return fresh
