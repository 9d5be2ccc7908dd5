"""Caller search per keystroke (docs/speed.md: ≤ 5 ms a keystroke in the database).

Types real customers' names, contacts, phone numbers (in the ways people type them),
postcodes and account codes one character at a time, and times every call of
``services.search.search_customers``, as the search box makes one per keystroke. For
comparison it also times the bare index query (FTS5 trigram on SQLite, pg_trgm on PostgreSQL)
for the same fragments.

    python benchmarks/bench_search.py --database sqlite:///office-1m.sqlite3
"""

from __future__ import annotations

import argparse
from functools import partial
from random import Random

from _bench import Figures, Sample, open_office, parse_args, print_table, timed

from synergy_desk.domain.phones import display_phone
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.models.database import is_sqlite
from synergy_desk.services.search import CustomerHit, search_customers

TARGET_MS = 5.0


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--customers", type=int, default=40,
                        help="how many customers to look up (default 40)")
    parser.add_argument("--seed", type=int, default=1)


def _typings(customer: t.Customer, contact: t.Contact | None) -> dict[str, list[str]]:
    """What a receptionist might type to find this customer, by kind."""
    national = display_phone(customer.phone)
    compact = national.replace(" ", "")
    out = {
        "name": [customer.name[:16]],
        "phone, as written": [national],
        "phone, digits only": [compact],
        "phone, +44": ["+44 " + national[1:]],
        "phone, last six": [compact[-6:]],
        "postcode": [customer.postcode],
        "account code": [customer.account_code],
    }
    if contact is not None:
        out["contact name"] = [contact.name[:14]]
    return out


def _search_into(typed: str, hits: list[CustomerHit]) -> None:
    hits.extend(search_customers(typed))


def _keystrokes(text: str) -> list[str]:
    return [text[:n] for n in range(1, len(text) + 1) if text[:n].strip()]


def _raw_query(fragment: str) -> None:
    if is_sqlite():
        quoted = '"' + fragment.replace('"', '""') + '"'
        db.execute_sql("SELECT rowid FROM customer_search WHERE customer_search MATCH ? "
                       "LIMIT 200", (quoted,)).fetchall()
    else:
        pattern = "%" + fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        db.execute_sql("SELECT rowid FROM customer_search WHERE body LIKE %s LIMIT 200",
                       (pattern.lower(),)).fetchall()


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], _options)
    open_office(args.database)
    highest = t.Customer.select(t.Customer.id).order_by(t.Customer.id.desc()).scalar() or 0
    if not highest:
        raise SystemExit("The database has no customers; fill it with `synergy-desk demo` first.")
    rng = Random(args.seed)
    ids = sorted({rng.randint(1, highest) for _ in range(args.customers)})
    customers = list(t.Customer.select().where(t.Customer.id.in_(ids)))
    print(f"{t.Customer.select().count():,} customers; typing {len(customers)} of them "
          "one keystroke at a time")
    per_kind: dict[str, list[Sample]] = {}
    raw: dict[str, list[Sample]] = {}
    everything: list[Sample] = []
    missed = 0
    # Warm the caches as a desk that has been open a while would have them.
    for customer in customers[:5]:
        search_customers(customer.name)
    for customer in customers:
        contact = (t.Contact.select().where(t.Contact.customer == customer.id)
                   .order_by(t.Contact.id).first())
        for kind, texts in _typings(customer, contact).items():
            for text in texts:
                found = False
                for typed in _keystrokes(text):
                    hits: list[CustomerHit] = []
                    sample = timed(partial(_search_into, typed, hits))
                    per_kind.setdefault(kind, []).append(sample)
                    everything.append(sample)
                    found = found or any(h.id == customer.id for h in hits)
                    if len(typed.strip()) >= 3:
                        raw.setdefault(kind, []).append(timed(partial(_raw_query,
                                                                      typed.lower())))
                if not found and kind != "phone, last six":
                    missed += 1
    rows = [Figures.of(kind, values) for kind, values in per_kind.items()]
    rows.append(Figures.of("every keystroke", everything))
    ok = print_table("search_customers, ms per keystroke", rows, TARGET_MS, judge="p95")
    index = "FTS5 trigram" if is_sqlite() else "pg_trgm LIKE"
    print_table(f"bare {index} query (≥ 3 characters), ms", [
        Figures.of(kind, values) for kind, values in raw.items()], None)
    print()
    print(f"customers not in the results after their whole text was typed: {missed}")
    print("verdict:", "meets" if ok else "MISSES", f"the {TARGET_MS:g} ms target at p95")


if __name__ == "__main__":
    main()
