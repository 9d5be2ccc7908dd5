"""Every table of the office's database, as Peewee models."""

from __future__ import annotations

from peewee import (
    SQL,
    AutoField,
    BigIntegerField,
    BlobField,
    BooleanField,
    CharField,
    DateField,
    ForeignKeyField,
    IntegerField,
    TextField,
)
from playhouse.fields import EnumField

from synergy_desk.domain.enums import (
    CreditNoteKind,
    EnhancementStatus,
    EscalationStatus,
    FundingKind,
    IncidentStatus,
    LedgerKind,
    LineKind,
    PaymentMethod,
    Priority,
    Resolution,
    Role,
    TimelineKind,
    WaiverKind,
)
from synergy_desk.models import list_indexes
from synergy_desk.models.base import BaseModel, UTCDateTimeField, utcnow


class User(BaseModel):
    id = AutoField()
    username = CharField(max_length=64, unique=True)
    full_name = CharField(max_length=120)
    role = EnumField(Role, max_length=16)
    password_hash = CharField(max_length=255)
    active = BooleanField(default=True)
    failed_logins = IntegerField(default=0)
    locked_until = UTCDateTimeField(null=True)
    must_change_password = BooleanField(default=False)
    created_at = UTCDateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        # The incident list sorted by engineer walks the engineers by name.
        indexes = ((("full_name",), False),)


class OfficeSettings(BaseModel):
    """The one row of office-wide business settings (prices, VAT, company details)."""

    id = AutoField()
    company_name = CharField(max_length=200, default="")
    address = TextField(default="")
    vat_number = CharField(max_length=32, default="")
    phone = CharField(max_length=40, default="")
    email = CharField(max_length=200, default="")
    logo = BlobField(null=True)
    incident_price_pence = IntegerField(default=7500)
    vat_rate_bp = IntegerField(default=2000)
    ticket_incident_price_pence = IntegerField(default=6500)
    ticket_default_size = IntegerField(default=10)
    ticket_validity_days = IntegerField(default=365)
    timezone = CharField(max_length=64, default="Europe/London")
    smtp_host = CharField(max_length=200, default="")
    smtp_port = IntegerField(default=587)
    smtp_user = CharField(max_length=200, default="")
    smtp_password = CharField(max_length=200, default="")
    smtp_from = CharField(max_length=200, default="")
    smtp_starttls = BooleanField(default=True)
    lockout_attempts = IntegerField(default=5)
    lockout_minutes = IntegerField(default=15)
    #: Whether the office charges VAT; a registered office issues no receipt until its VAT
    #: number and address are set.
    vat_registered = BooleanField(default=True)
    #: A drawer count further than this from the expected cash needs a reason.
    cash_variance_threshold_pence = IntegerField(default=500)
    #: A desk left idle this many minutes locks itself (0: never).
    idle_lock_minutes = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])
    #: The listener for the phone system's call events: off unless the manager turns it on;
    #: on the desk's own loopback address unless opened to the office network; the port it
    #: listens on; and the office's secret every event must carry.
    phone_listener_enabled = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])
    phone_listener_open = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])
    phone_listener_port = IntegerField(default=8765, constraints=[SQL("DEFAULT 8765")])
    phone_listener_token = CharField(max_length=100, default="", constraints=[SQL("DEFAULT ''")])
    #: The office's bank account, as payment requests print it for a customer paying by
    #: transfer; and how many days a request gives the customer to pay.
    bank_account_name = CharField(max_length=100, default="", constraints=[SQL("DEFAULT ''")])
    bank_sort_code = CharField(max_length=8, default="", constraints=[SQL("DEFAULT ''")])
    bank_account_number = CharField(max_length=8, default="", constraints=[SQL("DEFAULT ''")])
    bank_iban = CharField(max_length=42, default="", constraints=[SQL("DEFAULT ''")])
    bank_bic = CharField(max_length=11, default="", constraints=[SQL("DEFAULT ''")])
    request_due_days = IntegerField(default=14, constraints=[SQL("DEFAULT 14")])
    #: The support mailbox (IMAP): its server, port, security ("ssl", "starttls" or "none"),
    #: user and password (kept as the SMTP one is), and the folder read. No host: no mailbox.
    imap_host = CharField(max_length=200, default="", constraints=[SQL("DEFAULT ''")])
    imap_port = IntegerField(default=993, constraints=[SQL("DEFAULT 993")])
    imap_security = CharField(max_length=8, default="ssl", constraints=[SQL("DEFAULT 'ssl'")])
    imap_user = CharField(max_length=200, default="", constraints=[SQL("DEFAULT ''")])
    imap_password = CharField(max_length=200, default="", constraints=[SQL("DEFAULT ''")])
    imap_folder = CharField(max_length=200, default="INBOX", constraints=[SQL("DEFAULT 'INBOX'")])
    #: Attachments kept per message, in kilobytes all told; the rest are listed, not kept.
    mail_attachment_limit_kb = IntegerField(default=10240, constraints=[SQL("DEFAULT 10240")])
    #: Messages from one sender in an hour beyond which the rest are held in triage.
    mail_flood_limit = IntegerField(default=20, constraints=[SQL("DEFAULT 20")])
    #: Whether a message that waits to be sorted is acknowledged to its sender.
    mail_acknowledge = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])
    #: Closes every reply written from an incident.
    mail_signature = TextField(default="", constraints=[SQL("DEFAULT ''")])
    updated_at = UTCDateTimeField(default=utcnow)
    version = IntegerField(default=1)


