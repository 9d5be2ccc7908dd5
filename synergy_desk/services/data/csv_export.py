"""Exporting customers, incidents and payments to CSV files a spreadsheet opens safely.

Each export streams its rows in keyset batches (a million incidents are never held in memory)
into a temporary file beside the target, which replaces the target only when the whole file is
written. Files are UTF-8 with a byte-order mark (so Excel reads accented names), money is a
plain decimal ("75.00"), times are ISO dates and times in the office's time zone, and every
text cell that a spreadsheet would run as a formula is neutralised.

Customers (everyone's personal details) and payments are managers' to export; incidents are
engineers' and managers'. Every export written is in the audit log ("export.customers",
"export.incidents", "export.payments") with who, the period and how many rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from peewee import JOIN, fn

from synergy_desk.domain.csv_cells import neutralise_cell
from synergy_desk.domain.enums import (
    FundingKind,
    IncidentStatus,
    LineKind,
    PaymentMethod,
    Priority,
    Resolution,
)
from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.money import decimal_pence
from synergy_desk.domain.numbers import credit_note_text, receipt_text
from synergy_desk.domain.phones import display_phone
from synergy_desk.domain.zones import utc_start
from synergy_desk.models import tables as t
from synergy_desk.services.common import (
    ENGINEERS,
    MANAGERS,
    Actor,
    audit,
    read_snapshot,
    require,
    retried,
    transaction,
    tuples,
)
from synergy_desk.services.data.files import open_atomically
from synergy_desk.services.incidents.incident_list import IncidentFilter, filter_conditions
from synergy_desk.services.office.office_time import office_zone

__all__ = ["ExportResult", "export_customers", "export_incidents", "export_payments",
           "CUSTOMER_COLUMNS", "INCIDENT_COLUMNS", "PAYMENT_COLUMNS", "BATCH_SIZE"]

#: Rows read per query.
BATCH_SIZE = 2000

ProgressCallback = Callable[[int, int, str], None]

CUSTOMER_COLUMNS = ("Account Code", "Name", "Company", "Address", "Postcode", "Phone", "Email",
                    "Notes", "Contact Name", "Contact Phone", "Contact Email",
                    "Contact Job Title", "Created")
INCIDENT_COLUMNS = ("Reference", "Opened", "Account Code", "Customer", "Contact", "Product",
                    "Module", "Version", "Subject", "Description", "Status", "Priority",
                    "Funding", "Engineer", "Resolution", "Resolution Note", "Resolved", "Closed",
                    "Last Activity")
PAYMENT_COLUMNS = ("Receipt", "Date", "Account Code", "Customer", "Method", "Reference", "Net",
                   "VAT", "Gross", "Refunded", "Credit Notes", "Incidents", "Items", "Taken By")


@dataclass(frozen=True)
class ExportResult:
    path: str
    rows: int


def _when(value: Any, zone: ZoneInfo) -> str:
    """A stored UTC moment as an ISO date and time in the office's zone ("2027-03-12 14:05:00")."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    moment: dt.datetime = value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")


def _bounds(start: dt.date | None, end: dt.date | None,
            zone: ZoneInfo) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The office's days ``start`` to ``end`` (both included) as UTC moments [from, to)."""
    if start is not None and end is not None and end < start:
        raise ValidationError(
            f"The period ends ({end.isoformat()}) before it starts ({start.isoformat()}).",
            "end")
    return (utc_start(start, zone) if start is not None else None,
            utc_start(end + dt.timedelta(days=1), zone) if end is not None else None)


def _write(path: str | os.PathLike[str], header: Sequence[str],
           batches: Iterable[list[list[str]]], total: int,
           progress: ProgressCallback | None, stage: str) -> ExportResult:
    target = Path(path)
    if target.is_dir():
        raise ValidationError(f"{target} is a folder; give the CSV file's name.", "path")
    if not target.parent.is_dir():
        raise ValidationError(f"There is no folder {target.parent} to save {target.name} in.",
                              "path")
    written = 0
    with open_atomically(target) as out:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        out.write(buffer.getvalue().encode("utf-8-sig"))
        for batch in batches:
            buffer.seek(0)
            buffer.truncate()
            writer.writerows([[neutralise_cell(cell) for cell in row] for row in batch])
            out.write(buffer.getvalue().encode("utf-8"))
            written += len(batch)
            if progress is not None:
                progress(written, max(total, written), stage)
    return ExportResult(str(target), written)


