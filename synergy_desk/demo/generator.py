"""Demo data: a small, realistic office in seconds, or a million incidents in a few minutes."""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import heapq
import json
import pickle
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from random import Random
from typing import Any, BinaryIO

import peewee

from synergy_desk.domain.enums import (
    EnhancementStatus,
    EscalationStatus,
    LedgerKind,
    LineKind,
    PaymentMethod,
    Resolution,
    Role,
    WaiverKind,
)
from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.money import format_pence, line_amounts
from synergy_desk.domain.numbers import account_code, incident_reference, receipt_text
from synergy_desk.domain.phones import phone_search_terms
from synergy_desk.domain.timeline import for_customer_by_default
from synergy_desk.models import tables as t
from synergy_desk.models.base import BaseModel, db, utcnow
from synergy_desk.services.common import GENESIS_HASH, audit, snapshot, tuples
from synergy_desk.services.incident_state import recount_all
from synergy_desk.services.mail import inbound
from synergy_desk.services.money.payments import receipt_customer_name

__all__ = ["DEMO_PASSWORD", "DemoSummary", "DemoUser", "ProgressCallback", "generate_demo",
           "SMALL_CUSTOMERS", "SMALL_INCIDENTS", "MAX_INCIDENTS"]

#: Every demo user logs in with this password (the command line prints it).
DEMO_PASSWORD = "synergy-demo"
SMALL_CUSTOMERS = 60
SMALL_INCIDENTS = 250
MAX_INCIDENTS = 50_000_000
MAX_CUSTOMERS = 5_000_000
YEARS_OF_HISTORY = 8

#: ``progress(done, total, stage)``, called as the load goes on (the CLI draws a bar).
ProgressCallback = Callable[[int, int, str], None]

# Incidents written per transaction: big enough that commits cost little, small enough that
# the write-ahead log stays modest and a progress bar moves.
_CHUNK = 20_000
# Rows per executemany call: a million tuples are never held for one statement.
_BATCH = 5_000


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role


@dataclass(frozen=True)
class DemoSummary:
    """What the demo put into the database, and how long it took."""

    users: tuple[DemoUser, ...]
    password: str
    products: int
    customers: int
    contacts: int
    incidents: int
    timeline_entries: int
    payments: int
    season_tickets: int
    contracts: int
    waivers: int
    callbacks: int
    seconds: float


# ---------------------------------------------------------------------------------------------
# The people, places and products of a British software-support office.

_FIRST_NAMES = (
    "Oliver George Harry Jack Jacob Noah Charlie Muhammad Thomas Oscar William James Leo Alfie "
    "Henry Joshua Freddie Archie Ethan Isaac Alexander Joseph Edward Samuel Max Daniel Arthur "
    "Lucas Mohammed Logan Theo Harrison Benjamin Mason Sebastian Finley Adam Dylan Zachary Riley "
    "David Gareth Ian Paul Mark Stephen Andrew Richard Martin Graham Colin Keith Nigel Rhys Owen "
    "Amelia Olivia Isla Emily Poppy Ava Isabella Jessica Lily Sophie Grace Sophia Mia Evie Ruby "
    "Ella Scarlett Isabelle Chloe Sienna Freya Phoebe Charlotte Daisy Alice Florence Eva Sofia "
    "Millie Lucy Evelyn Elsie Rosie Imogen Lola Matilda Elizabeth Layla Holly Lilly Molly Erin "
    "Susan Karen Helen Claire Sarah Joanne Nicola Rachel Julie Deborah Amanda Gillian Siobhan "
    "Priya Aisha Fatima Anjali Sunita Ravi Sanjay Arjun Kwame Chidi Ngozi Tomasz Agnieszka Piotr "
    "Eilidh Morag Hamish Ewan Callum Catrin Dafydd Ffion Sioned Niamh Ciaran Aoife Declan"
).split()

_SURNAMES = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
    "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson "
    "Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen "
    "James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook "
    "Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson "
    "Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali "
    "Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell "
    "Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur "
    "Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks "
    "West Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose "
    "Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster "
    "Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland "
    "Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner Shah "
    "Dean Lane Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross "
    "Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson "
    "Curtis Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin "
    "Sharp Hardy Wheeler Potter Osborne Johnston Gordon Doyle Wallace George Jordan Hutchinson "
    "Okafor Mensah Nowak Kowalski Fernandes Costa Nguyen Chen Wong Ahmadi MacLeod Fraser Evans"
).split()

# (town, county, postcode area, highest district, landline prefix in E.164 national digits).
# The landline prefixes are Ofcom's numbers reserved for drama: they ring nobody.
_TOWNS: tuple[tuple[str, str, str, int, str], ...] = (
    ("Leeds", "West Yorkshire", "LS", 29, "1134960"),
    ("Sheffield", "South Yorkshire", "S", 36, "1144960"),
    ("Nottingham", "Nottinghamshire", "NG", 25, "1154960"),
    ("Leicester", "Leicestershire", "LE", 19, "1164960"),
    ("Bristol", "", "BS", 41, "1174960"),
    ("Reading", "Berkshire", "RG", 31, "1184960"),
    ("Birmingham", "West Midlands", "B", 48, "1214960"),
    ("Edinburgh", "", "EH", 55, "1314960"),
    ("Glasgow", "", "G", 46, "1414960"),
    ("Liverpool", "Merseyside", "L", 38, "1514960"),
    ("Manchester", "Greater Manchester", "M", 35, "1614960"),
    ("Newcastle upon Tyne", "Tyne and Wear", "NE", 30, "1914980"),
    ("London", "", "SE", 28, "2079460"),
    ("London", "", "N", 22, "2079460"),
    ("Cardiff", "", "CF", 24, "2920180"),
    ("Belfast", "County Antrim", "BT", 17, "2896496"),
    ("Harrogate", "North Yorkshire", "HG", 5, "1632960"),
    ("York", "North Yorkshire", "YO", 32, "1632960"),
    ("Chester", "Cheshire", "CH", 4, "1632960"),
    ("Bath", "Somerset", "BA", 2, "1632960"),
    ("Exeter", "Devon", "EX", 4, "1632960"),
    ("Norwich", "Norfolk", "NR", 14, "1632960"),
    ("Cambridge", "Cambridgeshire", "CB", 5, "1632960"),
    ("Oxford", "Oxfordshire", "OX", 4, "1632960"),
    ("Lincoln", "Lincolnshire", "LN", 6, "1632960"),
    ("Carlisle", "Cumbria", "CA", 3, "1632960"),
    ("Shrewsbury", "Shropshire", "SY", 5, "1632960"),
    ("Inverness", "Highland", "IV", 3, "1632960"),
    ("Swansea", "", "SA", 9, "1632960"),
    ("Truro", "Cornwall", "TR", 1, "1632960"),
    ("Canterbury", "Kent", "CT", 4, "1632960"),
    ("Durham", "County Durham", "DH", 7, "1632960"),
)
_MOBILE_PREFIX = "7700900"  # 07700 900xxx, Ofcom's drama range for mobiles
_LANDLINE_PREFIXES = tuple(sorted({town[4] for town in _TOWNS}))
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

_STREETS = (
    "High Street", "Station Road", "Main Street", "Park Road", "Church Road", "Church Street",
    "London Road", "Victoria Road", "Green Lane", "Manor Road", "Church Lane", "Park Avenue",
    "The Avenue", "Queens Road", "New Road", "Grange Road", "Kings Road", "Mill Lane",
    "Highfield Road", "Alexandra Road", "North Street", "Springfield Road", "Albert Road",
    "Market Place", "Chapel Street", "Bridge Street", "West Street", "Windsor Road", "Mill Road",
    "Water Lane", "York Road", "Stanley Road", "St John's Road", "Orchard Close", "Elm Grove",
    "Kirkgate", "Briggate", "Castle Street", "Trinity Street", "Bank Street", "Commercial Street",
)
_BUSINESS_UNITS = ("Unit {n}, {name} Business Park", "Suite {n}, {name} House",
                   "{n} {street}", "{n} {street}", "{n} {street}", "{n} {street}",
                   "{name} Mill, {street}", "Floor {n}, {name} Court")

_TRADES = (
    "Plumbing & Heating", "Accountants", "Joinery", "Dental Practice", "Veterinary Surgery",
    "Solicitors", "Garden Centre", "Bakery", "Motors", "Estate Agents", "Opticians",
    "Builders Merchants", "Print", "Logistics", "Pharmacy", "Electrical", "Roofing", "Catering",
    "Hair & Beauty", "Engineering", "Architects", "Flooring", "Nursery", "Removals", "Tiles",
    "Physiotherapy", "Kitchens", "Brewery", "Travel", "Cleaning Services", "Farm Shop",
    "Wholesale", "Fabrications", "Surveyors", "Haulage", "Bookkeeping", "Interiors",
)
_WORDS = (
    "Pennine", "Northern", "Riverside", "Oakwood", "Highland", "Valley", "Meridian", "Beacon",
    "Castle", "Crown", "Abbey", "Harbour", "Summit", "Heritage", "Parkside", "Albion", "Phoenix",
    "Kingfisher", "Heron", "Lakeland", "Moorland", "Calder", "Aire", "Wharfe", "Severn",
    "Thames", "Tyne", "Clyde", "Mersey", "Trent", "Cotswold", "Dales", "Chiltern", "Fenland",
)
_SUFFIXES = (" Ltd", " Ltd", " Ltd", " Limited", " LLP", " & Co", "", " Group Ltd")
_JOB_TITLES = ("Office Manager", "Director", "Finance Manager", "Bookkeeper", "Practice Manager",
               "Owner", "IT Contact", "Payroll Administrator", "Accounts Assistant",
               "Operations Manager", "Partner", "Receptionist")
_WINDOWS = ("Windows 10", "Windows 11", "Windows Server 2019", "Windows Server 2022")