class OfficeDetails(BaseModel):
    """The office's details as documents print them, in force from ``valid_from`` on.

    Append-only: a new row is written whenever the details change, so a receipt or credit note
    reprints with the name, address and VAT number in force when it was issued.
    """

    id = AutoField()
    valid_from = UTCDateTimeField()
    company_name = CharField(max_length=200, default="")
    address = TextField(default="")
    vat_number = CharField(max_length=32, default="")
    phone = CharField(max_length=40, default="")
    email = CharField(max_length=200, default="")
    logo = BlobField(null=True)
    timezone = CharField(max_length=64, default="Europe/London")
    vat_registered = BooleanField(default=True)
    recorded_by = ForeignKeyField(User, null=True)
    recorded_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("valid_from",), False),)


class Sequence(BaseModel):
    """A gap-free counter; the row is locked while a number is taken, inside the same transaction."""

    name = CharField(max_length=32, primary_key=True)
    last_value = IntegerField(default=0)


class ChainHead(BaseModel):
    """The last hash of each tamper-evident chain of money rows."""

    name = CharField(max_length=32, primary_key=True)
    last_hash = CharField(max_length=64)
    length = IntegerField(default=0)


class CustomerImport(BaseModel):
    """One import of customers from a file, written in short batches.

    Each customer it adds carries its id, so an import that fails part-way, or whose process
    dies, is undone whole (``state``: importing, done, undoing, undone). The desk doing the
    work moves ``heartbeat_at`` on (the database's clock) with every batch and is named by
    ``host`` and ``pid``; an import whose desk is gone is undone by the next one to look.
    """

    id = AutoField()
    file_name = CharField(max_length=255)
    state = CharField(max_length=16)
    started_by = ForeignKeyField(User, null=True)
    started_at = UTCDateTimeField(default=utcnow)
    finished_at = UTCDateTimeField(null=True)
    heartbeat_at = UTCDateTimeField()
    host = CharField(max_length=255, default="")
    pid = IntegerField(default=0)
    written = IntegerField(default=0)
    #: The customers' sequence before the import took any of it, and after its last take;
    #: None once another desk took a number in between (then nothing can be given back).
    sequence_before = IntegerField(null=True)
    sequence_after = IntegerField(null=True)

    class Meta:
        indexes = ((("state",), False),)


class Customer(BaseModel):
    id = AutoField()
    account_code = CharField(max_length=32, unique=True)
    name = CharField(max_length=200)
    company = CharField(max_length=200, default="")
    address = TextField(default="")
    postcode = CharField(max_length=16, default="")
    email = CharField(max_length=200, default="")
    phone = CharField(max_length=32, default="")
    notes = TextField(default="")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)
    version = IntegerField(default=1)
    #: The import that added the customer (None: added at a desk).
    customer_import = ForeignKeyField(CustomerImport, null=True)

    class Meta:
        indexes = ((("name",), False),)


class Contact(BaseModel):
    id = AutoField()
    customer = ForeignKeyField(Customer, backref="contacts", on_delete="CASCADE")
    name = CharField(max_length=200)
    job_title = CharField(max_length=100, default="")
    email = CharField(max_length=200, default="")
    phone = CharField(max_length=32, default="")
    is_primary = BooleanField(default=False)
    created_at = UTCDateTimeField(default=utcnow)
    #: When the contact left the customer: kept on past incidents, offered for nothing new.
    retired_at = UTCDateTimeField(null=True)

    class Meta:
        indexes = ((("phone",), False),)


class Product(BaseModel):
    id = AutoField()
    name = CharField(max_length=120, unique=True)
    current_version = CharField(max_length=40, default="")
    active = BooleanField(default=True)


