"""First run on a new database: the office's details and the first manager account."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.errors import ValidationError
from synergy_desk.services.people import users
from synergy_desk.ui.dialogs.form import FormDialog, Problem


@dataclass(frozen=True)
class FirstRunRequest:
    company_name: str
    address: str
    vat_number: str
    username: str
    full_name: str
    password: str
    load_demo: bool
    #: Whether the office charges VAT (then receipts need its VAT number and address).
    vat_registered: bool = True


class FirstRunDialog(FormDialog[FirstRunRequest]):
    """Collects what a new office needs before anyone can log in; validates on the spot.

    ``create`` is called with the details when they are accepted; what it raises is shown in
    the dialog, which stays open.
    """

    def __init__(self, parent: QWidget | None = None,
                 create: Callable[[FirstRunRequest], object] | None = None) -> None:
        super().__init__(parent, message_name="firstRunMessage")
        self.setObjectName("firstRunDialog")
        self.setWindowTitle(self.tr("Welcome to Synergy Desk"))
        self._create = create
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
        form.addRow(self.tr("VAT-registered?"), self._vat_question())
        form.addRow(self.tr("&VAT number:"), self.vat)
        self.vat_note = QLabel()
        self.vat_note.setObjectName("firstRunVatNote")
        self.vat_note.setWordWrap(True)
        form.addRow("", self.vat_note)
        self.vat.textChanged.connect(self._on_vat_changed)
        self._on_vat_changed()

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

        self.ok_button.setText(self.tr("Create office"))
        layout = QVBoxLayout(self)
        for w in (intro, office, manager, self.demo, self.message, self.buttons):
            layout.addWidget(w)
        self.setMinimumWidth(460)

    def _vat_question(self) -> QWidget:
        """Yes or no: neither is chosen until the office says (a VAT number typed says yes)."""
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.vat_registered_yes = QRadioButton(self.tr("&Yes, we charge VAT"))
        self.vat_registered_yes.setObjectName("firstRunVatRegistered")
        self.vat_registered_no = QRadioButton(self.tr("N&o, no VAT is charged"))
        self.vat_registered_no.setObjectName("firstRunNotVatRegistered")
        self._vat_choice = QButtonGroup(self)
        for button in (self.vat_registered_yes, self.vat_registered_no):
            self._vat_choice.addButton(button)
            row.addWidget(button)
            button.toggled.connect(self._on_vat_changed)
        row.addStretch(1)
        return box

    def vat_registered(self) -> bool | None:
        """The answer to "VAT-registered?": None while it is not given."""
        if self.vat_registered_yes.isChecked():
            return True
        if self.vat_registered_no.isChecked():
            return False
        return True if self.vat.text().strip() else None

    def _on_vat_changed(self, *_args: object) -> None:
        registered = self.vat_registered()
        self.vat.setEnabled(registered is not False)
        if registered is False:
            text = self.tr("No VAT is charged; receipts say the office is not VAT-registered.")
        elif registered:
            text = self.tr("Receipts charge VAT and show the VAT number and address; none is "
                           "issued until both are set.")
        else:
            text = self.tr("Say whether the office is VAT-registered.")
        self.vat_note.setText(text)

    def validate(self) -> None:
        if not self.company.text().strip():
            raise Problem(self.tr("Give the office's company name."), self.company)
        if self.vat_registered() is None:
            raise Problem(self.tr("Say whether the office is VAT-registered: Yes, and give its "
                                  "VAT number, or No."), self.vat_registered_yes)
        if not self.username.text().strip():
            raise Problem(self.tr("Choose a user name for the first manager."), self.username)
        if not self.full_name.text().strip():
            raise Problem(self.tr("Give the manager's full name."), self.full_name)
        try:
            users.check_password_rules(self.password.text())  # the service's own rule
        except ValidationError as exc:
            raise Problem(exc.message, self.password) from exc
        if self.password.text() != self.password2.text():
            self.password2.clear()
            raise Problem(self.tr("The two passwords are not the same."), self.password2)

    def answer(self) -> FirstRunRequest:
        registered = self.vat_registered() is not False
        request = FirstRunRequest(
            self.company.text().strip(), self.address.toPlainText().strip(),
            self.vat.text().strip().upper().replace(" ", "") if registered else "",
            self.username.text().strip(), self.full_name.text().strip(), self.password.text(),
            self.demo.isChecked(), registered)
        if self._create is not None:
            self._create(request)
        return request

    @classmethod
    def ask(cls, parent: QWidget | None = None,
            create: Callable[[FirstRunRequest], object] | None = None
            ) -> FirstRunRequest | None:
        """The new office's details (created through ``create``), or None when cancelled."""
        return cls(parent, create).ask_value()