def _check_batch_size(batch_size: int) -> int:
    if batch_size < 1:
        raise ValidationError("A batch holds at least one row.", "batch_size")
    return batch_size


# --- customers -------------------------------------------------------------------------------

def _customer_batches(batch_size: int, zone: ZoneInfo) -> Iterator[list[list[str]]]:
    C = t.Customer  # noqa: N806
    last_id = 0
    while True:
        rows = tuples(C.select(C.id, C.account_code, C.name, C.company, C.address, C.postcode,
                               C.phone, C.email, C.notes, C.created_at)
                      .where(C.id > last_id).order_by(C.id).limit(batch_size))
        if not rows:
            return
        ids = [r[0] for r in rows]
        contacts: dict[int, tuple[Any, ...]] = {}
        # The primary contact, else the first added.
        for row in tuples(t.Contact.select(t.Contact.customer, t.Contact.name,
                                           t.Contact.phone, t.Contact.email,
                                           t.Contact.job_title)
                          .where(t.Contact.customer.in_(ids))
                          .order_by(t.Contact.customer, t.Contact.is_primary.desc(),
                                    t.Contact.id)):
            contacts.setdefault(int(row[0]), row)
        out = []
        for (cid, code, name, company, address, postcode, phone, email, notes,
             created) in rows:
            contact = contacts.get(cid)
            out.append([code, name, company, address, postcode, display_phone(phone), email,
                        notes,
                        contact[1] if contact else "",
                        display_phone(contact[2]) if contact else "",
                        contact[3] if contact else "", contact[4] if contact else "",
                        _when(created, zone)])
        yield out
        last_id = ids[-1]


def export_customers(actor: Actor, path: str | os.PathLike[str], *,
                     progress: ProgressCallback | None = None,
                     batch_size: int = BATCH_SIZE) -> ExportResult:
    """Every customer, with the primary contact, as CSV (the headings the import reads back).

    Reads only: it takes no write lock, so other desks carry on saving while it runs.

    Raises:
        PermissionDenied: not a manager (every customer's personal details are managers'
            alone to take out of the office).
        ValidationError: the path is a folder or its folder does not exist.
    """
    # One snapshot of the office: the file is as it stood at one moment, and no desk waits.
    with read_snapshot():
        require(actor, MANAGERS, "export customers")
        size = _check_batch_size(batch_size)
        zone = office_zone()
        total = int(t.Customer.select().count())
        result = _write(path, CUSTOMER_COLUMNS, _customer_batches(size, zone), total,
                        progress, "customers")
    _record_export(actor, "customers", None, None, result.rows)
    return result


@retried
def _record_export(actor: Actor, what: str, start: dt.date | None, end: dt.date | None,
                   rows: int) -> None:
    """The audit row of an export written: who, what ("export.customers"), the period, rows."""
    entity = {"customers": "customer", "incidents": "incident", "payments": "payment"}[what]
    allowed = ENGINEERS if what == "incidents" else MANAGERS
    with transaction():
        require(actor, allowed, f"export {what}")
        audit(actor, f"export.{what}", entity, "", None,
              {"rows": rows, "from": start, "to": end})


# --- incidents -------------------------------------------------------------------------------