class Module(BaseModel):
    """A plugin or module of a product."""

    id = AutoField()
    product = ForeignKeyField(Product, backref="modules")
    name = CharField(max_length=120)
    active = BooleanField(default=True)

    class Meta:
        indexes = ((("product", "name"), True),)


class Contract(BaseModel):
    """A support contract: incidents within its dates (and product, if set) need no payment."""

    id = AutoField()
    customer = ForeignKeyField(Customer, backref="contracts")
    reference = CharField(max_length=64)
    product = ForeignKeyField(Product, null=True)
    starts_on = DateField()
    ends_on = DateField()
    notes = TextField(default="")
    cancelled = BooleanField(default=False)
    created_by = ForeignKeyField(User)
    created_at = UTCDateTimeField(default=utcnow)
    #: The agreed price, net of VAT, in pence (0: none recorded).
    price_pence = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])
    #: Set when a manager ends it before its planned end (then ends_on is its last day).
    ended_early_at = UTCDateTimeField(null=True)
    ended_early_by = ForeignKeyField(User, null=True, backref="contracts_ended")
    ended_early_reason = TextField(default="", constraints=[SQL("DEFAULT ''")])


class EnhancementRequest(BaseModel):
    """A feature asked for, on the register forwarded to product management."""

    id = AutoField()
    product = ForeignKeyField(Product)
    title = CharField(max_length=200)
    description = TextField(default="")
    status = EnumField(EnhancementStatus, max_length=16, default=EnhancementStatus.OPEN)
    customer_count = IntegerField(default=0)
    created_by = ForeignKeyField(User)
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)


class Incident(BaseModel):
    id = AutoField()
    number = IntegerField(unique=True)
    reference = CharField(max_length=16, unique=True)
    customer = ForeignKeyField(Customer, backref="incidents")
    contact = ForeignKeyField(Contact, null=True, on_delete="SET NULL")
    product = ForeignKeyField(Product)
    module = ForeignKeyField(Module, null=True)
    product_version = CharField(max_length=40, default="")
    subject = CharField(max_length=200)
    description = TextField(default="")
    status = EnumField(IncidentStatus, max_length=24, default=IncidentStatus.AWAITING_PAYMENT)
    priority = EnumField(Priority, max_length=8, default=Priority.NORMAL)
    engineer = ForeignKeyField(User, null=True, backref="assigned_incidents")
    funding = EnumField(FundingKind, max_length=16, default=FundingKind.NONE)
    contract = ForeignKeyField(Contract, null=True)
    funded_at = UTCDateTimeField(null=True)
    work_started_at = UTCDateTimeField(null=True)
    resolution = EnumField(Resolution, max_length=16, null=True)
    resolution_note = TextField(default="")
    resolved_at = UTCDateTimeField(null=True)
    resolved_by = ForeignKeyField(User, null=True)
    closed_at = UTCDateTimeField(null=True)
    enhancement_request = ForeignKeyField(EnhancementRequest, null=True)
    split_from = ForeignKeyField("self", null=True, backref="split_children")
    merged_into = ForeignKeyField("self", null=True, backref="merged_duplicates")
    reopen_count = IntegerField(default=0)
    opened_at = UTCDateTimeField(default=utcnow)
    last_activity_at = UTCDateTimeField(default=utcnow)
    created_by = ForeignKeyField(User)
    version = IntegerField(default=1)
    # What the incident list sorts and filters by, kept by the database's own triggers
    # (migration 0015): the names, and when the earliest open call-back is due. No service
    # writes them, and a model saves only the fields it changed (``only_save_dirty``), so one
    # read before a rename can never write the old name back.
    customer_name = CharField(max_length=200, default="")
    product_name = CharField(max_length=120, default="")
    engineer_name = CharField(max_length=120, default="")
    callback_due_at = UTCDateTimeField(null=True)

    class Meta:
        only_save_dirty = True
        indexes = (
            (("status", "last_activity_at", "id"), False),
            (("customer", "status"), False),
            (("product", "status"), False),
            (("last_activity_at", "id"), False),
            (("opened_at", "id"), False),
            # The incident list sorts and filters (services/incident_list.py).
            (("status", "opened_at", "id"), False),
            (("subject", "id"), False),
            (("funding", "last_activity_at", "id"), False),
            (("customer", "last_activity_at", "id"), False),
            (("product", "last_activity_at", "id"), False),
            (("engineer", "last_activity_at", "id"), False),
            # The reports count what was resolved and closed in a period.
            (("resolved_at",), False),
            (("closed_at",), False),
        )


