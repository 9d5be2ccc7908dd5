"""The manager's office settings: company details and logo, prices and VAT, the office's time
zone, lock-out and the desks' idle lock, the mail server (with a test e-mail sent from the values on screen),
the listener for the phone system's calls (its port, whether the office network reaches it,
and its token), the bank account payment requests print, and the support mailbox (with a
test of the connection from the values on screen) and how its mail is kept and answered."""

from __future__ import annotations

import socket
import zoneinfo
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.errors import (
    ConflictError,
    DomainError,
    ValidationError,
)
from synergy_desk.domain.money import (
    format_pence,
    format_rate,
    line_amounts,
    parse_pence,
    parse_rate,
)
from synergy_desk.services.common import MANAGERS, Actor
from synergy_desk.services.data.files import file_problem
from synergy_desk.services.incidents.caller_log import phone_system_url
from synergy_desk.services.office import mailer
from synergy_desk.services.office import settings as settings_service
from synergy_desk.services.office.settings import SETTING, OfficeSettingsData
from synergy_desk.ui import errors, formatting, palette
from synergy_desk.ui.dialogs.form import FormDialog
from synergy_desk.ui.message_line import MessageLine
from synergy_desk.ui.operations import Op, allowed, call
from synergy_desk.ui.worker import Background

__all__ = ["OfficeSettingsDialog", "open_office_settings"]

_LOGO_PREVIEW = (200, 80)