def _incident_batches(filt: IncidentFilter | None, lower: dt.datetime | None,
                      upper: dt.datetime | None, batch_size: int,
                      zone: ZoneInfo) -> Iterator[list[list[str]]]:
    I = t.Incident  # noqa: E741, N806
    Engineer = t.User.alias("engineer")  # noqa: N806
    conditions = []
    if filt is not None:
        conditions = filter_conditions(filt)
    if lower is not None:
        conditions.append(I.opened_at >= lower)
    if upper is not None:
        conditions.append(I.opened_at < upper)
    cursor: tuple[Any, int] | None = None
    while True:
        query = (I.select(I.id, I.opened_at, I.reference, t.Customer.account_code,
                          t.Customer.name, t.Contact.name, t.Product.name, t.Module.name,
                          I.product_version, I.subject, I.description, I.status, I.priority,
                          I.funding, Engineer.full_name, I.resolution, I.resolution_note,
                          I.resolved_at, I.closed_at, I.last_activity_at)
                 .join(t.Customer, on=(I.customer == t.Customer.id))
                 .switch(I).join(t.Contact, JOIN.LEFT_OUTER, on=(I.contact == t.Contact.id))
                 .switch(I).join(t.Product, on=(I.product == t.Product.id))
                 .switch(I).join(t.Module, JOIN.LEFT_OUTER, on=(I.module == t.Module.id))
                 .switch(I).join(Engineer, JOIN.LEFT_OUTER, on=(I.engineer == Engineer.id)))
        for condition in conditions:
            query = query.where(condition)
        if cursor is not None:
            # Keyset on (opened, id): the index on both walks straight to the next batch.
            query = query.where((I.opened_at >= cursor[0])
                                & ((I.opened_at > cursor[0]) | (I.id > cursor[1])))
        rows = tuples(query.order_by(I.opened_at, I.id).limit(batch_size))
        if not rows:
            return
        out = []
        for (_id, opened, reference, code, customer, contact, product, module, version,
             subject, description, status, priority, funding, engineer, resolution, note,
             resolved, closed, last) in rows:
            out.append([
                reference, _when(opened, zone), code, customer, contact or "", product,
                module or "", version, subject, description, IncidentStatus(status).label,
                Priority(priority).value.title(), FundingKind(funding).label, engineer or "",
                Resolution(resolution).label if resolution else "", note,
                _when(resolved, zone), _when(closed, zone), _when(last, zone)])
        yield out
        cursor = (rows[-1][1], rows[-1][0])


def export_incidents(actor: Actor, path: str | os.PathLike[str],
                     filter: IncidentFilter | None = None,  # noqa: A002 - the list's word
                     start: dt.date | None = None, end: dt.date | None = None, *,
                     progress: ProgressCallback | None = None,
                     batch_size: int = BATCH_SIZE) -> ExportResult:
    """The incidents (those the list's ``filter`` shows, all by default) opened in the period.

    ``start`` and ``end`` are the office's days, both included; either may be left open.
    Rows come oldest first. Reads only, without a write lock.

    Raises:
        PermissionDenied: reception.
        ValidationError: a period that ends before it starts, or an unusable path.
    """
    # One snapshot of the office: the file is as it stood at one moment, and no desk waits.
    with read_snapshot():
        require(actor, ENGINEERS, "export incidents")
        size = _check_batch_size(batch_size)
        zone = office_zone()
        lower, upper = _bounds(start, end, zone)
        count_query = t.Incident.select()
        if filter is not None:
            for condition in filter_conditions(filter):
                count_query = count_query.where(condition)
        if lower is not None:
            count_query = count_query.where(t.Incident.opened_at >= lower)
        if upper is not None:
            count_query = count_query.where(t.Incident.opened_at < upper)
        # The kept counts would be quicker for the whole table; this is once per export.
        total = int(count_query.count())
        result = _write(path, INCIDENT_COLUMNS,
                        _incident_batches(filter, lower, upper, size, zone), total, progress,
                        "incidents")
    _record_export(actor, "incidents", start, end, result.rows)
    return result


# --- payments --------------------------------------------------------------------------------

def _payment_reference(method: PaymentMethod, brand: str, last4: str, auth: str,
                       bank: str) -> str:
    if method is PaymentMethod.CARD:
        return f"{brand} •••• {last4}, auth {auth}"
    if method is PaymentMethod.BANK_TRANSFER:
        return bank
    return ""