def _declare_list_indexes() -> None:
    """The incident list's index families (models/list_indexes.py), as migration 0015 made
    them; the index the call-backs' triggers read."""
    for name, columns, condition in list_indexes.index_plan():
        fields = [Incident._meta.columns[c] for c in columns]
        index = Incident.index(*fields, name=name)
        if condition:
            index = index.where(SQL(condition))
        Incident.add_index(index)


class IncidentCount(BaseModel):
    """Counts of incidents by status, engineer and product, kept as incidents change."""

    id = AutoField()
    status = EnumField(IncidentStatus, max_length=24)
    engineer_id = IntegerField(default=0)
    product_id = IntegerField(default=0)
    count = IntegerField(default=0)

    class Meta:
        indexes = ((("status", "engineer_id", "product_id"), True),)


class TimelineEntry(BaseModel):
    id = AutoField()
    incident = ForeignKeyField(Incident, backref="timeline")
    kind = EnumField(TimelineKind, max_length=16)
    author = ForeignKeyField(User, null=True)
    occurred_at = UTCDateTimeField(default=utcnow)
    duration_seconds = IntegerField(default=0)
    text = TextField(default="")
    moved_from = ForeignKeyField(Incident, null=True)
    created_at = UTCDateTimeField(default=utcnow)
    #: Printed on what the customer is given (summary, e-mails); otherwise staff only.
    for_customer = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])
    # An outgoing call or e-mail about paying, which may be logged before the incident is
    # funded; any other outgoing entry is support work and waits for the funding.
    about_payment = BooleanField(default=False, constraints=[SQL("DEFAULT FALSE")])

    class Meta:
        indexes = ((("incident", "occurred_at"), False),)


class CallBack(BaseModel):
    id = AutoField()
    customer = ForeignKeyField(Customer, backref="callbacks")
    incident = ForeignKeyField(Incident, null=True, backref="callbacks")
    contact = ForeignKeyField(Contact, null=True, on_delete="SET NULL")
    due_at = UTCDateTimeField()
    note = TextField(default="")
    created_by = ForeignKeyField(User)
    #: Who it was promised to; None: any engineer.
    assigned_to = ForeignKeyField(User, null=True, backref="callbacks_assigned")
    created_at = UTCDateTimeField(default=utcnow)
    done_at = UTCDateTimeField(null=True)
    done_by = ForeignKeyField(User, null=True)
    outcome = TextField(default="")

    class Meta:
        indexes = ((("done_at", "due_at"), False),)


CallBack.add_index(CallBack.index(CallBack.incident, CallBack.due_at, name="call_back_open")
                   .where(SQL("done_at IS NULL")))
_declare_list_indexes()


class SeasonTicket(BaseModel):
    """Prepaid cover for up to ten incidents; its balance is the sum of its ledger."""

    id = AutoField()
    customer = ForeignKeyField(Customer, backref="tickets")
    size = IntegerField()
    price_pence = IntegerField()
    purchased_at = UTCDateTimeField(default=utcnow)
    expires_at = UTCDateTimeField()
    created_by = ForeignKeyField(User)

    class Meta:
        indexes = ((("customer", "expires_at"), False), (("purchased_at",), False))


class Payment(BaseModel):
    """A receipt: money taken before support. Never changed once written."""

    id = AutoField()
    receipt_number = IntegerField(unique=True)
    customer = ForeignKeyField(Customer, backref="payments")
    method = EnumField(PaymentMethod, max_length=16)
    net_pence = IntegerField()
    vat_pence = IntegerField()
    gross_pence = IntegerField()
    tendered_pence = IntegerField()
    card_brand = CharField(max_length=24, default="")
    card_last4 = CharField(max_length=4, default="")
    auth_code = CharField(max_length=16, default="")
    bank_reference = CharField(max_length=64, default="")
    full_invoice = BooleanField(default=False)
    customer_name = CharField(max_length=200)
    customer_address = TextField(default="")
    taken_by = ForeignKeyField(User)
    taken_at = UTCDateTimeField(default=utcnow)
    prev_hash = CharField(max_length=64)
    row_hash = CharField(max_length=64)

    class Meta:
        indexes = ((("taken_at",), False),)


class PaymentLine(BaseModel):
    id = AutoField()
    payment = ForeignKeyField(Payment, backref="lines")
    position = IntegerField()
    kind = EnumField(LineKind, max_length=16)
    incident = ForeignKeyField(Incident, null=True, backref="payment_lines")
    ticket = ForeignKeyField(SeasonTicket, null=True, backref="payment_lines")
    description = CharField(max_length=300)
    net_pence = IntegerField()
    vat_rate_bp = IntegerField()
    vat_pence = IntegerField()
    gross_pence = IntegerField()

    class Meta:
        indexes = ((("payment", "position"), True),)