_STAFF: tuple[tuple[str, str, Role], ...] = (
    ("manager", "Helen Marsh", Role.MANAGER),
    ("reception", "Priya Shah", Role.RECEPTION),
    ("engineer", "Tom Fletcher", Role.ENGINEER),
    ("aisha.khan", "Aisha Khan", Role.ENGINEER),
    ("dafydd.rees", "Dafydd Rees", Role.ENGINEER),
    ("grace.okafor", "Grace Okafor", Role.ENGINEER),
    ("kate.dunn", "Kate Dunn", Role.RECEPTION),
    ("gareth.price", "Gareth Price", Role.MANAGER),
    ("ewan.fraser", "Ewan Fraser", Role.ENGINEER),
    ("sunita.patel", "Sunita Patel", Role.ENGINEER),
    ("sam.riley", "Sam Riley", Role.RECEPTION),
    ("liam.walsh", "Liam Walsh", Role.ENGINEER),
    ("chloe.barker", "Chloe Barker", Role.ENGINEER),
    ("tomasz.nowak", "Tomasz Nowak", Role.ENGINEER),
    ("ruth.holland", "Ruth Holland", Role.ENGINEER),
    ("ifeanyi.mensah", "Ifeanyi Mensah", Role.ENGINEER),
    ("megan.lloyd", "Megan Lloyd", Role.ENGINEER),
    ("callum.reid", "Callum Reid", Role.ENGINEER),
    ("hannah.pearce", "Hannah Pearce", Role.ENGINEER),
    ("arjun.singh", "Arjun Singh", Role.ENGINEER),
    ("niamh.doyle", "Niamh Doyle", Role.ENGINEER),
    ("oliver.gibson", "Oliver Gibson", Role.ENGINEER),
    ("zara.hussain", "Zara Hussain", Role.ENGINEER),
    ("ben.cartwright", "Ben Cartwright", Role.ENGINEER),
    ("fiona.macleod", "Fiona MacLeod", Role.ENGINEER),
    ("joe.atkinson", "Joe Atkinson", Role.ENGINEER),
    ("lucy.chen", "Lucy Chen", Role.ENGINEER),
    ("matt.osborne", "Matt Osborne", Role.ENGINEER),
    ("emma.hart", "Emma Hart", Role.ENGINEER),
    ("rob.sutton", "Rob Sutton", Role.ENGINEER),
    ("jess.moss", "Jess Moss", Role.RECEPTION),
)


@dataclass(frozen=True)
class _ProductSpec:
    name: str
    version: str
    versions: tuple[str, ...]
    modules: tuple[str, ...]
    subjects: tuple[str, ...]
    steps: tuple[str, ...]
    enhancements: tuple[str, ...]


_COMMON_SUBJECTS = (
    "Error 1603 when installing update {v}",
    "Licence key not accepted after reinstall",
    "Very slow since the latest Windows update",
    "Cannot log in: user account locked",
    "Backup fails with 'Access is denied'",
    "Moving the program to a new PC",
    "Data path not found after mapping network drive",
    "Program closes without warning when printing",
    "Error {e} when opening the company",
    "Reports print on the wrong paper size",
    "How do I set up a new user with limited rights?",
    "Emails from the program stuck in outbox",
)
_COMMON_STEPS = (
    "ran the installer as administrator and cleared the Windows Installer cache",
    "re-registered the licence with the new machine code",
    "excluded the data folder from the antivirus real-time scan",
    "restored last night's backup to a test company and compared",
    "rebuilt the data indexes from Tools > Maintenance",
    "checked the event viewer for the crash details",
    "updated the printer driver and reset the default paper size",
    "reset the user's password and cleared the lock",
    "mapped the drive with the full UNC path instead of a letter",
    "set the SMTP port to 587 with STARTTLS",
    "applied the latest hotfix",
    "walked through the user permissions screen",
)

_PRODUCTS: tuple[_ProductSpec, ...] = (
    _ProductSpec(
        "Ledger Accounts", "12.4", ("11.2", "11.8", "12.0", "12.2", "12.3", "12.4"),
        ("Sales Ledger", "Purchase Ledger", "Nominal Ledger", "Bank Reconciliation",
         "VAT Return (MTD)", "Year End"),
        ("VAT return rejected by the HMRC gateway", "Bank feed not importing transactions",
         "Trial balance out by £{a}", "Cannot post invoice: period is locked",
         "Aged debtors report shows wrong totals", "Year-end wizard stops at step {n}",
         "Making Tax Digital connection has expired", "Remittance e-mails not sending",
         "Duplicate supplier after CSV import", "Bank reconciliation won't balance",
         "Sales invoice layout lost the company logo", "Credit note not allocating to invoice",
         "How do I reverse a journal?", "Error {e} posting a batch of purchase invoices"),
        ("re-authorised the HMRC connection under Settings > MTD",
         "cleared the bank feed token and re-linked the account",
         "unlocked the period, posted, and locked it again",
         "ran the data check and fixed the orphaned allocation",
         "re-ran the VAT return after correcting the box 6 journal",
         "edited the invoice layout and re-attached the logo",
         "showed the reversing journal option in the Nominal Ledger"),
        ("Bulk e-mail statements to all customers", "Multi-currency bank accounts",
         "Attach PDFs to purchase invoices", "Recurring journals with end dates",
         "Budget vs actual by department", "Dark mode", "Open Banking feeds for more banks"),
    ),
    _ProductSpec(
        "Payroll Plus", "8.1", ("7.4", "7.6", "7.9", "8.0", "8.1"),
        ("RTI Submissions", "Pensions", "Payslips", "Holiday", "Payroll Year End"),
        ("Payroll export to CSV fails", "FPS submission rejected: error {e}",
         "Pension auto-enrolment file won't upload", "Payslips print blank",
         "P60s show the wrong tax code", "Statutory sick pay calculated wrong",
         "Cannot roll forward to the next pay period", "Holiday accrual not updating",
         "EPS shows the wrong employment allowance", "Student loan plan 2 deductions missing",
         "P45 will not print for a leaver", "Salary sacrifice not reducing NI"),
        ("corrected the tax code and re-ran the period", "re-sent the FPS with the corrected NI category",
         "regenerated the pension file in the provider's new format",
         "set the payslip printer to the A4 tray",
         "rolled back the period and re-entered the timesheets",
         "set the holiday scheme to accrue on hours worked"),
        ("Payslips by e-mail with password", "Pay by BACS file for Monzo Business",
         "Timesheet import from Excel", "Auto-enrolment letters in Welsh",
         "Employee self-service portal"),
    ),
    _ProductSpec(
        "StockMaster", "5.2", ("4.8", "5.0", "5.1", "5.2"),
        ("Goods In", "Barcode Scanning", "Purchase Orders", "Stock Take", "Web Shop Sync"),
        ("Barcode scanner not reading labels", "Stock levels negative after stock take",
         "Purchase order PDF won't generate", "Web shop sync fails with error 500",
         "Goods-in note duplicates lines", "Cannot delete a discontinued product",
         "Reorder report suggests zero quantities", "Label printer prints half a label"),
        ("set the scanner to send a carriage return after each code",
         "re-ran the stock valuation after closing the stock take",
         "renewed the web shop API key", "set the label size to 50 x 25 mm",
         "marked the product inactive instead of deleting it"),
        ("Batch and expiry tracking", "Multiple warehouses", "Shopify two-way sync",
         "Scan to count on a phone"),
    ),
    _ProductSpec(
        "Practice Manager", "3.8", ("3.2", "3.5", "3.7", "3.8"),
        ("Appointments", "Client Records", "SMS Reminders", "Billing"),
        ("Appointment book won't open: database in use", "SMS reminders not sending",
         "Cannot merge duplicate client records", "Invoices show the wrong practitioner",
         "Online booking page shows no free slots", "Calendar colours reset after update"),
        ("closed the stale session on the server", "topped up the SMS credits and re-sent",
         "merged the records from Tools > Duplicates", "re-published the online booking page"),
        ("Two-way SMS replies", "Video consultations", "Waiting-list automation"),
    ),
    _ProductSpec(
        "TillPoint POS", "6.0", ("5.4", "5.6", "5.9", "6.0"),
        ("Tills", "Card Terminal", "End of Day", "Loyalty"),
        ("Card terminal not responding", "Z-read totals don't match the takings",
         "Receipt printer prints gibberish", "Till freezes when scanning a voucher",
         "Loyalty points not added to sales", "Cash drawer won't open"),
        ("re-paired the card terminal over Bluetooth", "set the printer to the ESC/POS driver",
         "re-ran the end of day for the missing till", "reset the drawer kick settings"),
        ("Split payments across cards", "Tips on card payments", "Gift cards"),
    ),
    _ProductSpec(
        "Synergy CRM", "2.3", ("1.9", "2.0", "2.1", "2.2", "2.3"),
        ("Contacts", "Mail Merge", "Outlook Add-in", "Reports"),
        ("Outlook add-in missing from the ribbon", "Mail merge to Word fails with error 5152",
         "Contacts import loses postcodes", "Report designer crashes when saving",
         "Duplicate contacts after Outlook sync"),
        ("re-enabled the add-in under Outlook > COM Add-ins",
         "pointed the merge at the new template folder", "mapped the postcode column on import"),
        ("Microsoft 365 calendar sync", "Custom fields on reports", "GDPR erase wizard"),
    ),
)

#: An incident's version after the changes the services would have made to reach its status.
_VERSIONS = {"awaiting_payment": 1, "queued": 2, "in_progress": 3, "waiting_on_customer": 4,
             "resolved": 4, "closed": 4}
_LABELS = {r.value: r.label for r in Resolution}

# (upper bound of a random number, status) by the age of the incident: old ones are finished.
_StatusTable = tuple[tuple[float, str], ...]
_STATUS_TODAY: _StatusTable = ((0.30, "awaiting_payment"), (0.55, "queued"), (0.85, "in_progress"),
                 (0.90, "waiting_on_customer"), (1.01, "resolved"))
_STATUS_WEEK: _StatusTable = ((0.08, "awaiting_payment"), (0.15, "queued"), (0.35, "in_progress"),
                (0.55, "waiting_on_customer"), (0.95, "resolved"), (1.01, "closed"))
_STATUS_MONTH: _StatusTable = ((0.02, "awaiting_payment"), (0.03, "queued"), (0.08, "in_progress"),
                 (0.18, "waiting_on_customer"), (0.92, "resolved"), (1.01, "closed"))
_STATUS_QUARTER: _StatusTable = ((0.002, "awaiting_payment"), (0.004, "in_progress"),
                   (0.012, "waiting_on_customer"), (0.93, "resolved"), (1.01, "closed"))
_STATUS_HISTORY: _StatusTable = ((0.92, "resolved"), (1.01, "closed"))

