"""Payments a second with one, two and four desks taking payments at once on one office.

Each desk is a process of its own with its own connection (as each seat of an office is), and
takes one payment after another through ``services.money.payments.take_payment``: one incident
each, cash and card in turn, every fifth with a season ticket. ``--refund-every N`` also has
each desk refund, as a manager, every Nth payment it took, so payments meet refunds (and their
locks) as they do at a busy office. Every call is timed; the figures per run are the
payments a second over the whole run, the wait per payment (median, 95th and 99th
percentile, worst) and every error, by kind. The receipt and credit-note numbers are checked
for gaps afterwards.

It sets up an office of its own in the database it is given — a new SQLite file, or an empty
database (PostgreSQL: one with no tables, or with the schema and nothing in it) — and uses
that office again on later runs. A database that holds anything else is refused and left
untouched: it would otherwise write thousands of receipts into a real office.

    python benchmarks/bench_desks.py --database sqlite:///desks.sqlite3
    python benchmarks/bench_desks.py --database postgresql://USER:PASSWORD@HOST/NAME \\
        --desks 1,2,4 --payments 300 --refund-every 3
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from _bench import load_average, parse_args, percentile

#: The office the benchmark sets up; a database with any other office is refused.
COMPANY = "Desk benchmark office (benchmarks/bench_desks.py)"
CASHIER = "bench-desk"
MANAGER = "bench-manager"
PASSWORD = "bench-desks-password"
BATCH = 250


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--desks", default="1,2,4",
                        help="how many desks at once, for each run in turn (default 1,2,4)")
    parser.add_argument("--payments", type=int, default=300,
                        help="payments each desk takes in a run (default 300)")
    parser.add_argument("--seconds", type=float, default=0.0,
                        help="stop each desk after this many seconds, if it has not taken its "
                             "payments by then (default: no limit)")
    parser.add_argument("--refund-every", type=int, default=0, metavar="N",
                        help="each desk also refunds every Nth payment it took (default 0: "
                             "no refunds)")


# --- the office -------------------------------------------------------------------------------

def _office_kind() -> str:
    """"empty", "ours", or a sentence saying why the database is someone else's."""
    from synergy_desk.models import tables as t
    from synergy_desk.models.base import db

    present = set(db.get_tables())
    if not present:
        return "empty"
    needed = {m._meta.table_name for m in (t.User, t.OfficeSettings, t.Customer, t.Incident,
                                           t.Payment)}
    if not needed <= present:
        return f"it has tables ({len(present)}) but not those of a Synergy Desk office"
    users = [name for (name,) in t.User.select(t.User.username).tuples()]
    settings = t.OfficeSettings.select(t.OfficeSettings.company_name).scalar()
    if not users and settings is None and not t.Customer.select().exists() \
            and not t.Incident.select().exists() and not t.Payment.select().exists():
        return "empty"
    if settings == COMPANY and set(users) <= {CASHIER, MANAGER}:
        return "ours"
    return (f"it holds an office ({settings or 'no company name'}, {len(users)} "
            f"user{'s' if len(users) != 1 else ''}) that this benchmark did not set up")


def open_bench_office(url: str) -> tuple[Any, tuple[int, int, int, int]]:
    """Open (and if need be set up) the benchmark's office: its database's description, and
    the ids of the cashier, the manager, the customer and the product."""
    from synergy_desk.domain.errors import DatabaseError
    from synergy_desk.models.database import close_database, open_database

    try:
        open_database(url, migrate_schema=False)
    except DatabaseError as exc:
        raise SystemExit(f"bench_desks: {exc}") from None
    kind = _office_kind()
    if kind not in ("empty", "ours"):
        close_database()
        raise SystemExit(f"bench_desks: refusing {url.split('@')[-1]}: {kind}. Give it a new "
                      "SQLite file or an empty database; nothing was changed.")
    close_database()
    info = open_database(url)  # brings the schema up to date: the database is empty or ours
    if kind == "empty":
        _set_up()
    return info, _ids()


def _set_up() -> None:
    from synergy_desk.domain.enums import Role
    from synergy_desk.services.office import catalogue
    from synergy_desk.services.office.settings import setup_office
    from synergy_desk.services.people import customers, users

    manager = setup_office(COMPANY, "1 Bench Street\nLeeds\nLS1 1AA", "GB123456789", MANAGER,
                           "Bench Manager", PASSWORD)
    users.create_user(manager, CASHIER, "Bench Desk", Role.RECEPTION, PASSWORD)
    catalogue.add_product(manager, "Bench Accounts", "1.0")
    customers.create_customer(manager, customers.CustomerInput(
        name="Bench Customer", company="Bench Customer Ltd", address="2 Mill Lane\nYork",
        postcode="YO1 7HH"))