class ContractPayment(BaseModel):
    """A receipt line that paid for a support contract (kept beside the line: a payment
    line's own columns are what the payment chain hashes, so they never change)."""

    id = AutoField()
    contract = ForeignKeyField(Contract, backref="payments")
    payment_line = ForeignKeyField(PaymentLine, unique=True, backref="contract_paid")


class CreditNote(BaseModel):
    """A refund or void: a new, reversing entry with its own number."""

    id = AutoField()
    number = IntegerField(unique=True)
    payment = ForeignKeyField(Payment, backref="credit_notes")
    kind = EnumField(CreditNoteKind, max_length=8)
    reason = TextField()
    method = EnumField(PaymentMethod, max_length=16)
    net_pence = IntegerField()
    vat_pence = IntegerField()
    gross_pence = IntegerField()
    issued_by = ForeignKeyField(User)
    issued_at = UTCDateTimeField(default=utcnow)
    prev_hash = CharField(max_length=64)
    row_hash = CharField(max_length=64)

    class Meta:
        indexes = ((("issued_at",), False),)


class CreditNoteLine(BaseModel):
    id = AutoField()
    credit_note = ForeignKeyField(CreditNote, backref="lines")
    payment_line = ForeignKeyField(PaymentLine, backref="credit_lines")
    description = CharField(max_length=300)
    net_pence = IntegerField()
    vat_rate_bp = IntegerField()
    vat_pence = IntegerField()
    gross_pence = IntegerField()


class TicketLedger(BaseModel):
    """Append-only ledger of a season ticket: its balance is the sum of ``delta``."""

    id = AutoField()
    ticket = ForeignKeyField(SeasonTicket, backref="ledger")
    kind = EnumField(LedgerKind, max_length=16)
    delta = IntegerField()
    incident = ForeignKeyField(Incident, null=True, backref="ticket_entries")
    reason = TextField(default="")
    user = ForeignKeyField(User)
    created_at = UTCDateTimeField(default=utcnow)
    prev_hash = CharField(max_length=64)
    row_hash = CharField(max_length=64)

    class Meta:
        indexes = ((("ticket", "created_at"), False), (("kind", "created_at"), False))


class Waiver(BaseModel):
    """A manager's decision to fund an incident without payment, with a written reason."""

    id = AutoField()
    incident = ForeignKeyField(Incident, backref="waivers")
    kind = EnumField(WaiverKind, max_length=16)
    reason = TextField()
    granted_by = ForeignKeyField(User)
    granted_at = UTCDateTimeField(default=utcnow)
    revoked_at = UTCDateTimeField(null=True)

    class Meta:
        indexes = ((("granted_at",), False),)


class CashCount(BaseModel):
    """A count of the cash drawer for one office day. Every count is kept; the latest of a day
    is the one the cash-up shows."""

    id = AutoField()
    day = DateField()
    #: Whose takings were counted: one person's own (reception), or NULL for the whole office.
    drawer_of = ForeignKeyField(User, null=True, backref="+")
    float_pence = IntegerField()
    counted_pence = IntegerField()
    expected_pence = IntegerField()
    variance_pence = IntegerField()
    threshold_pence = IntegerField()
    reason = TextField(default="")
    counted_by = ForeignKeyField(User, backref="+")
    counted_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("day", "counted_at"), False),)


class IncidentFunding(BaseModel):
    """What funds an incident: exactly one active row per funded incident.

    A row is ended (never deleted) when its funding is handed back or moved to another
    incident on a merge, so the history of who paid for what stays whole.
    """

    id = AutoField()
    incident = ForeignKeyField(Incident, backref="fundings")
    kind = EnumField(FundingKind, max_length=16)
    payment_line = ForeignKeyField(PaymentLine, null=True, backref="fundings")
    ticket_entry = ForeignKeyField(TicketLedger, null=True)
    contract = ForeignKeyField(Contract, null=True)
    waiver = ForeignKeyField(Waiver, null=True)
    active = BooleanField(default=True)
    created_by = ForeignKeyField(User)
    created_at = UTCDateTimeField(default=utcnow)
    ended_at = UTCDateTimeField(null=True)
    ended_reason = TextField(default="")

    class Meta:
        indexes = ((("incident", "active"), False),)