def _payment_batches(lower: dt.datetime | None, upper: dt.datetime | None, batch_size: int,
                     zone: ZoneInfo) -> Iterator[list[list[str]]]:
    P = t.Payment  # noqa: N806
    last_number = 0
    highest: int | None = None
    if lower is not None or upper is not None:
        # The period's first and last receipt numbers, found once along the time index; the
        # batches then walk the numbers between them. Asking each batch for the period's
        # payments in number order would make the database fetch and sort the whole period
        # again for every batch.
        period = P.select(fn.MIN(P.receipt_number), fn.MAX(P.receipt_number))
        if lower is not None:
            period = period.where(P.taken_at >= lower)
        if upper is not None:
            period = period.where(P.taken_at < upper)
        first, last = tuples(period)[0]
        if first is None:
            return
        last_number, highest = int(first) - 1, int(last)

    def in_period(moment: dt.datetime) -> bool:
        return (lower is None or moment >= lower) and (upper is None or moment < upper)

    while True:
        query = (P.select(P.id, P.receipt_number, P.taken_at, t.Customer.account_code,
                          P.customer_name, P.method, P.card_brand, P.card_last4, P.auth_code,
                          P.bank_reference, P.net_pence, P.vat_pence, P.gross_pence,
                          t.User.full_name)
                 .join(t.Customer, on=(P.customer == t.Customer.id))
                 .switch(P).join(t.User, on=(P.taken_by == t.User.id))
                 .where(P.receipt_number > last_number))
        if highest is not None:
            query = query.where(P.receipt_number <= highest)
        fetched = tuples(query.order_by(P.receipt_number).limit(batch_size))
        if not fetched:
            return
        last_number = int(fetched[-1][1])
        # A receipt numbered among the period's but taken outside it (a clock put right).
        rows = [r for r in fetched if in_period(r[2])]
        if not rows:
            continue
        ids = [r[0] for r in rows]
        incidents: dict[int, list[str]] = {i: [] for i in ids}
        items: dict[int, list[str]] = {i: [] for i in ids}
        for pid, kind, reference, size, description in tuples(
                t.PaymentLine.select(t.PaymentLine.payment, t.PaymentLine.kind,
                                     t.Incident.reference, t.SeasonTicket.size,
                                     t.PaymentLine.description)
                .join(t.Incident, JOIN.LEFT_OUTER,
                      on=(t.PaymentLine.incident == t.Incident.id))
                .switch(t.PaymentLine)
                .join(t.SeasonTicket, JOIN.LEFT_OUTER,
                      on=(t.PaymentLine.ticket == t.SeasonTicket.id))
                .where(t.PaymentLine.payment.in_(ids))
                .order_by(t.PaymentLine.payment, t.PaymentLine.position)):
            if LineKind(kind) is LineKind.INCIDENT and reference:
                incidents[pid].append(reference)
                items[pid].append(description)
            elif size:
                items[pid].append(f"Season ticket ({size} incidents)")
            else:
                items[pid].append(description)
        refunded: dict[int, int] = {}
        notes: dict[int, list[str]] = {}
        for pid, number, gross in tuples(
                t.CreditNote.select(t.CreditNote.payment, t.CreditNote.number,
                                    t.CreditNote.gross_pence)
                .where(t.CreditNote.payment.in_(ids)).order_by(t.CreditNote.number)):
            refunded[pid] = refunded.get(pid, 0) + int(gross)
            notes.setdefault(pid, []).append(credit_note_text(int(number)))
        out = []
        for (pid, number, taken_at, code, customer, method, brand, last4, auth, bank, net,
             vat, gross, taken_by) in rows:
            kind = PaymentMethod(method)
            out.append([
                receipt_text(int(number)), _when(taken_at, zone), code, customer, kind.label,
                _payment_reference(kind, brand, last4, auth, bank), decimal_pence(net),
                decimal_pence(vat), decimal_pence(gross), decimal_pence(refunded.get(pid, 0)),
                ", ".join(notes.get(pid, [])), ", ".join(incidents[pid]),
                "; ".join(items[pid]), taken_by])
        yield out


def export_payments(actor: Actor, path: str | os.PathLike[str], start: dt.date | None = None,
                    end: dt.date | None = None, *, progress: ProgressCallback | None = None,
                    batch_size: int = BATCH_SIZE) -> ExportResult:
    """The receipts taken in the period (the office's days, both included), in number order.

    Each row is one receipt: its number, date, customer, method, net, VAT, gross, the amount
    refunded on credit notes, the incidents it paid for and what else it sold.

    Raises:
        PermissionDenied: not a manager (payments are managers' to export).
        ValidationError: a period that ends before it starts, or an unusable path.
    """
    # One snapshot of the office: the file is as it stood at one moment, and no desk waits.
    with read_snapshot():
        require(actor, MANAGERS, "export payments")
        size = _check_batch_size(batch_size)
        zone = office_zone()
        lower, upper = _bounds(start, end, zone)
        count_query = t.Payment.select(fn.COUNT(t.Payment.id))
        if lower is not None:
            count_query = count_query.where(t.Payment.taken_at >= lower)
        if upper is not None:
            count_query = count_query.where(t.Payment.taken_at < upper)
        total = int(count_query.scalar() or 0)
        result = _write(path, PAYMENT_COLUMNS, _payment_batches(lower, upper, size, zone),
                        total, progress, "payments")
    _record_export(actor, "payments", start, end, result.rows)
    return result
