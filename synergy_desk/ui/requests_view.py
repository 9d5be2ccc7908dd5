"""The payment requests: those open, those overdue with the customer's phone to chase them, or
all; each shown as its PDF, its transfer recorded, a reminder e-mailed, or (by a manager)
cancelled with a reason."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.enums import Role
from synergy_desk.domain.money import format_pence
from synergy_desk.domain.phones import display_phone
from synergy_desk.services.common import Actor
from synergy_desk.services.money import payment_requests
from synergy_desk.services.money.payment_requests import RequestSummary
from synergy_desk.ui import formatting, palette
from synergy_desk.ui.dialogs.resolve import ReasonDialog
from synergy_desk.ui.message_line import MessageLine
from synergy_desk.ui.operations import Op, call, reporting_errors
from synergy_desk.ui.palette import Colour
from synergy_desk.ui.table_model import Column, TableModel, read_only_table
from synergy_desk.ui.worker import Background

__all__ = ["CancelRequestDialog", "REQUEST_COLUMNS", "RequestsView", "requests_view_flow"]

log = logging.getLogger(__name__)

#: At most this many requests are listed at once (newest first).
MAX_LISTED = 500
OPEN_ONLY, OVERDUE, ALL = "open", "overdue", "all"


def _ink(row: RequestSummary) -> Colour | None:
    return palette.WARNING if row.status == "overdue" else None


REQUEST_COLUMNS: tuple[Column[RequestSummary], ...] = (
    Column("Request", lambda r: r.number, lambda r: r.number),
    Column("Reference", lambda r: r.reference),
    Column("Customer", lambda r: r.customer_name, tooltip=lambda r: f"{r.account_code}: "
           f"{r.items}", stretch=True),
    Column("Phone", lambda r: display_phone(r.customer_phone) if r.customer_phone else "—"),
    Column("Issued", lambda r: formatting.short_date(r.issued_at), lambda r: r.issued_at),
    Column("Due", lambda r: formatting.short_date(r.due_on), lambda r: r.due_on, foreground=_ink),
    Column("Amount", lambda r: format_pence(r.gross_pence), lambda r: r.gross_pence,
           number=True),
    Column("Received", lambda r: format_pence(r.received_pence) if r.received_pence else "—",
           lambda r: r.received_pence, number=True),
    Column("Status", lambda r: r.status_label, foreground=_ink,
           bold=lambda r: r.status == "overdue",
           tooltip=lambda r: (f"Receipt {r.receipt_number}" if r.receipt_number else None)),
)


class CancelRequestDialog(ReasonDialog):
    """A manager cancels a payment request; the reason is required and kept."""

    def __init__(self, parent: QWidget | None, number: str) -> None:
        super().__init__(
            parent, object_name="cancelRequestDialog",
            title=self.tr("Cancel payment request %s") % number,
            explanation=self.tr("The request is cancelled and its incidents are awaiting "
                                "payment again, to be paid another way or asked for anew. "
                                "Money already received for it stays on the record."),
            label=self.tr("&Why is it cancelled?"), action=self.tr("Cancel the re&quest"),
            required=True)


class RequestsView(QDialog):
    """The payment-requests window (not modal).

    ``changed`` is emitted when a request's money or state changed here (the list of
    incidents may need reading again).
    """

    changed = Signal()

    def __init__(self, actor: Actor, background: Background,
                 parent: QWidget | None = None, view: str = OPEN_ONLY) -> None:
        super().__init__(parent)
        self.setObjectName("paymentRequestsView")
        self.setWindowTitle(self.tr("Payment requests"))
        self._actor = actor
        self._background = background
        self._smtp: bool | None = None
        self.model: TableModel[RequestSummary] = TableModel(REQUEST_COLUMNS, self)
        self.table = read_only_table(self.model, "paymentRequestsTable")
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.activated.connect(self._on_table_double_clicked)

        self.filters = QButtonGroup(self)
        self.filter_buttons: dict[str, QPushButton] = {}
        for key, text, tip in (
                (OPEN_ONLY, self.tr("&Open"), self.tr("Requests still waiting for money")),
                (OVERDUE, self.tr("O&verdue"), self.tr("Past their due date: chase them by "
                                                       "phone or a reminder")),
                (ALL, self.tr("&All"), self.tr("Open, paid and cancelled requests"))):
            button = QPushButton(text)
            button.setObjectName(f"requestsFilter_{key}")
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setToolTip(tip)
            self.filters.addButton(button)
            self.filter_buttons[key] = button
        self.filter_buttons[view].setChecked(True)
        self.filters.buttonClicked.connect(lambda _b: self.refresh())
        self.search = QLineEdit()
        self.search.setObjectName("requestsSearch")
        self.search.setPlaceholderText(self.tr("Reference, customer or amount"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self.refresh())
        search_label = QLabel(self.tr("&Find:"))
        search_label.setBuddy(self.search)
        self.summary = QLabel()
        self.summary.setObjectName("requestsSummary")
        self.status = MessageLine("requestsMessage")

        self.show_button = self._button("requestsShow", self.tr("&Show"),
                                        self.tr("The request as the customer has it (or "
                                                "double-click it)"), self.show_request)
        self.record_button = self._button("requestsRecordTransfer",
                                          self.tr("&Record transfer…"),
                                          self.tr("Money that arrived for this request"),
                                          self.record_transfer)
        self.remind_button = self._button("requestsRemind", self.tr("Send re&minder"),
                                          self.tr("E-mail the customer a reminder with the "
                                                  "request"), self.send_reminder)
        self.cancel_button = self._button("requestsCancel", self.tr("&Cancel request…"),
                                          self.tr("Cancel it with a reason; its incidents "
                                                  "await payment again"), self.cancel_request)
        self.close_button = self._button("requestsClose", self.tr("Close"), "", self.close)

        top = QHBoxLayout()
        for button in self.filter_buttons.values():
            top.addWidget(button)
        top.addSpacing(16)
        top.addWidget(search_label)
        top.addWidget(self.search, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        for button in (self.show_button, self.record_button, self.remind_button,
                       self.cancel_button, self.close_button):
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(bottom)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.resize(1100, 460)
        self.refresh()

    def _button(self, name: str, text: str, tip: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAutoDefault(False)  # Enter on a request shows it
        if tip:
            button.setToolTip(tip)
        button.clicked.connect(lambda _c=False: slot())
        return button

    # -- the list -------------------------------------------------------------------------

    def view(self) -> str:
        return next(key for key, b in self.filter_buttons.items() if b.isChecked())

    def set_view(self, key: str) -> None:
        self.filter_buttons[key].setChecked(True)
        self.refresh()

    def refresh(self) -> None:
        """Read the requests again, as the filter and the search say; the one chosen stays."""
        chosen = self.selected()
        view = self.view()
        with reporting_errors(self) as outcome:
            rows = payment_requests.find_requests(
                self.search.text().strip(),
                states=(payment_requests.OPEN,) if view != ALL else None,
                overdue_only=view == OVERDUE, limit=MAX_LISTED)
        if outcome.failed:
            return
        self.model.set_rows(rows)
        overdue = sum(1 for r in rows if r.status == "overdue")
        outstanding = sum(r.outstanding_pence for r in rows)
        listed = (self.tr("1 request") if len(rows) == 1
                  else self.tr("%1 requests").replace("%1", str(len(rows))))
        self.summary.setText(self.tr("%1; %2 overdue; %3 still to come")
                             .replace("%1", listed).replace("%2", str(overdue))
                             .replace("%3", format_pence(outstanding)))
        if chosen is not None:
            self.select(chosen.request_id)
        self._on_selection_changed()

    def select(self, request_id: int) -> bool:
        for index in range(self.model.rowCount()):
            row = self.model.row_at(index)
            if row is not None and row.request_id == request_id:
                self.table.selectRow(index)
                return True
        return False

    def selected(self) -> RequestSummary | None:
        if not hasattr(self, "table") or self.table.selectionModel() is None:
            return None
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _smtp_configured(self) -> bool:
        if self._smtp is None:
            def unreadable(exc: Exception) -> None:
                log.error("Could not read the mail settings", exc_info=exc)

            self._smtp = False
            with reporting_errors(self, failure=unreadable):
                from synergy_desk.services.office import mailer

                self._smtp = mailer.smtp_configured()
        return self._smtp

    def _on_selection_changed(self, *_args: object) -> None:
        row = self.selected()
        is_open = row is not None and row.state == payment_requests.OPEN
        self.show_button.setEnabled(row is not None)
        self.record_button.setEnabled(is_open)
        manager = self._actor.role is Role.MANAGER
        self.cancel_button.setEnabled(is_open and manager)
        self.cancel_button.setToolTip(
            self.tr("Cancel it with a reason; its incidents await payment again")
            if manager else self.tr("Only a manager can cancel a payment request."))
        why_not = ""
        if row is not None and is_open:
            if not row.customer_email:
                why_not = self.tr("The customer has no e-mail address: ring them on %s.") % (
                    display_phone(row.customer_phone) if row.customer_phone
                    else self.tr("their number"))
            elif not self._smtp_configured():
                why_not = self.tr("The office has no mail server set (Office settings ▸ "
                                  "E-mail).")
        self.remind_button.setEnabled(is_open and not why_not)
        reminded = (self.tr(" (last sent %s)") % formatting.short_datetime(row.reminded_at)
                    if row is not None and row.reminded_at else "")
        self.remind_button.setToolTip(why_not or self.tr(
            "E-mail the customer a reminder with the request%s") % reminded)

    # -- the actions ----------------------------------------------------------------------

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        if self.model.row_at(index.row()) is not None:
            self.show_request()

    def show_request(self, on_shown: Callable[[QWidget], None] | None = None) -> None:
        """The chosen request's PDF in the preview (which prints, saves and e-mails it)."""
        from synergy_desk.ui import receipts

        row = self.selected()
        if row is not None:
            receipts.show_payment_request(self, self._background, row.request_id,
                                          on_shown=on_shown)

    def record_transfer(self) -> None:
        from synergy_desk.ui import receipts
        from synergy_desk.ui.dialogs.record_transfer import transfer_outcome

        row = self.selected()
        if row is None:
            return
        result = receipts.record_transfer_flow(self, self._actor, self._background,
                                               row.request_id)
        if result is None:
            return
        self.status.note(transfer_outcome(result), palette.SUCCESS)
        self.refresh()
        self.changed.emit()

    def send_reminder(self) -> None:
        """E-mail the chosen request's reminder to the customer (on the background helper)."""
        from synergy_desk.ui import receipts

        row = self.selected()
        if row is None or not self.remind_button.isEnabled():
            return
        actor, request_id, number = self._actor, row.request_id, row.number
        self.remind_button.setEnabled(False)
        self.status.note(self.tr("Sending a reminder for %s…") % number)

        def done(to: object) -> None:
            self.status.note(self.tr("Reminder for %s e-mailed to %s.") % (number, to),
                             palette.SUCCESS)
            self.refresh()

        Op(self, self._background,
           lambda: receipts.send_request(actor, request_id, reminder=True)) \
            .finally_(self._on_selection_changed).success(done) \
            .failure(self.status.failure).run()

    def ask_reason(self, number: str) -> str | None:
        """Ask why the request is cancelled (tests replace this)."""
        answer = CancelRequestDialog(self, number).ask_value()
        return answer.text if answer is not None else None

    def cancel_request(self) -> None:
        row = self.selected()
        if row is None or not self.cancel_button.isEnabled():
            return
        reason = self.ask_reason(row.number)
        if not reason:
            return
        info = call(self, payment_requests.cancel_request, self._actor, row.request_id, reason)
        if info is None:
            return
        said = self.tr("%s cancelled; its incidents are awaiting payment again.") % info.number
        if info.over_pence:
            said += " " + self.tr("%s that arrived for it is to be returned to the customer "
                                  "or held for them.") % format_pence(info.over_pence)
        self.status.note(said)
        self.refresh()
        self.changed.emit()


def requests_view_flow(parent: QWidget | None, actor: Actor, background: Background,
                       view: str = OPEN_ONLY) -> RequestsView:
    """Open the payment requests (not modal)."""
    window = RequestsView(actor, background, parent, view)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    window.show()
    return window