class EnhancementRequestCustomer(BaseModel):
    """One customer's incident counted towards an enhancement request."""

    id = AutoField()
    request = ForeignKeyField(EnhancementRequest, backref="customers")
    customer = ForeignKeyField(Customer)
    incident = ForeignKeyField(Incident)
    added_by = ForeignKeyField(User)
    added_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("request", "incident"), True),)


class Escalation(BaseModel):
    """A suspected bug escalated to development, with what they need to reproduce it."""

    id = AutoField()
    incident = ForeignKeyField(Incident, unique=True, backref="escalations")
    product = ForeignKeyField(Product)
    product_version = CharField(max_length=40, default="")
    steps_to_reproduce = TextField(default="")
    status = EnumField(EscalationStatus, max_length=24, default=EscalationStatus.OPEN)
    development_response = TextField(default="")
    created_by = ForeignKeyField(User)
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)


class AuditLog(BaseModel):
    """Append-only: who changed what, when, with the values before and after."""

    id = AutoField()
    at = UTCDateTimeField(default=utcnow)
    user = ForeignKeyField(User, null=True)
    action = CharField(max_length=48)
    entity = CharField(max_length=32)
    entity_id = CharField(max_length=32, default="")
    before = TextField(default="")
    after = TextField(default="")
    # The audit log's own tamper-evident chain (services/money/chains.py, audit_content).
    prev_hash = CharField(max_length=64, default="", constraints=[SQL("DEFAULT ''")])
    row_hash = CharField(max_length=64, default="", constraints=[SQL("DEFAULT ''")])

    class Meta:
        indexes = ((("entity", "entity_id"), False), (("at",), False),
                   (("action", "at"), False), (("user", "at"), False))


class OfficeGeneration(BaseModel):
    """Which copy of the office this database is: one row, given a new random value by every
    restore.

    A desk remembers the value it opened and reads it again at the start of every change; a
    different value means the database was replaced under it, and the change is refused.
    """

    id = IntegerField(primary_key=True)  # always 1
    value = CharField(max_length=64)
    changed_at = UTCDateTimeField(default=utcnow)
    reason = CharField(max_length=300, default="")


class DeskSession(BaseModel):
    """A desk (one open window) on the office: who, on which computer, in which program.

    The window writes ``last_seen_at`` every few seconds while it is open and removes the row
    when it closes; a desk is live while its last heartbeat is recent.
    """

    id = AutoField()
    token = CharField(max_length=64, unique=True)
    user = ForeignKeyField(User, null=True)
    computer = CharField(max_length=200, default="")
    process_id = IntegerField(default=0)
    program = CharField(max_length=100, default="")
    started_at = UTCDateTimeField(default=utcnow)
    last_seen_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("last_seen_at",), False),)


class RefundRequest(BaseModel):
    """A paid incident closed as out of remit: its refund waits for a manager's decision.

    ``state`` is "pending", then "approved" (with the credit note) or "declined" (with the
    manager's reason).
    """

    id = AutoField()
    incident = ForeignKeyField(Incident, backref="refund_requests")
    payment_line = ForeignKeyField(PaymentLine, backref="refund_requests")
    reason = TextField(default="")
    state = CharField(max_length=16, default="pending")
    requested_by = ForeignKeyField(User, backref="+")
    requested_at = UTCDateTimeField(default=utcnow)
    decided_by = ForeignKeyField(User, null=True, backref="+")
    decided_at = UTCDateTimeField(null=True)
    decision_reason = TextField(default="")
    credit_note = ForeignKeyField(CreditNote, null=True, backref="+")

    class Meta:
        indexes = ((("state", "requested_at"), False),)


class CallerLog(BaseModel):
    """One telephone call the phone system told the office of: who rang (or was rung), when,
    who answered and for how long; a missed call from a known customer names the call-back
    it became.

    ``direction`` is "in" or "out"; ``outcome`` is "" while the call lasts, then "answered"
    or "missed". The numbers are E.164 where they could be read as phone numbers, else as
    the phone system sent them ("anonymous").
    """

    id = AutoField()
    call_id = CharField(max_length=100, unique=True)
    direction = CharField(max_length=3, default="in")
    from_number = CharField(max_length=40, default="")
    to_number = CharField(max_length=40, default="")
    customer = ForeignKeyField(Customer, null=True, backref="calls", on_delete="SET NULL")
    contact = ForeignKeyField(Contact, null=True, backref="+", on_delete="SET NULL")
    started_at = UTCDateTimeField(default=utcnow)
    answered_at = UTCDateTimeField(null=True)
    answered_by = ForeignKeyField(User, null=True, backref="+")
    answered_by_name = CharField(max_length=200, default="")
    ended_at = UTCDateTimeField(null=True)
    duration_seconds = IntegerField(default=0)
    outcome = CharField(max_length=16, default="")
    hangup_cause = CharField(max_length=40, default="")
    call_back = ForeignKeyField(CallBack, null=True, backref="+", on_delete="SET NULL")
    recorded_by = ForeignKeyField(User, null=True, backref="+")

    class Meta:
        indexes = ((("started_at",), False), (("customer", "started_at"), False))


