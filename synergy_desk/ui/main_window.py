"""The main window: filter bar, incident list, customer panel, incident detail, status bar."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QChildEvent,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from synergy_desk import __version__
from synergy_desk.domain.enums import Role
from synergy_desk.domain.errors import OfficeReplaced
from synergy_desk.models.database import is_lost_connection
from synergy_desk.services.common import ENGINEERS, Actor
from synergy_desk.services.incidents import incident_list
from synergy_desk.services.office import activity, desks
from synergy_desk.ui import errors, palette
from synergy_desk.ui.callback_notifier import CallbackNotifier
from synergy_desk.ui.global_search import GlobalSearch
from synergy_desk.ui.incident_columns import COLUMNS, ListRow, incident_table_model, to_list_row
from synergy_desk.ui.lock_screen import Curtain, IdleWatch, LockScreen
from synergy_desk.ui.operations import Op, reporting_errors
from synergy_desk.ui.prefs import Preferences
from synergy_desk.ui.screen import FRAME_ALLOWANCE, VerticalScroll, fits_a_screen
from synergy_desk.ui.table_model import ID_ROLE, ListView, SpareWidth, size_columns_to_contents
from synergy_desk.ui.worker import Background

if TYPE_CHECKING:
    from synergy_desk.ui.customer_panel import CustomerPanel
    from synergy_desk.ui.incident_detail import IncidentDetail

log = logging.getLogger(__name__)

#: (view key of the list service, label, shortcut)
VIEWS: tuple[tuple[str, str, str], ...] = (
    ("mine", "My incidents", "Alt+1"),
    ("unassigned", "Unassigned", "Alt+2"),
    ("awaiting_payment", "Awaiting payment", "Alt+3"),
    ("in_progress", "In progress", "Alt+4"),
    ("waiting_on_customer", "Waiting on customer", "Alt+5"),
    ("callbacks_due", "Call-backs due", "Alt+6"),
    ("resolved", "Resolved", "Alt+7"),
    ("all", "All", "Alt+8"),
    ("open", "All open", "Alt+9"),
)

#: The view each role opens on until its user chooses another: reception the callers who
#: still owe for their incidents, engineers their own queue, managers every open incident.
ROLE_VIEWS = {Role.RECEPTION: "awaiting_payment", Role.ENGINEER: "mine", Role.MANAGER: "open"}


#: When the open desk lapses expired season tickets: soon after start-up, then hourly.
LAPSE_FIRST_MS = 20_000
LAPSE_EVERY_MS = 3_600_000
#: When the window sets up its daily backup, after the first paint.
AUTO_BACKUP_SETUP_MS = 1_000
#: The longest the window waits for its list's first paint before starting what waits for it
#: (a window not shown yet): see MainWindow._after_first_paint.
AFTER_PAINT_MAX_MS = 1_000
#: How often an open window tells the office it is still open (a restore names live desks).
HEARTBEAT_MS = desks.BEAT_SECONDS * 1000
#: The widest a list column is made to fit its contents (the user may widen it further).
LIST_COLUMN_MAX_WIDTH = 240
#: Subject takes the width the other columns leave, never less than this, nor less than
#: its first page's subjects need up to LIST_SUBJECT_ROOM.
LIST_SUBJECT_MIN_WIDTH = 220
LIST_SUBJECT_ROOM = 340


class MainWindow(QMainWindow):
    """Everything a desk needs on one screen; reception's path works from the keyboard."""

    refreshed = Signal()
    #: The person at the desk logged out (None: ask who logs in next) or switched to another
    #: (the user the next window is for); the window has left the office's list of desks.
    session_ended = Signal(object)
    #: Mail was stored or sent by the desk's mail worker.
    mail_changed = Signal()

    def __init__(self, actor: Actor, prefs: Preferences, database_label: str,
                 office_name: str = "") -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.actor = actor
        self.prefs = prefs
        self.office_name = office_name
        self.background = Background(self)
        self.setWindowTitle(f"{office_name or 'Synergy Desk'} — Synergy Desk")
        self._view = self._first_view()
        self._engineer_id: int | None = None
        self._product_id: int | None = None
        self._token: tuple[int, int] = (0, 0)
        self._connected = True
        #: The list stopped on a lost connection: the poll reloads it once the database answers.
        self._list_lost = False
        #: What starts once the list is first painted (see :meth:`_after_first_paint`).
        self._after_paint: list[Callable[[], None]] = []

        self._build_actions()
        self._build_toolbar()
        self._build_central()
        self._build_keyboard_focus()
        self._build_status_bar()
        self._build_menus()
        self._build_desk_session()
        self._build_callback_reminders()
        self._build_phone_listener()
        self._build_incoming_calls()
        self._build_transfer_actions()
        self._build_mail()
        # A call the phone system announces pops its caller up, as `synergy-desk call` does.
        self.phone_listener.call_rang.connect(self.pop_up_caller)

        self.model = incident_table_model(self._load_page, self)
        # Setting the model, its sort and the saved header each sort the list: the first
        # page is read once, by the view chosen below.
        self.model.hold()
        self.model.failed.connect(self._on_list_failed)
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(
            self.model.sort_column, Qt.SortOrder.DescendingOrder if self.model.descending
            else Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)
        self._set_up_list_columns()
        self._build_customer_editing()
        self._build_incident_actions()
        self._restore_state()
        self.model.release()
        self._select_view(self._view)

        self._poll = QTimer(self)
        self._poll.setInterval(max(1, prefs.poll_seconds) * 1000)
        self._poll.timeout.connect(self._on_poll_timeout)
        self._poll.start()
        self._token = self._safe_token()

        # Unused season-ticket incidents lapse at expiry: any desk that is open lapses them,
        # shortly after start-up and then every hour (a second desk finds nothing left to do).
        self._lapse = QTimer(self)
        self._lapse.setInterval(LAPSE_EVERY_MS)
        self._lapse.timeout.connect(self.lapse_expired_tickets)
        self._lapse.start()
        QTimer.singleShot(LAPSE_FIRST_MS, self.lapse_expired_tickets)

        # Started by attach_database: the desk is on the office's list while it beats.
        self.heartbeat = QTimer(self)
        self.heartbeat.setObjectName("deskHeartbeat")
        self.heartbeat.setInterval(HEARTBEAT_MS)
        self.heartbeat.timeout.connect(self._beat)
        self._desk_token: str | None = None

        self._first_paint = _FirstPaint(self.table.viewport(), self._start_after_paint)
        QTimer.singleShot(AFTER_PAINT_MAX_MS, self, self._start_after_paint)

    # -- building ------------------------------------------------------------------------

    def _after_first_paint(self, job: Callable[[], None]) -> None:
        """Run ``job`` just after the list is first painted (or AFTER_PAINT_MAX_MS after the
        window was built, if it has not been painted by then), once.

        What the first screen does not show waits for it: the filters' engineers and
        products and the phone system's settings need services and settings that would
        otherwise be loaded and read before the first rows appear.
        """
        self._after_paint.append(job)

    def _start_after_paint(self) -> None:
        jobs, self._after_paint = self._after_paint, []
        for job in jobs:
            QTimer.singleShot(0, self, job)  # one at a time, the window answering between

    def _action(self, name: str, text: str, shortcut: str | QKeySequence.StandardKey | None,
                slot: Any, tip: str = "") -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.act_log_call = self._action("actionLogCall", self.tr("&Log call…"), "Ctrl+L",
                                         self._on_log_call, self.tr("Log a call (Ctrl+L)"))
        self.act_search = self._action("actionSearch", self.tr("&Search"), "Ctrl+K",
                                       self._on_focus_search, self.tr("Search (Ctrl+K, Ctrl+F)"))
        self.act_search.setShortcuts([QKeySequence("Ctrl+K"), QKeySequence("Ctrl+F")])
        self.act_refresh = self._action("actionRefresh", self.tr("&Refresh"), "F5",
                                        lambda: self.refresh(), self.tr("Refresh (F5)"))
        self.act_quit = self._action("actionQuit", self.tr("&Quit"), "Ctrl+Q", self.close)
        self.act_password = self._action("actionChangePassword",
                                         self.tr("Change my &password…"), None,
                                         self._on_change_password)
        self.act_about = self._action("actionAbout", self.tr("&About Synergy Desk"), None,
                                      self._on_about)
        self.act_database = self._action(
            "actionDatabaseSettings", self.tr("&Database for this desk…"), None,
            self._on_database_settings,
            self.tr("The SQLite file or the office's PostgreSQL server this desk uses"))
        self.act_database.setVisible(self.actor.role is Role.MANAGER)
        self.act_focus_list = self._action("actionFocusList", self.tr("Go to the &list"),
                                           "Ctrl+1", lambda: self.table.setFocus())
        self.act_take_payment = self._action(
            "actionTakePayment", self.tr("Take pa&yment…"), "Ctrl+Shift+Y",
            self._on_take_payment_action,
            self.tr("Take a payment from the customer shown, for the incident shown when it "
                    "awaits one (Ctrl+Shift+Y)"))
        self._build_cover_actions()
        self._build_view_actions()
        self.act_registers = self._action(
            "actionRegisters", self.tr("&Registers…"), "Ctrl+Shift+G", self._on_registers,
            self.tr("Enhancement requests and escalations (Ctrl+Shift+G)"))
        self.act_callbacks = self._action(
            "actionCallbacksDue", self.tr("Call-backs &due…"), "Ctrl+Shift+K",
            self._on_callbacks_due, self.tr("Call-backs due and overdue (Ctrl+Shift+K)"))
        reception = self.actor.role is Role.RECEPTION
        self.act_reports = self._action(
            "actionReports", self.tr("R&eports…"), "Ctrl+Shift+E", lambda: self._on_reports(),
            self.tr("Cash-up, incidents, season tickets, overrides and registers "
                    "(Ctrl+Shift+E)"))
        self.act_reports.setVisible(not reception)
        self.act_takings = self._action(
            "actionTodaysTakings", self.tr("Today's &takings…"), "Ctrl+Shift+D",
            lambda: self._on_reports("cashup"),
            self.tr("Your takings today: the end-of-day cash-up (Ctrl+Shift+D)"))
        manager = self.actor.role is Role.MANAGER
        self.act_office_settings = self._action(
            "actionOfficeSettings", self.tr("Office &settings…"), None,
            self._on_office_settings,
            self.tr("Company details, prices, VAT, season tickets, time zone and e-mail"))
        self.act_products = self._action(
            "actionProducts", self.tr("&Products and modules…"), None, self._on_products,
            self.tr("The products and plugins the office supports"))
        self.act_backup_now = self._action(
            "actionBackupNow", self.tr("&Back up now…"), None, self._on_backup_now,
            self.tr("A consistent copy of the office's database, made while desks work"))
        self.act_users = self._action(
            "actionUsers", self.tr("&Users…"), None, self._on_users,
            self.tr("Add users, set their roles, reset passwords, unlock and deactivate"))
        self.act_audit_log = self._action(
            "actionAuditLog", self.tr("&Audit log…"), None, self._on_audit_log,
            self.tr("Who changed what and when, and the tamper check of the money rows"))
        self.act_audit_log.setVisible(not reception)
        self.act_refund_queue = self._action(
            "actionRefundQueue", self.tr("Re&funds awaiting approval…"), "Ctrl+Shift+V",
            self._on_refund_queue,
            self.tr("Out-of-remit refunds to approve or decline (Ctrl+Shift+V)"))
        self.act_refund_queue.setVisible(manager)
        self.act_import_customers = self._action(
            "actionImportCustomers", self.tr("&Import customers from CSV…"), None,
            self._on_import_customers, self.tr("Customers and contacts from an accounts "
                                               "package's CSV file"))
        self._build_statement_action()
        self.export_actions: dict[str, QAction] = {}
        for what, label in (("customers", self.tr("&Customers…")),
                            ("incidents", self.tr("&Incidents…")),
                            ("payments", self.tr("&Payments…"))):
            action = self._action(f"actionExport_{what}", label, None,
                                  lambda _c=False, w=what: self._on_export(w),
                                  self.tr("Save as a CSV file for a spreadsheet"))
            # Customers' personal details and payments are managers' to export.
            action.setVisible(manager if what in ("customers", "payments") else not reception)
            self.export_actions[what] = action
        for action in (self.act_office_settings, self.act_products, self.act_backup_now,
                       self.act_users, self.act_import_customers):
            action.setVisible(manager)
        self.database_info: Any = None
        self.auto_backup: Any = None
        self._windows: list[QWidget] = []

    def _build_view_actions(self) -> None:
        """One window action per view of the list, on Alt+1…Alt+8, shown in the View menu."""
        self.view_actions: dict[str, QAction] = {}
        for key, label, shortcut in VIEWS:
            self.view_actions[key] = self._action(
                f"actionView_{key}", self.tr(label), shortcut,
                lambda _c=False, k=key: self._select_view(k),
                f"{self.tr(label)} ({shortcut})")

    def _build_toolbar(self) -> None:
        toolbar = QToolBar(self.tr("Main"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.addAction(self.act_log_call)
        toolbar.addAction(self.act_take_payment)
        toolbar.addAction(self.act_callbacks)
        toolbar.addAction(self.act_registers)
        toolbar.addAction(self.act_takings if self.actor.role is Role.RECEPTION
                          else self.act_reports)
        toolbar.addAction(self.act_refresh)
        toolbar.addSeparator()
        self.search = GlobalSearch(self.background, self)
        self.search.customer_chosen.connect(self.open_customer)
        self.search.incident_chosen.connect(self.open_incident)
        toolbar.addWidget(self.search)
        self.addToolBar(toolbar)
        self._add_icons(toolbar)

    #: The icon (resources/icons) of each action that has one, by the action's attribute.
    ACTION_ICONS: dict[str, str] = {
        "act_log_call": "phone-plus", "act_take_payment": "cash",
        "act_callbacks": "phone-outgoing", "act_registers": "clipboard-list",
        "act_reports": "report-money", "act_takings": "cash-register",
        "act_refresh": "refresh", "act_search": "search",
    }

    def _add_icons(self, toolbar: QToolBar) -> None:
        """The application icon on the window; icons on the actions, in the palette's colours
        and drawn again when it changes; on the toolbar, text beside them where it has room,
        icons alone where the window is narrow."""
        from synergy_desk.ui import icons

        self.setWindowIcon(icons.app_icon())
        self.icon_tint = icons.IconTint(self)
        for attribute, name in self.ACTION_ICONS.items():
            self.icon_tint.set(getattr(self, attribute), name)
        self.toolbar_fit = icons.ToolbarFit(toolbar)

    def _build_central(self) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(6, 4, 6, 4)

        filter_bar = QWidget()
        filter_bar.setObjectName("filterBar")
        bar_row = QHBoxLayout(filter_bar)
        bar_row.setContentsMargins(0, 0, 0, 0)
        # The view buttons scroll sideways on a narrow screen rather than widen the window.
        views = QWidget()
        row = QHBoxLayout(views)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)  # all eight fit beside the filters on a 1280-wide (150 %) screen
        scroller = QScrollArea()
        scroller.setObjectName("filterViews")
        scroller.setWidget(views)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroller.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        bar_row.addWidget(scroller, 1)
        self.view_buttons: dict[str, QToolButton] = {}
        self.view_group = QButtonGroup(self)
        self.view_group.setExclusive(True)
        for key, label, shortcut in VIEWS:
            button = QToolButton()
            button.setObjectName(f"filter_{key}")
            button.setCheckable(True)
            button.setText(self.tr(label))
            # Its keys are the View menu's action (see _build_view_actions): a button's own
            # shortcut inside the scrolling bar never fired.
            button.setToolTip(f"{self.tr(label)} ({shortcut})")
            button.clicked.connect(lambda _c=False, k=key: self._select_view(k))
            self.view_group.addButton(button)
            self.view_buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        scroller.setFixedHeight(views.sizeHint().height() + 14)
        row = bar_row
        # The filters' own first entries say what they filter, so they need no labels beside
        # them and the nine views keep their room on a 1280-wide screen (1920 at 150 %).
        self.engineer_filter = QComboBox()
        self.engineer_filter.setObjectName("filterEngineer")
        self.engineer_filter.setToolTip(self.tr("Engineer"))
        self.engineer_filter.setAccessibleName(self.tr("Engineer"))
        self.engineer_filter.addItem(self.tr("Any engineer"), None)
        self.engineer_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.engineer_filter.setMinimumContentsLength(8)
        self.engineer_filter.currentIndexChanged.connect(self._on_filters_changed)
        row.addWidget(self.engineer_filter)
        self.product_filter = QComboBox()
        self.product_filter.setObjectName("filterProduct")
        self.product_filter.setToolTip(self.tr("Product"))
        self.product_filter.setAccessibleName(self.tr("Product"))
        self.product_filter.addItem(self.tr("All products"), None)
        # The engineers and products are filled in just after the list is first painted
        # (they need the settings and users services, which the first paint does not).
        self._after_first_paint(self._fill_filters)
        self.product_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.product_filter.setMinimumContentsLength(8)
        self.product_filter.currentIndexChanged.connect(self._on_filters_changed)
        row.addWidget(self.product_filter)
        outer.addWidget(filter_bar)

        self.table = ListView()
        self.table.setObjectName("incidentTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setSectionsMovable(True)
        self.table.activated.connect(self._on_table_activated)

        # The customer panel and the incident detail show nothing until a customer or an
        # incident is chosen: they are built in their places just after the list is first
        # painted, or when first asked for (see _build_panels).
        self._customer_panel: CustomerPanel | None = None
        self._detail: IncidentDetail | None = None
        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.setObjectName("rightSplitter")
        places = []
        for _ in range(2):
            holder = QWidget()
            self.right.addWidget(holder)
            place = QVBoxLayout(holder)
            place.setContentsMargins(0, 0, 0, 0)
            places.append(place)
        self._panel_places = tuple(places)
        self.right.setStretchFactor(0, 1)
        self.right.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        outer.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self._after_first_paint(self._build_panels)

    @property
    def customer_panel(self) -> CustomerPanel:
        """The customer panel (built now if the window has not built it yet)."""
        if self._customer_panel is None:
            self._build_panels()
        assert self._customer_panel is not None
        return self._customer_panel

    @property
    def detail(self) -> IncidentDetail:
        """The incident detail (built now if the window has not built it yet)."""
        if self._detail is None:
            self._build_panels()
        assert self._detail is not None
        return self._detail

    def _build_panels(self) -> None:
        """The customer panel and the incident detail, in their places in the right-hand
        splitter, wired to the window, its menus and its actions."""
        if self._detail is not None:
            return
        from synergy_desk.ui.customer_panel import CustomerPanel
        from synergy_desk.ui.incident_detail import IncidentDetail

        customer_place, detail_place = self._panel_places
        panel = self._customer_panel = CustomerPanel(
            customer_place.parentWidget(), can_refund=self.actor.role is Role.MANAGER)
        detail = self._detail = IncidentDetail(self.actor, self.background,
                                               detail_place.parentWidget())
        panel.incident_activated.connect(self.open_incident)
        panel.take_payment_requested.connect(self._on_take_payment)
        panel.statement_requested.connect(self._on_ticket_statement)
        panel.receipt_requested.connect(self._on_reprint_receipt)
        panel.refund_requested.connect(self._on_refund)
        panel.adjust_ticket_requested.connect(self._on_adjust_ticket)
        panel.contract_requested.connect(self._on_record_contract)
        panel.contracts_requested.connect(self._on_contracts)
        panel.log_call_requested.connect(self._on_log_call_for)
        panel.edit_customer_requested.connect(self._on_edit_customer)
        panel.add_contact_requested.connect(self._on_add_contact)
        panel.edit_contact_requested.connect(self._on_edit_contact)
        panel.retire_contact_requested.connect(self._on_retire_contact)
        detail.changed.connect(self._on_detail_changed)
        detail.notice.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        detail.reply_queued.connect(lambda _email_id: self._on_reply_queued())
        detail.shown.connect(lambda: self.act_reply_email.setEnabled(detail.can_reply()))
        # The detail and the customer panel open dialogs of their own (see childEvent).
        detail.installEventFilter(self)
        panel.installEventFilter(self)
        # It scrolls when the splitter makes it short, rather than hold the window taller.
        customer_place.addWidget(VerticalScroll(panel, "customerPanelArea"))
        detail_place.addWidget(detail)
        self._add_incident_actions(detail)

    def _build_keyboard_focus(self) -> None:
        """Tab leaves the incident list (the arrow keys move within it), and the keyboard is
        back in the list whenever a dialog of the window closes (see childEvent)."""
        self.table.setTabKeyNavigation(False)

    def childEvent(self, event: QChildEvent) -> None:  # noqa: N802 - Qt override
        # A dialog of the window is watched from its first showing, for its closing.
        if event.type() == QEvent.Type.ChildPolished and isinstance(event.child(), QDialog):
            event.child().installEventFilter(self)
        super().childEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Hide and isinstance(watched, QDialog) \
                and (watched.isModal() or watched.isActiveWindow()):
            # The person was in the dialog: the keyboard goes back to where they work.
            QTimer.singleShot(0, self._back_to_the_list)
        elif event.type() == QEvent.Type.ChildPolished and isinstance(event, QChildEvent) \
                and isinstance(event.child(), QDialog):
            event.child().installEventFilter(self)
        return super().eventFilter(watched, event)

    def _back_to_the_list(self) -> None:
        """The keyboard back in the incident list, once no dialog of the window is open (and
        unless the person has gone on to another window meanwhile)."""
        active = QApplication.activeWindow()
        if not isValid(self) or not self.isVisible() \
                or (active is not None and active is not self and active.isVisible()) \
                or QApplication.activeModalWidget() is not None \
                or any(isinstance(w, QDialog) and w.isVisible()
                       for owner in (self, self._detail, self._customer_panel)
                       if owner is not None
                       for w in owner.children()):
            return
        self.activateWindow()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _refill_filters(self) -> None:
        """Read the engineers and products again, keeping what each filter has chosen."""
        chosen = (self.engineer_filter.currentData(), self.product_filter.currentData())
        for combo in (self.engineer_filter, self.product_filter):
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(combo.count() - 1)
            combo.blockSignals(False)
        self._fill_filters()
        for combo, data in zip((self.engineer_filter, self.product_filter), chosen, strict=True):
            index = combo.findData(data)
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)
        self._on_filters_changed()

    def _fill_filters(self) -> None:
        from synergy_desk.services.office import catalogue
        from synergy_desk.services.people import users

        # Without them the filters stay at "anyone" and "all"; the poll tries again.
        with reporting_errors(self, failure=self._read_failed(
                "Could not read the engineers and products")) as outcome:
            people = [u for u in users.user_choices()
                      if u.active and u.role in ENGINEERS]
            products = catalogue.list_products(include_inactive=True)
        if outcome.failed:
            return
        for combo in (self.engineer_filter, self.product_filter):
            combo.blockSignals(True)
        for user in people:
            self.engineer_filter.addItem(user.full_name, user.id)
        for product in products:
            self.product_filter.addItem(product.name, product.id)
        for combo in (self.engineer_filter, self.product_filter):
            combo.blockSignals(False)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.user_label = QLabel(f"{self.actor.full_name} ({self.actor.role.value})")
        self.user_label.setObjectName("statusUser")
        self.db_label = QLabel()
        self.db_label.setObjectName("statusDatabase")
        self.connection_label = QLabel()
        self.connection_label.setObjectName("statusConnection")
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.db_label)
        bar.addPermanentWidget(self.connection_label)
        self._set_connected(True)

    def set_database_label(self, text: str) -> None:
        self.db_label.setText(text)

    def attach_database(self, info: Any) -> None:
        """The open database: named in the status bar, and (a SQLite file) backed up daily.

        The daily backup is set up just after the list is first painted: its first check is a
        minute away, and its modules need not slow the start.
        """
        self.database_info = info
        self.set_database_label(("SQLite: " if info.kind == "sqlite" else "PostgreSQL: ")
                                + info.display)
        QTimer.singleShot(AUTO_BACKUP_SETUP_MS, self._start_daily_backup)
        self._beat()
        self.heartbeat.start()
        self.start_mail()

    def _beat(self) -> None:
        """Tell the office this desk is open (the first time, put it on the list), on the
        background helper."""
        actor, token = self.actor, self._desk_token
        program = f"Synergy Desk {__version__}"

        def beat() -> str | OfficeReplaced:
            try:
                if token is None:
                    return desks.register(actor, program=program)
                desks.beat(actor, token, program=program)
            except OfficeReplaced as exc:
                return exc  # said on the window's thread, below
            return token

        def failed(exc: Exception) -> None:
            # A lost connection is shown in the status bar; the next beat tries again.
            log.warning("The desk's heartbeat was not written: %s", exc)

        Op(self, self.background, beat).success(self._on_beaten).failure(failed).run()

    def _on_beaten(self, outcome: str | OfficeReplaced) -> None:
        if isinstance(outcome, OfficeReplaced):
            self.heartbeat.stop()  # the office it beat for is gone
            errors.show_error(self, outcome)
            return
        self._desk_token = outcome

    def _start_daily_backup(self) -> None:
        from synergy_desk.ui.auto_backup import start_daily_backup

        if self.auto_backup is None and self.database_info is not None:
            self.auto_backup = start_daily_backup(self, self.background, self.database_info)

    def _build_cover_actions(self) -> None:
        self.act_contracts = self._action(
            "actionContracts", self.tr("Support &contracts…"), "Ctrl+Shift+A",
            lambda: self._on_contracts(None),
            self.tr("Every support contract of the office (Ctrl+Shift+A)"))
        self.act_customer_contracts = self._action(
            "actionCustomerContracts", self.tr("Customer's c&ontracts…"), "Ctrl+Shift+J",
            self._on_customer_contracts,
            self.tr("The support contracts of the customer shown (Ctrl+Shift+J)"))
        self.act_apply_cover = self._action(
            "actionApplyCover", self.tr("Apply contract / &ticket"), "Ctrl+Shift+T",
            lambda: self.detail.apply_cover(),
            self.tr("Fund the incident shown from the customer's support contract or season "
                    "ticket (Ctrl+Shift+T)"))
        self.act_apply_cover.setEnabled(False)  # as the detail's is, with no incident shown

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu(self.tr("&File"))
        self.file_menu = file_menu
        file_menu.addAction(self.act_password)
        file_menu.addAction(self.act_database)
        file_menu.addAction(self.act_backup_now)
        file_menu.addSeparator()
        file_menu.addAction(self.act_import_customers)
        file_menu.addAction(self.act_import_statement)
        export_menu = file_menu.addMenu(self.tr("&Export as CSV"))
        export_menu.setObjectName("exportMenu")
        for action in self.export_actions.values():
            export_menu.addAction(action)
        export_menu.menuAction().setVisible(self.actor.role is not Role.RECEPTION)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        incident_menu = menu.addMenu(self.tr("&Incident"))
        self.incident_menu = incident_menu
        incident_menu.addAction(self.act_log_call)
        incident_menu.addAction(self.act_take_payment)
        incident_menu.addAction(self.act_apply_cover)
        incident_menu.addSeparator()
        incident_menu.addAction(self.act_callbacks)
        incident_menu.addAction(self.act_registers)
        office_menu = menu.addMenu(self.tr("&Office"))
        office_menu.setObjectName("officeMenu")
        office_menu.addAction(self.act_takings)
        self._add_count_drawer_action(office_menu)
        office_menu.addAction(self.act_reports)
        office_menu.addAction(self.act_audit_log)
        office_menu.addAction(self.act_contracts)
        office_menu.addAction(self.act_customer_contracts)
        office_menu.addAction(self.act_refund_queue)
        office_menu.addSeparator()
        office_menu.addAction(self.act_users)
        office_menu.addAction(self.act_office_settings)
        office_menu.addAction(self.act_products)
        self.office_menu = office_menu
        view_menu = menu.addMenu(self.tr("&View"))
        view_menu.addAction(self.act_search)
        view_menu.addAction(self.act_focus_list)
        view_menu.addAction(self.act_refresh)
        view_menu.addSeparator()
        for action in self.view_actions.values():
            view_menu.addAction(action)
        self._build_appearance_menu(view_menu)
        help_menu = menu.addMenu(self.tr("&Help"))
        self._build_help_menu(help_menu)

    def _build_appearance_menu(self, view_menu: QMenu) -> None:
        """View → Appearance: follow the desktop's light or dark scheme, or choose one for
        this desk; the window is re-coloured at once and opens so next time."""
        menu = view_menu.addMenu(self.tr("&Appearance"))
        menu.setObjectName("appearanceMenu")
        group = QActionGroup(self)
        group.setExclusive(True)
        self.appearance_actions: dict[str, QAction] = {}
        for appearance in palette.Appearance:
            action = menu.addAction(self.tr(appearance.label))
            action.setObjectName(f"appearance_{appearance.value}")
            action.setCheckable(True)
            action.setChecked(appearance.value == self.prefs.appearance)
            action.triggered.connect(lambda _c=False, a=appearance: self.set_appearance(a))
            group.addAction(action)
            self.appearance_actions[appearance.value] = action

    def set_appearance(self, appearance: palette.Appearance) -> None:
        """Colour the window as chosen, and keep the choice for this desk."""
        self.prefs.appearance = appearance.value
        self.prefs.sync()
        self.appearance_actions[appearance.value].setChecked(True)
        palette.use_appearance(appearance)

    # -- state ---------------------------------------------------------------------------

    def _restore_state(self) -> None:
        """The window where it was left, when that still fits a screen; otherwise (a saved
        window bigger than the screen, or on a monitor since unplugged) fitted afresh, with
        the panes in their first-start proportions."""
        geometry = self.prefs.window_geometry
        fits = not geometry.isEmpty() and fits_a_screen(geometry)
        if fits:
            self.restoreGeometry(geometry)
        else:
            self._fit_to_screen()
        if fits and not self.prefs.window_state.isEmpty():
            self.restoreState(self.prefs.window_state)
        width, height = self.width(), self.height()
        if fits and not self.prefs.splitter_state.isEmpty():
            self.splitter.restoreState(self.prefs.splitter_state)
        else:
            self.splitter.setSizes([int(width * 0.58), int(width * 0.42)])
        if fits and not self.prefs.right_splitter_state.isEmpty():
            self.right.restoreState(self.prefs.right_splitter_state)
        else:
            # The timeline is what an engineer reads: the incident gets two thirds.
            self.right.setSizes([int(height * 0.33), int(height * 0.67)])
        self._restore_list_header()

    def _fit_to_screen(self) -> None:
        """First start (or a saved window that no longer fits): a roomy window, but never
        larger than the screen it opens on (a 1366 × 768 laptop lost the status bar and the
        right-hand panes off its edges; at 150 % a 1920 × 1080 screen is 1280 × 720)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(1400, 860)
            return
        room = screen.availableGeometry()
        # The frame (title bar and borders) is not known before the window is shown.
        frame_w, frame_h = FRAME_ALLOWANCE
        width = min(1400, room.width() - frame_w)
        height = min(860, room.height() - frame_h)
        self.resize(width, height)
        self.move(room.x() + (room.width() - width - frame_w) // 2,
                  room.y() + (room.height() - height - frame_h) // 2)
        if width < 1400 or height < 860:
            # A small screen: the whole of it, title bar and frame included.
            self.setWindowState(Qt.WindowState.WindowMaximized)

    def save_state(self) -> None:
        self.prefs.window_geometry = self.saveGeometry()
        self.prefs.window_state = self.saveState()
        self.prefs.splitter_state = self.splitter.saveState()
        self.prefs.right_splitter_state = self.right.saveState()
        self._save_list_header()
        self.prefs.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.end_session()
        super().closeEvent(event)

    def end_session(self) -> None:
        """Stop the timers and take the desk off the office's list (closing, logging out or
        switching user); a second call does nothing more."""
        self._poll.stop()
        self._lapse.stop()
        self.heartbeat.stop()
        self._end_desk_session()
        if self._desk_token is not None:
            def not_left(exc: Exception) -> None:
                log.warning("The desk could not take itself off the office's list: %s", exc)

            with reporting_errors(self, failure=not_left):
                desks.leave(self._desk_token)
            self._desk_token = None
        if self.auto_backup is not None:
            self.auto_backup.stop()
        self.mail_worker.stop()
        self.save_state()
        self.background.wait(3000)

    # -- every incident action in the Incident menu and the list's context menu ------------

    def _build_incident_actions(self) -> None:
        """The incident detail's actions, in the Incident menu and in a context menu on the
        list's rows (right-click, the Menu key or Shift+F10), enabled alike everywhere.

        Three have a window action of their own, with the shortcut: Take payment…
        (Ctrl+Shift+Y, which also takes a payment from the customer shown when no incident
        awaits one), Apply contract / ticket (Ctrl+Shift+T) and Change incident…
        (Ctrl+Shift+I); the last two are enabled as the detail's are.
        """
        #: The actions on the incident shown, in the detail's order (once it is built).
        self.incident_actions: list[QAction] = []
        self.incident_menu.addSeparator()
        # The detail's actions go here when it is built (see _add_incident_actions).
        self._incident_actions_end = self.incident_menu.addSeparator()
        self.incident_context_menu = QMenu(self)
        self.incident_context_menu.setObjectName("incidentContextMenu")
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu_requested)
        self.act_row_menu = QAction(self.tr("Actio&ns on the chosen incident…"), self.table)
        self.act_row_menu.setObjectName("actionIncidentContextMenu")
        self.act_row_menu.setShortcuts([QKeySequence("Shift+F10"), QKeySequence(Qt.Key.Key_Menu)])
        # The keys work in the list (where the row is chosen); the menu entry anywhere.
        self.act_row_menu.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.act_row_menu.setToolTip(self.tr(
            "The chosen incident's actions, beside its row (Shift+F10 or the Menu key in the "
            "list)"))
        self.act_row_menu.triggered.connect(self._on_row_menu_key)
        self.table.addAction(self.act_row_menu)
        self.incident_menu.addAction(self.act_row_menu)

    def _add_incident_actions(self, detail: IncidentDetail) -> None:
        """The detail's actions into the Incident menu and the rows' context menu; the window's
        own Apply contract / ticket and Change incident… enabled as the detail's are."""
        own = {"takePayment": self.act_take_payment, "applyCover": self.act_apply_cover,
               "changeFields": self.act_change_incident}
        for name in ("applyCover", "changeFields"):
            self._follow_enabled(own[name], detail.incident_actions[name])
        self.incident_actions = [own.get(name, action)
                                 for name, action in detail.incident_actions.items()]
        self.incident_menu.insertActions(
            self._incident_actions_end,
            [action for name, action in detail.incident_actions.items() if name not in own])
        self.incident_context_menu.addActions(self.incident_actions)

    @staticmethod
    def _follow_enabled(follower: QAction, leader: QAction) -> None:
        follower.setEnabled(leader.isEnabled())
        leader.changed.connect(lambda: follower.setEnabled(leader.isEnabled()))

    def _on_table_context_menu_requested(self, pos: Any) -> None:
        """Right-click on a row: that incident is chosen, and its actions offered."""
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        if self.table.currentIndex().row() != index.row():
            self.table.setCurrentIndex(index)
        self._show_incident_menu(self.table.viewport().mapToGlobal(pos))

    def _on_row_menu_key(self) -> None:
        """The Menu key or Shift+F10 on the list: the chosen row's actions, beside it."""
        index = self.table.currentIndex()
        if not index.isValid():
            return
        rect = self.table.visualRect(index)
        self._show_incident_menu(self.table.viewport().mapToGlobal(rect.bottomLeft()))

    def _show_incident_menu(self, where: Any) -> None:
        if self.detail.incident_id is None:
            return  # the incident could not be read: said already
        self.incident_context_menu.popup(where)

    # -- the list ------------------------------------------------------------------------

    def _set_up_list_columns(self) -> None:
        """Subject takes the width the other columns leave; the others are sized to their
        contents on first use (the first rows loaded), then kept as the user leaves them."""
        stretch = next(i for i, column in enumerate(COLUMNS) if column.stretch)
        self.subject_width = SpareWidth(self.table, stretch, LIST_SUBJECT_MIN_WIDTH)
        #: Whether the columns have their widths: sized to the rows, or restored.
        self._list_sized = False
        #: Whether Subject's least width has been measured on the rows.
        self._subject_room_set = False
        self.table.turned_round.connect(self._on_list_turned_round)

    def _on_list_turned_round(self) -> None:
        self.statusBar().showMessage(self.tr(
            "Long list: Ctrl+End shows its end by sorting it the other way round. "
            "Click the heading to turn it back."), 10_000)

    def _list_columns_key(self) -> str:
        """Which columns a saved header belongs to: a header saved for another set is not
        restored over this one."""
        return "|".join(column.heading for column in COLUMNS)

    def _restore_list_header(self) -> None:
        """The widths, order and sort this user left the list in, when saved for these
        columns; Subject still takes the spare width."""
        state = self.prefs.list_header(self.actor.username, self._list_columns_key())
        header = self.table.horizontalHeader()
        if state.isEmpty() or not header.restoreState(state) \
                or header.count() != len(COLUMNS):
            return
        self._list_sized = True
        header.setSectionResizeMode(self.subject_width.column,
                                    QHeaderView.ResizeMode.Interactive)
        self.subject_width.fit()

    def _save_list_header(self) -> None:
        """The list's header and view as this user leaves them (kept with the window's state,
        as the session ends)."""
        self.prefs.set_list_header(self.actor.username, self._list_columns_key(),
                                   self.table.horizontalHeader().saveState())
        self.prefs.set_last_view(self.actor.username, self._view)

    def _size_list_columns(self) -> None:
        """On first use, once there are rows: each column as wide as its contents need; and
        in each session, the room Subject keeps."""
        if self.model.rowCount() == 0 or (self._list_sized and self._subject_room_set):
            return
        if not self._list_sized:
            self._list_sized = True
            size_columns_to_contents(self.table, LIST_COLUMN_MAX_WIDTH,
                                     skip=(self.subject_width.column,))
        if not self._subject_room_set:
            self._subject_room_set = True
            # Where the list is too narrow for every column, Subject keeps room for the
            # first page's subjects (within reason) and the list scrolls sideways instead.
            subjects = self.table.sizeHintForColumn(self.subject_width.column)
            self.subject_width.minimum = max(LIST_SUBJECT_MIN_WIDTH,
                                             min(subjects, LIST_SUBJECT_ROOM))
        self.subject_width.fit()

    def current_filter(self) -> Any:
        return incident_list.IncidentFilter(view=self._view, me=self.actor.id,
                                            engineer_id=self._engineer_id,
                                            product_id=self._product_id)

    def _load_page(self, cursor: Any, limit: int, sort_key: str | None,
                   descending: bool) -> tuple[list[ListRow], Any]:
        sort = incident_list.Sort(column=sort_key or incident_list.Sort.column,
                                  descending=descending)
        page = incident_list.list_incidents(self.current_filter(), sort, after=cursor,
                                            limit=limit)
        return [to_list_row(r) for r in page.rows], page.next_cursor

    def _first_view(self) -> str:
        """The view this user chose last, or their role's own until they choose one."""
        chosen = self.prefs.last_view(self.actor.username)
        known = {key for key, _label, _shortcut in VIEWS}
        return chosen if chosen in known else ROLE_VIEWS.get(self.actor.role, "mine")

    def _select_view(self, key: str) -> None:
        self._view = key
        QTimer.singleShot(0, self, self._show_view_button)
        self.view_buttons[key].setChecked(True)
        self._reload_list()
        self.refresh_counts()

    def _show_view_button(self) -> None:
        """The chosen view's button in sight, where the view buttons scroll sideways."""
        scroller = self.findChild(QScrollArea, "filterViews")
        if scroller is not None:
            scroller.ensureWidgetVisible(self.view_buttons[self._view], 0, 0)

    def _on_filters_changed(self, *_args: object) -> None:
        self._engineer_id = self.engineer_filter.currentData()
        self._product_id = self.product_filter.currentData()
        self._reload_list()
        self.refresh_counts()

    def _read_failed(self, what: str, *, list_lost: bool = False
                     ) -> Callable[[Exception], None]:
        """A failure handler for what the poll reads again.

        A lost connection is logged and said in the status bar (with ``list_lost``, the poll
        reloads the list once the database answers); anything else is shown like any error.
        """

        def failed(exc: Exception) -> None:
            if not is_lost_connection(exc):
                errors.show_error(self, exc)
                return
            log.error(what, exc_info=exc)
            self._set_connected(False)
            if list_lost:
                self._list_lost = True

        return failed

    def _on_list_failed(self, exc: object) -> None:
        """The list could not be read while it scrolled or sorted (the model's ``failed``)."""
        if isinstance(exc, Exception):
            self._read_failed("Could not read the incident list", list_lost=True)(exc)

    def _reload_list(self, keep_rows: int = 0) -> None:
        with reporting_errors(self, failure=self._read_failed(
                "Could not read the incident list", list_lost=True)) as outcome:
            self.model.reload(keep_rows)
        if not outcome.failed:
            self._list_lost = False
            self._size_list_columns()

    def refresh_counts(self) -> None:
        with reporting_errors(self, failure=self._read_failed(
                "Could not read the counts")) as outcome:  # the poll will try again
            counts = incident_list.status_counts(me=self.actor.id, engineer_id=self._engineer_id,
                                                 product_id=self._product_id)
        if outcome.failed:
            return
        for key, label, _shortcut in VIEWS:
            count = counts.get(key)
            text = self.tr(label) if count is None else f"{self.tr(label)}  {count:,}"
            self.view_buttons[key].setText(text)

    def refresh(self, keep_selection: bool = True) -> None:
        """Reload list, counts, customer and detail, keeping the selection and scroll."""
        selected = self.detail.incident_id if keep_selection else None
        scroll = self.table.verticalScrollBar().value()
        loaded = self.model.loaded_count()
        self._reload_list(keep_rows=loaded)
        self.refresh_counts()
        self.refresh_mail_counts()
        if selected is not None:
            row = self.model.row_of(selected)
            if row >= 0:
                self.table.selectionModel().blockSignals(True)
                self.table.selectionModel().setCurrentIndex(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
                self.table.selectionModel().blockSignals(False)
        self.table.verticalScrollBar().setValue(scroll)
        with reporting_errors(self, failure=self._read_failed(
                "Could not read the incident or the customer")):
            if self.detail.incident_id is not None:
                self.detail.show_incident(self.detail.incident_id)
            if self.customer_panel.customer_id is not None:
                self.customer_panel.show_customer(self.customer_panel.customer_id)
        self._token = self._safe_token()
        self.refreshed.emit()

    def _safe_token(self) -> tuple[int, int]:
        with reporting_errors(self, failure=self._read_failed(
                "Lost the database connection")) as outcome:  # shown in the status bar
            token = activity.change_token()
        if outcome.failed:
            return self._token
        self._set_connected(True)
        return token

    def _set_connected(self, ok: bool) -> None:
        self._connected = ok
        self.connection_label.setText(self.tr("● Connected") if ok
                                      else self.tr("● Connection lost — retrying"))
        self.connection_label.setStyleSheet((palette.SUCCESS if ok else palette.ERROR)
                                            .text_style())

    def _on_poll_timeout(self) -> None:
        """Another desk saved something: refresh without losing the user's place."""
        if not self.isVisible() or self.app_modal_open():
            return
        token = self._safe_token()
        if token != self._token or (self._list_lost and self._connected):
            self.refresh()
            self.read_idle_lock()  # the manager may have changed it at another desk

    @staticmethod
    def app_modal_open() -> bool:
        from PySide6.QtWidgets import QApplication

        return QApplication.activeModalWidget() is not None

    def lapse_expired_tickets(self) -> None:
        """Lapse what is left on expired season tickets, on the background helper."""
        if self._session_over:
            return  # a window closed (or logged out) before its first lapse came round
        from synergy_desk.services.money import tickets

        def done(count: int) -> None:
            if count:
                self.statusBar().showMessage(
                    self.tr("%n expired season ticket(s) lapsed.", "", count), 10_000)
                self.refresh()

        def failed(exc: Exception) -> None:
            log.warning("Could not lapse expired season tickets: %s", exc)

        Op(self, self.background, lambda: tickets.expire_tickets(None)) \
            .success(done).failure(failed).run()

    # -- selection and opening -----------------------------------------------------------

    def _on_table_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        incident_id = current.data(ID_ROLE)
        if isinstance(incident_id, int):
            self._show_incident(incident_id)

    def _on_table_activated(self, index: QModelIndex) -> None:
        self.detail.timeline.setFocus()

    def _show_incident(self, incident_id: int) -> None:
        """Show the incident, its customer in the panel and its row highlighted: one at a time."""
        with reporting_errors(self):
            self.detail.show_incident(incident_id)
            customer_id = self.detail.customer_id
            if customer_id is not None and customer_id != self.customer_panel.customer_id:
                self.customer_panel.show_customer(customer_id)
        self._highlight(self.detail.incident_id)

    def _highlight(self, incident_id: int | None) -> None:
        """Highlight the incident's row, or no row when the list does not show it (never
        another incident's row)."""
        row = self.model.row_of(incident_id) if incident_id is not None else -1
        selection = self.table.selectionModel()
        current = selection.currentIndex()
        if row >= 0 and current.isValid() and current.row() == row \
                and selection.isRowSelected(row, QModelIndex()):
            return
        selection.blockSignals(True)  # the detail already shows it
        if row >= 0:
            selection.setCurrentIndex(self.model.index(row, 0),
                                      QItemSelectionModel.SelectionFlag.ClearAndSelect
                                      | QItemSelectionModel.SelectionFlag.Rows)
        else:
            selection.clearSelection()
            selection.clearCurrentIndex()
        selection.blockSignals(False)
        self.table.viewport().update()

    def open_incident(self, incident_id: int) -> None:
        row = self.model.row_of(incident_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self._show_incident(incident_id)

    def open_customer(self, customer_id: int) -> None:
        """Show a customer; an incident of another customer no longer shows beside them."""
        with reporting_errors(self):
            self.customer_panel.show_customer(customer_id)
        if self.detail.customer_id is not None and self.detail.customer_id != customer_id:
            self.detail.clear()
            self._highlight(None)

    def _on_detail_changed(self, incident_id: int) -> None:
        self.refresh()
        self.open_incident(incident_id)

    # -- actions ---------------------------------------------------------------------------

    def _on_focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_log_call(self) -> None:
        from synergy_desk.ui.dialogs.log_call import LogCallDialog

        logged = LogCallDialog.ask(self, self.actor, self._caller_for_new_call())
        if logged is not None:
            self._on_call_logged(logged)

    def _on_call_logged(self, logged: Any) -> None:
        """A call was logged: its incident shown, then the payment or the season ticket the
        desk asked for, or a word in the status bar."""
        self.refresh(keep_selection=False)
        self.customer_panel.show_customer(logged.customer_id)
        self.open_incident(logged.incident_id)
        if logged.needs_funding and logged.then == "pay":
            self._on_take_payment(logged.customer_id, (logged.incident_id,))
            return
        if logged.needs_funding and logged.then == "ticket":
            self.detail.redeem_ticket()
            return
        for text in logged.notices:
            if text:
                self.statusBar().showMessage(text, 10_000)
        if logged.needs_funding:
            self.statusBar().showMessage(
                self.tr("%s is queued as awaiting payment: it needs funding before work starts.")
                % logged.reference, 10_000)
        else:
            self.statusBar().showMessage(self.tr("Call logged on %s.") % logged.reference, 6000)

    # -- editing what the panel shows, and who a new call is from --------------------------

    def _build_customer_editing(self) -> None:
        """The Customer menu (edit the customer, add, edit and retire contacts, log a call for
        the customer shown), the incident menu's Change incident…, and the panel's requests."""
        #: The customer just chosen from the search, and the incident shown as it was chosen:
        #: only while both still stand does a new call start with that caller.
        self._chosen_caller: tuple[int, int | None] | None = None
        self.act_log_call_for_customer = self._action(
            "actionLogCallForCustomer", self.tr("&Log call for this customer…"), "Ctrl+Shift+C",
            lambda: self._on_log_call_for(self.customer_panel.customer_id),
            self.tr("Log a call from the customer shown in the panel (Ctrl+Shift+C)"))
        self.act_edit_customer = self._action(
            "actionEditCustomer", self.tr("&Edit customer…"), "Ctrl+Shift+U",
            lambda: self._on_edit_customer(self.customer_panel.customer_id),
            self.tr("Change the customer shown in the panel (Ctrl+Shift+U)"))
        self.act_add_contact = self._action(
            "actionAddContact", self.tr("&Add contact…"), "Ctrl+Shift+N",
            lambda: self._on_add_contact(self.customer_panel.customer_id),
            self.tr("Add a contact at the customer shown (Ctrl+Shift+N)"))
        self.act_edit_contact = self._action(
            "actionEditContact", self.tr("Edit c&ontact…"), None,
            lambda: self._on_edit_contact(self.customer_panel.customer_id,
                                          self.customer_panel.chosen_contact_id()),
            self.tr("Change the contact chosen in the customer panel"))
        self.act_retire_contact = self._action(
            "actionRetireContact", self.tr("Contact has le&ft…"), None,
            lambda: self._on_retire_contact(self.customer_panel.customer_id,
                                            self.customer_panel.chosen_contact_id()),
            self.tr("The contact chosen in the customer panel no longer works there"))
        self.act_change_incident = self._action(
            "actionChangeIncident", self.tr("C&hange incident…"), "Ctrl+Shift+I",
            lambda: self.detail.change_fields(),
            self.tr("Reassign the incident shown, or change its product, module, version or "
                    "priority (Ctrl+Shift+I)"))
        menu = QMenu(self.tr("&Customer"), self)
        menu.setObjectName("customerMenu")
        for action in (self.act_log_call_for_customer, self.act_edit_customer):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.act_add_contact, self.act_edit_contact, self.act_retire_contact):
            menu.addAction(action)
        # Found by the menus kept when they were built, not by their (translated) titles.
        self.menuBar().insertMenu(self.office_menu.menuAction(), menu)
        self.incident_menu.addAction(self.act_change_incident)
        self.act_change_incident.setEnabled(False)  # as the detail's is, with no incident shown
        self.search.customer_chosen.connect(self._on_caller_chosen)

    def _on_caller_chosen(self, customer_id: int) -> None:
        self._chosen_caller = (customer_id, self.detail.incident_id)

    def _caller_for_new_call(self) -> int | None:
        """Who a call logged from the toolbar or Ctrl+L is from: the customer just chosen from
        the search while the panel still shows them; otherwise nobody yet (the panel may be
        showing whoever's incident was last looked at, not the person on the phone)."""
        chosen = self._chosen_caller
        if chosen is None:
            return None
        customer_id, incident_id = chosen
        if customer_id != self.customer_panel.customer_id or incident_id != self.detail.incident_id:
            self._chosen_caller = None
            return None
        return customer_id

    def _needs_customer(self, customer_id: int | None) -> bool:
        if customer_id is None:
            self.statusBar().showMessage(
                self.tr("Find the customer first (Ctrl+K)."), 6000)
            return True
        return False

    def _on_log_call_for(self, customer_id: int | None) -> None:
        """Log a call from the customer shown: the panel's own Log call…."""
        if self._needs_customer(customer_id):
            return
        self._chosen_caller = (customer_id, self.detail.incident_id)  # type: ignore[assignment]
        self._on_log_call()

    def _customer_saved(self, summary: Any, text: str) -> None:
        if summary is None:
            return
        self.open_customer(summary.id)
        self.statusBar().showMessage(text, 6000)
        self.refresh()

    def _on_edit_customer(self, customer_id: int | None) -> None:
        from synergy_desk.ui.dialogs.customer_editor import edit_customer_flow

        if self._needs_customer(customer_id):
            return
        assert customer_id is not None
        saved = edit_customer_flow(self, self.actor, customer_id)
        self._customer_saved(saved, self.tr("Customer saved."))

    def _on_add_contact(self, customer_id: int | None) -> None:
        from synergy_desk.ui.dialogs.customer_editor import add_contact_flow

        if self._needs_customer(customer_id):
            return
        assert customer_id is not None
        saved = add_contact_flow(self, self.actor, customer_id)
        self._customer_saved(saved, self.tr("Contact added."))

    def _contact_chosen(self, customer_id: int | None, contact_id: int | None) -> bool:
        if self._needs_customer(customer_id):
            return False
        if contact_id is None:
            self.statusBar().showMessage(
                self.tr("Choose the contact in the customer panel's list first."), 6000)
            return False
        return True

    def _on_edit_contact(self, customer_id: int | None, contact_id: int | None) -> None:
        from synergy_desk.ui.dialogs.customer_editor import edit_contact_flow

        if not self._contact_chosen(customer_id, contact_id):
            return
        assert customer_id is not None and contact_id is not None
        saved = edit_contact_flow(self, self.actor, customer_id, contact_id)
        self._customer_saved(saved, self.tr("Contact saved."))

    def _on_retire_contact(self, customer_id: int | None, contact_id: int | None) -> None:
        from synergy_desk.ui.dialogs.customer_editor import retire_contact_flow

        summary = self.customer_panel.summary
        if not self._contact_chosen(customer_id, contact_id) or summary is None:
            return
        assert contact_id is not None
        saved = retire_contact_flow(self, self.actor, summary, contact_id)
        self._customer_saved(saved, self.tr("The contact is marked as having left."))

    def _on_take_payment_action(self) -> None:
        if (self.detail.can_take_payment()
                and self.detail.customer_id == self.customer_panel.customer_id):
            self.detail.take_payment()
        else:
            self._on_take_payment(self.customer_panel.customer_id)

    def _on_take_payment(self, customer_id: int | None,
                         incident_ids: tuple[int, ...] = ()) -> None:
        from synergy_desk.ui import receipts

        if customer_id is None:
            self.statusBar().showMessage(
                self.tr("Find the customer first (Ctrl+K), then take the payment."), 6000)
            return
        receipt = receipts.take_payment_flow(self, self.actor, self.background, customer_id,
                                             incident_ids)
        if isinstance(receipt, receipts.RequestInfo):
            self._request_issued(receipt)
        elif receipt is not None:
            self.statusBar().showMessage(self.tr("Payment taken: receipt %s.") % receipt.number,
                                         10_000)
            self.refresh()

    def _build_transfer_actions(self) -> None:
        """Office ▸ Payment requests… (Ctrl+J) and Record a bank transfer… (Ctrl+G): chasing
        the money asked for, and recording it when it arrives."""
        self.act_record_transfer = self._action(
            "actionRecordTransfer", self.tr("Record a &bank transfer…"), "Ctrl+G",
            lambda: self.record_transfer(),
            self.tr("Money that arrived for a payment request: find it by its reference, the "
                    "customer or the amount (Ctrl+G)"))
        self.office_menu.insertAction(self.act_reports, self.act_record_transfer)
        self.act_payment_requests = self._action(
            "actionPaymentRequests", self.tr("Payment re&quests…"), "Ctrl+J",
            lambda: self.payment_requests(),
            self.tr("Payment requests open, overdue with the customer's phone, or all: "
                    "show, record the transfer, remind or cancel (Ctrl+J)"))
        self.office_menu.insertAction(self.act_record_transfer, self.act_payment_requests)
        self._requests_view: Any = None

    def payment_requests(self) -> Any:
        """The payment-requests window (one; raised when open already)."""
        from synergy_desk.ui.requests_view import requests_view_flow

        view = self._requests_view
        if view is not None and isValid(view) and view.isVisible():
            view.raise_()
            view.activateWindow()
            return view
        view = requests_view_flow(self, self.actor, self.background)
        view.changed.connect(lambda: self.refresh())
        self._requests_view = view
        self._keep(view)
        return view

    def record_transfer(self, request_id: int | None = None) -> Any:
        """Record a bank transfer by hand; what it did, or None."""
        from synergy_desk.ui import receipts

        result = receipts.record_transfer_flow(self, self.actor, self.background, request_id)
        if result is not None:
            from synergy_desk.ui.dialogs.record_transfer import transfer_outcome

            self.statusBar().showMessage(transfer_outcome(result), 15_000)
            self.refresh()
        return result

    # -- mail: the worker that reads and sends it, and the status bar's line -----------------

    def _build_mail(self) -> None:
        """The mail worker (started once the desk is attached to its office) and the status
        bar's "E-mail: 3 to sort · 1 not sent"."""
        from synergy_desk.ui.mail_worker import MailStatusLabel, MailWorker, desk_holder

        self.mail_worker = MailWorker(desk_holder(self.actor.username), self)
        self.mail_status = MailStatusLabel(self)
        self.statusBar().insertPermanentWidget(0, self.mail_status)
        self.mail_status.open_view.connect(self._on_mail_status_link)
        self.mail_worker.problem.connect(self._on_mail_problem)
        self.mail_worker.changed.connect(self._on_mail_changed)
        self.act_email_triage = self._action(
            "actionEmailTriage", self.tr("E-&mail to sort…"), "Ctrl+M",
            lambda: self.email_triage(),
            self.tr("Messages from the support mailbox about no incident yet: make an "
                    "incident, attach to one, or set aside (Ctrl+M)"))
        self.office_menu.insertAction(self.act_record_transfer, self.act_email_triage)
        self._triage_view: Any = None
        self.act_outbox = self._action(
            "actionOutbox", self.tr("Outbo&x…"), "Ctrl+U", lambda: self.outbox(),
            self.tr("E-mail waiting to go, and e-mail the mail server refused: send again or "
                    "cancel (Ctrl+U)"))
        self.office_menu.insertAction(self.act_record_transfer, self.act_outbox)
        from synergy_desk.ui.mail_worker import WindowKeys

        self._window_keys = WindowKeys(self, self.act_outbox.shortcuts())
        self.search.installEventFilter(self._window_keys)
        self._outbox_view: Any = None
        self.act_reply_email = self._action(
            "actionReplyEmail", self.tr("Reply by e-mail…"), "Ctrl+R",
            lambda: self.detail.reply_by_email(),
            self.tr("Write to the customer about the incident shown: the last message "
                    "quoted, the reference in the subject (Ctrl+R)"))
        self.incident_menu.insertAction(self.act_callbacks, self.act_reply_email)
        self.act_reply_email.setVisible(self.actor.role in ENGINEERS)
        self.act_reply_email.setEnabled(False)

    def email_triage(self, view: str = "triage") -> Any:
        """The E-mail to sort window (one; raised when open already)."""
        from synergy_desk.ui.email_triage_view import email_triage_flow

        window = self._triage_view
        if window is not None and isValid(window):
            window.set_view(view)
            window.show()
            window.raise_()
            window.activateWindow()
            return window
        window = email_triage_flow(self, self.actor, self.background, view)
        window.changed.connect(self._on_mail_sorted)
        self.mail_changed.connect(window.refresh)
        self._triage_view = window
        self._keep(window)
        return window

    def outbox(self) -> Any:
        """The outbox window (one; raised when open already)."""
        from synergy_desk.ui.outbox_view import outbox_flow

        window = self._outbox_view
        if window is not None and isValid(window):
            window.refresh()
            window.show()
            window.raise_()
            window.activateWindow()
            return window
        window = outbox_flow(self, self.actor, self.background)
        window.changed.connect(self._on_mail_sorted)
        window.send_now.connect(self.mail_worker.send_now)
        self.mail_changed.connect(window.refresh)
        self._outbox_view = window
        self._keep(window)
        return window

    def _on_mail_problem(self, text: str) -> None:
        """The mail worker met a problem (or is past it): said once in the status bar, and
        kept in the e-mail line's tooltip."""
        self.mail_status.show_problem(text)
        if text:
            self.statusBar().showMessage(self.tr("E-mail: %s") % text, 20_000)

    def _on_reply_queued(self) -> None:
        """A reply is in the outbox: send it now, not at the next turn."""
        self.mail_worker.send_now()
        self.refresh_mail_counts()

    def _on_mail_sorted(self) -> None:
        self.refresh_mail_counts()
        self.refresh()

    def start_mail(self) -> None:
        """Read the support mailbox and send the outbox from this desk from now on."""
        self.mail_worker.start()
        self.refresh_mail_counts()

    def refresh_mail_counts(self) -> None:
        """Read the mail counts again for the status bar (while the worker runs)."""
        from synergy_desk.ui.mail_worker import read_mail_counts

        if not self.mail_worker.running:
            return

        def failed(exc: Exception) -> None:
            log.warning("The mail counts were not read: %s", exc)

        Op(self, self.background, read_mail_counts) \
            .success(lambda counts: self.mail_status.show_counts(*counts)) \
            .failure(failed).run()

    def _on_mail_changed(self) -> None:
        """Mail was stored or sent: the counts, the incident shown and the mail views."""
        self.refresh_mail_counts()
        self.mail_changed.emit()
        if self.detail.incident_id is not None and not self.app_modal_open():
            self.refresh()

    def _on_mail_status_link(self, which: str) -> None:
        opener = getattr(self, "email_triage" if which == "triage" else "outbox", None)
        if opener is not None:
            opener()

    def _request_issued(self, info: Any) -> None:
        """A payment request was issued from the payment dialog: its incidents now wait."""
        self.statusBar().showMessage(
            self.tr("Payment request %s issued: %s.") % (info.number, info.awaiting_text), 10_000)
        self.refresh()

    def _on_ticket_statement(self, customer_id: int) -> None:
        from synergy_desk.ui import receipts

        receipts.ticket_statement_flow(self, self.background, customer_id)

    def _on_reprint_receipt(self, number: str) -> None:
        from synergy_desk.ui import receipts

        receipts.show_receipt(self, self.background, number, copy=True)

    def _on_refund(self, payment_id: int) -> None:
        from synergy_desk.ui import receipts

        note = receipts.refund_flow(self, self.actor, self.background, payment_id)
        if note is not None:
            self.statusBar().showMessage(self.tr("Credit note %s issued.") % note.number, 10_000)
            self.refresh()

    def _on_adjust_ticket(self, customer_id: int) -> None:
        from synergy_desk.services.money import tickets
        from synergy_desk.services.people import customers
        from synergy_desk.ui.dialogs.customer_cover import TicketAdjustDialog

        actor = self.actor
        with reporting_errors(self) as outcome:
            name = customers.customer_summary(customer_id).name
            info = TicketAdjustDialog.ask(
                self, name, tickets.tickets_for_customer(customer_id),
                lambda ticket_id, delta, reason: tickets.adjust(actor, ticket_id, delta,
                                                                reason))
        if outcome.failed or info is None:
            return
        self.statusBar().showMessage(
            self.tr("Season ticket %s adjusted: %s.") % (info.id, info.summary), 10_000)
        self.refresh()

    def _on_record_contract(self, customer_id: int) -> None:
        from synergy_desk.services.money import funding
        from synergy_desk.services.office import catalogue
        from synergy_desk.services.people import customers
        from synergy_desk.ui.dialogs.customer_cover import ContractDialog

        actor = self.actor
        with reporting_errors(self) as outcome:
            name = customers.customer_summary(customer_id).name
            contract = ContractDialog.ask(
                self, name, catalogue.list_products(),
                lambda reference, product_id, starts, ends: funding.create_contract(
                    actor, customer_id, reference, starts, ends, product_id))
        if outcome.failed or contract is None:
            return
        self.statusBar().showMessage(self.tr("%s recorded.") % contract.summary, 10_000)
        self._offer_new_contract(contract)
        self.refresh()

    def _on_customer_contracts(self) -> None:
        if self.customer_panel.customer_id is None:
            self.statusBar().showMessage(self.tr("Find a customer first: their contracts are "
                                                 "listed then."), 6000)
            return
        self._on_contracts(self.customer_panel.customer_id)

    def _on_contracts(self, customer_id: int | None) -> None:
        from synergy_desk.services.people import customers
        from synergy_desk.ui.contracts_view import ContractsView

        name = ""
        if customer_id is not None:
            with reporting_errors(self) as outcome:
                name = customers.customer_summary(customer_id).name
            if outcome.failed:
                return
        view = ContractsView(self, self.actor, customer_id, name, self.background)
        view.changed.connect(lambda: self.refresh())
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self._keep(view)
        view.show()

    def _offer_new_contract(self, contract: Any) -> None:
        from synergy_desk.ui.dialogs.customer_cover import offer_contract_funding

        funded = offer_contract_funding(self, self.actor, contract)
        if funded:
            self.statusBar().showMessage(
                self.tr("%s recorded; it now funds %s.") % (contract.summary, ", ".join(funded)),
                10_000)

    def _add_count_drawer_action(self, menu: QMenu) -> None:
        self.act_count_drawer = self._action(
            "actionCountDrawer", self.tr("Count the cash dra&wer…"), "Ctrl+Shift+H",
            self._on_count_drawer,
            self.tr("Count the cash in the drawer at the end of today (Ctrl+Shift+H)"))
        menu.addAction(self.act_count_drawer)

    def _on_count_drawer(self) -> None:
        from synergy_desk.ui.reports import open_reports

        window = open_reports(self, self.actor, self.background, "cashup")
        window.set_quick_period("today")
        self._keep(window)
        window.count_drawer()

    def _on_reports(self, report: str | None = None) -> None:
        from synergy_desk.ui.reports import open_reports

        self._keep(open_reports(self, self.actor, self.background, report))

    def _on_registers(self) -> None:
        from synergy_desk.ui import workbench

        window = workbench.registers_flow(self, self.actor, self.background)
        self._keep(window)

    def _on_callbacks_due(self) -> Any:
        """The call-backs queue, wired to this window; returned for a caller to select in."""
        from synergy_desk.ui import workbench

        view = workbench.callbacks_due_flow(self, self.actor)
        view.incident_requested.connect(self.open_incident)
        view.cleared.connect(lambda *_a: self.refresh_counts())
        self._keep(view)
        return view

    def _on_refund_queue(self) -> None:
        from synergy_desk.ui.refund_queue import refund_queue_flow

        window = refund_queue_flow(self, self.actor, self.background)
        if window is not None:
            window.decided.connect(lambda _incident: self.refresh())
            window.incident_requested.connect(self.open_incident)
            self._keep(window)

    def _keep(self, window: QWidget) -> None:
        """Keep a non-modal window alive while it is open.

        One that deleted itself on closing (the audit log) is let go without being asked.
        """
        self._windows = [w for w in self._windows if isValid(w) and w.isVisible()]
        self._windows.append(window)

    def _on_users(self) -> None:
        from synergy_desk.ui.dialogs.users import open_users

        open_users(self, self.actor)
        self._refill_filters()  # an engineer added, renamed or deactivated

    def _on_audit_log(self) -> None:
        from synergy_desk.ui.audit_view import open_audit_log

        window = open_audit_log(self, self.actor, self.background)
        if window is not None:
            self._keep(window)

    def _on_import_customers(self) -> None:
        from synergy_desk.ui.dialogs.import_customers import open_import_customers

        result = open_import_customers(self, self.actor, self.background)
        if result is not None:
            self.refresh()

    def _build_statement_action(self) -> None:
        """File ▸ Import bank statement… (Ctrl+I): transfers found on the bank's statement."""
        self.act_import_statement = self._action(
            "actionImportStatement", self.tr("Import bank &statement…"), "Ctrl+I",
            self._on_import_statement,
            self.tr("Match the bank statement's lines to open payment requests and record "
                    "the transfers (Ctrl+I)"))

    def _on_import_statement(self) -> None:
        from synergy_desk.ui.dialogs.statement_import import open_statement_import

        if open_statement_import(self, self.actor) is not None:
            self.refresh()  # incidents paid for are in the queue now

    def _on_export(self, what: str) -> None:
        from synergy_desk.ui.exports import export_flow

        export_flow(self, self.actor, self.background, what)

    def _on_backup_now(self) -> None:
        from synergy_desk.ui.auto_backup import backup_now

        if self.database_info is None:
            return
        backup_now(self, self.background, self.actor, self.database_info)

    def _on_office_settings(self) -> None:
        from synergy_desk.ui.dialogs.office_settings import open_office_settings

        saved = open_office_settings(self, self.actor, self.background)
        if saved is None:
            return
        self.setWindowTitle(f"{saved.company_name or 'Synergy Desk'} — Synergy Desk")
        self.statusBar().showMessage(self.tr("The office's settings have been saved."), 8000)
        self.idle_watch.set_minutes(saved.idle_lock_minutes)
        self.apply_phone_settings(saved)
        self.refresh()

    def _on_products(self) -> None:
        from synergy_desk.ui.dialogs.products import open_products

        open_products(self, self.actor)
        self._refill_filters()

    def _on_change_password(self) -> None:
        from synergy_desk.ui.dialogs.password import ChangePasswordDialog

        request = ChangePasswordDialog.ask(self)
        if request is None:
            return
        from synergy_desk.services.people import accounts

        with reporting_errors(self) as outcome:
            accounts.change_password(self.actor, request[0], request[1])
        if outcome.failed:
            return
        self.statusBar().showMessage(self.tr("Your password has been changed."), 5000)

    def _on_database_settings(self) -> None:
        from synergy_desk.ui.dialogs.database_settings import DatabaseSettingsDialog

        choice = DatabaseSettingsDialog.ask(self, self.prefs.database_url, self.background,
                                            in_use=self.db_label.text())
        if choice is None:
            return
        self.prefs.database_url = choice.url
        self.prefs.sync()
        self.statusBar().showMessage(
            self.tr("This desk will use %s from its next start.") % choice.display, 15_000)

    def _build_help_menu(self, help_menu: QMenu) -> None:
        """Help: the guide (F1), its keyboard shortcuts page (Ctrl+/) and About."""
        self.help_menu = help_menu
        self.help_window: Any = None
        self.act_help = self._action(
            "actionHelp", self.tr("Synergy Desk &guide"), "F1", lambda: self.show_help(),
            self.tr("A short guide to the desk: reception, engineers, managers (F1)"))
        self.act_shortcuts = self._action(
            "actionKeyboardShortcuts", self.tr("&Keyboard shortcuts"), "Ctrl+/",
            lambda: self.show_help("shortcuts"),
            self.tr("Every shortcut of this window (Ctrl+/)"))
        help_menu.addAction(self.act_help)
        help_menu.addAction(self.act_shortcuts)
        help_menu.addSeparator()
        help_menu.addAction(self.act_about)
        for action, name in ((self.act_help, "help"), (self.act_shortcuts, "keyboard"),
                             (self.act_about, "info-circle")):
            self.icon_tint.set(action, name)

    def show_help(self, page: str | None = None) -> Any:
        """Open the guide (the one open, raised) on ``page``, by default the role's own page;
        returned for a caller to look at."""
        from synergy_desk.ui import help as guide

        if page is None:
            page = {Role.RECEPTION: "reception", Role.ENGINEER: "engineer"}.get(
                self.actor.role, "manager")
        self._build_panels()  # the shortcuts page lists the detail's and its menu's keys
        current = self.help_window if isValid(self.help_window) else None
        self.help_window = guide.open_help(self, page, current)
        return self.help_window

    def _on_about(self) -> None:
        from synergy_desk.ui.help import AboutDialog

        AboutDialog.show_for(self, self.db_label.text())

    def column_titles(self) -> list[str]:
        return [column.heading for column in COLUMNS]

    # -- the desk's session: lock, switch user, log out ------------------------------------

    def _build_desk_session(self) -> None:
        """File ▸ Lock the desk, Switch user and Log out, and the idle lock."""
        self.act_lock = self._action(
            "actionLockDesk", self.tr("Loc&k the desk"), "Ctrl+Shift+L", self.lock,
            self.tr("Hide the desk's data until you type your password (Ctrl+Shift+L)"))
        self.act_switch_user = self._action(
            "actionSwitchUser", self.tr("S&witch user…"), "Ctrl+Shift+W", self.switch_user,
            self.tr("Someone else logs in at this desk; the database stays open "
                    "(Ctrl+Shift+W)"))
        self.act_log_out = self._action(
            "actionLogOut", self.tr("&Log out"), "Ctrl+Shift+Q", self.log_out,
            self.tr("End your session and show the log-in, without quitting (Ctrl+Shift+Q)"))
        self.file_menu.insertActions(self.act_quit,
                                     [self.act_lock, self.act_switch_user, self.act_log_out])
        self.file_menu.insertSeparator(self.act_quit)
        self.lock_screen: LockScreen | None = None
        self._closed_lock_screen: LockScreen | None = None
        self._curtains: list[Curtain] = []
        self._session_over = False
        self.idle_watch = IdleWatch(self)
        self.idle_watch.idle.connect(self.lock)
        # Read as the window settles (as it always was): a desk left alone from its first
        # moments locks on time whether or not its list has been painted yet.
        QTimer.singleShot(200, self, self.read_idle_lock)

    def read_idle_lock(self) -> None:
        """Lock after the minutes idle the office's settings say (0: never)."""
        from synergy_desk.services.office import settings as settings_service

        with reporting_errors(self, failure=self._read_failed(
                "Could not read the idle lock")) as outcome:  # the poll tries again
            minutes = settings_service.get_settings().idle_lock_minutes
        if not outcome.failed and minutes != self.idle_watch.minutes \
                and not self._session_over:
            self.idle_watch.set_minutes(minutes)

    @property
    def locked(self) -> bool:
        return self.lock_screen is not None

    def _other_windows(self) -> list[QWidget]:
        """The program's other open windows (dialogs, the registers, the audit log...)."""
        from PySide6.QtWidgets import QApplication

        kinds = (Qt.WindowType.Window, Qt.WindowType.Dialog, Qt.WindowType.Tool,
                 Qt.WindowType.Sheet)
        return [w for w in QApplication.topLevelWidgets()
                if w is not self and w is not self.lock_screen and w.isVisible()
                and w.windowType() in kinds]

    def lock(self) -> None:
        """Hide every open window's data behind a curtain and show the lock screen; what
        was open, half typed or not, stays as it was under its curtain."""
        from PySide6.QtWidgets import QApplication

        from synergy_desk.services.people import users

        if self.lock_screen is not None or self._session_over or not self.isVisible():
            return
        while (popup := QApplication.activePopupWidget()) is not None:
            popup.close()  # an open menu or list would show over the curtain
        others = self._other_windows()
        self._curtains = [Curtain(w) for w in (self, *others)]
        self.lock_screen = LockScreen(self, self.actor, users.login, self.office_name,
                                      len(others))
        self.lock_screen.unlocked.connect(self._on_lock_screen_unlocked)
        self.lock_screen.someone_else.connect(self._on_lock_screen_someone_else)
        self.idle_watch.timer.stop()
        self.lock_screen.show()
        self.lock_screen.raise_()
        self.lock_screen.activateWindow()

    def _lift_curtains(self) -> None:
        for curtain in self._curtains:
            if isValid(curtain):
                curtain.lift()
        self._curtains = []

    def _let_go_of_lock_screen(self) -> None:
        # Kept until the next lock: the lock screen is still inside its own signal (the
        # Return key, the button's click) and deletes itself once that is over; dropping the
        # last reference here would delete it under its own feet.
        self._closed_lock_screen = self.lock_screen
        self.lock_screen = None

    def _on_lock_screen_unlocked(self, _actor: object) -> None:
        self._let_go_of_lock_screen()
        self._lift_curtains()
        self.idle_watch.set_minutes(self.idle_watch.minutes)  # idle from now
        self.statusBar().showMessage(self.tr("Unlocked."), 4000)
        self.callback_notifier.check()  # what fell due while the desk was locked

    def _on_lock_screen_someone_else(self) -> None:
        self._let_go_of_lock_screen()
        self._lift_curtains()
        self.log_out()

    def _close_other_windows(self) -> None:
        from PySide6.QtWidgets import QDialog

        for window in self._other_windows():
            if isinstance(window, QDialog):
                window.reject()  # a dialog waiting for an answer gets "cancel"
            else:
                window.close()

    def switch_user(self) -> None:
        """Someone else logs in at this desk: the window opens again as them, on the same
        database; cancelled (or the same person), nothing changes."""
        from synergy_desk.services.people import users
        from synergy_desk.ui.dialogs.login import LoginDialog

        where = self.database_info.display if self.database_info is not None else ""
        actor = LoginDialog.ask(self, users.login, self.office_name, "", where)
        if actor is None:
            return
        if actor.id == self.actor.id:
            self.statusBar().showMessage(
                self.tr("You are logged in as %s already.") % self.actor.full_name, 8000)
            return
        self._close_other_windows()
        QTimer.singleShot(0, lambda: self._end_as(actor))

    def log_out(self) -> None:
        """End this person's session (the desk leaves the office's list) and show the
        log-in; the program keeps running."""
        self._close_other_windows()
        # After the dialogs just cancelled have returned from their own event loops.
        QTimer.singleShot(0, lambda: self._end_as(None))

    def _end_as(self, actor: Actor | None) -> None:
        if self._session_over:
            return
        self.end_session()
        self.hide()
        self.session_ended.emit(actor)

    def _end_desk_session(self) -> None:
        """The lock, the idle watch and what they hold are let go (the window is closing)."""
        self._session_over = True
        self.idle_watch.stop()
        self.callback_notifier.stop()
        self.phone_listener.stop()
        if self.lock_screen is not None:
            self.lock_screen.end()
            self._let_go_of_lock_screen()
        self._lift_curtains()


    # -- call-backs that remind ------------------------------------------------------------

    def _build_callback_reminders(self) -> None:
        """A notification when a call-back promised to this desk's user (or, for engineers,
        to nobody in particular) falls due; clicking it opens the call-back."""
        self.callback_notifier = CallbackNotifier(self, self.actor,
                                                  may_show=lambda: not self.locked)
        self.callback_notifier.open_requested.connect(self._on_callback_notice_opened)
        self.callback_notifier.queue_requested.connect(self._on_callbacks_due)
        self.callback_notifier.start()

    def _on_callback_notice_opened(self, row: object) -> None:
        from synergy_desk.services.incidents.callbacks import CallBackRow

        if not isinstance(row, CallBackRow):
            return
        if row.incident_id is not None:
            self.open_incident(row.incident_id)
        else:
            self.open_customer(row.customer_id)
        view = self._on_callbacks_due()
        view.select_callback(row.id)
        if view.selected() is None:  # promised for a moment still to come by this clock
            view.soon.setChecked(True)
            view.select_callback(row.id)

    # -- the phone system's calls ------------------------------------------------------------

    def _build_phone_listener(self) -> None:
        """Office ▸ Caller log (Ctrl+D), and the listener for the phone system's call events,
        started when the office's settings turn it on."""
        from synergy_desk.ui.phone_listener import PhoneListener

        self.act_caller_log = self._action(
            "actionCallerLog", self.tr("Caller &log…"), "Ctrl+D", self._on_caller_log,
            self.tr("Who rang, when, who answered and for how long; missed calls (Ctrl+D)"))
        self.office_menu.insertAction(self.act_reports, self.act_caller_log)
        self._caller_log_view: QWidget | None = None
        #: What the listener was last started with (port, token, open); None: not wanted.
        self._phone_wanted: tuple[int, str, bool] | None = None
        self.phone_listener = PhoneListener(self.actor, self)
        self.phone_listener.notice.connect(lambda text: self.statusBar().showMessage(text,
                                                                                    15_000))
        self.phone_listener.call_recorded.connect(self._on_call_recorded)
        self._after_first_paint(self.read_phone_settings)  # the settings need not slow the start

    def read_phone_settings(self) -> None:
        """Listen for the phone system when the office's settings say so."""
        from synergy_desk.services.office import settings as settings_service

        with reporting_errors(self, failure=self._read_failed(
                "Could not read the phone system's settings")) as outcome:
            data = settings_service.get_settings()
        if not outcome.failed and not self._session_over:
            self.apply_phone_settings(data)

    def apply_phone_settings(self, data: Any) -> None:
        """Start, restart or stop the listener as these settings say."""
        listener = self.phone_listener
        wanted = ((data.phone_listener_port, data.phone_listener_token,
                   bool(data.phone_listener_open)) if data.phone_listener_enabled else None)
        if wanted == self._phone_wanted and listener.running == bool(wanted):
            return
        self._phone_wanted = wanted
        listener.stop()
        if wanted is not None and listener.start(wanted[0], wanted[1],
                                                 open_to_network=wanted[2]):
            self.statusBar().showMessage(
                self.tr("Listening for the phone system's calls on port %d.") % wanted[0],
                8000)

    def _on_call_recorded(self, row: Any) -> None:
        view = self._caller_log_view
        if view is not None and isValid(view) and view.isVisible():
            view.refresh()  # type: ignore[attr-defined]
        if getattr(row, "call_back_id", None) is not None:
            self.refresh_counts()  # a missed call became a call-back

    def _on_caller_log(self) -> None:
        from synergy_desk.ui.caller_log_view import caller_log_flow

        view = self._caller_log_view
        if view is not None and isValid(view) and view.isVisible():
            view.raise_()
            view.activateWindow()
            return
        view = caller_log_flow(self, self.actor)
        view.customer_requested.connect(self.open_customer)
        self._caller_log_view = view
        self._keep(view)

    # -- the caller popped up by an incoming call --------------------------------------------

    def _build_incoming_calls(self) -> None:
        """The status bar's caller (the incoming number and the caller's cover; clicking it
        opens a call that waits) and Incident ▸ Open the incoming call (F8)."""
        #: The number of a call that came in while something else was open (E.164).
        self._waiting_call: str | None = None
        #: The latest call's number (E.164): clicking the status bar's caller opens it again.
        self._last_call: str | None = None
        #: The pop-up's own dialog (the chooser or log-a-call) while it is open.
        self._call_dialog: QWidget | None = None
        self.caller_status = QToolButton()
        self.caller_status.setObjectName("callerStatus")
        self.caller_status.setAutoRaise(True)
        self.caller_status.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.caller_status.clicked.connect(self.open_waiting_call)
        # A long cover (a contract and tickets) is cut at the window's edge, never widening
        # the window past the screen; the tooltip has it whole.
        self.caller_status.setSizePolicy(QSizePolicy.Policy.Ignored,
                                         QSizePolicy.Policy.Preferred)
        self.caller_status.setMinimumWidth(120)
        self.caller_status.hide()
        self.statusBar().insertPermanentWidget(0, self.caller_status, 1)
        self.act_open_waiting_call = self._action(
            "actionOpenWaitingCall", self.tr("&Open the incoming call"), "F8",
            self.open_waiting_call,
            self.tr("Log the call waiting in the status bar, or the latest call again (F8)"))
        self.incident_menu.insertAction(self.act_take_payment, self.act_open_waiting_call)
        self.act_desk_settings = self._action(
            "actionDeskSettings", self.tr("&This desk…"), None, self._on_desk_settings,
            self.tr("This computer's own settings: whether phone links (tel:, callto:) open "
                    "Synergy Desk"))
        self.file_menu.insertAction(self.act_backup_now, self.act_desk_settings)

    def _on_desk_settings(self) -> None:
        from synergy_desk.ui.dialogs.desk_settings import DeskSettingsDialog

        done = DeskSettingsDialog.ask(self)
        if done is not None:
            self.statusBar().showMessage(done, 10_000)

    def pop_up_caller(self, number: str) -> None:
        """An incoming call: the window comes to the front and opens log-a-call with the
        caller found by their number (their contact chosen, the cursor in Subject), a short
        list when several callers have the number, or the new-customer form with the number
        filled in. The number and the caller's cover show in the status bar.

        Whatever is open already (a payment half taken, another call) is left as it is: the
        call waits in the status bar until it is clicked or F8 is pressed. The dialog opens
        once this returns, so a caller (the local socket, the phone system) never waits on
        it.
        """
        from synergy_desk.domain.errors import ValidationError
        from synergy_desk.domain.phones import number_for_call

        if self._session_over:
            return
        try:
            e164 = number_for_call(number)
        except ValidationError as exc:
            self.statusBar().showMessage(
                self.tr("A call came in from a number that cannot be read: %s") % exc.message,
                15_000)
            return
        self._last_call = e164
        busy = self.locked or not self.isVisible() or self._call_dialog is not None \
            or self.app_modal_open()
        self._waiting_call = e164 if busy else None
        self._show_caller(e164)
        self._come_forward()
        if not busy:
            QTimer.singleShot(0, lambda: self._open_call(e164))

    def _come_forward(self) -> None:
        from PySide6.QtWidgets import QApplication

        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()
        QApplication.alert(self)  # the taskbar flashes where the desktop keeps focus elsewhere

    def _show_caller(self, e164: str) -> None:
        """The incoming number in the status bar, with who has it and their cover (what the
        customer panel's entitlement banner says)."""
        from synergy_desk.domain.phones import display_phone
        from synergy_desk.services.money import funding
        from synergy_desk.services.people.phone_book import callers_with_number

        # A call that waits says so first: a narrow window cuts the middle of the line.
        text = (self.tr("Call waiting (click, or F8): %s") if self._waiting_call is not None
                else self.tr("Incoming call: %s")) % display_phone(e164)
        with reporting_errors(self, failure=self._read_failed(
                "Could not look up the caller")) as outcome:
            matches = callers_with_number(e164)
            customers = {m.customer_id for m in matches}
            cover = funding.entitlement(matches[0].customer_id).summary \
                if len(customers) == 1 else ""
        if not outcome.failed:
            if not matches:
                text += self.tr(" — not a customer yet")
            elif len(matches) == 1 or len(customers) == 1:
                match = matches[0]
                text += f" — {match.label if len(matches) == 1 else match.customer_name}"
                text += f": {cover}" if cover else ""
            else:
                text += self.tr(" — %n callers have this number", "", len(matches))
        self.caller_status.setText(text)
        self.caller_status.setToolTip(
            text + "\n" + self.tr("Click to log this call (F8 while it waits)"))
        self.caller_status.show()

    def open_waiting_call(self) -> None:
        """Open the call waiting in the status bar (or the latest call, clicked again)."""
        e164 = self._waiting_call or self._last_call
        if e164 is None:
            self.statusBar().showMessage(self.tr("No call has come in at this desk yet."), 8000)
            return
        if self.locked or self._call_dialog is not None or self.app_modal_open():
            self.statusBar().showMessage(
                self.tr("Finish or close the window open first; the call still waits."), 8000)
            return
        self._waiting_call = None
        self._show_caller(e164)
        self._open_call(e164)

    def _open_call(self, e164: str) -> None:
        """Log-a-call for the caller with the number, after asking which when several have
        it."""
        from synergy_desk.domain.phones import display_phone
        from synergy_desk.services.people.phone_book import callers_with_number
        from synergy_desk.ui.dialogs.caller_choice import CallerChoiceDialog

        if self._session_over or self._call_dialog is not None:
            return
        with reporting_errors(self) as outcome:
            matches = callers_with_number(e164)
        if outcome.failed:
            return
        if len(matches) > 1:
            chooser = CallerChoiceDialog(self, display_phone(e164), matches)
            chooser.finished.connect(
                lambda code: self._on_caller_choice_finished(chooser, int(code), e164))
            self._call_dialog = chooser
            chooser.open()
            return
        self._open_popped_log_call(matches[0] if matches else None, e164)

    def _on_caller_choice_finished(self, chooser: Any, code: int, e164: str) -> None:
        from PySide6.QtWidgets import QDialog

        self._call_dialog = None
        chooser.deleteLater()
        if code == QDialog.DialogCode.Accepted.value:
            self._open_popped_log_call(chooser.chosen(), e164)

    def _open_popped_log_call(self, match: Any, e164: str) -> None:
        from synergy_desk.domain.phones import display_phone
        from synergy_desk.ui.dialogs.log_call import LogCallDialog

        with reporting_errors(self) as outcome:
            dialog = LogCallDialog(self, self.actor,
                                   match.customer_id if match is not None else None)
        if outcome.failed:
            return
        if match is not None:
            dialog.pop_up_known(match.contact_id)
        else:
            dialog.pop_up_unknown(display_phone(e164))
            # Once the caller is added, the status bar names them and their cover.
            dialog.customer_added.connect(lambda _id: self._caller_added(e164))
        dialog.finished.connect(lambda code: self._on_popped_call_finished(dialog, int(code)))
        self._call_dialog = dialog
        # Not exec(): the socket or phone system that rang is not kept waiting in a nested
        # event loop, and a second call meanwhile is told it waits.
        dialog.open()

    def _caller_added(self, e164: str) -> None:
        if self._waiting_call is None and not self._session_over:
            self._show_caller(e164)

    def _on_popped_call_finished(self, dialog: Any, code: int) -> None:
        from PySide6.QtWidgets import QDialog

        self._call_dialog = None
        logged = dialog.value if code == QDialog.DialogCode.Accepted.value else None
        dialog.deleteLater()
        if logged is not None:
            self._on_call_logged(logged)
            if self._waiting_call is None and self._last_call is not None:
                # The caller's cover as it is now (a ticket just used says one fewer left).
                self._show_caller(self._last_call)
        elif self._waiting_call is None:
            self.table.setFocus()


class _FirstPaint(QObject):
    """Calls ``painted`` (from the event loop) once, after the widget's first paint."""

    def __init__(self, widget: QWidget, painted: Callable[[], None]) -> None:
        super().__init__(widget)
        self._painted = painted
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._painted)
        return False