def _ids() -> tuple[int, int, int, int]:
    from synergy_desk.models import tables as t

    cashier = t.User.get(t.User.username == CASHIER).id
    manager = t.User.get(t.User.username == MANAGER).id
    customer = t.Customer.select(t.Customer.id).order_by(t.Customer.id).scalar()
    product = t.Product.select(t.Product.id).order_by(t.Product.id).scalar()
    return cashier, manager, customer, product


def make_incidents(user_id: int, customer_id: int, product_id: int, n: int) -> list[int]:
    """``n`` new incidents awaiting payment, made as intake makes them, a batch a transaction."""
    from synergy_desk.domain.enums import Priority
    from synergy_desk.models import tables as t
    from synergy_desk.services import search_index
    from synergy_desk.services.common import Actor, transaction
    from synergy_desk.services.incidents.changes import create_in_tx

    actor = Actor.from_user(t.User.get_by_id(user_id))
    customer = t.Customer.get_by_id(customer_id)
    product = t.Product.get_by_id(product_id)
    ids: list[int] = []
    while len(ids) < n:
        with transaction():
            for _ in range(min(BATCH, n - len(ids))):
                incident = create_in_tx(actor, customer, None, product, None,
                                        subject="Error when printing invoices", description="",
                                        product_version="1.0", priority=Priority.NORMAL)
                search_index.index_incident(incident.id)
                ids.append(incident.id)
    return ids


# --- a desk -------------------------------------------------------------------------------

@dataclass(frozen=True)
class DeskResult:
    desk: int
    started: float  # time.time() when it took its first payment
    ended: float
    waits_ms: list[float]  # every payment that went through
    refund_waits_ms: list[float]
    errors: dict[str, int]  # "take_payment: OperationalError: deadlock detected" -> count
    receipts: list[int]
    credit_notes: list[int]


def _error_kind(action: str, exc: BaseException) -> str:
    from synergy_desk.domain.errors import DomainError

    text = (str(exc).strip().splitlines() or [""])[0][:120]
    kind = "refused" if isinstance(exc, DomainError) else "raw"
    return f"{action}, {kind}: {type(exc).__name__}: {text}"


def _desk(index: int, url: str, cashier_id: int, manager_id: int, customer_id: int,
          incident_ids: list[int], seconds: float, refund_every: int, start: Any,
          results: Any) -> None:
    """One desk: its own process and connection, one payment after another, each timed."""
    from synergy_desk.domain.enums import PaymentMethod
    from synergy_desk.models import tables as t
    from synergy_desk.models.database import open_database
    from synergy_desk.services.common import Actor
    from synergy_desk.services.money import payments

    open_database(url, migrate_schema=False)
    cashier = Actor.from_user(t.User.get_by_id(cashier_id))
    manager = Actor.from_user(t.User.get_by_id(manager_id))
    waits: list[float] = []
    refund_waits: list[float] = []
    errors: Counter[str] = Counter()
    receipts: list[int] = []
    notes: list[int] = []
    taken: list[int] = []  # payment ids, for the refunds
    start.wait()
    started = time.time()
    stop_at = time.perf_counter() + seconds if seconds > 0 else float("inf")
    for n, incident_id in enumerate(incident_ids):
        if time.perf_counter() >= stop_at:
            break
        ticket = 2 if n % 5 == 4 else None
        if (n + index) % 2:
            request = payments.PaymentInput(
                customer_id=customer_id, incident_ids=(incident_id,), ticket_size=ticket,
                method=PaymentMethod.CARD, card_brand="Visa", card_last4="4242",
                auth_code=f"B{index}N{n}")
        else:
            request = payments.PaymentInput(
                customer_id=customer_id, incident_ids=(incident_id,), ticket_size=ticket,
                method=PaymentMethod.CASH, tendered_pence=100_000)
        began = time.perf_counter()
        try:
            receipt = payments.take_payment(cashier, request)
        except Exception as exc:  # every failure is counted by kind, none hidden
            errors[_error_kind("take_payment", exc)] += 1
        else:
            waits.append((time.perf_counter() - began) * 1000.0)
            receipts.append(receipt.sequence_number)
            taken.append(receipt.payment_id)
        if refund_every and taken and (n + 1) % refund_every == 0:
            began = time.perf_counter()
            try:
                note = payments.refund(manager, taken[-1], reason="Benchmark refund.")
            except Exception as exc:  # counted as above
                errors[_error_kind("refund", exc)] += 1
            else:
                refund_waits.append((time.perf_counter() - began) * 1000.0)
                notes.append(note.sequence_number)
    results.put(DeskResult(index, started, time.time(), waits, refund_waits, dict(errors),
                           receipts, notes))


