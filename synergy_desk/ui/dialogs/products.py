"""The manager's catalogue: products (name, current version, active) and their modules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.services.common import MANAGERS, Actor
from synergy_desk.services.office import catalogue
from synergy_desk.services.office.catalogue import ModuleRow, ProductRow
from synergy_desk.ui import palette
from synergy_desk.ui.dialogs.form import FormDialog
from synergy_desk.ui.message_line import MessageLine
from synergy_desk.ui.operations import allowed, call, reporting_errors

__all__ = ["CatalogueEntryDialog", "ProductsDialog", "open_products"]

_ID_ROLE = Qt.ItemDataRole.UserRole


class CatalogueEntryDialog(FormDialog[Any]):
    """A product's name and version, or a module's name; ``save`` is called on OK and what it
    raises is shown here, so a clash of names can be corrected without starting again."""

    def __init__(self, parent: QWidget | None, title: str, save: Callable[[str, str], Any],
                 name: str = "", version: str | None = None) -> None:
        super().__init__(parent, message_name="catalogueMessage")
        self.setObjectName("catalogueEntryDialog")
        self.setWindowTitle(title)
        self._save = save
        self.name = QLineEdit(name)
        self.name.setObjectName("catalogueName")
        self.version = QLineEdit(version or "")
        self.version.setObjectName("catalogueVersion")
        self.version.setPlaceholderText("12.4")
        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name)
        if version is not None:
            form.addRow(self.tr("Current &version:"), self.version)
        else:
            self.version.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.add_message_and_buttons(layout)
        self.fields = {"name": self.name, "current_version": self.version}
        self.name.setFocus()
        self.name.selectAll()
        self.setMinimumWidth(360)

    def answer(self) -> Any:
        return self._save(self.name.text(), self.version.text())

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, save: Callable[[str, str], Any],
            name: str = "", version: str | None = None) -> Any:
        """What ``save`` returned, or None when cancelled; ``version`` None hides that field."""
        return cls(parent, title, save, name, version).ask_value()


class ProductsDialog(QDialog):
    """Lists every product (retired ones greyed) and the chosen product's modules."""

    def __init__(self, parent: QWidget | None, actor: Actor) -> None:
        super().__init__(parent)
        self.setObjectName("productsDialog")
        self.setWindowTitle(self.tr("Products and modules"))
        self._actor = actor
        self._products: list[ProductRow] = []

        self.product_list = QTreeWidget()
        self.product_list.setObjectName("productList")
        self.product_list.setHeaderLabels([self.tr("Product"), self.tr("Current version"),
                                           self.tr("State")])
        self.product_list.setRootIsDecorated(False)
        header = self.product_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.product_list.setColumnWidth(1, 120)
        self.product_list.setColumnWidth(2, 80)
        products_label = QLabel(self.tr("&Products:"))
        products_label.setBuddy(self.product_list)
        self.add_product_button = QPushButton(self.tr("&Add…"))
        self.add_product_button.setObjectName("addProductButton")
        self.edit_product_button = QPushButton(self.tr("&Rename/Edit…"))
        self.edit_product_button.setObjectName("editProductButton")
        self.retire_product_button = QPushButton(self.tr("Re&tire"))
        self.retire_product_button.setObjectName("retireProductButton")

        self.module_list = QTreeWidget()
        self.module_list.setObjectName("moduleList")
        self.module_list.setHeaderLabels([self.tr("Module or plugin"), self.tr("State")])
        self.module_list.setRootIsDecorated(False)
        header = self.module_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.module_list.setColumnWidth(1, 80)
        self.modules_label = QLabel()
        self.modules_label.setBuddy(self.module_list)
        self.add_module_button = QPushButton(self.tr("A&dd…"))
        self.add_module_button.setObjectName("addModuleButton")
        self.rename_module_button = QPushButton(self.tr("Re&name…"))
        self.rename_module_button.setObjectName("renameModuleButton")
        self.retire_module_button = QPushButton(self.tr("Ret&ire"))
        self.retire_module_button.setObjectName("retireModuleButton")

        self.message = MessageLine("productsMessage")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(products_label)
        layout.addLayout(self._side_by_side(self.product_list, (
            self.add_product_button, self.edit_product_button, self.retire_product_button)), 3)
        layout.addWidget(self.modules_label)
        layout.addLayout(self._side_by_side(self.module_list, (
            self.add_module_button, self.rename_module_button, self.retire_module_button)), 2)
        note = QLabel(self.tr("Retired products and modules stay on the incidents that name "
                              "them but are no longer offered for new ones."))
        note.setWordWrap(True)
        note.setStyleSheet(palette.MUTED.text_style())
        layout.addWidget(note)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(620, 520)

        self.product_list.currentItemChanged.connect(self._on_product_current_changed)
        self.product_list.itemActivated.connect(self._on_edit_product_clicked)
        self.module_list.currentItemChanged.connect(self._on_module_current_changed)
        self.module_list.itemActivated.connect(self._on_rename_module_clicked)
        self.add_product_button.clicked.connect(self._on_add_product_clicked)
        self.edit_product_button.clicked.connect(self._on_edit_product_clicked)
        self.retire_product_button.clicked.connect(self._on_retire_product_clicked)
        self.add_module_button.clicked.connect(self._on_add_module_clicked)
        self.rename_module_button.clicked.connect(self._on_rename_module_clicked)
        self.retire_module_button.clicked.connect(self._on_retire_module_clicked)
        self.refresh()
        self.product_list.setFocus()

    @staticmethod
    def _side_by_side(view: QWidget, buttons: tuple[QPushButton, ...]) -> QHBoxLayout:
        column = QVBoxLayout()
        for button in buttons:
            button.setMinimumWidth(130)
            column.addWidget(button)
        column.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(view, 1)
        row.addLayout(column)
        return row

    # -- showing ----------------------------------------------------------------------------------

    def refresh(self, product_id: int | None = None, module_id: int | None = None) -> None:
        """Reload the catalogue, keeping (or moving to) the given product and module."""
        keep_product = product_id if product_id is not None else self.current_product_id()
        keep_module = module_id if module_id is not None else self.current_module_id()
        products = call(self, catalogue.list_products, include_inactive=True)
        if products is None:
            return
        self._products = products
        self.product_list.blockSignals(True)
        self.product_list.clear()
        current: QTreeWidgetItem | None = None
        for product in self._products:
            item = QTreeWidgetItem([product.name, product.current_version,
                                    self.tr("Active") if product.active else self.tr("Retired")])
            item.setData(0, _ID_ROLE, product.id)
            self._grey(item, product.active)
            self.product_list.addTopLevelItem(item)
            if product.id == keep_product or current is None:
                current = item
        if current is not None:
            self.product_list.setCurrentItem(current)
        self.product_list.blockSignals(False)
        self._show_modules(keep_module)

    @staticmethod
    def _grey(item: QTreeWidgetItem, active: bool) -> None:
        if not active:
            for column in range(item.columnCount()):
                item.setForeground(column, palette.INACTIVE.brush())

    def current_product(self) -> ProductRow | None:
        product_id = self.current_product_id()
        return next((p for p in self._products if p.id == product_id), None)

    def current_product_id(self) -> int | None:
        item = self.product_list.currentItem()
        return int(item.data(0, _ID_ROLE)) if item is not None else None

    def current_module(self) -> ModuleRow | None:
        product, module_id = self.current_product(), self.current_module_id()
        if product is None or module_id is None:
            return None
        return next((m for m in product.modules if m.id == module_id), None)

    def current_module_id(self) -> int | None:
        item = self.module_list.currentItem()
        return int(item.data(0, _ID_ROLE)) if item is not None else None

    def _show_modules(self, keep_module: int | None = None) -> None:
        product = self.current_product()
        self.module_list.blockSignals(True)
        self.module_list.clear()
        current: QTreeWidgetItem | None = None
        for module in product.modules if product is not None else ():
            item = QTreeWidgetItem([module.name,
                                    self.tr("Active") if module.active else self.tr("Retired")])
            item.setData(0, _ID_ROLE, module.id)
            self._grey(item, module.active)
            self.module_list.addTopLevelItem(item)
            if module.id == keep_module or current is None:
                current = item
        if current is not None:
            self.module_list.setCurrentItem(current)
        self.module_list.blockSignals(False)
        self.modules_label.setText(self.tr("&Modules of %s:") % product.name if product
                                   else self.tr("&Modules:"))
        self._update_buttons()

    def _update_buttons(self) -> None:
        product, module = self.current_product(), self.current_module()
        self.edit_product_button.setEnabled(product is not None)
        self.retire_product_button.setEnabled(product is not None)
        self.retire_product_button.setText(self.tr("Re&store") if product and not product.active
                                           else self.tr("Re&tire"))
        self.add_module_button.setEnabled(product is not None)
        self.rename_module_button.setEnabled(module is not None)
        self.retire_module_button.setEnabled(module is not None)
        self.retire_module_button.setText(self.tr("Rest&ore") if module and not module.active
                                          else self.tr("Ret&ire"))

    def _on_product_current_changed(self, *_args: object) -> None:
        self.message.clear()
        self._show_modules()

    def _on_module_current_changed(self, *_args: object) -> None:
        self.message.clear()
        self._update_buttons()

    # -- changing ---------------------------------------------------------------------------------

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A service call whose refusal is told in the dialog; None when refused."""
        self.message.clear()
        with reporting_errors(self, failure=self.message.failure):
            return fn(*args, **kwargs)
        return None

    def _on_add_product_clicked(self) -> None:
        actor = self._actor
        added = CatalogueEntryDialog.ask(
            self, self.tr("Add a product"),
            lambda name, version: catalogue.add_product(actor, name, version),
            version="")
        if isinstance(added, ProductRow):
            self.refresh(product_id=added.id)

    def _on_edit_product_clicked(self, *_args: object) -> None:
        product = self.current_product()
        if product is None:
            return
        actor = self._actor
        changed = CatalogueEntryDialog.ask(
            self, self.tr("Edit %s") % product.name,
            lambda name, version: catalogue.update_product(
                actor, product.id, name=name, current_version=version),
            name=product.name, version=product.current_version)
        if isinstance(changed, ProductRow):
            self.refresh(product_id=changed.id)

    def _on_retire_product_clicked(self) -> None:
        product = self.current_product()
        if product is None:
            return
        changed = self._call(catalogue.update_product, self._actor, product.id,
                             active=not product.active)
        if changed is not None:
            self.refresh(product_id=product.id)

    def _on_add_module_clicked(self) -> None:
        product = self.current_product()
        if product is None:
            return
        actor = self._actor
        added = CatalogueEntryDialog.ask(
            self, self.tr("Add a module to %s") % product.name,
            lambda name, _version: catalogue.add_module(actor, product.id, name))
        if isinstance(added, ModuleRow):
            self.refresh(product_id=product.id, module_id=added.id)

    def _on_rename_module_clicked(self, *_args: object) -> None:
        module = self.current_module()
        if module is None:
            return
        actor = self._actor
        changed = CatalogueEntryDialog.ask(
            self, self.tr("Rename %s") % module.name,
            lambda name, _version: catalogue.update_module(actor, module.id, name=name),
            name=module.name)
        if isinstance(changed, ModuleRow):
            self.refresh(product_id=module.product_id, module_id=module.id)

    def _on_retire_module_clicked(self) -> None:
        module = self.current_module()
        if module is None:
            return
        changed = self._call(catalogue.update_module, self._actor, module.id,
                             active=not module.active)
        if changed is not None:
            self.refresh(product_id=module.product_id, module_id=module.id)

    @classmethod
    def ask(cls, parent: QWidget | None, actor: Actor) -> None:
        """Show the catalogue to a manager; anyone else is told they may not."""
        if not allowed(parent, actor, MANAGERS, "change the products and modules"):
            return
        dialog = cls(parent, actor)
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()


def open_products(parent: QWidget | None, actor: Actor) -> None:
    """The products and modules dialog (managers only)."""
    ProductsDialog.ask(parent, actor)