class OfficeSettingsDialog(FormDialog[OfficeSettingsData | None]):
    """Edits the office's settings; Save sends only what changed, with the version loaded.

    The answer is the settings as saved, or None when nothing had changed.
    """

    #: A test e-mail has been sent (True) or has failed (False), with the words shown.
    test_email_finished = Signal(bool, str)
    #: The mailbox's connection test has answered (True) or failed (False), with the words shown.
    mailbox_test_finished = Signal(bool, str)

    def __init__(self, parent: QWidget | None, actor: Actor, background: Background,
                 data: OfficeSettingsData) -> None:
        super().__init__(parent, message_name="officeSettingsMessage",
                         buttons=QDialogButtonBox.StandardButton.Save
                         | QDialogButtonBox.StandardButton.Cancel)
        self.setObjectName("officeSettingsDialog")
        self.setWindowTitle(self.tr("Office settings"))
        self._actor = actor
        self._background = background
        self._data = data
        self._logo: bytes | None = data.logo
        #: None: keep the saved password; "": remove it; text: the new one.
        self._password_change: str | None = None
        #: The same for the mailbox's password.
        self._imap_password_change: str | None = None
        self._fields: dict[str, QWidget] = {}
        self._errors: dict[str, MessageLine] = {}
        self._tab_of: dict[str, int] = {}

        self.tabs = QTabWidget()
        self.tabs.setObjectName("officeSettingsTabs")
        self.tabs.addTab(self._company_tab(), self.tr("&Company"))
        self.tabs.addTab(self._prices_tab(), self.tr("&Prices"))
        self.tabs.addTab(self._office_tab(), self.tr("&Office"))
        self.tabs.addTab(self._email_tab(), self.tr("&E-mail"))
        self._phone_token = data.phone_listener_token
        self.tabs.addTab(self._phone_tab(), self.tr("Phone s&ystem"))
        self.tabs.addTab(self._bank_tab(), self.tr("&Bank"))
        self.tabs.addTab(self._mailbox_tab(), self.tr("Mailbo&x"))

        self.save_button = self.ok_button
        self.save_button.setObjectName("officeSettingsSave")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        self.add_message_and_buttons(layout)
        self.resize(620, 560)
        self._load(data)
        self.company_name.setFocus()

    # -- building -------------------------------------------------------------------------------

    def _row(self, form: QFormLayout, tab: int, name: str, widget: QWidget,
             *extra: QWidget, stretch: bool = True, top: bool = False) -> None:
        """A field captioned as its setting is declared, with the place for its error
        message under it."""
        caption_text = SETTING[name].caption
        cell = QWidget()
        box = QVBoxLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        align = Qt.AlignmentFlag.AlignTop if top else Qt.AlignmentFlag.AlignVCenter
        line.addWidget(widget, 1 if stretch else 0, align)
        for w in extra:
            line.addWidget(w, 0, align)
        if not stretch:
            line.addStretch(1)
        box.addLayout(line)
        error = MessageLine(f"fieldError_{name}")
        error.hide()
        box.addWidget(error)
        caption = QLabel(self.tr(caption_text) if caption_text else "")
        caption.setBuddy(widget)
        form.addRow(caption, cell)
        self._fields[name] = widget
        self._errors[name] = error
        self._tab_of[name] = tab

    @staticmethod
    def _form(page: QWidget) -> QFormLayout:
        outer = QVBoxLayout(page)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form)
        # Spare height goes below the fields, not between them.
        outer.addStretch(1)
        return form

    def _spin(self, key: str, name: str) -> QSpinBox:
        """A number field with its setting's declared range and unit."""
        setting = SETTING[key]
        assert setting.low is not None and setting.high is not None
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(setting.low, setting.high)
        spin.setSuffix(self.tr(f" {setting.unit}") if setting.unit else "")
        spin.setMinimumWidth(110)
        return spin

    @staticmethod
    def _line(key: str, name: str, placeholder: str = "") -> QLineEdit:
        """A text field no longer than its setting may be."""
        edit = QLineEdit()
        edit.setObjectName(name)
        max_length = SETTING[key].max_length
        if max_length is not None:
            edit.setMaxLength(max_length)
        if placeholder:
            edit.setPlaceholderText(placeholder)
        return edit

    def _company_tab(self) -> QWidget:
        page = QWidget()
        form = self._form(page)
        self.company_name = self._line("company_name", "settingsCompanyName")
        self.address = QPlainTextEdit()
        self.address.setObjectName("settingsAddress")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(84)
        self.vat_number = self._line("vat_number", "settingsVatNumber", "GB123456789")
        self.vat_registered = QCheckBox(self.tr("The office is VAT-re&gistered"))
        self.vat_registered.setObjectName("settingsVatRegistered")
        self.vat_registered.toggled.connect(self._on_vat_registered_toggled)
        self.phone = self._line("phone", "settingsPhone")
        self.email = self._line("email", "settingsEmail", "office@example.co.uk")
        self.logo_preview = QLabel()
        self.logo_preview.setObjectName("logoPreview")
        self.logo_preview.setFixedSize(*_LOGO_PREVIEW)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # The logo as it prints: on paper, whatever the desktop's colours.
        self.logo_preview.setStyleSheet(f"border:1px solid {palette.FRAME.hex()}; "
                                        f"background:{palette.PAPER.hex()}; "
                                        f"color:{palette.PAPER_TEXT.hex()};")
        self.choose_logo_button = QPushButton(self.tr("Choo&se…"))
        self.choose_logo_button.setObjectName("chooseLogoButton")
        self.choose_logo_button.clicked.connect(self._on_choose_logo_clicked)
        self.remove_logo_button = QPushButton(self.tr("&Remove"))
        self.remove_logo_button.setObjectName("removeLogoButton")
        self.remove_logo_button.clicked.connect(self._on_remove_logo_clicked)
        logo_buttons = QWidget()
        column = QVBoxLayout(logo_buttons)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.choose_logo_button)
        column.addWidget(self.remove_logo_button)
        column.addStretch(1)
        self._row(form, 0, "company_name", self.company_name)
        self._row(form, 0, "address", self.address)
        self._row(form, 0, "vat_registered", self.vat_registered)
        self._row(form, 0, "vat_number", self.vat_number)
        self.vat_note = QLabel()
        self.vat_note.setObjectName("vatRegisteredNote")
        self.vat_note.setWordWrap(True)
        self.vat_note.setStyleSheet(palette.MUTED.text_style())
        form.addRow("", self.vat_note)
        self._row(form, 0, "phone", self.phone)
        self._row(form, 0, "email", self.email)
        self._row(form, 0, "logo", self.logo_preview, logo_buttons,
                  stretch=False, top=True)
        hint = QLabel(self.tr("The logo prints at the top of receipts and other documents: a "
                              "PNG or JPEG of at most %d kB; a larger picture is kept at 1,200 pixels across.")
                      % ((SETTING["logo"].high or 0) // 1000))
        hint.setWordWrap(True)
        hint.setStyleSheet(palette.MUTED.text_style())
        form.addRow("", hint)
        return page

    def _money_edit(self, name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText("75.00")
        edit.setMaximumWidth(130)
        edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        edit.textChanged.connect(self._on_prices_changed)
        return edit

    def _prices_tab(self) -> QWidget:
        page = QWidget()
        form = self._form(page)
        self.incident_price = self._money_edit("settingsIncidentPrice")
        self.incident_gross = QLabel()
        self.incident_gross.setObjectName("incidentPriceGross")
        self.incident_gross.setStyleSheet(palette.MUTED.text_style())
        self.vat_rate = QLineEdit()
        self.vat_rate.setObjectName("settingsVatRate")
        self.vat_rate.setPlaceholderText("20")
        self.vat_rate.setMaximumWidth(80)
        self.vat_rate.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.vat_rate.textChanged.connect(self._on_prices_changed)
        self.vat_registered.toggled.connect(self._on_prices_changed)
        self.ticket_price = self._money_edit("settingsTicketPrice")
        self.ticket_gross = QLabel()
        self.ticket_gross.setObjectName("ticketPriceGross")
        self.ticket_gross.setStyleSheet(palette.MUTED.text_style())
        self.ticket_size = self._spin("ticket_default_size", "settingsTicketSize")
        self.ticket_size.valueChanged.connect(self._on_prices_changed)
        self.ticket_days = self._spin("ticket_validity_days", "settingsTicketDays")
        self._row(form, 1, "incident_price_pence", self.incident_price, self.incident_gross,
                  stretch=False)
        self._row(form, 1, "vat_rate_bp", self.vat_rate, QLabel("%"), stretch=False)
        self._row(form, 1, "ticket_incident_price_pence", self.ticket_price, self.ticket_gross,
                  stretch=False)
        self._row(form, 1, "ticket_default_size", self.ticket_size, stretch=False)
        self._row(form, 1, "ticket_validity_days", self.ticket_days, stretch=False)
        note = QLabel(self.tr("Receipts already issued keep the prices they were issued at. "
                              "New prices apply to payments taken from now on."))
        note.setObjectName("pricesNote")
        note.setWordWrap(True)
        note.setStyleSheet(palette.MUTED.text_style())
        form.addRow("", note)
        return page

    def _office_tab(self) -> QWidget:
        page = QWidget()
        form = self._form(page)
        self.timezone = QComboBox()
        self.timezone.setObjectName("settingsTimezone")
        self.timezone.setEditable(True)
        self.timezone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.timezone.addItems(sorted(zoneinfo.available_timezones()))
        completer = QCompleter(self.timezone.model(), self.timezone)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.timezone.setCompleter(completer)
        self.lockout_attempts = self._spin("lockout_attempts", "settingsLockoutAttempts")
        self.lockout_minutes = self._spin("lockout_minutes", "settingsLockoutMinutes")
        self._row(form, 2, "timezone", self.timezone)
        zone_hint = QLabel(self.tr("Times are stored in UTC and shown in this time zone on "
                                   "every desk and document."))
        zone_hint.setWordWrap(True)
        zone_hint.setStyleSheet(palette.MUTED.text_style())
        form.addRow("", zone_hint)
        self._row(form, 2, "lockout_attempts", self.lockout_attempts, stretch=False)
        self._row(form, 2, "lockout_minutes", self.lockout_minutes, stretch=False)
        self._cash_variance_row(form)
        self._idle_lock_row(form)
        return page

    def _cash_variance_row(self, form: QFormLayout) -> None:
        self.cash_variance = self._money_edit("settingsCashVariance")
        self.cash_variance.setPlaceholderText("5.00")
        self._row(form, 2, "cash_variance_threshold_pence", self.cash_variance, stretch=False)
        hint = QLabel(self.tr("A count of the cash drawer further than this from the cash "
                              "expected (float + cash takings − cash refunds) needs a reason."))
        hint.setObjectName("cashVarianceHint")
        hint.setWordWrap(True)
        hint.setStyleSheet(palette.MUTED.text_style())
        form.addRow("", hint)

    def _idle_lock_row(self, form: QFormLayout) -> None:
        """How long a desk may stand idle before it locks itself (0 is "Never")."""
        self.idle_lock = self._spin("idle_lock_minutes", "settingsIdleLock")
        self.idle_lock.setSpecialValueText(self.tr("Never"))
        self._row(form, 2, "idle_lock_minutes", self.idle_lock, stretch=False)
        hint = QLabel(self.tr("A desk nobody has touched for this long hides its data until "
                              "the same person types their password, or someone else logs "
                              "in; what was being typed stays where it was."))
        hint.setObjectName("idleLockHint")
        hint.setWordWrap(True)
        hint.setStyleSheet(palette.MUTED.text_style())
        form.addRow("", hint)

    def _email_tab(self) -> QWidget:
        page = QWidget()
        form = self._form(page)
        self.smtp_host = self._line("smtp_host", "settingsSmtpHost", "smtp.example.co.uk")
        self.smtp_port = self._spin("smtp_port", "settingsSmtpPort")
        self.smtp_user = self._line("smtp_user", "settingsSmtpUser")
        self.password_state = QLabel()
        self.password_state.setObjectName("smtpPasswordState")
        self.smtp_password = self._line("smtp_password", "settingsSmtpPassword")
        self.smtp_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.smtp_password.setPlaceholderText(self.tr("the new password"))
        self.smtp_password.textChanged.connect(self._on_password_text_changed)
        self.change_password_button = QPushButton(self.tr("C&hange…"))
        self.change_password_button.setObjectName("changeSmtpPasswordButton")
        self.change_password_button.clicked.connect(self._on_change_password_clicked)
        self.remove_password_button = QPushButton(self.tr("Remo&ve"))
        self.remove_password_button.setObjectName("removeSmtpPasswordButton")
        self.remove_password_button.clicked.connect(self._on_remove_password_clicked)
        self.smtp_from = self._line("smtp_from", "settingsSmtpFrom")
        self.smtp_from.setPlaceholderText(self.tr("as the office's e-mail address"))
        self.smtp_starttls = QCheckBox(self.tr("Use STARTT&LS (port 587; leave off for port "
                                               "465, which is encrypted from the start)"))
        self.smtp_starttls.setObjectName("settingsSmtpStarttls")
        self._row(form, 3, "smtp_host", self.smtp_host)
        self._row(form, 3, "smtp_port", self.smtp_port, stretch=False)
        self._row(form, 3, "smtp_user", self.smtp_user)
        self._row(form, 3, "smtp_password", self.password_state,
                  self.smtp_password, self.change_password_button,
                  self.remove_password_button)
        self._row(form, 3, "smtp_from", self.smtp_from)
        self._row(form, 3, "smtp_starttls", self.smtp_starttls)
        self.test_button = QPushButton(self.tr("Send &test e-mail…"))
        self.test_button.setObjectName("sendTestEmailButton")
        self.test_button.clicked.connect(self._on_test_clicked)
        self.test_status = MessageLine("testEmailStatus",
                                       crash_text=self.tr("The test e-mail was not sent."))
        self.test_status.setTextFormat(Qt.TextFormat.PlainText)
        self.test_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        form.addRow("", test_row)
        form.addRow("", self.test_status)
        hint = QLabel(self.tr("The test e-mail uses the values on this page as they are now, "
                              "before you save them."))
        hint.setWordWrap(True)
        hint.setStyleSheet(palette.MUTED.text_style())
        form.addRow("", hint)
        return page

    def _phone_tab(self) -> QWidget:
        """The listener for the phone system's call events: on or off, who reaches it, its
        port and token, and the address to give the phone system."""
        page = QWidget()
        form = self._form(page)
        self.phone_listener = QCheckBox(self.tr("&Listen for the phone system's calls"))
        self.phone_listener.setObjectName("settingsPhoneListener")
        self.phone_listener.toggled.connect(self._on_phone_listener_toggled)
        self.phone_open = QCheckBox(self.tr("Open to the office &network, not only to "
                                            "programs on the desk's own computer"))
        self.phone_open.setObjectName("settingsPhoneOpen")
        self.phone_open.toggled.connect(self._show_phone_address)
        self.phone_port = self._spin("phone_listener_port", "settingsPhonePort")
        self.phone_port.setGroupSeparatorShown(False)
        self.phone_port.valueChanged.connect(self._show_phone_address)
        self.phone_token = self._line("phone_listener_token", "settingsPhoneToken")
        self.phone_token.setReadOnly(True)
        self.phone_token.setPlaceholderText(self.tr("made when the listener is turned on"))
        self.copy_token_button = QPushButton(self.tr("Copy &token"))
        self.copy_token_button.setObjectName("copyPhoneTokenButton")
        self.copy_token_button.clicked.connect(
            lambda: self._copy(self.phone_token.text(), self.tr("The token")))
        self.new_token_button = QPushButton(self.tr("Ne&w token"))
        self.new_token_button.setObjectName("newPhoneTokenButton")
        self.new_token_button.setToolTip(self.tr("A new secret: the phone system must be given "
                                                 "the new address once you save"))
        self.new_token_button.clicked.connect(self._on_new_token_clicked)
        self.phone_address = QLineEdit()
        self.phone_address.setObjectName("settingsPhoneAddress")
        self.phone_address.setReadOnly(True)
        self.copy_address_button = QPushButton(self.tr("Copy a&ddress"))
        self.copy_address_button.setObjectName("copyPhoneAddressButton")
        self.copy_address_button.clicked.connect(
            lambda: self._copy(self.phone_address.text(), self.tr("The address")))
        self._row(form, 4, "phone_listener_enabled", self.phone_listener)
        self._row(form, 4, "phone_listener_open", self.phone_open)
        self._row(form, 4, "phone_listener_port", self.phone_port, stretch=False)
        self._row(form, 4, "phone_listener_token", self.phone_token, self.copy_token_button,
                  self.new_token_button)
        address_caption = QLabel(self.tr("&Address for the phone system:"))
        address_caption.setBuddy(self.phone_address)
        address_row = QHBoxLayout()
        address_row.addWidget(self.phone_address, 1)
        address_row.addWidget(self.copy_address_button)
        form.addRow(address_caption, address_row)
        self.phone_status = QLabel()
        self.phone_status.setObjectName("phoneSystemCopied")
        self.phone_status.setStyleSheet(palette.MUTED.text_style())
        form.addRow("", self.phone_status)
        hint = QLabel(self.tr(
            "Phone systems that tell a help desk of their calls (the generic CTI form: "
            "newCall, answer, hangup) post them to this address; a request without the token "
            "is refused. Calls go in the caller log, and a missed call from a known customer "
            "becomes a call-back. Give the phone system the address of one desk: every desk "
            "listens while this is on, but only the one it is given hears the calls. On the "
            "office network, use that computer's name or address in place of the one shown."))
        hint.setObjectName("phoneSystemHint")
        hint.setWordWrap(True)
        hint.setStyleSheet(palette.MUTED.text_style())
        form.addRow("", hint)
        return page

    def _bank_tab(self) -> QWidget:
        """The office's bank account as payment requests print it, and the days they give."""
        page = QWidget()
        form = self._form(page)
        self.bank_account_name = self._line("bank_account_name", "settingsBankAccountName",
                                            "Synergy Support Ltd")
        self.bank_sort_code = self._line("bank_sort_code", "settingsBankSortCode", "20-00-00")
        self.bank_account_number = self._line("bank_account_number",
                                              "settingsBankAccountNumber", "55779911")
        self.bank_iban = self._line("bank_iban", "settingsBankIban",
                                    "GB33 BUKB 2020 1555 5555 55")
        self.bank_bic = self._line("bank_bic", "settingsBankBic", "BUKBGB22")
        self.request_due_days = self._spin("request_due_days", "settingsRequestDueDays")
        self._row(form, 5, "bank_account_name", self.bank_account_name)
        self._row(form, 5, "bank_sort_code", self.bank_sort_code)
        self._row(form, 5, "bank_account_number", self.bank_account_number)
        self._row(form, 5, "bank_iban", self.bank_iban)
        self._row(form, 5, "bank_bic", self.bank_bic)
        self._row(form, 5, "request_due_days", self.request_due_days, stretch=False)
        hint = QLabel(self.tr(
            "Payment requests print these details for a customer paying by bank transfer "
            "before support. The account's name, sort code and account number are needed "
            "before a request can be issued; the IBAN and BIC are for payers abroad. A "
            "request issued keeps the details it was issued with."))
        hint.setObjectName("bankHint")
        hint.setWordWrap(True)
        hint.setStyleSheet(palette.MUTED.text_style())
        form.addRow("", hint)
        return page

    def _mailbox_tab(self) -> QWidget:
        """The support mailbox the desks read (IMAP), with a test of the values on screen,
        and how its mail is kept and answered."""
        page = QWidget()
        form = self._form(page)
        self.imap_host = self._line("imap_host", "settingsImapHost", "imap.example.co.uk")
        self.imap_port = self._spin("imap_port", "settingsImapPort")
        self.imap_port.setGroupSeparatorShown(False)
        self.imap_security = QComboBox()
        self.imap_security.setObjectName("settingsImapSecurity")
        for value, text in (("ssl", self.tr("SSL/TLS (port 993)")),
                            ("starttls", self.tr("STARTTLS (port 143)")),
                            ("none", self.tr("None (only on the office's own network)"))):
            self.imap_security.addItem(text, value)
        self.imap_security.currentIndexChanged.connect(self._on_imap_security_changed)
        self.imap_user = self._line("imap_user", "settingsImapUser", "support@example.co.uk")
        self.imap_password_state = QLabel()
        self.imap_password_state.setObjectName("imapPasswordState")
        self.imap_password = self._line("imap_password", "settingsImapPassword")
        self.imap_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.imap_password.setPlaceholderText(self.tr("the new password"))
        self.imap_password.textChanged.connect(self._on_imap_password_text_changed)
        self.change_imap_password_button = QPushButton(self.tr("Ch&ange…"))
        self.change_imap_password_button.setObjectName("changeImapPasswordButton")
        self.change_imap_password_button.clicked.connect(self._on_change_imap_password_clicked)
        self.remove_imap_password_button = QPushButton(self.tr("Remo&ve"))
        self.remove_imap_password_button.setObjectName("removeImapPasswordButton")
        self.remove_imap_password_button.clicked.connect(self._on_remove_imap_password_clicked)
        self.imap_folder = self._line("imap_folder", "settingsImapFolder", "INBOX")
        self._row(form, 6, "imap_host", self.imap_host)
        self._row(form, 6, "imap_port", self.imap_port, stretch=False)
        self._row(form, 6, "imap_security", self.imap_security, stretch=False)
        self._row(form, 6, "imap_user", self.imap_user)
        self._row(form, 6, "imap_password", self.imap_password_state, self.imap_password,
                  self.change_imap_password_button, self.remove_imap_password_button)
        self._row(form, 6, "imap_folder", self.imap_folder)
        self.mailbox_test_button = QPushButton(self.tr("Test co&nnection"))
        self.mailbox_test_button.setObjectName("testMailboxButton")
        self.mailbox_test_button.clicked.connect(self._on_mailbox_test_clicked)
        self.mailbox_status = MessageLine(
            "testMailboxStatus", crash_text=self.tr("The mailbox could not be tested."))
        self.mailbox_status.setTextFormat(Qt.TextFormat.PlainText)
        self.mailbox_status.setWordWrap(True)
        self.mailbox_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row = QHBoxLayout()
        test_row.addWidget(self.mailbox_test_button)
        test_row.addStretch(1)
        form.addRow("", test_row)
        form.addRow("", self.mailbox_status)
        self.attachment_limit = QDoubleSpinBox()
        self.attachment_limit.setObjectName("settingsAttachmentLimit")
        self.attachment_limit.setDecimals(1)
        high = (SETTING["mail_attachment_limit_kb"].high or 0) / 1024
        self.attachment_limit.setRange(0.0, high)
        self.attachment_limit.setSingleStep(1.0)
        self.attachment_limit.setSuffix(self.tr(" MB a message"))
        self.attachment_limit.setMinimumWidth(150)
        self.flood_limit = self._spin("mail_flood_limit", "settingsFloodLimit")
        self.mail_acknowledge = QCheckBox(self.tr(
            "Acknow&ledge new mail that waits to be sorted (never an auto-reply)"))
        self.mail_acknowledge.setObjectName("settingsMailAcknowledge")
        self.mail_signature = QPlainTextEdit()
        self.mail_signature.setObjectName("settingsMailSignature")
        self.mail_signature.setTabChangesFocus(True)
        self.mail_signature.setFixedHeight(72)
        self.mail_signature.setPlaceholderText(self.tr("Synergy Support\n0113 496 0000"))
        self._row(form, 6, "mail_attachment_limit_kb", self.attachment_limit, stretch=False)
        self._row(form, 6, "mail_flood_limit", self.flood_limit, stretch=False)
        self._row(form, 6, "mail_acknowledge", self.mail_acknowledge)
        self._row(form, 6, "mail_signature", self.mail_signature)
        hint = QLabel(self.tr(
            "One desk at a time reads the mailbox; any other takes over when it closes. "
            "Attachments beyond the limit are listed but not kept. A sender who writes more "
            "often than this in an hour is held to be sorted, not turned into incidents. The "
            "test uses the values on this page as they are now, before you save them."))
        hint.setObjectName("mailboxHint")
        hint.setWordWrap(True)
        hint.setStyleSheet(palette.MUTED.text_style())
        form.addRow("", hint)
        return page

    def _on_imap_security_changed(self, _index: int) -> None:
        """The usual port follows the security chosen, when the port was the usual one."""
        usual = {"ssl": 993, "starttls": 143, "none": 143}
        if self.imap_port.value() in usual.values():
            self.imap_port.setValue(usual.get(str(self.imap_security.currentData()), 993))

    def _show_imap_password_state(self) -> None:
        if self._imap_password_change == "" and self.imap_password.isHidden():
            text = self.tr("removed when you save")
        elif self._imap_password_change:
            text = self.tr("changed when you save")
        elif self._data.imap_password_set:
            text = self.tr("set")
        else:
            text = self.tr("not set")
        self.imap_password_state.setText(text)
        keeps_saved = self._data.imap_password_set and self._imap_password_change != ""
        self.remove_imap_password_button.setEnabled(
            keeps_saved or bool(self._imap_password_change))

    def _on_change_imap_password_clicked(self) -> None:
        self.imap_password.show()
        self.imap_password.setFocus()

    def _on_imap_password_text_changed(self, text: str) -> None:
        self._imap_password_change = text or None
        self._show_imap_password_state()

    def _on_remove_imap_password_clicked(self) -> None:
        self.imap_password.blockSignals(True)
        self.imap_password.clear()
        self.imap_password.blockSignals(False)
        self.imap_password.hide()
        self._imap_password_change = "" if self._data.imap_password_set else None
        self._show_imap_password_state()

    def _on_mailbox_test_clicked(self) -> None:
        """Connect to the mailbox with the values on screen, on the background helper, with a
        busy cursor; its one sentence, or the plain reason it failed, below the button."""
        if not self.mailbox_test_button.isEnabled():
            return  # a test is under way
        from synergy_desk.services.mail import mailbox

        host, port, user = (self.imap_host.text().strip(), self.imap_port.value(),
                            self.imap_user.text().strip())
        security = str(self.imap_security.currentData())
        folder = self.imap_folder.text().strip() or "INBOX"
        password, actor = self._imap_password_change, self._actor
        self.mailbox_test_button.setEnabled(False)
        self.mailbox_status.note(self.tr("Connecting to %s…")
                                 % (f"{host}:{port}" if host else self.tr("no server")))
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)

        def connect() -> str:
            return mailbox.test_connection(mailbox.imap_settings_from_form(
                actor, host, port, security, user, password, folder))

        def done(sentence: str) -> None:
            self.mailbox_status.note(sentence, palette.SUCCESS)
            self.mailbox_test_finished.emit(True, self.mailbox_status.text())

        def failed(exc: Exception) -> None:
            self.mailbox_status.failure(exc)
            self.mailbox_test_finished.emit(False, self.mailbox_status.text())

        def finished() -> None:
            QApplication.restoreOverrideCursor()
            self.mailbox_test_button.setEnabled(True)

        Op(self, self._background, connect).finally_(finished) \
            .success(done).failure(failed).run()

    def _on_phone_listener_toggled(self, on: bool) -> None:
        if on and not self._phone_token:
            self._phone_token = settings_service.new_phone_token()
        self._show_phone_address()

    def _on_new_token_clicked(self) -> None:
        self._phone_token = settings_service.new_phone_token()
        self._show_phone_address()
        self.phone_status.setText(self.tr("A new token: it takes the old one's place when "
                                          "you save."))

    def _copy(self, text: str, what: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.phone_status.setText(self.tr("%s is on the clipboard.") % what)

    def _show_phone_address(self, *_args: object) -> None:
        self.phone_token.setText(self._phone_token)
        on = self.phone_listener.isChecked()
        for widget in (self.phone_open, self.phone_port, self.copy_token_button,
                       self.new_token_button, self.phone_address, self.copy_address_button):
            widget.setEnabled(on)
        self.copy_token_button.setEnabled(on and bool(self._phone_token))
        host = socket.gethostname() if self.phone_open.isChecked() else "127.0.0.1"
        self.phone_address.setText(
            phone_system_url(host, self.phone_port.value(), self._phone_token)
            if on and self._phone_token else "")
        self.copy_address_button.setEnabled(bool(self.phone_address.text()))
        for edit in (self.phone_token, self.phone_address):
            edit.setCursorPosition(0)  # read from its start: the address's host and port

    # -- loading ----------------------------------------------------------------------------------

    def _load(self, data: OfficeSettingsData) -> None:
        self._data = data
        self._logo = data.logo
        self._password_change = None
        self.company_name.setText(data.company_name)
        self.address.setPlainText(data.address)
        self.vat_number.setText(data.vat_number)
        self.vat_registered.setChecked(data.vat_registered)
        self._on_vat_registered_toggled(data.vat_registered)
        self.phone.setText(data.phone)
        self.email.setText(data.email)
        self.incident_price.setText(format_pence(data.incident_price_pence, symbol=False))
        self.vat_rate.setText(format_rate(data.vat_rate_bp).rstrip("%"))
        self.ticket_price.setText(format_pence(data.ticket_incident_price_pence, symbol=False))
        self.ticket_size.setValue(data.ticket_default_size)
        self.ticket_days.setValue(data.ticket_validity_days)
        self.timezone.setCurrentText(data.timezone)
        self.lockout_attempts.setValue(data.lockout_attempts)
        self.lockout_minutes.setValue(data.lockout_minutes)
        self.cash_variance.setText(format_pence(data.cash_variance_threshold_pence,
                                                symbol=False))
        self.idle_lock.setValue(data.idle_lock_minutes)
        self._phone_token = data.phone_listener_token
        self.phone_listener.blockSignals(True)
        self.phone_listener.setChecked(data.phone_listener_enabled)
        self.phone_listener.blockSignals(False)
        self.phone_open.setChecked(data.phone_listener_open)
        self.phone_port.setValue(data.phone_listener_port)
        self.phone_status.clear()
        self._show_phone_address()
        self.bank_account_name.setText(data.bank_account_name)
        self.bank_sort_code.setText(data.bank_sort_code)
        self.bank_account_number.setText(data.bank_account_number)
        self.bank_iban.setText(data.bank_iban)
        self.bank_bic.setText(data.bank_bic)
        self.request_due_days.setValue(data.request_due_days)
        self.smtp_host.setText(data.smtp_host)
        self.smtp_port.setValue(data.smtp_port)
        self.smtp_user.setText(data.smtp_user)
        self.smtp_from.setText(data.smtp_from)
        self.smtp_starttls.setChecked(data.smtp_starttls)
        self.smtp_password.blockSignals(True)
        self.smtp_password.clear()
        self.smtp_password.blockSignals(False)
        self.smtp_password.hide()
        self._show_password_state()
        self._load_mailbox(data)
        self._show_logo()
        self._clear_errors()
        self._on_prices_changed()

    def _load_mailbox(self, data: OfficeSettingsData) -> None:
        self._imap_password_change = None
        self.imap_host.setText(data.imap_host)
        self.imap_security.blockSignals(True)
        self.imap_security.setCurrentIndex(max(0, self.imap_security.findData(data.imap_security)))
        self.imap_security.blockSignals(False)
        self.imap_port.setValue(data.imap_port)
        self.imap_user.setText(data.imap_user)
        self.imap_folder.setText(data.imap_folder)
        self.imap_password.blockSignals(True)
        self.imap_password.clear()
        self.imap_password.blockSignals(False)
        self.imap_password.hide()
        self._show_imap_password_state()
        self.mailbox_status.clear()
        self.attachment_limit.setValue(data.mail_attachment_limit_kb / 1024)
        self.flood_limit.setValue(data.mail_flood_limit)
        self.mail_acknowledge.setChecked(data.mail_acknowledge)
        self.mail_signature.setPlainText(data.mail_signature)

    def _on_vat_registered_toggled(self, registered: bool) -> None:
        if registered:
            text = self.tr("Receipts charge VAT at the rate on the Prices tab and show the VAT "
                           "number and address; none is issued while either is missing.")
        else:
            text = self.tr("No VAT is charged on new payments, and receipts say the office is "
                           "not VAT-registered. Receipts already issued keep the VAT they "
                           "charged.")
        self.vat_note.setText(text)

    # -- live figures -----------------------------------------------------------------------------

    def _on_prices_changed(self, *_args: object) -> None:
        try:
            rate = parse_rate(self.vat_rate.text())
        except ValidationError:
            rate = None
        for edit, label, ticket in ((self.incident_price, self.incident_gross, False),
                                    (self.ticket_price, self.ticket_gross, True)):
            try:
                net = parse_pence(edit.text())
            except ValidationError:
                net = None
            if net is None or rate is None:
                label.setText("")
                continue
            if not self.vat_registered.isChecked():
                label.setText(self.tr("no VAT charged"))
                continue
            text = self.tr("%s with VAT") % format_pence(line_amounts(net, rate).gross_pence)
            if ticket:
                size = self.ticket_size.value()
                text += self.tr("; a ticket of %d: %s with VAT") % (
                    size, format_pence(line_amounts(size * net, rate).gross_pence))
            label.setText(text)

    # -- logo ---------------------------------------------------------------------------------------

    def choose_logo_file(self) -> str | None:
        """Ask for an image file (tests replace this)."""
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Choose the office's logo"), "",
            self.tr("Images (*.png *.jpg *.jpeg)"))
        return path or None

    def _on_choose_logo_clicked(self) -> None:
        path = self.choose_logo_file()
        if not path:
            return
        self._clear_error("logo")
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            self._field_error("logo", file_problem(path, exc, "read").message)
            return
        try:
            # As it will be stored: a picture larger than print needs comes back scaled down.
            data = settings_service.check_logo(data)
        except ValidationError as exc:
            self._field_error("logo", exc.message)
            return
        if QPixmap().loadFromData(data) is False:
            self._field_error("logo", self.tr("%s could not be read as a picture.")
                              % Path(path).name)
            return
        self._logo = data
        self._show_logo()

    def _on_remove_logo_clicked(self) -> None:
        self._clear_error("logo")
        self._logo = None
        self._show_logo()

    def _show_logo(self) -> None:
        pixmap = QPixmap()
        if self._logo is not None and pixmap.loadFromData(self._logo):
            width, height = _LOGO_PREVIEW
            self.logo_preview.setPixmap(pixmap.scaled(
                width - 8, height - 8, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        else:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(self.tr("No logo"))
        self.remove_logo_button.setEnabled(self._logo is not None)

    # -- the mail server's password -------------------------------------------------------------

    def _show_password_state(self) -> None:
        if self._password_change == "" and self.smtp_password.isHidden():
            text = self.tr("removed when you save")
        elif self._password_change:
            text = self.tr("changed when you save")
        elif self._data.smtp_password_set:
            text = self.tr("set")
        else:
            text = self.tr("not set")
        self.password_state.setText(text)
        keeps_saved = self._data.smtp_password_set and self._password_change != ""
        self.remove_password_button.setEnabled(keeps_saved or bool(self._password_change))

    def _on_change_password_clicked(self) -> None:
        self.smtp_password.show()
        self.smtp_password.setFocus()

    def _on_password_text_changed(self, text: str) -> None:
        self._password_change = text or None
        self._show_password_state()

    def _on_remove_password_clicked(self) -> None:
        self.smtp_password.blockSignals(True)
        self.smtp_password.clear()
        self.smtp_password.blockSignals(False)
        self.smtp_password.hide()
        self._password_change = "" if self._data.smtp_password_set else None
        self._show_password_state()

    # -- what changed -------------------------------------------------------------------------------

    def _money(self, edit: QLineEdit, name: str, label: str) -> int:
        try:
            return parse_pence(edit.text(), field=label)
        except ValidationError as exc:
            raise ValidationError(exc.message, name) from None

    def form_values(self) -> dict[str, Any]:
        """Every setting as the form holds it (the SMTP password only when it is changed).

        Raises:
            ValidationError: a price or VAT rate that is not one, naming the field.
        """
        try:
            rate = parse_rate(self.vat_rate.text())
        except ValidationError as exc:
            raise ValidationError(exc.message, "vat_rate_bp") from None
        values: dict[str, Any] = {
            "company_name": self.company_name.text().strip(),
            "address": self.address.toPlainText().strip(),
            "vat_registered": self.vat_registered.isChecked(),
            "vat_number": self.vat_number.text().strip(),
            "phone": self.phone.text().strip(),
            "email": self.email.text().strip(),
            "logo": self._logo,
            "incident_price_pence": self._money(self.incident_price, "incident_price_pence",
                                                "price of an incident"),
            "vat_rate_bp": rate,
            "ticket_incident_price_pence": self._money(
                self.ticket_price, "ticket_incident_price_pence",
                "season-ticket price per incident"),
            "ticket_default_size": self.ticket_size.value(),
            "ticket_validity_days": self.ticket_days.value(),
            "timezone": self.timezone.currentText().strip(),
            "lockout_attempts": self.lockout_attempts.value(),
            "lockout_minutes": self.lockout_minutes.value(),
            "cash_variance_threshold_pence": self._money(
                self.cash_variance, "cash_variance_threshold_pence",
                "cash variance allowed without a reason"),
            "idle_lock_minutes": self.idle_lock.value(),
            "smtp_host": self.smtp_host.text().strip(),
            "smtp_port": self.smtp_port.value(),
            "smtp_user": self.smtp_user.text().strip(),
            "smtp_from": self.smtp_from.text().strip(),
            "smtp_starttls": self.smtp_starttls.isChecked(),
            "phone_listener_enabled": self.phone_listener.isChecked(),
            "phone_listener_open": self.phone_open.isChecked(),
            "phone_listener_port": self.phone_port.value(),
            "phone_listener_token": self._phone_token,
            "bank_account_name": self.bank_account_name.text().strip(),
            "bank_sort_code": self.bank_sort_code.text().strip(),
            "bank_account_number": self.bank_account_number.text().strip(),
            "bank_iban": self.bank_iban.text().strip(),
            "bank_bic": self.bank_bic.text().strip(),
            "request_due_days": self.request_due_days.value(),
        }
        values.update({
            "imap_host": self.imap_host.text().strip(),
            "imap_port": self.imap_port.value(),
            "imap_security": str(self.imap_security.currentData()),
            "imap_user": self.imap_user.text().strip(),
            "imap_folder": self.imap_folder.text().strip() or "INBOX",
            "mail_attachment_limit_kb": round(self.attachment_limit.value() * 1024),
            "mail_flood_limit": self.flood_limit.value(),
            "mail_acknowledge": self.mail_acknowledge.isChecked(),
            "mail_signature": self.mail_signature.toPlainText().strip(),
        })
        if self._password_change is not None:
            values["smtp_password"] = self._password_change
        if self._imap_password_change is not None:
            values["imap_password"] = self._imap_password_change
        return values

    def changes(self) -> dict[str, Any]:
        """Only the settings that differ from those loaded."""
        loaded = self._data
        out: dict[str, Any] = {}
        for name, value in self.form_values().items():
            if name in ("smtp_password", "imap_password") or value != getattr(loaded, name):
                out[name] = value
        return out

    # -- errors under the fields --------------------------------------------------------------------

    def field_error(self, name: str) -> str:
        """The message under a field ("" when it has none)."""
        label = self._errors[name]
        return label.text() if not label.isHidden() else ""

    def _clear_error(self, name: str) -> None:
        self._errors[name].clear()
        self._errors[name].hide()

    def _clear_errors(self) -> None:
        for name in self._errors:
            self._clear_error(name)
        self.message.clear()

    def _field_error(self, name: str, text: str) -> None:
        label = self._errors[name]
        label.problem(text)
        label.show()
        self.tabs.setCurrentIndex(self._tab_of[name])
        widget = self._fields[name]
        widget.setFocus()
        if isinstance(widget, QLineEdit):
            widget.selectAll()

    def _validation_error(self, exc: ValidationError) -> None:
        if exc.field in self._errors:
            self._field_error(exc.field, exc.message)
        else:
            self.show_problem(exc.message)

    # -- saving -------------------------------------------------------------------------------------

    def validate(self) -> None:
        self._clear_errors()

    def answer(self) -> OfficeSettingsData | None:
        changes = self.changes()
        if not changes:
            return None
        return settings_service.update_settings(self._actor, self._data.version, **changes)

    def problem_raised(self, exc: DomainError) -> None:
        if isinstance(exc, ValidationError):
            self._validation_error(exc)  # under the field it is about
        elif isinstance(exc, ConflictError):
            errors.show_error(self, exc)  # what changed, and who changed it
            self.reload()
        else:
            errors.show_error(self, exc)

    def reload(self) -> None:
        """Show the settings as they are saved now (after another desk changed them)."""
        data = call(self, settings_service.get_settings)
        if data is None:
            return
        self._load(data)
        self.show_problem(self.tr("The settings have been reloaded as they are saved now."))

    # -- test e-mail ----------------------------------------------------------------------------

    def ask_test_address(self, suggested: str) -> str | None:
        """Ask where to send the test e-mail (tests replace this)."""
        text, ok = QInputDialog.getText(
            self, self.tr("Send a test e-mail"), self.tr("Send the test e-mail to:"),
            QLineEdit.EchoMode.Normal, suggested)
        return text.strip() if ok and text.strip() else None

    def _on_test_clicked(self) -> None:
        if not self.test_button.isEnabled():
            return  # a test e-mail is on its way
        sender = self.smtp_from.text().strip() or self.email.text().strip()
        to = self.ask_test_address(self.email.text().strip() or sender)
        if not to:
            return
        host, port, user = (self.smtp_host.text().strip(), self.smtp_port.value(),
                            self.smtp_user.text().strip())
        password, starttls = self._password_change, self.smtp_starttls.isChecked()
        self.test_button.setEnabled(False)
        self.test_status.note(self.tr("Sending a test e-mail to %s through %s…")
                              % (to, f"{host}:{port}" if host else self.tr("no server")))

        def send() -> None:
            mailer.send_test_email(mailer.smtp_settings_from_form(
                self._actor, host, port, user, password, sender, starttls), to)

        def done(_result: None) -> None:
            self.test_status.note(self.tr(
                "A test e-mail was sent to %s through %s:%d. Check that it has arrived; "
                "then save these settings.") % (to, host, port), palette.SUCCESS)
            self.test_email_finished.emit(True, self.test_status.text())

        def failed(exc: Exception) -> None:
            self.test_status.failure(exc)
            self.test_email_finished.emit(False, self.test_status.text())

        Op(self, self._background, send).finally_(lambda: self.test_button.setEnabled(True)) \
            .success(done).failure(failed).run()

    # -- entry point ----------------------------------------------------------------------------

    @classmethod
    def ask(cls, parent: QWidget | None, actor: Actor,
            background: Background) -> OfficeSettingsData | None:
        """Edit the office's settings (managers only); the saved settings, or None."""
        if not allowed(parent, actor, MANAGERS, "change the office's settings"):
            return None
        data = call(parent, settings_service.get_settings)
        if data is None:
            return None
        return cls(parent, actor, background, data).ask_value()


def open_office_settings(parent: QWidget | None, actor: Actor,
                         background: Background) -> OfficeSettingsData | None:
    """The office settings dialog; the settings as saved, or None when nothing was."""
    saved = OfficeSettingsDialog.ask(parent, actor, background)
    if saved is not None:
        formatting.set_office_zone(saved.timezone)
    return saved