class PaymentRequest(BaseModel):
    """A payment request (``PR-000001``): the office asks a customer to pay by bank transfer
    for incidents and/or a season ticket, at the prices of the day it was issued.

    ``state`` is "open" until the money has all arrived ("paid", with the receipt it was
    issued on) or a manager cancels it ("cancelled", with the reason). Not a receipt and not
    a VAT invoice: the receipt is issued when the money arrives.
    """

    id = AutoField()
    number = IntegerField(unique=True)
    reference = CharField(max_length=18, unique=True)
    customer = ForeignKeyField(Customer, backref="payment_requests")
    #: Who the receipt will be made out to, as the request was issued (its name and
    #: address then), so money that arrives later is receipted as asked.
    customer_name = CharField(max_length=200, default="")
    customer_address = TextField(default="")
    net_pence = IntegerField()
    vat_pence = IntegerField()
    gross_pence = IntegerField()
    due_on = DateField()
    state = CharField(max_length=16, default="open")
    bank_account_name = CharField(max_length=100, default="")
    bank_sort_code = CharField(max_length=8, default="")
    bank_account_number = CharField(max_length=8, default="")
    bank_iban = CharField(max_length=42, default="")
    bank_bic = CharField(max_length=11, default="")
    issued_by = ForeignKeyField(User, backref="+")
    issued_at = UTCDateTimeField(default=utcnow)
    payment = ForeignKeyField(Payment, null=True, backref="+")
    cancelled_by = ForeignKeyField(User, null=True, backref="+")
    cancelled_at = UTCDateTimeField(null=True)
    cancel_reason = TextField(default="")
    reminded_at = UTCDateTimeField(null=True)
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("state", "due_on"), False), (("customer", "issued_at"), False),
                   (("issued_at",), False))


class PaymentRequestLine(BaseModel):
    """What a request charges for, priced when it was issued: an incident, or a season
    ticket (its size and validity); an incident the new ticket will fund is listed with no
    charge of its own (``from_ticket``)."""

    id = AutoField()
    request = ForeignKeyField(PaymentRequest, backref="lines")
    position = IntegerField()
    kind = EnumField(LineKind, max_length=16)
    incident = ForeignKeyField(Incident, null=True, backref="+")
    from_ticket = BooleanField(default=False)
    description = CharField(max_length=300)
    net_pence = IntegerField(default=0)
    vat_rate_bp = IntegerField(default=0)
    vat_pence = IntegerField(default=0)
    gross_pence = IntegerField(default=0)
    ticket_size = IntegerField(null=True)
    ticket_validity_days = IntegerField(null=True)

    class Meta:
        indexes = ((("request", "position"), True), (("incident",), False))


class BankTransfer(BaseModel):
    """Money that arrived in the office's bank account for a payment request: recorded by
    hand or matched from the bank's statement (``statement_key`` then names the statement
    line, so the same line is never recorded twice). Never changed once written; chained like
    every money row."""

    id = AutoField()
    request = ForeignKeyField(PaymentRequest, backref="transfers")
    received_on = DateField()
    amount_pence = IntegerField()
    bank_reference = CharField(max_length=140, default="")
    statement_key = CharField(max_length=64, null=True, unique=True)
    recorded_by = ForeignKeyField(User, backref="+")
    recorded_at = UTCDateTimeField(default=utcnow)
    prev_hash = CharField(max_length=64)
    row_hash = CharField(max_length=64)

    class Meta:
        indexes = ((("received_on",), False),)


class MailboxState(BaseModel):
    """The support mailbox as the desks share it: which desk fetches (``holder``, until
    ``lease_until``; any desk takes over once that has passed), and how far the folder has
    been read (``uid_validity`` and the last ``last_uid`` stored), so that nothing is taken
    twice, even across restarts."""

    id = AutoField()
    name = CharField(max_length=32, unique=True)
    #: Which server, user and folder ``uid_validity`` and ``last_uid`` belong to: UIDs mean
    #: nothing in another folder, so a changed mailbox is read afresh (its Message-IDs still
    #: stop anything being stored twice).
    mailbox_key = CharField(max_length=700, default="")
    holder = CharField(max_length=200, default="")
    lease_until = UTCDateTimeField(null=True)
    uid_validity = BigIntegerField(null=True)
    last_uid = BigIntegerField(default=0)
    last_fetch_at = UTCDateTimeField(null=True)
    last_error = TextField(default="")


