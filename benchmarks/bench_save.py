"""Saving with two desks at once (docs/speed.md: a save ≤ 50 ms at the 99th percentile).

Two processes, each its own desk with its own connection, save at the same time, with short
random pauses between saves (``--pause-ms``; 0 saves back to back): a receptionist logging
calls (half of them new incidents, every other one then paid for in cash; the rest calls on
open incidents) and an engineer adding timeline entries, through the services, each save one transaction. Every
save's latency is timed; the figures are per desk and for both together.

It WRITES to the database it is given (new incidents and timeline entries): point it at a
demo office, or a copy of one.

    python benchmarks/bench_save.py --database sqlite:///office-1m.sqlite3
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import time
from random import Random

from _bench import Figures, Sample, open_office, parse_args, print_table, timed

TARGET_MS = 50.0


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--saves", type=int, default=300,
                        help="saves per desk (default 300)")
    parser.add_argument("--pause-ms", type=float, default=20.0,
                        help="mean pause between one desk's saves, drawn at random between 0 "
                             "and twice this (default 20); 0 saves back to back")
    parser.add_argument("--seed", type=int, default=1)


def _open_incidents(limit: int) -> list[tuple[int, int]]:
    from synergy_desk.domain.enums import OPEN_STATUSES
    from synergy_desk.models import tables as t

    return [(i, c) for i, c in t.Incident.select(t.Incident.id, t.Incident.customer)
            .where(t.Incident.status.in_(list(OPEN_STATUSES)) & t.Incident.merged_into.is_null())
            .order_by(t.Incident.id.desc()).limit(limit).tuples()]


def _desk(role: str, url: str, saves: int, pause_ms: float, seed: int, start: object,
          results: mp.Queue) -> None:  # type: ignore[type-arg]
    """One desk: logs in as a user of ``role`` and saves ``saves`` times, timing each."""
    from synergy_desk.domain.enums import FundingKind, Role, TimelineKind
    from synergy_desk.models import tables as t
    from synergy_desk.models.database import open_database
    from synergy_desk.services.common import Actor
    from synergy_desk.services.incidents import intake, work
    from synergy_desk.services.money import payments

    open_database(url, migrate_schema=False)
    user = (t.User.select().where((t.User.role == Role(role)) & t.User.active)
            .order_by(t.User.id).first())
    actor = Actor.from_user(user)
    rng = Random(seed)
    targets = _open_incidents(500)
    products = [p.id for p in t.Product.select(t.Product.id)]
    highest_customer = t.Customer.select(t.Customer.id).order_by(t.Customer.id.desc()).scalar()
    samples: list[tuple[str, float, float]] = []
    slow: list[str] = []
    # A desk that has been open a while: its first save (connection set-up, first write to
    # the full-text index) is not what people wait for all day.
    warm_up, _ = rng.choice(targets)
    work.add_timeline_entry(actor, warm_up, TimelineKind.PHONE_IN, "Warm-up call.")
    start.wait()  # type: ignore[attr-defined]
    unpaid: tuple[int, int] | None = None  # the incident just logged, awaiting payment
    for n in range(saves):
        if pause_ms > 0:
            time.sleep(rng.uniform(0, 2 * pause_ms) / 1000)
        if role == "reception" and n % 2 == 0:
            customer = rng.randint(1, highest_customer)
            call = intake.LogCallInput(
                customer_id=customer, text="Caller rang about an error; details taken.",
                duration_seconds=180, product_id=rng.choice(products),
                subject=f"Benchmark call {n}: error when printing")
            kind = "log call, new incident"
            made: list[int] = []
            sample = timed(lambda call=call, made=made: made.append(  # type: ignore[misc]
                intake.log_call(actor, call).id))
            # A customer under contract is funded at once: only an unfunded one pays.
            unpaid = (made[0], customer) if made and t.Incident.select().where(
                (t.Incident.id == made[0])
                & (t.Incident.funding == FundingKind.NONE)).exists() else None
        elif role == "reception" and n % 4 == 1 and unpaid is not None:
            # The caller pays for the incident just logged, in cash, before any support.
            kind = "take a payment"
            payment = payments.PaymentInput(customer_id=unpaid[1], incident_ids=(unpaid[0],),
                                            tendered_pence=100_000)
            sample = timed(lambda p=payment: payments.take_payment(  # type: ignore[misc]
                actor, p))
            unpaid = None
        elif role == "reception":
            incident_id, customer = rng.choice(targets)
            call = intake.LogCallInput(customer_id=customer, incident_id=incident_id,
                                          text="Customer rang for an update.",
                                          duration_seconds=60)
            kind = "log call, open incident"
            sample = timed(lambda call=call: intake.log_call(actor, call))  # type: ignore[misc]
        else:
            incident_id, _ = rng.choice(targets)
            kind = "add timeline entry"
            sample = timed(lambda i=incident_id: work.add_timeline_entry(  # type: ignore[misc]
                actor, i, TimelineKind.NOTE, "Checked the logs; waiting for the customer.",
                duration_seconds=300))
        samples.append((kind, sample.wall, sample.cpu))
        if sample.wall > TARGET_MS:
            slow.append(f"{role} save {n} ({kind}): {sample.wall:.0f} ms, {sample.cpu:.0f} ms CPU")
    results.put((role, samples, slow))


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], _options)
    # A database copied just before holds gigabytes of unwritten pages in the system's cache;
    # the first save's fsync would pay for writing them all. Flush them first.
    if hasattr(os, "sync"):
        os.sync()
    open_office(args.database)
    if not _open_incidents(1):
        raise SystemExit("The database has no open incidents; fill it with `synergy-desk demo`.")
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    results: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    print(f"{args.saves} saves a desk; pause between saves {args.pause_ms:g} ms on average")
    desks = [ctx.Process(target=_desk, args=(role, args.database, args.saves, args.pause_ms,
                                              args.seed + i, start, results))
             for i, role in enumerate(("reception", "engineer"))]
    for desk in desks:
        desk.start()
    start.set()
    collected = [results.get() for _ in desks]
    for desk in desks:
        desk.join()
    rows: list[Figures] = []
    everything: list[Sample] = []
    slow_saves = [line for _, _, slow in collected for line in slow]
    for role, samples, _ in sorted(collected):
        kinds = sorted({k for k, _, _ in samples})
        for kind in kinds:
            rows.append(Figures.of(f"{role}: {kind}", [Sample(w, c) for k, w, c in samples
                                                       if k == kind]))
        everything.extend(Sample(w, c) for _, w, c in samples)
    rows.append(Figures.of("both desks, every save", everything))
    ok = print_table("save latency with two desks saving at once, ms", rows, TARGET_MS,
                     judge="p99")
    print()
    print(f"saves over {TARGET_MS:g} ms: {len(slow_saves)}")
    for line in slow_saves[:20]:
        print("  " + line)
    print("verdict:", "meets" if ok else "MISSES", f"the {TARGET_MS:g} ms target at p99")


if __name__ == "__main__":
    main()
