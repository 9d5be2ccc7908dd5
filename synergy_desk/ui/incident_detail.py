"""The incident detail: its facts, its whole timeline and the actions the user's role allows."""

from __future__ import annotations

import html
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCursor, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from synergy_desk.domain.enums import FundingKind, IncidentStatus, Resolution, Role, TimelineKind
from synergy_desk.domain.errors import FundingRequired, ValidationError
from synergy_desk.services.common import ENGINEERS, Actor
from synergy_desk.ui import errors, formatting, palette
from synergy_desk.ui.flow_layout import FlowBar, FlowScroll
from synergy_desk.ui.operations import reporting_errors
from synergy_desk.ui.screen import VerticalScroll
from synergy_desk.ui.worker import Background

if TYPE_CHECKING:
    from synergy_desk.ui.dialogs.timeline_entry import TimelineRequest

RECEPTION_KINDS = [TimelineKind.PHONE_IN, TimelineKind.PHONE_OUT, TimelineKind.NOTE]
ENGINEER_KINDS = [TimelineKind.PHONE_IN, TimelineKind.PHONE_OUT, TimelineKind.EMAIL_IN,
                  TimelineKind.EMAIL_OUT, TimelineKind.NOTE, TimelineKind.REMOTE_SESSION]

log = logging.getLogger(__name__)


def _when(value: Any) -> str:
    """A time today as "14:02", another day's with its date."""
    loc = formatting.local(value)
    if loc is not None and loc.date() == formatting.office_today():
        return loc.strftime("%H:%M")
    return formatting.short_datetime(value)


def email_state_text(email: Any, sent_at: Any = None, next_at: Any = None) -> str:
    """How an e-mail going out stands: "queued", "sent 14:02", "not sent: … — will try again
    at 14:20", "failed: …", "cancelled" (``sent_at`` and ``next_at`` as the outbox has them)."""
    if email.state == "sent":
        return f"sent {_when(sent_at)}" if sent_at else "sent"
    if email.state == "failed":
        return f"failed: {email.last_error}" if email.last_error else "failed"
    if email.state == "cancelled":
        return "cancelled"
    if email.last_error:
        again = (f" — will try again at {_when(next_at)}" if next_at
                 else " — will try again")
        return f"not sent: {email.last_error}{again}"
    return "sending" if email.state == "sending" else "queued"


#: How many lines of facts show before they scroll: the rest of the height is the timeline's.
FACT_LINES = 8


#: The menu text of an action whose button's mnemonic is taken in the Incident menu or the
#: list's context menu (another entry there has its letter).
_MENU_TEXTS = {
    "logCall": "Log &call on this incident…",
    "summary": "Summ&ary PDF…",
    "claim": "Ass&ign to me",
    "merge": "&Merge…",
    "resolve": "R&esolve…",
    "outOfRemit": "Out o&f remit…",
    "requestTransfer": "Ask for a ban&k transfer…",
}


class _WrappingDelegate(QStyledItemDelegate):
    """Rows of the timeline as tall as their wrapped text in the column's width."""

    def __init__(self, tree: QTreeWidget) -> None:
        super().__init__(tree)
        self._tree = tree

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802 - Qt's
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not text:
            return size
        # The text's own margins, as the style draws them inside the cell.
        margin = 2 * (self._tree.style().pixelMetric(
            QStyle.PixelMetric.PM_FocusFrameHMargin, None, self._tree) + 1)
        width = max(1, self._tree.columnWidth(index.column()) - margin)
        box = option.fontMetrics.boundingRect(QRect(0, 0, width, 1_000_000),
                                              int(Qt.TextFlag.TextWordWrap), str(text))
        return QSize(size.width(), max(size.height(), box.height() + 4))


