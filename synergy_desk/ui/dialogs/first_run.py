"""First run on a new database: the office's details and the first manager account."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class FirstRunRequest:
    company_name: str
    address: str
    vat_number: str
    username: str
    full_name: str
    password: str
    load_demo: bool


class FirstRunDialog(QDialog):
    """Collects what a new office needs before anyone can log in; validates on the spot."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunDialog")
        self.setWindowTitle(self.tr("Welcome to Synergy Desk"))
        intro = QLabel(self.tr(
            "This database is new. Tell Synergy Desk about your office and create the first "
            "manager account; more users can be added later."))
        intro.setWordWrap(True)

        office = QGroupBox(self.tr("Your office"))
        self.company = QLineEdit()
        self.company.setObjectName("firstRunCompany")
        self.address = QPlainTextEdit()
        self.address.setObjectName("firstRunAddress")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(70)
        self.vat = QLineEdit()
        self.vat.setObjectName("firstRunVat")
        self.vat.setPlaceholderText("GB123456789")
        form = QFormLayout(office)
        form.addRow(self.tr("Company &name:"), self.company)
        form.addRow(self.tr("&Address:"), self.address)
        form.addRow(self.tr("&VAT number:"), self.vat)

        manager = QGroupBox(self.tr("First manager"))
        self.username = QLineEdit()
        self.username.setObjectName("firstRunUser")
        self.full_name = QLineEdit()
        self.full_name.setObjectName("firstRunFullName")
        self.password = QLineEdit()
        self.password.setObjectName("firstRunPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = QLineEdit()
        self.password2.setObjectName("firstRunPassword2")
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        form2 = QFormLayout(manager)
        form2.addRow(self.tr("&User name:"), self.username)
        form2.addRow(self.tr("Full na&me:"), self.full_name)
        form2.addRow(self.tr("&Password:"), self.password)
        form2.addRow(self.tr("Password a&gain:"), self.password2)

        self.demo = QCheckBox(self.tr("Load &demo data (an example office to try things out)"))
        self.demo.setObjectName("firstRunDemo")
        self.message = QLabel()
        self.message.setObjectName("firstRunMessage")
        self.message.setStyleSheet("color: #a61b1b;")
        self.message.setWordWrap(True)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create office"))
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (intro, office, manager, self.demo, self.message, buttons):
            layout.addWidget(w)
        self.result_request: FirstRunRequest | None = None
        self.setMinimumWidth(460)

    def _fail(self, text: str, widget: QWidget) -> None:
        self.message.setText(text)
        widget.setFocus()

    def _on_buttons_accepted(self) -> None:
        if not self.company.text().strip():
            return self._fail(self.tr("Give the office's company name."), self.company)
        if not self.username.text().strip():
            return self._fail(self.tr("Choose a user name for the first manager."), self.username)
        if not self.full_name.text().strip():
            return self._fail(self.tr("Give the manager's full name."), self.full_name)
        if len(self.password.text()) < 8:
            return self._fail(self.tr("The password needs at least 8 characters."), self.password)
        if self.password.text() != self.password2.text():
            self.password2.clear()
            return self._fail(self.tr("The two passwords are not the same."), self.password2)
        self.result_request = FirstRunRequest(
            self.company.text().strip(), self.address.toPlainText().strip(),
            self.vat.text().strip().upper().replace(" ", ""), self.username.text().strip(),
            self.full_name.text().strip(), self.password.text(), self.demo.isChecked())
        self.accept()

    def show_error(self, text: str) -> None:
        self.message.setText(text)

    @classmethod
    def ask(cls, parent: QWidget | None = None) -> FirstRunRequest | None:
        dialog = cls(parent)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.result_request
            return None
        finally:
            # Dialogs with a parent would otherwise live as long as the window.
            dialog.deleteLater()