_EXTRA_DESCRIPTIONS = (
    "Started after the update last night.", "Happens on every PC in the office.",
    "Only one user affected so far.", "Worked fine until this morning.",
    "They need it working before month end.", "Screenshot of the message to follow by e-mail.",
    "Their IT company has already restarted the server.", "Happens about once a day.",
    "No error message, it just stops responding.", "Started after moving to the new office.",
)
_FIRST_CALLS = (
    "details taken, screenshots to follow.", "took the details; urgent, they cannot invoice.",
    "explained the problem; wants a call back today.", "details as described.",
    "rang from the office, error read out over the phone.", "second time this week.",
)
_CALL_IN = (
    "Customer called back: still seeing the problem after the restart.",
    "Customer rang to say the fix held overnight.",
    "Customer called asking for an update.",
    "Customer called with the exact wording of the error.",
    "Customer phoned: problem returned this morning.",
)
_CALL_OUT = (
    "Called customer and {step}.", "Rang customer back; {step}.",
    "Left a voicemail asking the customer to call back.",
    "Called to check the fix; customer confirmed it is working.",
)
_EMAIL_IN = (
    "Customer sent screenshots of the error and the log file.",
    "Customer e-mailed the export file that fails.", "Customer replied: tried the steps, no change.",
    "Customer confirmed by e-mail that everything works now.",
)
_EMAIL_OUT = (
    "Sent instructions: {step}.", "E-mailed the knowledge-base article KB{n} with the steps.",
    "Sent a link for a remote session.", "Asked the customer for the log file from the data folder.",
)
_NOTES = (
    "Reproduced on the test system with version {v}.", "Checked KB{n}: {step}.",
    "Looks like a permissions problem on the data folder.",
    "Discussed with the team; likely caused by the antivirus.",
    "Waiting for the customer's IT company to grant access.",
)
_REMOTE = (
    "Remote session: {step}.", "Remote session: {step}; tested with the customer.",
    "Remote session to collect the logs and the error details.",
)
_RESOLUTION_NOTES = {
    Resolution.SOLUTION: ("Fixed: {step}.", "Solved: {step}; customer confirmed.",),
    Resolution.WORKAROUND: ("Work-around until the next release: {step}.",
                            "Customer can carry on by doing this instead: {step}.",),
    Resolution.ESCALATED: ("Reproduced on {v}; escalated to development with the steps.",),
    Resolution.UNRESOLVED: ("Customer stopped responding after three attempts.",
                            "Customer decided to restore from backup themselves.",),
    Resolution.OUT_OF_REMIT: ("Customer wanted a custom report built in their data; out of remit.",
                              "Request is bespoke development in the customer's files; out of remit.",),
}
_WAIVER_REASONS = {
    WaiverKind.GOODWILL: ("Long-standing customer; goodwill after a difficult month.",
                          "Problem caused by our own update; no charge."),
    WaiverKind.WARRANTY: ("Within 30 days of installation: covered by warranty.",
                          "Bug in the current release; warranty cover."),
    WaiverKind.INTERNAL: ("Internal test incident.", "Partner reseller; no charge by agreement."),
}
_CALLBACK_NOTES = ("Call back with the result of the test.", "Customer free after 2pm.",
                   "Ring the office manager, not the main line.",
                   "Call back once development have replied.", "Check the overnight backup ran.")


@lru_cache(maxsize=65_536)
def _phone_terms(e164: str) -> tuple[str, ...]:
    return tuple(phone_search_terms(e164))


def _customer_search_body(code: str, name: str, company: str, email: str, postcode: str,
                          phone: str, contacts: Iterable[tuple[str, str, str]]) -> str:
    """What services.search_index.customer_body makes of these values (cheaply, in bulk)."""
    parts = [code, name, company, email, postcode, postcode.replace(" ", "")]
    parts.extend(_phone_terms(phone))
    for c_name, c_email, c_phone in contacts:
        parts.append(c_name)
        parts.append(c_email)
        parts.extend(_phone_terms(c_phone))
    return " | ".join(p.strip().lower() for p in parts if p and p.strip())


# ---------------------------------------------------------------------------------------------
# Money chains.

# Column order of the rows written in bulk. The hashed content of a money row is every column
# but the chain's own (services.integrity), so these name every column of those tables; the
# tests run the tamper check over a demo to hold the two together.
_PAYMENT_COLUMNS = (
    "id", "receipt_number", "customer", "method", "net_pence", "vat_pence", "gross_pence",
    "tendered_pence", "card_brand", "card_last4", "auth_code", "bank_reference", "full_invoice",
    "customer_name", "customer_address", "taken_by", "taken_at")
_LINE_COLUMNS = ("position", "kind", "incident", "ticket", "description", "net_pence",
                 "vat_rate_bp", "vat_pence", "gross_pence")
_LEDGER_COLUMNS = ("id", "ticket", "kind", "delta", "incident", "reason", "user", "created_at")


_METHOD_TEXT = {m.value: m.label.lower() for m in PaymentMethod}
_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _row_hash(prev_hash: str, content: dict[str, Any]) -> str:
    """services.common.row_hash, for content of plain JSON values whose keys are already in
    sorted order at every level: it skips the per-value conversion and the sorting, which
    matter when a big demo hashes a million money rows."""
    return hashlib.sha256(f"{prev_hash}\n{_JSON.encode(content)}".encode()).hexdigest()


@lru_cache(maxsize=256)
def _amounts(net: int, rate_bp: int) -> tuple[int, int, int]:
    """(net, VAT, gross) of a line, computed once per price (prices repeat)."""
    amounts = line_amounts(net, rate_bp)
    return amounts.net_pence, amounts.vat_pence, amounts.gross_pence


def _same(moment: dt.datetime) -> dt.datetime:
    return moment


def _iso(moment: dt.datetime) -> str:
    """A time as canonical_json writes it (done once here rather than per hashed row)."""
    return moment.isoformat(timespec="microseconds")


class _Chain:
    """A tamper-evident chain extended in memory; its head is written once at the end."""

    def __init__(self, name: str) -> None:
        self.name = name
        head = t.ChainHead.get_or_none(t.ChainHead.name == name)
        self.last = head.last_hash if head else GENESIS_HASH
        self.length = head.length if head else 0

    def link_content(self, content: dict[str, Any]) -> tuple[str, str]:
        """Hash the next row's content (as services.integrity builds it) onto the chain."""
        prev = self.last
        new = _row_hash(prev, content)
        self.last = new
        self.length += 1
        return prev, new

    def save(self) -> None:
        updated = (t.ChainHead.update(last_hash=self.last, length=self.length)
                   .where(t.ChainHead.name == self.name).execute())
        if not updated:
            t.ChainHead.insert(name=self.name, last_hash=self.last, length=self.length).execute()


# ---------------------------------------------------------------------------------------------
# Bulk writing.