# --- a run ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RunFigures:
    desks: int
    payments: int
    refunds: int
    seconds: float
    per_second: float
    p50: float
    p95: float
    p99: float
    worst: float
    refund_p50: float
    errors: dict[str, int]


def run(url: str, desks: int, ids: tuple[int, int, int, int], payments_each: int,
        seconds: float, refund_every: int) -> RunFigures:
    cashier, manager, customer, product = ids
    pools = [make_incidents(cashier, customer, product, payments_each) for _ in range(desks)]
    ctx = mp.get_context("spawn")
    start = ctx.Barrier(desks + 1)  # the desks, once they have opened the office, and this
    results: mp.Queue[DeskResult] = ctx.Queue()
    processes = [ctx.Process(target=_desk, args=(i, url, cashier, manager, customer, pools[i],
                                                  seconds, refund_every, start, results))
                 for i in range(desks)]
    for process in processes:
        process.start()
    start.wait()  # the clock starts on the payments alone, not on opening the office
    collected = [results.get() for _ in processes]
    for process in processes:
        process.join()
    waits = [w for r in collected for w in r.waits_ms]
    refund_waits = [w for r in collected for w in r.refund_waits_ms]
    errors: Counter[str] = Counter()
    for r in collected:
        errors.update(r.errors)
    elapsed = max(r.ended for r in collected) - min(r.started for r in collected)
    nan = float("nan")
    return RunFigures(desks, len(waits), len(refund_waits), elapsed,
                      len(waits) / elapsed if elapsed > 0 else nan,
                      statistics.median(waits) if waits else nan, percentile(waits, 0.95),
                      percentile(waits, 0.99), max(waits) if waits else nan,
                      statistics.median(refund_waits) if refund_waits else nan, dict(errors))


def numbering_problems() -> list[str]:
    from synergy_desk.services.reporting.integrity import check_sequences

    return check_sequences()


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], _options)
    counts = [int(n) for n in args.desks.split(",") if n.strip()]
    if not counts or min(counts) < 1 or args.payments < 1 or args.refund_every < 0:
        raise SystemExit("bench_desks: --desks takes counts of 1 or more, --payments 1 or "
                         "more, --refund-every 0 or more.")
    info, ids = open_bench_office(args.database)
    print(f"database: {info.display} ({info.kind}); load average {load_average()}")
    limit = f", at most {args.seconds:g} s" if args.seconds > 0 else ""
    refunds = (f"; each desk refunds one payment in every {args.refund_every}, as a manager"
               if args.refund_every else "")
    print(f"{args.payments} payments a desk{limit}{refunds}; waits in ms, wall clock")
    print()
    print(f"  {'desks':>5}  {'payments':>8}  {'seconds':>7}  {'per s':>7}  {'p50':>7}  "
          f"{'p95':>7}  {'p99':>7}  {'worst':>7}  {'refunds':>7}  {'refund p50':>10}  errors")
    figures = []
    for desks in counts:
        f = run(args.database, desks, ids, args.payments, args.seconds, args.refund_every)
        figures.append(f)
        print(f"  {f.desks:5d}  {f.payments:8d}  {f.seconds:7.2f}  {f.per_second:7.1f}  "
              f"{f.p50:7.1f}  {f.p95:7.1f}  {f.p99:7.1f}  {f.worst:7.1f}  {f.refunds:7d}  "
              f"{f.refund_p50:10.1f}  {sum(f.errors.values())}", flush=True)
    print()
    for f in figures:
        if f.errors:
            print(f"errors with {f.desks} desk{'s' if f.desks != 1 else ''}:")
            for kind, n in sorted(f.errors.items(), key=lambda item: (-item[1], item[0])):
                print(f"  {n:5d} × {kind}")
    if not any(f.errors for f in figures):
        print("errors: none")
    problems = numbering_problems()
    print("receipt, credit-note and incident numbers:",
          "no gaps or repeats" if not problems else "; ".join(problems))


if __name__ == "__main__":
    main()
