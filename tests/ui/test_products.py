"""The products and modules dialog: listing, adding, renaming, retiring and restoring."""

from __future__ import annotations

from typing import Any

import pytest

from synergy_desk.domain.enums import Role
from synergy_desk.domain.errors import PermissionDenied
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.office import catalogue
from synergy_desk.ui.dialogs.products import CatalogueEntryDialog, ProductsDialog, open_products
from tests.ui.conftest import ShownErrors


def entries(monkeypatch: pytest.MonkeyPatch, name: str, version: str = "") -> list[str]:
    """Answer the next entry dialogs with ``name`` and ``version``, through their save."""
    titles: list[str] = []

    def ask(_parent: Any, title: str, save: Any, **shown: Any) -> Any:
        titles.append(title)
        return save(name, version)

    monkeypatch.setattr(CatalogueEntryDialog, "ask", staticmethod(ask))
    return titles


def open_dialog(qtbot: Any, manager: Actor) -> ProductsDialog:
    dialog = ProductsDialog(None, manager)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def rows(tree: Any) -> list[list[str]]:
    return [[tree.topLevelItem(i).text(c) for c in range(tree.columnCount())]
            for i in range(tree.topLevelItemCount())]


def select_product(dialog: ProductsDialog, name: str) -> None:
    for i in range(dialog.product_list.topLevelItemCount()):
        if dialog.product_list.topLevelItem(i).text(0) == name:
            dialog.product_list.setCurrentItem(dialog.product_list.topLevelItem(i))
            return
    raise AssertionError(name)


def test_products_are_listed_with_the_modules_of_the_chosen_one(
        qtbot: Any, manager: Actor, product: t.Product) -> None:
    catalogue.add_module(manager, product.id, "Bank Reconciliation")
    dialog = open_dialog(qtbot, manager)
    assert dialog.objectName() == "productsDialog"
    assert rows(dialog.product_list) == [["Ledger Accounts", "12.4", "Active"],
                                         ["Payroll Plus", "8.1", "Active"]]
    assert rows(dialog.module_list) == [["Bank Reconciliation", "Active"]]
    assert "Ledger Accounts" in dialog.modules_label.text()
    select_product(dialog, "Payroll Plus")
    assert rows(dialog.module_list) == []
    assert not dialog.rename_module_button.isEnabled()


def test_a_product_is_added_and_edited(qtbot: Any, manager: Actor,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = open_dialog(qtbot, manager)
    entries(monkeypatch, "Stock Control", "1.0")
    dialog.add_product_button.click()
    assert ["Stock Control", "1.0", "Active"] in rows(dialog.product_list)
    assert dialog.product_list.currentItem().text(0) == "Stock Control"

    entries(monkeypatch, "Stock Control Pro", "2.0")
    dialog.edit_product_button.click()
    assert ["Stock Control Pro", "2.0", "Active"] in rows(dialog.product_list)
    assert t.Product.get(t.Product.name == "Stock Control Pro").current_version == "2.0"
    actions = [a.action for a in t.AuditLog.select().order_by(t.AuditLog.id)]
    assert actions == ["product.create", "product.update"]


def test_a_product_is_retired_and_restored(qtbot: Any, manager: Actor,
                                           product: t.Product) -> None:
    dialog = open_dialog(qtbot, manager)
    select_product(dialog, "Ledger Accounts")
    assert dialog.retire_product_button.text() == "Re&tire"
    dialog.retire_product_button.click()
    assert rows(dialog.product_list)[0] == ["Ledger Accounts", "12.4", "Retired"]
    assert dialog.retire_product_button.text() == "Re&store"
    assert not t.Product.get_by_id(product.id).active
    assert [p.name for p in catalogue.list_products()] == ["Payroll Plus"]
    dialog.retire_product_button.click()
    assert t.Product.get_by_id(product.id).active


def test_modules_are_added_renamed_retired_and_restored(
        qtbot: Any, manager: Actor, product: t.Product,
        monkeypatch: pytest.MonkeyPatch) -> None:
    dialog = open_dialog(qtbot, manager)
    select_product(dialog, "Ledger Accounts")
    titles = entries(monkeypatch, "Year End")
    dialog.add_module_button.click()
    assert titles == ["Add a module to Ledger Accounts"]
    assert rows(dialog.module_list) == [["Year End", "Active"]]

    entries(monkeypatch, "Year-End Close")
    dialog.rename_module_button.click()
    assert rows(dialog.module_list) == [["Year-End Close", "Active"]]
    dialog.retire_module_button.click()
    assert rows(dialog.module_list) == [["Year-End Close", "Retired"]]
    assert dialog.retire_module_button.text() == "Rest&ore"
    module = t.Module.get(t.Module.name == "Year-End Close")
    assert module.product_id == product.id and not module.active
    dialog.retire_module_button.click()
    assert t.Module.get_by_id(module.id).active


def test_a_name_already_used_is_told_in_the_entry_dialog(qtbot: Any, manager: Actor) -> None:
    dialog = CatalogueEntryDialog(
        None, "Add a product",
        lambda name, version: catalogue.add_product(manager, name, version),
        version="")
    qtbot.addWidget(dialog)
    dialog.name.setText("payroll plus")
    dialog.accept()
    assert "already a product called" in dialog.message.text()
    assert dialog.result() != CatalogueEntryDialog.DialogCode.Accepted
    assert t.Product.select().count() == 2
    dialog.name.setText("Payroll Cloud")
    dialog.accept()
    assert dialog.result() == CatalogueEntryDialog.DialogCode.Accepted
    assert dialog.value.name == "Payroll Cloud"


def test_a_refusal_by_the_service_is_told_in_the_dialog(qtbot: Any, manager: Actor,
                                                        product: t.Product) -> None:
    dialog = open_dialog(qtbot, manager)
    select_product(dialog, "Ledger Accounts")
    # Demoted at another desk while the dialog was open.
    t.User.update(role=Role.ENGINEER).where(t.User.id == manager.id).execute()
    dialog.retire_product_button.click()
    assert "no longer change the products" in dialog.message.text()
    assert t.Product.get_by_id(product.id).active


@pytest.mark.parametrize("who", ["engineer", "reception"])
def test_only_managers_open_the_catalogue(qtbot: Any, office: dict[str, Any],
                                          shown_errors: ShownErrors, who: str) -> None:
    open_products(None, office[who])
    [error] = shown_errors.shown
    assert isinstance(error, PermissionDenied)
    assert "Only managers" in error.message