class _Table:
    """Rows of one table waiting to be written with one executemany per batch."""

    def __init__(self, model: type[BaseModel], names: Sequence[str]) -> None:
        self.model = model
        self.names = tuple(names)
        # A name the model lacks is a column the database keeps itself (the incident's sort
        # names): the load writes them as the database would, so no trigger has to.
        columns = ", ".join(f'"{model._meta.fields[n].column_name}"' if n in model._meta.fields
                            else f'"{n}"' for n in names)
        marks = ", ".join([db.obj.param] * len(names))
        self.sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self.next_id = _next_id(model)

    def take_id(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value

    def take(self) -> tuple[str, list[tuple[Any, ...]]]:
        """The waiting rows, handed over to the writer."""
        rows, self.rows = self.rows, []
        self.written += len(rows)
        return self.sql, rows


_Batch = list[tuple[str, list[tuple[Any, ...]]]]


class _Writer:
    """Writes batches of rows, one transaction each, in a process of its own.

    Building rows is Python work and so is much of writing them (binding every value); in
    two processes the two run on two cores at once, where two threads would take turns at
    the interpreter lock. The process is this module run by the same interpreter, fed
    pickled batches on its standard input; it opens its own connection to the database.
    """

    def __init__(self) -> None:
        database = db.obj
        if isinstance(database, peewee.SqliteDatabase):
            self.target: tuple[str, str, dict[str, Any]] = ("sqlite", database.database, {})
        else:
            self.target = ("postgresql", database.database, dict(database.connect_params))
        self.process: subprocess.Popen[bytes] | None = None
        self.failed = False

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__, _WRITER_FLAG], stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._send(self.target)

    def _send(self, item: object) -> None:
        assert self.process is not None and self.process.stdin is not None
        try:
            pickle.dump(item, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            self._fail()

    def _fail(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        self.failed = True
        if self.process.stdin is not None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
        self.process.wait()
        lines = self.process.stderr.read().decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError("Writing the demo failed: " + (lines[-1] if lines else
                                                           f"exit code {self.process.returncode}"))

    def put(self, batch: _Batch) -> None:
        self._send(batch)

    def finish(self) -> None:
        if self.process is None or self.failed:
            return
        self._send(None)
        assert self.process.stdin is not None
        self.process.stdin.close()
        if self.process.wait() != 0:
            self._fail()


_WRITER_FLAG = "--write-demo-batches"


def _write_batches(stream: BinaryIO) -> None:
    """The writer process: run each batch read from ``stream`` in one transaction."""
    kind, name, params = pickle.load(stream)
    if kind == "sqlite":
        # Durability traded for speed while the demo loads (a crash leaves a half-filled demo
        # either way); every id written is one the generator made, so foreign keys need no
        # checking row by row.
        database: peewee.Database = peewee.SqliteDatabase(
            name, timeout=30, lock_type="IMMEDIATE",
            pragmas={"journal_mode": "wal", "busy_timeout": 30_000, "synchronous": 0,
                     "cache_size": -262_144, "foreign_keys": 0, "temp_store": "memory"})
    else:
        from synergy_desk._lazy_drivers import load_postgres_driver

        load_postgres_driver()
        database = peewee.PostgresqlDatabase(name, **params)
    database.connect()
    try:
        while (batch := pickle.load(stream)) is not None:
            with database.atomic():
                cursor = database.cursor()  # type: ignore[no-untyped-call]
                for sql, rows in batch:
                    for start in range(0, len(rows), _BATCH):
                        cursor.executemany(sql, rows[start:start + _BATCH])
    finally:
        database.close()


def _next_id(model: type[BaseModel]) -> int:
    pk = model._meta.primary_key
    if not isinstance(pk, peewee.AutoField):
        return 0
    highest = model.select(peewee.fn.MAX(pk)).scalar()
    return int(highest or 0) + 1


def _is_sqlite() -> bool:
    return isinstance(db.obj, peewee.SqliteDatabase)


# ---------------------------------------------------------------------------------------------
# The generator.

@dataclass
class _Customer:
    id: int
    name: str
    address: str
    joined: dt.datetime
    style: str  # "pay", "ticket" or "contract"
    products: tuple[int, ...]
    contacts: tuple[int, ...]
    contact_names: tuple[str, ...]
    contracts: list[tuple[dt.datetime, dt.datetime, int, int | None]] = field(default_factory=list)
    ticket: list[Any] | None = None  # [ticket id, balance, size, expires_at, used]
    last_incident: int = 0
    #: The name as the customer table holds it (``name`` is the receipt's).
    list_name: str = ""


@dataclass
class _Product:
    id: int
    spec: _ProductSpec
    modules: tuple[int, ...]
    subjects: tuple[str, ...]
    steps: tuple[str, ...]
    enhancements: list[int | None]


class _Generator:
    writer: _Writer

    def __init__(self, customers: int, incidents: int, timeline: int, seed: int,
                 progress: ProgressCallback | None) -> None:
        self.n_customers = customers
        self.n_incidents = incidents
        self.per_incident = timeline
        self.seed = seed
        self.rng = Random(seed)
        self.r = self.rng.random
        self.progress = progress
        self.now = utcnow().replace(second=0, microsecond=0)
        # A small office has a few months of history; a big one the full eight years.
        days = min(round(365.25 * YEARS_OF_HISTORY), max(60, incidents // 3))
        self.start = self.now - dt.timedelta(days=days)
        self.counts: dict[str, int] = {}
        # Times go to SQLite as text (as its driver would write them, without a Python
        # adapter call per value) and to PostgreSQL as datetimes.
        self.ts: Callable[[dt.datetime], Any] = str if _is_sqlite() else _same

    # -- helpers --------------------------------------------------------------------------------
    def pick(self, seq: Sequence[Any]) -> Any:
        return seq[int(self.r() * len(seq))]

    def tell(self, done: int, total: int, stage: str) -> None:
        if self.progress is not None:
            self.progress(done, total, stage)

    def fill(self, template: str, product: _Product) -> str:
        if "{" not in template:
            return template
        r = self.r
        return template.format(
            v=product.spec.versions[int(r() * len(product.spec.versions))],
            e=1000 + int(r() * 9000), a=f"{int(r() * 900) + 1}.{int(r() * 100):02d}",
            n=int(r() * 900) + 100, step=product.steps[int(r() * len(product.steps))])

    def incident_price(self, when: dt.datetime) -> int:
        """The per-incident price (net) at a time: the office put it up every two years."""
        years_ago = (self.now - when).days // 730
        return max(self.settings_price - 500 * years_ago, 4000)

    def ticket_price(self, when: dt.datetime) -> int:
        years_ago = (self.now - when).days // 730
        return max(self.settings_ticket_price - 500 * years_ago, 3500)

    # -- set-up ---------------------------------------------------------------------------------
    def setup_office(self) -> None:
        from synergy_desk.services.office.office_details import record_details
        from synergy_desk.services.people.users import hash_password

        settings = t.OfficeSettings.select().first()
        if settings is None:
            settings = t.OfficeSettings.create()
        if not settings.company_name:
            details = {"company_name": "Pennine Software Support Ltd",
                       "address": "Unit 4, Calder Park\nDenby Dale Road\nWakefield\nWF4 3BA",
                       "vat_number": "GB 284 7716 39", "phone": "+441134960000",
                       "email": "support@penninesupport.example"}
            # An account customers can pay by transfer (the sort code and account number of
            # the banks' published examples; the IBAN is the standard's own example).
            bank = {"bank_account_name": "Pennine Software Support Ltd",
                    "bank_sort_code": "20-20-15", "bank_account_number": "55555555",
                    "bank_iban": "GB33 BUKB 2020 1555 5555 55", "bank_bic": "BUKBGB22"}
            before = dict(settings.__data__)
            (t.OfficeSettings.update(**details, **bank, version=t.OfficeSettings.version + 1)
             .where(t.OfficeSettings.id == settings.id).execute())
            settings = t.OfficeSettings.get_by_id(settings.id)
            # In the audit log like a change made in the settings window, so the tamper check
            # compares the office's details with what the program wrote.
            if t.OfficeDetails.select().exists():
                record_details(None, before, settings)
            audit(None, "settings.update", "settings", settings.id,
                  {**{k: before[k] for k in {**details, **bank}}, "version": before["version"]},
                  {**details, **bank, "version": settings.version})
        settings = t.OfficeSettings.get_by_id(settings.id)
        self.settings_price = settings.incident_price_pence
        self.settings_ticket_price = settings.ticket_incident_price_pence
        self.vat_rate = settings.vat_rate_bp if settings.vat_registered else 0
        self.ticket_size = settings.ticket_default_size
        self.ticket_days = settings.ticket_validity_days
        self.company_name = settings.company_name

        big = self.n_incidents > 5_000
        engineers = max(4, min(26, self.n_incidents // 40_000)) if big else 4
        wanted = [s for s in _STAFF if s[2] is not Role.ENGINEER][: (5 if big else 3)]
        wanted += [s for s in _STAFF if s[2] is Role.ENGINEER][:engineers]
        password_hash = hash_password(DEMO_PASSWORD)  # hashed once: argon2 is slow on purpose
        taken = {u.username for u in t.User.select(t.User.username)}
        created: list[DemoUser] = []
        for username, full_name, role in wanted:
            if username in taken:
                continue
            user = t.User.create(username=username, full_name=full_name, role=role.value,
                                 password_hash=password_hash, created_at=self.start)
            audit(None, "user.create", "user", user.id, None, snapshot(user))
            created.append(DemoUser(username, full_name, role))
        self.demo_users = tuple(created)
        self.users_by_role: dict[Role, list[int]] = {r: [] for r in Role}
        self.user_names: dict[int, str] = {}
        for user in t.User.select().where(t.User.active == True):  # noqa: E712
            self.users_by_role[Role(user.role)].append(user.id)
            self.user_names[user.id] = user.full_name
        if not self.users_by_role[Role.MANAGER]:
            raise ValidationError("The demo needs a manager; none could be created.")
        if not self.users_by_role[Role.ENGINEER]:
            self.users_by_role[Role.ENGINEER] = list(self.users_by_role[Role.MANAGER])
        if not self.users_by_role[Role.RECEPTION]:
            self.users_by_role[Role.RECEPTION] = list(self.users_by_role[Role.MANAGER])
        self.managers = self.users_by_role[Role.MANAGER]
        self.engineers = self.users_by_role[Role.ENGINEER]
        self.reception = self.users_by_role[Role.RECEPTION]
        # A few engineers take most of the calls, as in any office.
        self.engineer_pool = [e for i, e in enumerate(self.engineers) for _ in range(1 + i % 3)]

        self.products: list[_Product] = []
        made = 0
        for spec in _PRODUCTS:
            product = t.Product.get_or_none(t.Product.name == spec.name)
            if product is None:
                product = t.Product.create(name=spec.name, current_version=spec.version)
                made += 1
            module_ids = []
            for module_name in spec.modules:
                module = t.Module.get_or_none((t.Module.product == product.id)
                                              & (t.Module.name == module_name))
                if module is None:
                    module = t.Module.create(product=product.id, name=module_name)
                module_ids.append(module.id)
            self.products.append(_Product(
                product.id, spec, tuple(module_ids), spec.subjects + _COMMON_SUBJECTS[:6],
                spec.steps + _COMMON_STEPS, [None] * len(spec.enhancements)))
        self.counts["products"] = made
        self.product_by_id = {p.id: p for p in self.products}

    # -- customers ------------------------------------------------------------------------------
    def make_customers(self) -> None:
        r, pick = self.r, self.pick
        span = (self.now - self.start).total_seconds()
        customers = _Table(t.Customer, ("id", "account_code", "name", "company", "address",
                                        "postcode", "email", "phone", "notes", "created_at",
                                        "updated_at", "version"))
        contacts = _Table(t.Contact, ("id", "customer", "name", "job_title", "email", "phone",
                                      "is_primary", "created_at"))
        contracts = _Table(t.Contract, ("id", "customer", "reference", "product", "starts_on",
                                        "ends_on", "notes", "cancelled", "created_by",
                                        "created_at"))
        search: list[tuple[int, str]] = []
        first_code = int(t.Sequence.select(t.Sequence.last_value)
                         .where(t.Sequence.name == "customer").scalar() or 0) + 1
        self.customers: list[_Customer] = []
        self.customer_index: dict[int, int] = {}
        self.phones_taken: dict[str, int] = {}
        n = self.n_customers
        # A fifth of the customers were there from the start; the rest joined steadily since.
        joined = sorted(self.start + dt.timedelta(seconds=span * 0.97 * r() if i >= n // 5 else 0)
                        for i in range(n))
        contract_count = 0
        managers = self.managers
        for i in range(n):
            cid = customers.take_id()
            town, county, area, districts, landline = pick(_TOWNS)
            postcode = (f"{area}{1 + int(r() * districts)} {int(r() * 10)}"
                        f"{pick(_POSTCODE_LETTERS)}{pick(_POSTCODE_LETTERS)}")
            street = pick(_STREETS)
            first, last = pick(_FIRST_NAMES), pick(_SURNAMES)
            business = r() < 0.8
            if business:
                roll = r()
                if roll < 0.35:
                    trading = f"{last} {pick(_TRADES)}"
                elif roll < 0.6:
                    trading = f"{pick(_WORDS)} {pick(_TRADES)}"
                elif roll < 0.8:
                    trading = f"{last} & {pick(_SURNAMES)}"
                else:
                    trading = f"{town.split()[0]} {pick(_TRADES)}"
                name = trading
                company = trading + pick(_SUFFIXES)
                slug = "".join(ch for ch in trading.lower() if ch.isalnum())[:24]
                email = f"{pick(('info', 'accounts', 'office', 'admin', 'hello'))}@{slug}.example"
                line1 = pick(_BUSINESS_UNITS).format(n=1 + int(r() * 40), name=pick(_WORDS),
                                                     street=street)
            else:
                name = f"{first} {last}"
                company = ""
                slug = f"{first}{last}".lower().replace("'", "")
                email = f"{first}.{last}{int(r() * 90) + 10}@mail.example".lower().replace("'", "")
                line1 = f"{1 + int(r() * 180)} {street}"
            address = "\n".join(p for p in (line1, town, county) if p)
            if landline == "1632960" or r() < 0.3:
                landline = pick(_LANDLINE_PREFIXES)
            phone = self.phone(landline)
            when = joined[i]
            notes = ""
            if r() < 0.1:
                notes = pick(("Prefers e-mail.", "Pays by bank transfer only.",
                              "Ask for the office manager.", "Closed on Wednesdays.",
                              "Has their own IT company: check before remote sessions."))
            code = account_code(first_code + i)
            customers.rows.append((cid, code, name, company, address, postcode, email, phone,
                                   notes, when, when, 1))
            # Contacts: the account holder, and for a business one or two colleagues.
            contact_rows: list[tuple[str, str, str]] = []
            ids = []
            how_many = 1 if not business else 1 + (r() < 0.45) + (r() < 0.15)
            for k in range(how_many):
                if k == 0 and not business:
                    c_first, c_last = first, last
                else:
                    c_first, c_last = pick(_FIRST_NAMES), pick(_SURNAMES)
                c_name = f"{c_first} {c_last}"
                c_email = (f"{c_first}.{c_last}@{slug}.example".lower().replace("'", "")
                           if business else email)
                c_phone = self.phone(_MOBILE_PREFIX if r() < (0.05 if business else 0.3)
                                     else landline)
                contact_id = contacts.take_id()
                ids.append(contact_id)
                contacts.rows.append((contact_id, cid, c_name,
                                      pick(_JOB_TITLES) if business else "", c_email, c_phone,
                                      k == 0, when))
                contact_rows.append((c_name, c_email, c_phone))
            search.append((cid, _customer_search_body(code, name, company, email, postcode, phone,
                                                      contact_rows)))
            n_products = 1 + (r() < 0.35) + (r() < 0.1)
            products = tuple({pick(self.products).id for _ in range(n_products)})
            style_roll = r()
            style = "contract" if style_roll < 0.1 else "ticket" if style_roll < 0.45 else "pay"
            # As a receipt names and addresses the customer (services.payments).
            receipt_name = receipt_customer_name(name, company)
            customer = _Customer(cid, receipt_name[:200], address + "\n" + postcode, when, style,
                                 products, tuple(ids), tuple(c[0] for c in contact_rows),
                                 list_name=name)
            if style == "contract":
                # Renewed each year from joining; some let it lapse after a few years.
                years = 1 + int(r() * YEARS_OF_HISTORY)
                product_id = products[0] if r() < 0.5 else None
                begin = when.date()
                for year in range(years):
                    contract_id = contracts.take_id()
                    starts = begin + dt.timedelta(days=365 * year)
                    if starts > self.now.date():
                        break
                    ends = starts + dt.timedelta(days=364)
                    contract_count += 1
                    contracts.rows.append((
                        contract_id, cid, f"SC-{starts.year}-{contract_count:05d}", product_id,
                        starts, ends, "Annual support contract" if year == 0 else "Renewal",
                        False, pick(managers), dt.datetime.combine(starts, dt.time(9))))
                    customer.contracts.append((
                        dt.datetime.combine(starts, dt.time()),
                        dt.datetime.combine(ends, dt.time(23, 59)), contract_id, product_id))
            self.customers.append(customer)
            self.customer_index[cid] = i
            if len(customers.rows) >= _CHUNK:
                self._write_customers(customers, contacts, contracts, search)
                search = []
                self.tell(i + 1, n, "customers")
        self._write_customers(customers, contacts, contracts, search)
        self.tell(n, n, "customers")
        self.counts.update(customers=customers.written, contacts=contacts.written,
                           contracts=contracts.written)
        self.last_code = first_code + n - 1

    def _write_customers(self, customers: _Table, contacts: _Table, contracts: _Table,
                         search: list[tuple[int, str]]) -> None:
        param = db.obj.param
        self.writer.put([customers.take(), contacts.take(), contracts.take(),
                         (f"INSERT INTO customer_search (rowid, body) VALUES ({param}, {param})",
                          search)])

    def phone(self, prefix: str) -> str:
        """The next number of a drama range, in E.164 as the services store phones.

        Each range holds only a thousand numbers, so they are dealt out in turn (in a shuffled
        order) rather than at random: in a big demo every number is shared by as few
        customers as can be, and a caller's whole number finds a short list.
        """
        taken = self.phones_taken.get(prefix, 0)
        self.phones_taken[prefix] = taken + 1
        return f"+44{prefix}{(taken * 389 + 17) % 1000:03d}"

    def set_sequence(self, name: str, value: int) -> None:
        updated = (t.Sequence.update(last_value=value).where(t.Sequence.name == name).execute())
        if not updated:
            t.Sequence.insert(name=name, last_value=value).execute()

    # -- incidents ------------------------------------------------------------------------------
    def opened_times(self) -> list[int]:
        """Seconds after ``start`` at which each incident was opened, in order.

        Office hours on working days, busier as the office grew; none in the future.
        """
        r = self.r
        base = dt.datetime.combine(self.start.date(), dt.time())
        days: list[int] = []
        weights: list[float] = []
        total_days = (self.now.date() - base.date()).days
        for d in range(total_days + 1):
            weekday = (base + dt.timedelta(days=d)).weekday()
            if weekday >= 6:
                continue
            days.append(d)
            # Saturdays are quiet; the office took on more customers every year.
            weights.append((0.15 if weekday == 5 else 1.0) * (0.5 + d / max(total_days, 1)))
        cum: list[float] = []
        running = 0.0
        for w in weights:
            running += w
            cum.append(running)
        picks = self.rng.choices(days, cum_weights=cum, k=self.n_incidents)
        offset = int((base - self.start).total_seconds())
        latest = int((self.now - self.start).total_seconds()) - 120
        out = []
        for d in picks:
            # 08:00 to 18:00, busiest in the morning.
            seconds = offset + d * 86_400 + 28_800 + int(36_000 * r() ** 1.25)
            if seconds > latest:
                seconds = latest - int(r() * 7_200)
            out.append(max(seconds, 0))
        out.sort()
        return out

    def make_incidents(self) -> None:
        r, pick, rng = self.r, self.pick, self.rng
        now, start = self.now, self.start
        second = dt.timedelta(seconds=1)
        n = self.n_incidents
        self.tell(0, n, "incidents")
        opened_seconds = self.opened_times()
        joined_seconds = [int((c.joined - start).total_seconds()) for c in self.customers]

        tables = self.tables = {
            "request": _Table(t.EnhancementRequest, (
                "id", "product", "title", "description", "status", "customer_count",
                "created_by", "created_at", "updated_at")),
            "incident": _Table(t.Incident, (
                "id", "number", "reference", "customer", "contact", "product", "module",
                "product_version", "subject", "description", "status", "priority", "engineer",
                "funding", "contract", "funded_at", "work_started_at", "resolution",
                "resolution_note", "resolved_at", "resolved_by", "closed_at",
                "enhancement_request", "split_from", "merged_into", "reopen_count", "opened_at",
                "last_activity_at", "created_by", "version", "customer_name", "product_name",
                "engineer_name")),
            "timeline": _Table(t.TimelineEntry, (
                "id", "incident", "kind", "author", "occurred_at", "duration_seconds", "text",
                "moved_from", "created_at", "for_customer")),
            "ticket": _Table(t.SeasonTicket, (
                "id", "customer", "size", "price_pence", "purchased_at", "expires_at",
                "created_by")),
            "payment": _Table(t.Payment, _PAYMENT_COLUMNS + ("prev_hash", "row_hash")),
            "payment_line": _Table(t.PaymentLine, ("id", "payment") + _LINE_COLUMNS),
            "ledger": _Table(t.TicketLedger, _LEDGER_COLUMNS + ("prev_hash", "row_hash")),
            "waiver": _Table(t.Waiver, (
                "id", "incident", "kind", "reason", "granted_by", "granted_at", "revoked_at")),
            "funding": _Table(t.IncidentFunding, (
                "id", "incident", "kind", "payment_line", "ticket_entry", "contract", "waiver",
                "active", "created_by", "created_at", "ended_at", "ended_reason")),
            "escalation": _Table(t.Escalation, (
                "id", "incident", "product", "product_version", "steps_to_reproduce", "status",
                "development_response", "created_by", "created_at", "updated_at")),
            "request_customer": _Table(t.EnhancementRequestCustomer, (
                "id", "request", "customer", "incident", "added_by", "added_at")),
            "callback": _Table(t.CallBack, (
                "id", "customer", "incident", "contact", "due_at", "note", "created_by",
                "created_at", "done_at", "done_by", "outcome")),
        }
        self.search_rows: list[tuple[int, str]] = []
        self.payment_chain = _Chain("payment")
        self.ledger_chain = _Chain("ticket_ledger")
        self.receipt_number = int(t.Sequence.select(t.Sequence.last_value)
                                  .where(t.Sequence.name == "receipt").scalar() or 0)
        self.ticket_expiries: list[tuple[dt.datetime, int, int]] = []
        self.ticket_state: dict[int, list[Any]] = {}
        self.request_customers: dict[int, set[int]] = {}
        first_number = int(t.Sequence.select(t.Sequence.last_value)
                           .where(t.Sequence.name == "incident").scalar() or 0) + 1
        incident_table = tables["incident"]
        timeline_table = tables["timeline"]
        self.first_incident = (incident_table.next_id, first_number)
        per = self.per_incident
        owed = 0  # timeline entries still to hand out so the total comes out exact
        reception, engineers = self.reception, self.engineer_pool
        ts = self.ts
        span = max(1.0, (now - start).total_seconds())
        n_customers = len(self.customers)
        always = max(1, n_customers // 5)
        busiest = max(opened_seconds, default=0)
        for i in range(n):
            iid = incident_table.take_id()
            number = first_number + i
            ref = incident_reference(number)
            offset = opened_seconds[i]
            opened = start + offset * second
            if self.ticket_expiries and self.ticket_expiries[0][0] <= opened:
                self.expire_tickets(opened)
            # Customers who joined by then; long-standing ones ring more often.
            m = max(always, bisect.bisect_right(joined_seconds, offset))
            customer = self.customers[min(int(m * r() ** 1.3), m - 1)]
            product = self.product_by_id[pick(customer.products)]
            spec = product.spec
            k = int(r() * len(customer.contacts))
            contact_id = customer.contacts[k]
            contact_first = customer.contact_names[k].split()[0]
            module_id = pick(product.modules) if r() < 0.75 else None
            frac = offset / span
            vi = min(len(spec.versions) - 1, int(frac * len(spec.versions)))
            version = spec.versions[max(0, vi - (r() < 0.3))]
            subject = self.fill(pick(product.subjects), product)
            description = (f"{contact_first} reports: {subject[0].lower()}{subject[1:]}. "
                           f"{pick(_EXTRA_DESCRIPTIONS)} Running {spec.name} {version} on "
                           f"{pick(_WINDOWS)}.")
            age_days = (now - opened).total_seconds() / 86_400
            # How far the work has gone counts from the office's last working day, not from
            # now: on a Sunday or a Monday morning, Friday's calls are still the newest work.
            status = self.pick_status((busiest - offset) / 86_400)
            roll = r()
            priority = ("normal" if roll < 0.75 else "high" if roll < 0.88 else "low"
                        if roll < 0.97 else "urgent")
            created_by = pick(reception) if r() < 0.8 else pick(engineers)

            resolution: str | None = None
            if status == "resolved":
                roll = r()
                resolution = ("solution" if roll < 0.6 else "workaround" if roll < 0.8
                              else "enhancement" if roll < 0.91 else "escalated")
            elif status == "closed":
                roll = r()
                resolution = ("unresolved" if roll < 0.55 else "out_of_remit" if roll < 0.75
                              else "merged")
                if resolution == "merged" and not customer.last_incident:
                    resolution = "unresolved"
            merged_into = customer.last_incident if resolution == "merged" else None
            split_from = (customer.last_incident
                          if resolution != "merged" and customer.last_incident and r() < 0.01
                          else None)

            # When things happened.
            if resolution is not None:
                hours = min(rng.lognormvariate(2.3, 1.4), 24 * 60.0, age_days * 24 * 0.9)
                if resolution in ("merged", "out_of_remit"):
                    hours = min(hours, 24.0 * r() + 0.2, age_days * 24 * 0.9)
                end = opened + dt.timedelta(seconds=int(3600 * max(hours, 0.1)))
            else:
                end = opened + dt.timedelta(
                    seconds=int((now - opened).total_seconds() * (0.3 + 0.6 * r())))
            funded = status != "awaiting_payment" and resolution != "merged"
            funded_at = opened + dt.timedelta(seconds=120 + int(r() * 600)) if funded else None
            if funded_at is not None and funded_at > end:
                funded_at = opened + (end - opened) / 3
            engineer: int | None = None
            work_started: dt.datetime | None = None
            if status in ("in_progress", "waiting_on_customer", "resolved") or (
                    status == "closed" and resolution != "merged"):
                engineer = pick(engineers)
                base = funded_at or opened
                work_started = base + (end - base) * (0.05 + 0.2 * r())
            elif status == "queued" and r() < 0.5:
                engineer = pick(engineers)
            elif resolution == "merged":
                engineer = pick(engineers)

            funding_kind = "none"
            contract_id: int | None = None
            extra_entries: list[tuple[str, str, int]] = []  # (kind, text, author) after the call
            handed_back = False
            if funded:
                assert funded_at is not None
                funding_kind, contract_id, note = self.fund(
                    iid, ref, subject, customer, product.id, funded_at, created_by,
                    resolution == "out_of_remit", end)
                extra_entries.append(("system", note, created_by))
                if resolution == "out_of_remit":
                    handed_back = funding_kind != "contract"
            if handed_back:
                funding_kind, contract_id, funded_at_value = "none", None, None
            else:
                funded_at_value = funded_at
            if work_started is not None:
                assert engineer is not None
                extra_entries.append(("system", f"Work started by {self.user_names[engineer]}.",
                                      engineer))

            resolved_at = resolved_by = closed_at = None
            note = ""
            request_id: int | None = None
            closing: tuple[str, str, int] | None = None
            if resolution is not None:
                who = engineer or created_by
                if resolution == "enhancement":
                    request_id, title = self.enhancement(product, customer.id, iid, who, end)
                    note = ("Not a feature of the product; added to the enhancement request "
                            f"“{title}”.")
                else:
                    note = self.resolution_note(resolution, product, merged_into)
                if resolution in ("solution", "workaround", "enhancement", "escalated"):
                    resolved_at, resolved_by = end, who
                    closing = ("system", f"Resolved — {_LABELS[resolution]}: {note}", who)
                else:
                    closed_at = end
                    if resolution == "unresolved":
                        closing = ("system", f"Closed unresolved by {self.user_names[who]}: "
                                             f"{note}", who)
                    elif resolution == "out_of_remit":
                        closing = ("system", f"Closed as out of remit by "
                                             f"{self.user_names[who]}: {note}", who)
                if resolution == "escalated":
                    self.escalation(iid, product, version, subject, who, end)
            elif status == "waiting_on_customer":
                closing = ("system", "Waiting on the customer: " + self.fill(
                    pick(_EMAIL_OUT), product), engineer or created_by)

            # The timeline: the call that opened it, the work, the outcome.
            if status == "awaiting_payment":
                want = 1
            elif resolution == "merged":
                want = 2
            elif status == "queued":
                want = 2
            else:
                want = max(2, per + int(r() * 5) - 2) + max(-2, min(2, owed))
            if i == n - 1:
                want = per + owed
            want = max(1, want)
            owed += per - want
            entries = self.timeline(
                iid, contact_first, product, subject, description, opened, end, want,
                created_by, engineer, extra_entries, closing, split_from, merged_into,
                funded_at if funded else None)
            last_activity = entries[-1][4]

            reopen_count = 1 if resolution and resolution not in (
                "merged", "out_of_remit") and r() < 0.03 else 0
            version_no = _VERSIONS[status] + 2 * reopen_count + handed_back
            incident_table.rows.append((
                iid, number, ref, customer.id, contact_id, product.id, module_id, version,
                subject, description, status, priority, engineer, funding_kind, contract_id,
                None if funded_at_value is None else ts(funded_at_value),
                None if work_started is None else ts(work_started), resolution, note,
                None if resolved_at is None else ts(resolved_at), resolved_by,
                None if closed_at is None else ts(closed_at), request_id, split_from,
                merged_into, reopen_count, ts(opened), last_activity, created_by, version_no,
                customer.list_name, product.spec.name,
                "" if engineer is None else self.user_names[engineer]))
            timeline_table.rows.extend(entries)
            self.search_rows.append((iid, "\n".join(
                [ref, subject, description] + [e[6] for e in entries if e[6]])))
            self.callback(iid, customer, contact_id, status, opened, end, created_by, engineer)
            customer.last_incident = iid
            if len(incident_table.rows) >= _CHUNK:
                self.write_chunk()
                self.tell(i + 1, n, "incidents")
        self.expire_tickets(now)
        self.write_chunk()
        self.tell(n, n, "incidents")
        for name, table in tables.items():
            self.counts[name] = table.written
        self.last_number = first_number + n - 1 if n else 0

    def finish(self) -> None:
        """Counters, chain heads, counts and the audit row (inside the caller's transaction)."""
        self.set_sequence("customer", self.last_code)
        if self.last_number:
            self.set_sequence("incident", self.last_number)
        if self.receipt_number:
            self.set_sequence("receipt", self.receipt_number)
        self.payment_chain.save()
        self.ledger_chain.save()
        for request_id, customers in self.request_customers.items():
            (t.EnhancementRequest.update(customer_count=len(customers))
             .where(t.EnhancementRequest.id == request_id).execute())
        recount_all()
        audit(None, "demo.generate", "database", "", None,
              {"customers": self.counts.get("customers", 0),
               "incidents": self.counts.get("incident", 0),
               "timeline_entries": self.counts.get("timeline", 0), "seed": self.seed})

    def ref_of(self, iid: int) -> str:
        first_id, first_number = self.first_incident
        return incident_reference(iid - first_id + first_number)

    def pick_status(self, age_days: float) -> str:
        x = self.r()
        if age_days < 1:
            table = _STATUS_TODAY
        elif age_days < 7:
            table = _STATUS_WEEK
        elif age_days < 30:
            table = _STATUS_MONTH
        elif age_days < 120:
            table = _STATUS_QUARTER
        else:
            table = _STATUS_HISTORY
        for limit, status in table:
            if x < limit:
                return status
        return table[-1][1]

    def write_chunk(self) -> None:
        param = db.obj.param
        batch = [table.take() for table in self.tables.values()]
        batch.append((f"INSERT INTO incident_search (rowid, body) VALUES ({param}, {param})",
                      self.search_rows))
        self.search_rows = []
        self.writer.put(batch)

    # -- funding --------------------------------------------------------------------------------
    def fund(self, iid: int, ref: str, subject: str, customer: _Customer, product_id: int,
             at: dt.datetime, user: int, out_of_remit: bool,
             end: dt.datetime) -> tuple[str, int | None, str]:
        """Fund an incident the way this customer pays; returns (kind, contract, timeline note)."""
        r = self.r
        funding = self.tables["funding"]
        if r() < 0.02:
            kind = WaiverKind.GOODWILL if r() < 0.6 else WaiverKind.WARRANTY
            manager = self.pick(self.managers)
            waiver_id = self.tables["waiver"].take_id()
            reason = self.pick(_WAIVER_REASONS[kind])
            revoked = end if out_of_remit else None
            self.tables["waiver"].rows.append((waiver_id, iid, kind.value, reason, manager, at,
                                               revoked))
            funding.rows.append(self.funding_row(iid, "waiver", None, None, None, waiver_id,
                                                 manager, at, end if out_of_remit else None,
                                                 "Out of remit" if out_of_remit else ""))
            return ("waiver", None,
                    f"Charge waived by {self.user_names[manager]} ({kind.value}): {reason}")
        if customer.style == "contract":
            day = at
            for starts, ends, contract_id, contract_product in customer.contracts:
                if starts <= day <= ends and contract_product in (None, product_id):
                    funding.rows.append(self.funding_row(iid, "contract", None, None,
                                                         contract_id, None, user, at, None, ""))
                    return "contract", contract_id, "Covered by the customer's support contract."
        if customer.style == "ticket":
            entry_id, text = self.redeem_ticket(iid, customer, at, user)
            ended = end if out_of_remit else None
            funding.rows.append(self.funding_row(
                iid, "ticket", None, entry_id, None, None, user, at, ended,
                "Out of remit: the ticket incident was re-credited" if ended else ""))
            if out_of_remit:
                self.recredit(customer, iid, end)
            return "ticket", None, text
        line_id, text = self.take_payment(customer, at, user, iid=iid, ref=ref, subject=subject)
        funding.rows.append(self.funding_row(
            iid, "payment", line_id, None, None, None, user, at,
            end if out_of_remit else None,
            "Out of remit: payment due for refund" if out_of_remit else ""))
        return "payment", None, text

    def funding_row(self, iid: int, kind: str, line: int | None, entry: int | None,
                    contract: int | None, waiver: int | None, user: int, at: dt.datetime,
                    ended: dt.datetime | None, reason: str) -> tuple[Any, ...]:
        ts = self.ts
        return (self.tables["funding"].take_id(), iid, kind, line, entry, contract, waiver,
                ended is None, user, ts(at), None if ended is None else ts(ended), reason)

    def take_payment(self, customer: _Customer, at: dt.datetime, user: int, *,
                     iid: int | None = None, ref: str = "", subject: str = "",
                     ticket: tuple[int, int, dt.datetime] | None = None) -> tuple[int, str]:
        """A receipt for one incident or one season ticket; returns (line id, timeline note)."""
        r = self.r
        payment_id = self.tables["payment"].take_id()
        line_id = self.tables["payment_line"].take_id()
        self.receipt_number += 1
        number = self.receipt_number
        if ticket is None:
            net = self.incident_price(at)
            description = f"{ref} — {subject}"[:300]
            kind = LineKind.INCIDENT.value
            ticket_id = None
        else:
            ticket_id, size, expires = ticket
            net = size * self.ticket_price(at)
            description = (f"Season ticket, {size} incident{'s' if size != 1 else ''}, "
                           f"valid {(expires - at).days} days")
            kind = LineKind.SEASON_TICKET.value
            iid = None
        net, vat, gross = _amounts(net, self.vat_rate)
        roll = r()
        card_brand = card_last4 = auth_code = bank_reference = ""
        tendered = gross
        if roll < 0.6:
            method = "card"
            card_brand = "Visa" if r() < 0.6 else "Mastercard" if r() < 0.9 else "Amex"
            card_last4 = f"{int(r() * 10_000):04d}"
            auth_code = f"{int(r() * 1_000_000):06d}"
        elif roll < 0.85:
            method = "bank_transfer"
            bank_reference = f"{account_code(customer.id)} {receipt_text(number)}"
        else:
            method = "cash"
            tendered = -(-gross // 1000) * 1000  # rounded up to the next £10
        full_invoice = gross > 25_000
        name, address, rate = customer.name, customer.address, self.vat_rate
        # Exactly what services.money.chains.payment_content gives for this row once stored,
        # written with its keys in sorted order (see _row_hash).
        content = {
            "auth_code": auth_code, "bank_reference": bank_reference, "card_brand": card_brand,
            "card_last4": card_last4, "customer": customer.id, "customer_address": address,
            "customer_name": name, "full_invoice": full_invoice, "gross_pence": gross,
            "lines": [{"description": description, "gross_pence": gross, "incident": iid,
                       "kind": kind, "net_pence": net, "position": 1, "ticket": ticket_id,
                       "vat_pence": vat, "vat_rate_bp": rate}],
            "method": method, "net_pence": net, "receipt_number": number,
            "taken_at": _iso(at), "taken_by": user, "tendered_pence": tendered,
            "vat_pence": vat}
        prev, new = self.payment_chain.link_content(content)
        self.tables["payment"].rows.append((
            payment_id, number, customer.id, method, net, vat, gross, tendered, card_brand,
            card_last4, auth_code, bank_reference, full_invoice, name, address, user,
            self.ts(at), prev, new))
        self.tables["payment_line"].rows.append((
            line_id, payment_id, 1, kind, iid, ticket_id, description, net, rate, vat, gross))
        return line_id, (f"Paid {format_pence(gross)} by {_METHOD_TEXT[method]}: receipt "
                         f"{receipt_text(number)}.")

    def ledger(self, ticket_id: int, kind: LedgerKind, delta: int, incident: int | None,
               reason: str, user: int, at: dt.datetime) -> int:
        entry_id = self.tables["ledger"].take_id()
        values = (ticket_id, kind.value, delta, incident, reason, user, at)
        # As services.money.chains.ledger_content, keys in sorted order (see _row_hash).
        prev, new = self.ledger_chain.link_content({
            "created_at": _iso(at), "delta": delta, "incident": incident, "kind": kind.value,
            "reason": reason, "ticket": ticket_id, "user": user})
        self.tables["ledger"].rows.append((entry_id, *values[:-1], self.ts(at), prev, new))
        return entry_id

    def expire_tickets(self, until: dt.datetime) -> None:
        """Lapse, in expiry order, every ticket that ran out before ``until`` with incidents left."""
        heap = self.ticket_expiries
        while heap and heap[0][0] <= until:
            expires, ticket_id, customer_index = heapq.heappop(heap)
            state = self.ticket_state.pop(ticket_id)
            left, seller = state[0], state[1]
            if left > 0:
                self.ledger(ticket_id, LedgerKind.EXPIRY, -left, None,
                            "lapsed at expiry (automatic)", seller, expires)
            customer = self.customers[customer_index]
            if customer.ticket is not None and customer.ticket[0] == ticket_id:
                customer.ticket = None

    def redeem_ticket(self, iid: int, customer: _Customer, at: dt.datetime,
                      user: int) -> tuple[int, str]:
        self.expire_tickets(at)
        current = customer.ticket
        if current is None or self.ticket_state[current[0]][0] <= 0:
            size = self.ticket_size if self.r() < 0.8 else 5
            ticket_id = self.tables["ticket"].take_id()
            bought = at - dt.timedelta(seconds=30)
            expires = bought + dt.timedelta(days=self.ticket_days)
            net = size * self.ticket_price(bought)
            self.tables["ticket"].rows.append((ticket_id, customer.id, size, net, bought,
                                               expires, user))
            self.take_payment(customer, bought, user, ticket=(ticket_id, size, expires))
            self.ledger(ticket_id, LedgerKind.PURCHASE, size, None, "", user, bought)
            self.ticket_state[ticket_id] = [size, user, size, expires]
            heapq.heappush(self.ticket_expiries, (expires, ticket_id,
                                                  self.customer_index[customer.id]))
            current = customer.ticket = [ticket_id]
        ticket_id = current[0]
        state = self.ticket_state[ticket_id]
        state[0] -= 1
        entry_id = self.ledger(ticket_id, LedgerKind.REDEMPTION, -1, iid, "", user, at)
        size, expires = state[2], state[3]
        used = size - state[0]
        return entry_id, (f"Season ticket {ticket_id}: incident {used} of {size} used, "
                          f"{state[0]} left, expires {expires.day} {expires:%b %Y}.")

    def recredit(self, customer: _Customer, iid: int, at: dt.datetime) -> None:
        ticket_id = customer.ticket[0] if customer.ticket else None
        if ticket_id is None or ticket_id not in self.ticket_state:
            return
        self.ticket_state[ticket_id][0] += 1
        self.ledger(ticket_id, LedgerKind.RECREDIT, +1, iid, "Out of remit",
                    self.pick(self.managers), at)

    # -- registers and call-backs ---------------------------------------------------------------
    def enhancement(self, product: _Product, customer_id: int, iid: int, user: int | None,
                    at: dt.datetime) -> tuple[int, str]:
        index = int(self.r() * len(product.spec.enhancements))
        request_id = product.enhancements[index]
        user = user or self.managers[0]
        if request_id is None:
            request_id = self.tables["request"].take_id()
            product.enhancements[index] = request_id
            self.tables["request"].rows.append((
                request_id, product.id, product.spec.enhancements[index],
                "Asked for by customers on support calls.",
                EnhancementStatus.OPEN.value, 0, user, at, at))
            self.request_customers[request_id] = set()
        self.request_customers[request_id].add(customer_id)
        self.tables["request_customer"].rows.append((
            self.tables["request_customer"].take_id(), request_id, customer_id, iid, user, at))
        return request_id, product.spec.enhancements[index]

    def escalation(self, iid: int, product: _Product, version: str, subject: str,
                   user: int | None, at: dt.datetime) -> None:
        age = (self.now - at).days
        if age > 180:
            status = self.pick((EscalationStatus.FIXED, EscalationStatus.FIXED,
                                EscalationStatus.WONT_FIX, EscalationStatus.CANNOT_REPRODUCE))
        elif age > 30:
            status = self.pick((EscalationStatus.ACKNOWLEDGED, EscalationStatus.FIX_SCHEDULED,
                                EscalationStatus.FIXED))
        else:
            status = self.pick((EscalationStatus.OPEN, EscalationStatus.ACKNOWLEDGED))
        response = {EscalationStatus.FIXED: "Fixed in the next maintenance release.",
                    EscalationStatus.WONT_FIX: "Behaviour is by design.",
                    EscalationStatus.CANNOT_REPRODUCE: "Could not reproduce with the steps given.",
                    EscalationStatus.FIX_SCHEDULED: "Fix scheduled for the next release.",
                    }.get(status, "")
        steps = (f"1. Open {product.spec.name} {version}.\n2. {subject}.\n"
                 "3. See the error; logs attached to the incident.")
        self.tables["escalation"].rows.append((
            self.tables["escalation"].take_id(), iid, product.id, version, steps, status.value,
            response, user or self.managers[0], at, at))

    def callback(self, iid: int, customer: _Customer, contact_id: int, status: str,
                 opened: dt.datetime, end: dt.datetime, created_by: int,
                 engineer: int | None) -> None:
        r = self.r
        open_now = status in ("queued", "in_progress", "waiting_on_customer")
        if open_now and r() < 0.3:
            due = self.now + dt.timedelta(minutes=15 * int(r() * 400 - 200))
            due = max(due, opened + dt.timedelta(minutes=30))
            self.tables["callback"].rows.append((
                self.tables["callback"].take_id(), customer.id, iid, contact_id, due,
                self.pick(_CALLBACK_NOTES), created_by, opened, None, None, ""))
        elif not open_now and status != "awaiting_payment" and r() < 0.04:
            due = opened + (end - opened) / 2
            done = due + dt.timedelta(minutes=int(r() * 90))
            self.tables["callback"].rows.append((
                self.tables["callback"].take_id(), customer.id, iid, contact_id, due,
                self.pick(_CALLBACK_NOTES), created_by, opened, done, engineer or created_by,
                "Spoke to the customer."))

    # -- text -----------------------------------------------------------------------------------
    def resolution_note(self, resolution: str, product: _Product, merged_into: int | None) -> str:
        if resolution == "merged":
            return f"Duplicate of {self.ref_of(merged_into or 0)}."
        template = self.pick(_RESOLUTION_NOTES[Resolution(resolution)])
        return self.fill(template, product)

    def timeline(self, iid: int, contact_first: str, product: _Product, subject: str,
                 description: str, opened: dt.datetime, end: dt.datetime, want: int,
                 created_by: int, engineer: int | None, extra: list[tuple[str, str, int]],
                 closing: tuple[str, str, int] | None, split_from: int | None,
                 merged_into: int | None,
                 funded_at: dt.datetime | None) -> list[tuple[Any, ...]]:
        """The incident's timeline; support work only once it was funded (``funded_at``).

        Paid before support: before the funding (or with none) only the intake is written,
        calls and e-mails from the customer and notes, as the services allow.
        """
        r, pick, fill = self.r, self.pick, self.fill
        take = self.tables["timeline"].take_id
        out: list[tuple[Any, ...]] = []
        ts = self.ts
        first_text = f"{contact_first} rang: {pick(_FIRST_CALLS)}"
        when = ts(opened)
        out.append((take(), iid, "phone_in", created_by, when, 120 + int(r() * 900),
                    first_text, None, when, True))
        plan: list[tuple[str, str, int]] = []
        if split_from:
            plan.append(("system", f"Split from {self.ref_of(split_from)}: a second "
                                   "aspect of the same call.", engineer or created_by))
        plan.extend(extra)
        if merged_into:
            plan = [("system", f"Merged into {self.ref_of(merged_into)}; a duplicate "
                               "of the same problem.", engineer or created_by)]
            closing = None
        room = want - 1 - (closing is not None)
        # What the services would have written, most telling first, as far as room allows:
        # the funding, one piece of real work, work starting, then more work.
        notes = plan[:1 + bool(split_from)] if room > 0 else []
        started = plan[1 + bool(split_from):]
        worker = engineer or pick(self.engineer_pool)
        work: list[tuple[str, str, int]] = []
        while len(notes) + len(work) + (len(started) if room >= 3 else 0) < room:
            roll = r()
            if roll < 0.22:
                kind, text = "phone_out", pick(_CALL_OUT)
            elif roll < 0.38:
                kind, text = "email_out", pick(_EMAIL_OUT)
            elif roll < 0.52:
                kind, text = "email_in", pick(_EMAIL_IN)
            elif roll < 0.68:
                kind, text = "note", pick(_NOTES)
            elif roll < 0.84:
                kind, text = "remote_session", pick(_REMOTE)
            else:
                kind, text = "phone_in", pick(_CALL_IN)
            work.append((kind, fill(text, product), worker))
        plan = (notes + (started if room >= 3 else []) + work)[:max(room, 0)]
        if closing is not None and want > 1:
            plan.append(closing)
        if not plan:
            return out
        span = (end - opened).total_seconds()
        points = sorted(r() for _ in plan)
        for (kind, text, author), point in zip(plan, points, strict=True):
            at = opened + dt.timedelta(seconds=int(60 + (span - 60) * point))
            if kind in _SUPPORT_KINDS and (funded_at is None or at < funded_at):
                kind, texts = _INTAKE[int(r() * len(_INTAKE))]
                text = fill(pick(texts), product)
            if kind == "system":
                duration = 0
            elif kind in ("phone_in", "phone_out"):
                duration = 60 + int(r() * 1_500)
            elif kind == "remote_session":
                duration = 600 + int(r() * 3_000)
            else:
                duration = int(r() * 900)
            when = ts(at)
            out.append((take(), iid, kind, author, when, duration, text, None, when,
                        for_customer_by_default(kind, text)))
        if closing is not None and want > 1:
            # The outcome is the last thing that happened.
            last = out[-1]
            when = ts(end)
            out[-1] = last[:4] + (when,) + last[5:8] + (when,) + last[9:]
        return out


#: Support work, which the services refuse on an unfunded incident, and the intake the demo
#: writes instead before an incident is funded.
_SUPPORT_KINDS = ("remote_session", "phone_out", "email_out")
_INTAKE = (("phone_in", _CALL_IN), ("email_in", _EMAIL_IN), ("note", _NOTES))


# ---------------------------------------------------------------------------------------------
# Loading fast, then leaving the database as the program expects it.

_SERIAL_TABLES = (t.Customer, t.Contact, t.Contract, t.EnhancementRequest, t.Incident,
                  t.TimelineEntry, t.SeasonTicket, t.Payment, t.PaymentLine, t.TicketLedger,
                  t.Waiver, t.IncidentFunding, t.Escalation, t.EnhancementRequestCustomer,
                  t.CallBack)


class _FastLoad:
    """On SQLite, trade durability for speed on this connection while the demo loads.

    A crash mid-load leaves a half-filled demo database either way; nothing else is lost.
    """

    def __enter__(self) -> None:
        self.saved: dict[str, Any] = {}
        if not _is_sqlite():
            return
        for pragma in ("synchronous", "cache_size", "foreign_keys"):
            self.saved[pragma] = db.execute_sql(f"PRAGMA {pragma}").fetchone()[0]
        db.execute_sql("PRAGMA synchronous = OFF")
        db.execute_sql("PRAGMA cache_size = -262144")  # 256 MiB while the tables grow
        # Every id the generator writes is one it made; checking each costs a lookup per row.
        db.execute_sql("PRAGMA foreign_keys = OFF")

    def __exit__(self, *exc: object) -> None:
        for pragma, value in self.saved.items():
            db.execute_sql(f"PRAGMA {pragma} = {int(value)}")


#: Columns whose values arrive in random order as the demo writes rows in time order. An index
#: led by one of them takes a random B-tree insert per row, so it is built after the load;
#: the others (ids and times that only grow, or a handful of values such as a status) are
#: appended to and cost little to keep up during the load.
_RANDOM_ORDER_COLUMNS = frozenset({"customer_id", "contact_id", "name", "phone"})
#: The biggest table (three rows an incident), and the incidents with the incident list's
#: index for every view and sort: sorting their keys once after the load costs less than
#: keeping their indexes up during it, and takes that work off the writer.
_REBUILT_TABLES = frozenset({"timeline_entry", "incident"})


def _leading_column(create_sql: str) -> str:
    inside = create_sql[create_sql.index("(") + 1:]
    return inside.split(",")[0].split(")")[0].strip().strip('"')


class _IndexesLater:
    """On SQLite, drop the indexes the load would fill in random order; build them after.

    Sorting a million keys once is several times faster than a million random B-tree inserts.
    The indexes are rebuilt from their own stored definitions, so the schema ends exactly as
    it was.
    """

    def __init__(self, models: Sequence[type[BaseModel]]) -> None:
        self.tables = [m._meta.table_name for m in models]
        self.definitions: list[tuple[str, str]] = []

    def __enter__(self) -> None:
        if not _is_sqlite():
            return
        marks = ", ".join("?" * len(self.tables))
        self.definitions = [
            (name, sql) for name, table, sql in db.execute_sql(
                f"SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' "
                f"AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks}) ORDER BY name", self.tables).fetchall()
            if _leading_column(sql) in _RANDOM_ORDER_COLUMNS or table in _REBUILT_TABLES]
        with db.atomic():
            for name, _ in self.definitions:
                db.execute_sql(f'DROP INDEX "{name}"')

    def rebuild(self, tell: Callable[[int, int, str], None]) -> None:
        total = len(self.definitions)
        # Let SQLite sort each index on more than one core.
        threads = db.execute_sql("PRAGMA threads").fetchone()[0] if total else 0
        if total:
            db.execute_sql("PRAGMA threads = 4")
        for done, (_, sql) in enumerate(self.definitions):
            tell(done, total, "indexes")
            db.execute_sql(sql)
        if total:
            db.execute_sql(f"PRAGMA threads = {int(threads)}")
            tell(total, total, "indexes")
        self.definitions = []

    def __exit__(self, *exc: object) -> None:
        # After a failure, still leave every index in place.
        for _, sql in self.definitions:
            db.execute_sql(sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
                           .replace("CREATE UNIQUE INDEX ", "CREATE UNIQUE INDEX IF NOT EXISTS ",
                                    1))


def _analyse(tell: Callable[[int, int, str], None]) -> None:
    """Leave the database as a long-running office's: search indexes merged, statistics taken."""
    if _is_sqlite():
        tell(0, 4, "analyse")
        # A bulk load leaves the full-text indexes in many segments; merged now, the first
        # saves of the day do not pay for merging them (a second or more on a big office).
        db.execute_sql("INSERT INTO customer_search (customer_search) VALUES ('optimize')")
        tell(1, 4, "analyse")
        db.execute_sql("INSERT INTO incident_search (incident_search) VALUES ('optimize')")
        tell(2, 4, "analyse")
        db.execute_sql("ANALYZE")
        db.execute_sql("PRAGMA optimize")
        tell(3, 4, "analyse")
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        tell(4, 4, "analyse")
        return
    tell(0, 1, "analyse")
    for model in _SERIAL_TABLES:
        table = model._meta.table_name
        db.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM \"{table}\"")
    db.execute_sql("ANALYZE")
    tell(1, 1, "analyse")


def _demo_mail(seed: int) -> None:
    """A handful of e-mails waiting to be sorted, received as a desk receives them: questions
    from customers' contacts, one from a stranger, an out-of-office, and a reply to an
    incident that was closed unresolved (which mail does not re-open). None of them files
    itself, so the incidents' timelines are as the rest of the demo made them."""
    from email.message import EmailMessage
    from email.utils import format_datetime

    rng = Random(seed * 7919 + 17)
    now = utcnow().replace(tzinfo=dt.UTC)
    people = tuples(t.Contact.select(t.Contact.name, t.Contact.email, t.Contact.customer)
                    .where((t.Contact.email != "") & t.Contact.retired_at.is_null())
                    .order_by(t.Contact.id).limit(40))
    if not people:
        return
    mail: list[tuple[str, str, str, str, dict[str, str]]] = []
    for (name, address, _customer), (subject, body) in zip(
            rng.sample(people, min(2, len(people))),
            (("Question about year-end", "Can you tell me how to roll the ledger over "
              "to the new year? We close on Friday."),
             ("Licence renewal", "Our licence expires next month; who do we talk to?")),
            strict=False):
        mail.append((name, address, subject, body, {}))
    mail.append(("Sam Taylor", "sam.taylor.accounts@gmail.com", "Do you support Payroll?",
                 "We are thinking of buying Payroll Plus. Do you support it?", {}))
    name, address = people[-1][0], people[-1][1]
    mail.append((name, address, "Out of Office: Question about year-end",
                 "I am out of the office until Monday.", {"Auto-Submitted": "auto-replied"}))
    closed = (t.Incident.select(t.Incident.reference, t.Incident.subject)
              .where((t.Incident.status == "closed")
                     & (t.Incident.resolution == Resolution.UNRESOLVED.value))
              .order_by(t.Incident.id).first())
    if closed is not None:
        mail.append((people[0][0], people[0][1], f"Re: {closed.subject} [{closed.reference}]",
                     "It has started happening again.", {}))
    for n, (name, address, subject, body, headers) in enumerate(mail):
        message = EmailMessage()
        message["From"] = f"{name} <{address}>"
        message["To"] = "support@penninesupport.example"
        message["Subject"] = subject
        message["Message-ID"] = f"<demo-{seed}-{n}@{address.rsplit('@', 1)[-1]}>"
        message["Date"] = format_datetime(now - dt.timedelta(minutes=37 * (len(mail) - n)))
        for key, value in headers.items():
            message[key] = value
        message.set_content(body)
        inbound.receive(message.as_bytes())

def generate_demo(*, customers: int = SMALL_CUSTOMERS, incidents: int = SMALL_INCIDENTS,
                  timeline_per_incident: int = 3, seed: int = 1,
                  progress: ProgressCallback | None = None) -> DemoSummary:
    """Fill an empty office database with a realistic office: people, customers, incidents.

    By default a small office (a few users of each role, 60 customers, 250 incidents) in a
    few seconds; sized by the arguments up to millions of incidents, written in bulk. Every
    demo user's password is :data:`DEMO_PASSWORD`. The same seed gives the same office.

    Raises:
        ValidationError: the database already has customers or incidents, or a size is out
            of range.
    """
    if not 1 <= customers <= MAX_CUSTOMERS:
        raise ValidationError(f"The demo makes between 1 and {MAX_CUSTOMERS:,} customers.",
                              "customers")
    if not 0 <= incidents <= MAX_INCIDENTS:
        raise ValidationError(f"The demo makes between 0 and {MAX_INCIDENTS:,} incidents.",
                              "incidents")
    if not 1 <= timeline_per_incident <= 50:
        raise ValidationError("Give between 1 and 50 timeline entries per incident.",
                              "timeline_per_incident")
    started = time.perf_counter()
    if t.Customer.select().exists() or t.Incident.select().exists():
        raise ValidationError(
            "This database already has customers or incidents; the demo only fills an empty "
            "office database. Point it at a new database file instead.")
    generator = _Generator(customers, incidents, timeline_per_incident, seed, progress)
    generator.tell(0, 1, "office")
    with db.atomic():
        generator.setup_office()
    generator.tell(1, 1, "office")
    indexes = _IndexesLater(_SERIAL_TABLES)
    with _FastLoad(), indexes:
        writer = generator.writer = _Writer()
        writer.start()
        try:
            generator.make_customers()
            generator.make_incidents()
        finally:
            writer.finish()
        indexes.rebuild(generator.tell)
        generator.tell(0, 1, "counts")
        with db.atomic():
            generator.finish()
        generator.tell(1, 1, "counts")
    _demo_mail(seed)
    _analyse(generator.tell)
    c = generator.counts
    return DemoSummary(
        users=generator.demo_users, password=DEMO_PASSWORD, products=c.get("products", 0),
        customers=c.get("customers", 0), contacts=c.get("contacts", 0),
        incidents=c.get("incident", 0), timeline_entries=c.get("timeline", 0),
        payments=c.get("payment", 0), season_tickets=c.get("ticket", 0),
        contracts=c.get("contracts", 0), waivers=c.get("waiver", 0),
        callbacks=c.get("callback", 0), seconds=round(time.perf_counter() - started, 2))


if __name__ == "__main__" and sys.argv[1:] == [_WRITER_FLAG]:
    _write_batches(sys.stdin.buffer)