class IncidentDetail(QFrame):
    """One incident; its buttons are those the logged-in role may use."""

    changed = Signal(int)
    customer_requested = Signal(int)
    notice = Signal(str)
    #: A reply was put in the outbox (its e-mail's id): the desk sends it at once.
    reply_queued = Signal(int)
    #: An incident was shown (or shown again).
    shown = Signal()

    def __init__(self, actor: Actor, background: Background | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("incidentDetail")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._actor = actor
        self._background = background or Background(self)
        self.incident_id: int | None = None
        self.customer_id: int | None = None
        self.version: int | None = None
        self._detail: Any = None

        self.heading = QLabel(self.tr("Choose an incident from the list"))
        self.heading.setObjectName("incidentHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = QLabel()
        self.facts.setObjectName("incidentFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)

        self.timeline = QTreeWidget()
        self.timeline.setObjectName("timeline")
        # The timeline is what the engineer reads: on a short screen the rows of buttons
        # scroll before it drops below about ten entries.
        self.timeline.setMinimumHeight(self.fontMetrics().height() * 12)
        self.timeline.setHeaderLabels([self.tr("When"), self.tr("What"), self.tr("Who"),
                                       self.tr("Time"), self.tr("Notes")])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setWordWrap(True)
        self.timeline.setUniformRowHeights(False)
        self._wrap_timeline_notes()

        self.buttons: dict[str, QToolButton] = {}
        #: Every action on the incident shown, in the order its buttons show: the same
        #: actions are the window's Incident menu and the list's context menu, so each is
        #: enabled alike everywhere.
        self.incident_actions: dict[str, QAction] = {}
        engineer = actor.role in ENGINEERS
        # One row of buttons that wraps onto more rows on a narrow window: every action stays
        # in view (a toolbar hid those that did not fit behind a » menu).
        self.action_bar = FlowBar()
        self.action_bar.setObjectName("incidentActions")
        self._row = self.action_bar.flow
        self._add_button("logCall", self.tr("&Log call"), "Ctrl+T", self._on_log_call_clicked)
        # Its shortcut (Ctrl+Shift+Y) is the window's Incident menu's, which pays for the
        # incident shown when it awaits payment (two keys alike cancel each other out in Qt);
        # no letter of its own: P is Split's, Y the customer panel's Take payment.
        self._add_button("takePayment", self.tr("Take payment…"), None,
                         self._on_take_payment_clicked)
        self.incident_actions["takePayment"].setToolTip(
            self.tr("Take the payment for this incident (Ctrl+Shift+Y)"))
        # Its shortcut (Ctrl+Shift+T) is the window's Incident menu's, which calls apply_cover.
        self._add_button("applyCover", self.tr("Apply contract / &ticket"), None,
                         self._on_apply_cover_clicked)
        self.incident_actions["applyCover"].setToolTip(
            self.tr("Fund it from the customer's support contract or season ticket "
                    "(Ctrl+Shift+T)"))
        self._add_transfer_button()
        self._add_button("callback", self.tr("Call &back…"), "Ctrl+Shift+B",
                         self._on_callback_clicked)
        self._add_button("summary", self.tr("Summ&ary PDF…"), "Ctrl+P", self._on_summary_clicked)
        self._add_change_button()
        self._build_summary_menu()
        if engineer:
            self._add_button("claim", self.tr("Assign to &me"), None, self._on_claim_clicked)
            self._add_button("startWork", self.tr("&Start work"), "Ctrl+Shift+S",
                             self._on_start_work_clicked)
            self._add_button("waitCustomer", self.tr("&Wait on customer"), None,
                             self._on_wait_customer_clicked)
            self._add_button("split", self.tr("S&plit…"), "Ctrl+Shift+P", self._on_split_clicked)
            self._add_button("merge", self.tr("M&erge…"), "Ctrl+Shift+M", self._on_merge_clicked)
            self._add_button("resolve", self.tr("&Resolve…"), "Ctrl+Shift+R",
                             self._on_resolve_clicked)
            self._add_button("closeUnresolved", self.tr("Close &unresolved…"), None,
                             self._on_close_unresolved_clicked)
            # Every letter of it is a menu's or another button's mnemonic: Ctrl+Shift+O.
            self._add_button("reopen", self.tr("Re-open…"), "Ctrl+Shift+O",
                             self._on_reopen_clicked)
            # Engineers judge the remit; every letter of it is another button's mnemonic.
            self._add_button("outOfRemit", self.tr("Out of remit…"), "Ctrl+Shift+X",
                             self._on_out_of_remit_clicked)
            if actor.role is Role.MANAGER:
                self._add_button("waive", self.tr("Waive char&ge…"), None,
                                 self._on_waive_clicked)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self._facts_area())
        # In a window too short for every row of buttons, the rows scroll (the timeline keeps
        # its room and the window stays on the screen).
        layout.addWidget(FlowScroll(self.action_bar))
        layout.addWidget(self.timeline, 1)
        self._build_timeline_menu()
        self._set_enabled(False)

    def _facts_area(self) -> QScrollArea:
        """The facts and description scroll in a few lines' height, so that on a small
        screen the timeline keeps the room and the window never outgrows the screen."""
        area = VerticalScroll(self.facts, "incidentFactsArea")
        lines = self.fontMetrics().lineSpacing()
        area.setMinimumHeight(lines * 3)
        area.setMaximumHeight(lines * FACT_LINES)
        return area

    def _add_button(self, name: str, text: str, shortcut: str | None, slot: Any) -> None:
        """The action ``name`` and its button. The button shows ``text`` (its mnemonic is the
        button's); a menu shows the action's menu text, whose mnemonic is unique in the
        Incident menu and the list's context menu."""
        action = QAction(self.tr(_MENU_TEXTS.get(name, text)), self)
        action.setObjectName(f"incidentAction_{name}")
        action.setIconText(text)
        action.triggered.connect(lambda _checked=False: slot())
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setToolTip(f"{text.replace('&', '')} ({shortcut})")
        else:
            action.setToolTip(text.replace("&", ""))
        action.setProperty("usualToolTip", action.toolTip())
        # A disabled action's shortcut does nothing, as its button does nothing.
        self.addAction(action)
        button = QToolButton()
        button.setObjectName(name + "Button")
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setDefaultAction(action)
        self.incident_actions[name] = action
        self.buttons[name] = button
        self._row.addWidget(button)

    def _set_enabled(self, enabled: bool) -> None:
        for action in self.incident_actions.values():
            action.setEnabled(enabled)

    def clear(self) -> None:
        self.incident_id = None
        self.customer_id = None
        self.version = None
        self._detail = None
        self.heading.setText(self.tr("Choose an incident from the list"))
        self.facts.clear()
        self.timeline.clear()
        self._set_enabled(False)
        self.shown.emit()

    def show_incident(self, incident_id: int) -> None:
        from synergy_desk.domain.phones import display_phone
        from synergy_desk.services.incidents.detail import incident_detail

        detail = incident_detail(incident_id)
        self._detail = detail
        self.awaiting = self._awaiting_transfer(detail.id)
        self.incident_id = detail.id
        self.customer_id = detail.customer_id
        self.version = detail.version
        status = IncidentStatus(detail.status)
        funding = FundingKind(detail.funding)
        tone = formatting.STATUS_COLOURS[status]
        funding_tone = (formatting.AWAITING_TRANSFER_TONE if self.awaiting
                        else formatting.FUNDING_COLOURS[funding])
        badge = ("<span style='color:{0}; background:{1}; padding:2px 6px;'>&nbsp;{2}&nbsp;"
                 "</span>")
        self.heading.setText(
            f"<b style='font-size:14pt'>{html.escape(detail.reference)}</b> &nbsp; "
            f"<b>{html.escape(detail.subject)}</b><br>"
            + badge.format(tone.text.hex(), tone.background.hex(), html.escape(status.label))
            + " &nbsp; "
            + badge.format(funding_tone.text.hex(), funding_tone.background.hex(),
                           html.escape(self.awaiting or detail.funding_description
                                       or funding.label)))
        facts = [
            (self.tr("Customer"), detail.customer_name),
            (self.tr("Contact"), " ".join(x for x in (detail.contact_name,
                                                      display_phone(detail.contact_phone)) if x)
             or "—"),
            (self.tr("Product"), " / ".join(x for x in (detail.product_name, detail.module_name,
                                                         detail.product_version) if x)),
            (self.tr("Engineer"), detail.engineer_name or self.tr("unassigned")),
            (self.tr("Priority"), detail.priority.value.title()),
            (self.tr("Opened"), formatting.short_datetime(detail.opened_at)),
        ]
        if detail.resolution is not None:
            facts.append((self.tr("Resolution"), f"{detail.resolution.label}: "
                          f"{detail.resolution_note}"))
        if detail.split_from is not None:
            facts.append((self.tr("Split from"), detail.split_from.reference))
        if detail.split_children:
            facts.append((self.tr("Split into"),
                          ", ".join(link.reference for link in detail.split_children)))
        if detail.merged_into is not None:
            facts.append((self.tr("Merged into"), detail.merged_into.reference))
        if detail.merged_duplicates:
            facts.append((self.tr("Duplicates merged in"),
                          ", ".join(link.reference for link in detail.merged_duplicates)))
        quiet = palette.SECONDARY.hex()
        rows = "".join(f"<tr><td style='color:{quiet}; padding-right:8px'>{html.escape(k)}</td>"
                       f"<td>{html.escape(str(v))}</td></tr>" for k, v in facts)
        description = html.escape(detail.description).replace("\n", "<br>")
        self.facts.setText(f"<table>{rows}</table>"
                           + (f"<p>{description}</p>" if description else ""))
        self.timeline.clear()
        for entry in detail.timeline:
            item = QTreeWidgetItem([
                formatting.short_datetime(entry.occurred_at),
                self._kind_text(entry),
                entry.author_name or "",
                formatting.duration(entry.duration_seconds),
                entry.text,
            ])
            item.setData(0, Qt.ItemDataRole.UserRole, entry.id)
            item.setData(1, Qt.ItemDataRole.UserRole, entry.for_customer)
            item.setToolTip(1, self.tr("The customer sees this entry.") if entry.for_customer
                            else self.tr("For the staff only: not on what the customer is "
                                         "given."))
            item.setToolTip(4, entry.text)
            self.timeline.addTopLevelItem(item)
        self._show_emails(detail.id)
        self._update_buttons(detail)
        self.shown.emit()

    def _update_buttons(self, detail: Any) -> None:
        status = IncidentStatus(detail.status)
        funded = FundingKind(detail.funding) is not FundingKind.NONE
        merged = detail.merged_into is not None
        open_ = status.is_open and not merged
        entries = sum(1 for e in detail.timeline if TimelineKind(e.kind) is not TimelineKind.SYSTEM)
        reopenable = (not merged and (status is IncidentStatus.RESOLVED
                                      or (status is IncidentStatus.CLOSED
                                          and detail.resolution is Resolution.UNRESOLVED)))
        rules = {
            "logCall": not merged and status is not IncidentStatus.CLOSED,
            # On an open request only the money arriving funds it: paid twice otherwise.
            "takePayment": open_ and not funded and not self.awaiting,
            "applyCover": open_ and not funded and not self.awaiting,
            "callback": True,
            "summary": True,
            "claim": open_ and detail.engineer_id != self._actor.id,
            "startWork": open_ and status in (IncidentStatus.QUEUED,
                                              IncidentStatus.WAITING_ON_CUSTOMER,
                                              IncidentStatus.AWAITING_PAYMENT),
            "waitCustomer": open_ and status is IncidentStatus.IN_PROGRESS,
            "split": status is not IncidentStatus.CLOSED and not merged and entries >= 2,
            "merge": status is not IncidentStatus.CLOSED and not merged,
            "resolve": open_ and funded,
            # While a request waits, the money that arrives must find the incident open and
            # unfunded: a manager cancels the request first (the service says so too).
            "closeUnresolved": open_ and not self.awaiting,
            "reopen": reopenable,
            "outOfRemit": status is not IncidentStatus.CLOSED and not merged and not self.awaiting,
            "waive": open_ and not funded and not self.awaiting,
            "changeFields": status is not IncidentStatus.CLOSED and not merged,
            "requestTransfer": open_ and not funded and not self.awaiting,
        }
        for name, action in self.incident_actions.items():
            action.setEnabled(rules.get(name, False))
        self.incident_actions["takePayment"].setToolTip(
            self.tr("%s: record the transfer when the money arrives") % self.awaiting
            if self.awaiting else self.tr("Take the payment for this incident (Ctrl+Shift+Y)"))
        for name in ("closeUnresolved", "outOfRemit", "waive"):
            if name in self.incident_actions:
                action = self.incident_actions[name]
                action.setToolTip(
                    self.tr("%s: a manager cancels the request first") % self.awaiting
                    if self.awaiting else str(action.property("usualToolTip")))
        if "startWork" in self.incident_actions:
            self.incident_actions["startWork"].setToolTip(
                self.tr("Needs funding first: take a payment or use a season ticket "
                        "(Ctrl+Shift+S)") if not funded else self.tr("Start work (Ctrl+Shift+S)"))
        if "resolve" in self.incident_actions:
            self.incident_actions["resolve"].setToolTip(self.tr("Needs funding first") if not funded
                                               else self.tr("Resolve… (Ctrl+Shift+R)"))

    # -- e-mail on the timeline ----------------------------------------------------------------

    def _show_emails(self, incident_id: int) -> None:
        """E-mails in and out on the timeline: who from or to, the subject, the state of one
        going out, and each attachment with Open… and Save as…."""
        from synergy_desk.services.mail import triage

        def unreadable(exc: Exception) -> None:
            self.notice.emit(self.tr("The incident's e-mails could not be read just now."))
            log.warning("The incident's e-mails were not read: %s", exc)

        self.emails: dict[int, Any] = {}
        with reporting_errors(self, failure=unreadable) as outcome:
            self.emails = triage.emails_on_timeline(incident_id)
        if outcome.failed or not self.emails:
            return
        times = self._sending_times()
        for index in range(self.timeline.topLevelItemCount()):
            item = self.timeline.topLevelItem(index)
            email = self.emails.get(item.data(0, Qt.ItemDataRole.UserRole))
            if email is None:
                continue
            what = item.text(1)
            if email.direction == "out":
                sent_at, next_at = times.get(email.email_id, (None, None))
                what = f"{what}\n{email_state_text(email, sent_at, next_at)}"
                if email.state in ("failed",) or (email.last_error and email.state != "sent"):
                    item.setForeground(1, palette.ERROR.qcolor())
            item.setText(1, what)
            item.setData(2, Qt.ItemDataRole.UserRole, email.email_id)
            heading = (self.tr("From: %s") % email.from_text if email.direction == "in"
                       else self.tr("To: %s") % email.to_text)
            item.setToolTip(1, f"{heading}\n{self.tr('Subject: %s') % email.subject}")
            for info in email.attachments:
                self._add_attachment_row(item, info)
            item.setExpanded(True)

    def _sending_times(self) -> dict[int, tuple[Any, Any]]:
        """When each e-mail out went, or is tried again: (sent at, next try) by its id."""
        from synergy_desk.services.mail import outbox, triage

        times: dict[int, tuple[Any, Any]] = {}
        outgoing = [e for e in self.emails.values() if e.direction == "out"]
        if not outgoing:
            return times
        with reporting_errors(self, failure=lambda exc: log.warning(
                "When the incident's e-mails went was not read: %s", exc)):
            waiting = {row.email_id: row.next_attempt_at
                       for row in outbox.outbox_list(("queued", "sending"))}
            for email in outgoing:
                if email.state == "sent":
                    times[email.email_id] = (triage.message_detail(email.email_id).sent_at,
                                             None)
                elif email.email_id in waiting:
                    times[email.email_id] = (None, waiting[email.email_id])
        return times

    def _add_attachment_row(self, parent: QTreeWidgetItem, info: Any) -> None:
        from synergy_desk.domain.mail import safe_filename
        from synergy_desk.ui.email_triage_view import size_text

        child = QTreeWidgetItem(["", self.tr("Attachment")])
        child.setData(0, Qt.ItemDataRole.UserRole, None)
        parent.addChild(child)
        cell = QWidget()
        row = QHBoxLayout(cell)
        row.setContentsMargins(0, 0, 0, 0)
        name = f"{safe_filename(info.filename)} ({size_text(info.size_bytes)})"
        if not info.kept:
            name += self.tr(" — over the limit, not kept")
        elif info.risky:
            name += self.tr(" — save only: not a plain document or picture")
        label = QLabel(name)
        label.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(label)
        for text, slot in ((self.tr("Open…"), self.attachment_files().open),
                           (self.tr("Save as…"), self.attachment_files().save)):
            button = QPushButton(text)
            button.setObjectName("timelineAttachmentOpen" if text.startswith("Open")
                                 else "timelineAttachmentSave")
            button.setAutoDefault(False)
            button.setEnabled(info.kept and not (text.startswith("Open") and info.risky))
            button.clicked.connect(lambda _c=False, f=slot, i=info: f(i))
            row.addWidget(button)
        row.addStretch(1)
        self.timeline.setItemWidget(child, 4, cell)

    def attachment_files(self) -> Any:
        """Open… and Save as… for the timeline's attachments (one, asked like the triage)."""
        from synergy_desk.ui.email_triage_view import AttachmentActions

        if getattr(self, "_attachment_files", None) is None:
            self._attachment_files = AttachmentActions(
                self, self.notice.emit,
                lambda text: errors.show_error(self, ValidationError(text)))
        return self._attachment_files

    def can_reply(self) -> bool:
        """Whether the incident shown may be answered by e-mail from here (engineers)."""
        return (self._actor.role in ENGINEERS and self._detail is not None
                and self._detail.merged_into is None)

    def reply_by_email(self) -> None:
        """Incident ▸ Reply by e-mail… (Ctrl+R): the reply editor, drafted; once queued, the
        desk sends it at once and the timeline shows it."""
        from synergy_desk.ui.dialogs.reply_editor import reply_flow

        if self.incident_id is None or self._detail is None or not self.can_reply():
            return
        queued = reply_flow(self.window(), self._actor, self.incident_id,
                            self._detail.reference)
        if queued is None:
            return
        self.notice.emit(queued.notice)
        self.reply_queued.emit(queued.email_id)
        self.changed.emit(self.incident_id)

    # -- asking for a bank transfer ----------------------------------------------------------

    def _add_transfer_button(self) -> None:
        # Its shortcut (Ctrl+Shift+Z) works wherever the window has the focus; no letter of
        # its own: every letter of it is another button's or a menu's mnemonic.
        self.awaiting = ""
        self._add_button("requestTransfer", self.tr("Ask for a bank transfer…"),
                         "Ctrl+Shift+Z", self.request_transfer)

    @staticmethod
    def _awaiting_transfer(incident_id: int) -> str:
        """"Awaiting transfer PR-000001 (£90.00, due 19 Dec 2026)", or "" when not on a request."""
        from synergy_desk.services.money import payment_requests

        return payment_requests.awaiting_transfer([incident_id]).get(incident_id, "")

    def _refused_awaiting(self, refusal: FundingRequired) -> bool:
        from synergy_desk.ui import errors

        errors.show_error(self, refusal)
        return False

    def request_transfer(self) -> None:
        """Ask for the shown incident's money by bank transfer: a payment request, then its PDF
        to print or e-mail; the incident waits for the transfer."""
        action = self.incident_actions["requestTransfer"]
        incident_id, customer_id = self.incident_id, self.customer_id
        if incident_id is None or customer_id is None or not action.isEnabled():
            return
        info = self._receipts().request_payment_flow(self.window(), self._actor,
                                                     self._background, customer_id,
                                                     (incident_id,))
        if info is not None:
            self.notice.emit(self.tr("Payment request %s issued: %s.")
                             % (info.number, info.awaiting_text))
            self.changed.emit(incident_id)

    # -- changing the incident's engineer and details --------------------------------------

    def _add_change_button(self) -> None:
        # Its shortcut (Ctrl+Shift+I) is the window's Incident → Change incident… action.
        self._add_button("changeFields", self.tr("Change…"), None, self.change_fields)
        self.incident_actions["changeFields"].setToolTip(self.tr(
            "Reassign it, or change its product, module, version or priority (Ctrl+Shift+I)"))

    def change_fields(self) -> None:
        """Reassign the incident shown, or change its product, module, version or priority."""
        from synergy_desk.ui.dialogs.incident_fields import change_incident_flow

        action = self.incident_actions.get("changeFields")
        if self._detail is None or action is None or not action.isEnabled():
            return
        self._done(change_incident_flow(self, self._actor, self._detail))

    # -- running the actions -------------------------------------------------------------

    def _done(self, result: object) -> bool:
        """After a flow: tell the window the incident changed, and pass on any notices."""
        if result is None or self.incident_id is None:
            return False
        for text in getattr(result, "notices", ()) or ():
            if text:
                self.notice.emit(text)
        if isinstance(result, str) and result:
            self.notice.emit(result)
        self.changed.emit(self.incident_id)
        return True

    def _do(self, fn: Any, *args: Any, **kwargs: Any) -> bool:
        """Run one service call; on success tell the window the incident changed."""
        with reporting_errors(self) as outcome:
            fn(*args, **kwargs)
        if outcome.failed:
            return False
        if self.incident_id is not None:
            self.changed.emit(self.incident_id)
        return True

    @staticmethod
    def _work() -> Any:
        from synergy_desk.services.incidents import work

        return work

    @staticmethod
    def _workbench() -> Any:
        from synergy_desk.ui import workbench

        return workbench

    def _on_log_call_clicked(self) -> None:
        if self.incident_id is None or self._detail is None:
            return
        kinds = ENGINEER_KINDS if self._actor.role in ENGINEERS \
            else RECEPTION_KINDS
        from synergy_desk.ui.dialogs.timeline_entry import TimelineEntryDialog

        request = TimelineEntryDialog.ask(self, kinds, self._detail.reference,
                                          TimelineKind.PHONE_IN)
        if request is None:
            return
        self.log_entry(request)

    def log_entry(self, request: TimelineRequest) -> bool:
        """Put an entry on the shown incident's timeline.

        Support work on an unfunded incident is refused as starting work is; the same ways
        to fund it at once are offered, and the entry is logged once one of them has.
        """
        incident_id = self.incident_id
        if incident_id is None:
            return False

        def add() -> object:
            return self._work().add_timeline_entry(
                self._actor, incident_id, request.kind, request.text,
                duration_seconds=request.duration_seconds, for_customer=request.for_customer,
                about_payment=request.about_payment)

        funded = False
        with reporting_errors(self) as outcome:
            try:
                add()
            except FundingRequired as refusal:
                if not self._fund_after_refusal(incident_id, refusal):
                    return False
                funded = True  # shown as funded even if the entry then fails
                add()
        if outcome.failed and not funded:
            return False
        self.changed.emit(incident_id)
        return not outcome.failed

    def _fund_after_refusal(self, incident_id: int, refusal: FundingRequired) -> bool:
        """The refusal with the shortcuts starting work offers; True once it is funded."""
        if self.awaiting:
            return self._refused_awaiting(refusal)
        return bool(self._workbench().fund_after_refusal(
            self, self._actor, incident_id, refusal,
            self._take_payment_for if self.customer_id is not None else None,
            redeemed=lambda use: self.notice.emit(self._receipts().redeem_ticket_text(use))))

    @staticmethod
    def _receipts() -> Any:
        from synergy_desk.ui import receipts

        return receipts

    def _take_payment_for(self, incident_id: int) -> bool:
        from synergy_desk.ui import receipts

        if self.customer_id is None:
            return False
        receipt = receipts.take_payment_flow(self.window(), self._actor, self._background,
                                             self.customer_id, (incident_id,))
        if isinstance(receipt, receipts.RequestInfo):
            # Asked for by bank transfer: it waits, unfunded, for the money.
            self.notice.emit(self.tr("Payment request %s issued: %s.")
                             % (receipt.number, receipt.awaiting_text))
            self.changed.emit(incident_id)
            return False
        if receipt is not None:
            self.notice.emit(self.tr("Payment taken: receipt %s.") % receipt.number)
            self.changed.emit(incident_id)
        return receipt is not None

    def can_take_payment(self) -> bool:
        """Whether the incident shown awaits a payment (its Take payment… is enabled)."""
        return self.incident_id is not None and self.incident_actions["takePayment"].isEnabled()

    def take_payment(self) -> None:
        """Take the payment for the incident shown, when it awaits one."""
        if self.can_take_payment():
            self._on_take_payment_clicked()

    def _on_take_payment_clicked(self) -> None:
        if self.incident_id is not None:
            self._take_payment_for(self.incident_id)

    def redeem_ticket(self) -> None:
        """Fund the shown incident from the customer's earliest-expiring season ticket."""
        self._on_redeem_ticket_clicked()

    def _on_redeem_ticket_clicked(self) -> None:
        from synergy_desk.ui import receipts

        if self.incident_id is None:
            return
        use = receipts.redeem_ticket_flow(self.window(), self._actor, self.incident_id)
        if use is not None:
            self.notice.emit(receipts.redeem_ticket_text(use))
            self.changed.emit(self.incident_id)

    def _on_callback_clicked(self) -> None:
        if self._detail is None:
            return
        row = self._workbench().schedule_callback_flow(
            self, self._actor, self._detail.customer_id, self._detail.id, self._detail.reference)
        if row is not None:
            self.notice.emit(self.tr("Call-back scheduled."))
            self.changed.emit(self._detail.id)

    # -- the summary: the customer's version or the staff's ----------------------------------

    def _build_summary_menu(self) -> None:
        self.summary_menu = QMenu(self)
        self.summary_menu.setObjectName("summaryMenu")
        self.summary_actions: dict[str, QAction] = {}
        for audience, text in (("customer", self.tr("For the &customer")),
                               ("internal", self.tr("&Internal (staff only)"))):
            action = self.summary_menu.addAction(text)
            action.setObjectName(f"summary_{audience}")
            action.triggered.connect(lambda _c=False, a=audience: self.print_summary(a))
            self.summary_actions[audience] = action
        self.summary_actions["customer"].setToolTip(self.tr(
            "Only what the customer sees: no internal notes, waiver reasons or staff events"))

    def _on_summary_clicked(self) -> None:
        if self.incident_id is None:
            return
        button = self.buttons["summary"]
        self.summary_menu.setActiveAction(self.summary_actions["customer"])
        # Beside its button; where the button is not on view, where the pointer is.
        place = button.mapToGlobal(button.rect().bottomLeft()) if button.isVisible() \
            else QCursor.pos()
        self.summary_menu.popup(place)

    def print_summary(self, audience: str) -> None:
        """Preview the summary for the customer (``"customer"``) or the staff (``"internal"``)."""
        if self.incident_id is not None:
            self._workbench().summary_flow(self.window(), self._background, self.incident_id,
                                           audience=audience, actor=self._actor)

    # -- who sees a timeline entry --------------------------------------------------------------

    def _build_timeline_menu(self) -> None:
        self.timeline.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.timeline.customContextMenuRequested.connect(self._on_timeline_menu_requested)
        self.timeline_menu = QMenu(self)
        self.timeline_menu.setObjectName("timelineMenu")
        self.act_for_customer = QAction(self.tr("For the c&ustomer"), self)
        self.act_for_customer.setObjectName("timelineForCustomerAction")
        self.act_for_customer.setCheckable(True)
        self.act_for_customer.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.act_for_customer.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.act_for_customer.setToolTip(self.tr(
            "Whether the customer sees the chosen entry on their summary (Ctrl+Shift+F)"))
        self.act_for_customer.triggered.connect(self._on_for_customer_triggered)
        self.timeline.addAction(self.act_for_customer)
        self.timeline_menu.addAction(self.act_for_customer)
        self.timeline.currentItemChanged.connect(self._update_for_customer_action)
        self._update_for_customer_action()

    def _wrap_timeline_notes(self) -> None:
        """Each entry's notes wrap onto as many lines as they need, re-wrapped when a column
        or the timeline changes width: a long note reads whole without hovering."""
        header = self.timeline.header()
        # When, Who and Time as wide as their text; What wraps ("Note for the customer",
        # "… (staff only)"); Notes takes the rest of the width, never less than a readable
        # column, the timeline scrolling sideways below that.
        fit = QHeaderView.ResizeMode.ResizeToContents
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, fit)
        self.timeline.setColumnWidth(1, 120)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(40)
        self.timeline.setItemDelegate(_WrappingDelegate(self.timeline))
        self.timeline.setTextElideMode(Qt.TextElideMode.ElideNone)
        relayout = QTimer(self.timeline)
        relayout.setSingleShot(True)
        relayout.setInterval(0)
        relayout.timeout.connect(self.timeline.doItemsLayout)
        self.timeline.header().sectionResized.connect(lambda *_a: relayout.start())

    def _kind_text(self, entry: Any) -> str:
        kind = TimelineKind(entry.kind)
        if kind is TimelineKind.SYSTEM:
            return kind.label
        if getattr(entry, "about_payment", False):
            return self.tr("%s (about payment)") % kind.label
        if kind is TimelineKind.NOTE and entry.for_customer:
            return self.tr("Note for the customer")
        if kind is not TimelineKind.NOTE and not entry.for_customer:
            return self.tr("%s (staff only)") % kind.label
        return kind.label

    def _chosen_entry(self) -> Any:
        item = self.timeline.currentItem()
        if item is None or self._detail is None:
            return None
        entry_id = item.data(0, Qt.ItemDataRole.UserRole)
        return next((e for e in self._detail.timeline if e.id == entry_id), None)

    def _update_for_customer_action(self, *_args: object) -> None:
        entry = self._chosen_entry()
        usable = entry is not None and TimelineKind(entry.kind) is not TimelineKind.SYSTEM
        self.act_for_customer.setEnabled(usable)
        self.act_for_customer.setChecked(bool(entry is not None and entry.for_customer))

    def _on_timeline_menu_requested(self, pos: Any) -> None:
        item = self.timeline.itemAt(pos)
        if item is not None:
            self.timeline.setCurrentItem(item)
        self._update_for_customer_action()
        self.timeline_menu.popup(self.timeline.viewport().mapToGlobal(pos))

    def _on_for_customer_triggered(self) -> None:
        entry = self._chosen_entry()
        if entry is None or TimelineKind(entry.kind) is TimelineKind.SYSTEM:
            self._update_for_customer_action()
            return
        wanted = not entry.for_customer
        if self._do(self._work().set_entry_for_customer, self._actor, entry.id, wanted):
            self.notice.emit(self.tr("The entry is now on what the customer is given.")
                             if wanted else self.tr("The entry is now for the staff only."))
        self._update_for_customer_action()

    def _on_claim_clicked(self) -> None:
        if self.incident_id is not None:
            self._do(self._work().claim, self._actor, self.incident_id)

    def _on_start_work_clicked(self) -> None:
        if self.incident_id is None:
            return
        if self.awaiting:
            # Only the money arriving funds it: the service's refusal says so, no offer of
            # another way to pay that would be refused too.
            self._do(self._work().start_work, self._actor, self.incident_id,
                     expected_version=self.version)
            return
        self._done(self._workbench().start_work_flow(
            self, self._actor, self.incident_id, expected_version=self.version,
            take_payment=self._take_payment_for))

    def apply_cover(self) -> None:
        """Fund the shown incident from the customer's contract, else their season ticket."""
        if self.incident_actions["applyCover"].isEnabled():
            self._on_apply_cover_clicked()

    def _on_apply_cover_clicked(self) -> None:
        from synergy_desk.services.money import funding
        from synergy_desk.ui.operations import call

        if self.incident_id is None:
            return
        text = call(self.window(), funding.apply_cover, self._actor, self.incident_id)
        if text is not None:
            self.notice.emit(text)
            self.changed.emit(self.incident_id)

    def _on_wait_customer_clicked(self) -> None:
        if self.incident_id is not None:
            self._do(self._work().wait_on_customer, self._actor, self.incident_id,
                     self.tr("Waiting for the customer to reply"))

    def _offer_funding(self, ref: Any) -> None:
        """A split-off aspect needs its own funding: offer to take it at once."""
        from synergy_desk.ui import receipts
        from synergy_desk.ui.dialogs.split import offer_cover

        self.notice.emit(self.tr("%s split off; it needs its own funding.") % ref.reference)
        # The customer's contract or season ticket comes before asking for money.
        funded = offer_cover(self.window(), self._actor, ref)
        if funded:
            self.notice.emit(funded)
            return
        if self.customer_id is not None:
            receipts.take_payment_flow(self.window(), self._actor, self._background,
                                       self.customer_id, (ref.id,))

    def _on_split_clicked(self) -> None:
        if self.incident_id is not None:
            self._done(self._workbench().split_flow(self, self._actor, self.incident_id,
                                                    offer_funding=self._offer_funding))

    def _on_merge_clicked(self) -> None:
        if self.incident_id is not None:
            self._done(self._workbench().merge_flow(self, self._actor, self.incident_id))

    def _on_resolve_clicked(self) -> None:
        if self.incident_id is not None:
            self._done(self._workbench().resolve_flow(self, self._actor, self.incident_id,
                                                      expected_version=self.version))

    def _on_close_unresolved_clicked(self) -> None:
        if self.incident_id is not None:
            self._done(self._workbench().close_unresolved_flow(
                self, self._actor, self.incident_id, expected_version=self.version))

    def _on_reopen_clicked(self) -> None:
        if self.incident_id is not None:
            self._done(self._workbench().reopen_flow(self, self._actor, self.incident_id,
                                                     expected_version=self.version))

    def _on_out_of_remit_clicked(self) -> None:
        if self.incident_id is not None:
            self._done(self._workbench().out_of_remit_flow(self, self._actor, self.incident_id,
                                                           expected_version=self.version))

    def _on_waive_clicked(self) -> None:
        from synergy_desk.ui.dialogs.waiver import waive_flow

        if self.incident_id is None or self._detail is None:
            return
        if waive_flow(self, self._actor, self.incident_id, self._detail.reference) is not None:
            self.notice.emit(self.tr("Charge waived for %s.") % self._detail.reference)
            self.changed.emit(self.incident_id)