class EmailMessage(BaseModel):
    """One e-mail, in ("in": read from the support mailbox) or out ("out": written at a desk,
    or a document sent).

    An incoming message is ``state`` "filed" (on ``incident``'s timeline), "triage" (waiting
    to be sorted), "held" (its sender flooded the mailbox) or "not_support" (spam, sales). An
    outgoing one is "queued" (to be sent at ``next_attempt_at``), "sending" (a desk has it
    until ``claimed_until``), "sent", or "failed" (given up on; shown until someone sends it
    again or cancels it), or "cancelled". The body is plain text, screened for card numbers
    before it was stored; an HTML-only message's text is read from its HTML.
    """

    id = AutoField()
    direction = CharField(max_length=3)
    state = CharField(max_length=12)
    message_id = CharField(max_length=255, unique=True)
    in_reply_to = CharField(max_length=255, default="")
    reference_ids = TextField(default="")
    uid_validity = BigIntegerField(null=True)
    uid = BigIntegerField(null=True)
    from_address = CharField(max_length=320, default="")
    from_name = CharField(max_length=200, default="")
    to_addresses = TextField(default="")
    cc_addresses = TextField(default="")
    subject = TextField(default="")
    body_text = TextField(default="")
    sent_at = UTCDateTimeField(null=True)
    received_at = UTCDateTimeField(default=utcnow)
    size_bytes = IntegerField(default=0)
    auto_reply = BooleanField(default=False)
    masked = BooleanField(default=False)
    customer = ForeignKeyField(Customer, null=True, backref="+", on_delete="SET NULL")
    contact = ForeignKeyField(Contact, null=True, backref="+", on_delete="SET NULL")
    incident = ForeignKeyField(Incident, null=True, backref="emails")
    note = TextField(default="")
    sorted_by = ForeignKeyField(User, null=True, backref="+")
    sorted_at = UTCDateTimeField(null=True)
    written_by = ForeignKeyField(User, null=True, backref="+")
    attempts = IntegerField(default=0)
    next_attempt_at = UTCDateTimeField(null=True)
    claimed_until = UTCDateTimeField(null=True)
    last_error = TextField(default="")
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("uid_validity", "uid"), False), (("direction", "state", "received_at"), False),
                   (("from_address", "received_at"), False), (("incident",), False))


class EmailAttachment(BaseModel):
    """A file that came with (or went with) an e-mail: kept in the database, so the office's
    one database (and so every backup and copy) holds it, unless it was over the office's
    limit (``data`` None: listed, not kept)."""

    id = AutoField()
    message = ForeignKeyField(EmailMessage, backref="attachments", on_delete="CASCADE")
    position = IntegerField()
    filename = CharField(max_length=255)
    content_type = CharField(max_length=127, default="application/octet-stream")
    size_bytes = IntegerField(default=0)
    data = BlobField(null=True)

    class Meta:
        indexes = ((("message", "position"), True),)


class EmailLink(BaseModel):
    """Which timeline entry shows an e-mail on which incident (a message split into two
    incidents is on both timelines)."""

    id = AutoField()
    message = ForeignKeyField(EmailMessage, backref="links", on_delete="CASCADE")
    incident = ForeignKeyField(Incident, backref="+")
    entry = ForeignKeyField(TimelineEntry, unique=True, backref="+")

    class Meta:
        indexes = ((("message", "incident"), False), (("incident",), False))


ALL_MODELS: list[type[BaseModel]] = [
    User, OfficeSettings, Sequence, ChainHead, CustomerImport, Customer, Contact, Product,
    Module, Contract,
    EnhancementRequest, Incident, IncidentCount, TimelineEntry, CallBack, SeasonTicket, Payment,
    PaymentLine, ContractPayment, CreditNote, CreditNoteLine, TicketLedger, Waiver,
    IncidentFunding,
    EnhancementRequestCustomer,
    Escalation, AuditLog, OfficeDetails, CashCount,
    RefundRequest, CallerLog, PaymentRequest, PaymentRequestLine, BankTransfer,
    MailboxState, EmailMessage, EmailAttachment, EmailLink,
]

#: What the desks keep about this one database rather than about the office: which copy of the
#: office it is, and who has it open. Not office data: copy-to does not carry them to another
#: database, a backup does not count them, a restore writes them afresh.
SESSION_MODELS: list[type[BaseModel]] = [OfficeGeneration, DeskSession]
