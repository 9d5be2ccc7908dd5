"""Support contracts after they are recorded: the list per customer and for the office, a
changed end date, an early end with its reason, and what was paid for them.

Recording a contract and funding incidents from one are :mod:`funding`'s; the receipt line
that pays for one is taken by :mod:`payments` (a ``PaymentInput`` naming the contract).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from peewee import fn

from synergy_desk.domain.enums import FundingKind
from synergy_desk.domain.errors import ValidationError
from synergy_desk.domain.numbers import receipt_text
from synergy_desk.domain.text import screened_text
from synergy_desk.models import tables as t
from synergy_desk.models.base import utcnow
from synergy_desk.services.common import (
    MANAGERS,
    Actor,
    audit,
    get_or_404,
    read_snapshot,
    require,
    retried,
    transaction,
    tuples,
)
from synergy_desk.services.money import credit_notes
from synergy_desk.services.money.funding import ContractInfo, contract_info
from synergy_desk.services.office.office_time import date_text, office_today

__all__ = ["ContractRow", "ContractState", "contract_line_text", "list_contracts",
           "contract_row", "change_end", "end_early", "paid_lines"]

#: How a contract stands today.
ContractState = str  # "current", "not started", "ended", "ended early", "cancelled"


@dataclass(frozen=True)
class ContractRow:
    """One contract as the contract lists show it."""

    id: int
    customer_id: int
    customer_name: str
    account_code: str
    reference: str
    product_name: str  # "All products" when it covers every product
    starts_on: dt.date
    ends_on: dt.date
    state: ContractState
    price_pence: int
    paid_pence: int  # what its receipt lines charged, less what was refunded of them
    receipts: tuple[str, ...]  # "R-000012", ...
    incidents_covered: int  # incidents it funds now
    ended_early_reason: str = ""
    ended_early_by: str = ""
    ended_early_at: dt.datetime | None = None


def contract_line_text(reference: str, starts_on: dt.date, ends_on: dt.date) -> str:
    """What the receipt line paying for a contract says: "Support contract SC-1, 1 Jan 2027–31
    Dec 2027"."""
    return f"Support contract {reference}, {date_text(starts_on)}–{date_text(ends_on)}"


def _state(contract: t.Contract, today: dt.date) -> ContractState:
    if contract.cancelled:
        return "cancelled"
    if contract.ended_early_at is not None:
        return "ended early"  # (it still covers up to and including its last day)
    if today < contract.starts_on:
        return "not started"
    if today > contract.ends_on:
        return "ended"
    return "current"


def paid_lines(contract_ids: Iterable[int]) -> dict[int, list[tuple[int, str, int]]]:
    """Each contract's receipt lines: (line id, receipt, gross less what was refunded)."""
    ids = list(contract_ids)
    out: dict[int, list[tuple[int, str, int]]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = tuples(t.ContractPayment.select(t.ContractPayment.contract, t.PaymentLine.id,
                                           t.Payment.receipt_number, t.PaymentLine.gross_pence)
                  .join(t.PaymentLine).join(t.Payment)
                  .where(t.ContractPayment.contract.in_(ids))
                  .order_by(t.Payment.receipt_number))
    refunded = credit_notes.refunds_of([row[1] for row in rows])
    for contract_id, line_id, number, gross in rows:
        out[contract_id].append((line_id, receipt_text(number),
                                 0 if line_id in refunded else int(gross)))
    return out


def _rows(query: Any) -> list[ContractRow]:
    today = office_today()
    contracts = list(query)
    ids = [c.id for c in contracts]
    lines = paid_lines(ids)
    covered: dict[int, int] = {}
    if ids:
        covered = {int(cid): int(n) for cid, n in tuples(
            t.IncidentFunding.select(t.IncidentFunding.contract, fn.COUNT(t.IncidentFunding.id))
            .where(t.IncidentFunding.contract.in_(ids) & t.IncidentFunding.active
                   & (t.IncidentFunding.kind == FundingKind.CONTRACT))
            .group_by(t.IncidentFunding.contract))}
    out = []
    for c in contracts:
        customer = c.customer
        product = c.product if c.__data__.get("product") else None
        ender = c.ended_early_by if c.__data__.get("ended_early_by") else None
        paid = lines.get(c.id, [])
        out.append(ContractRow(
            c.id, customer.id, customer.name, customer.account_code, c.reference,
            product.name if product else "All products", c.starts_on, c.ends_on,
            _state(c, today), c.price_pence, sum(p[2] for p in paid),
            tuple(p[1] for p in paid), covered.get(c.id, 0), c.ended_early_reason,
            ender.full_name if ender else "", c.ended_early_at))
    return out


def list_contracts(customer_id: int | None = None) -> list[ContractRow]:
    """The customer's contracts, or every contract of the office, latest-ending first.

    Raises:
        NotFound: no such customer.
    """
    with read_snapshot():
        query = (t.Contract.select(t.Contract, t.Customer)
                 .join(t.Customer, on=(t.Contract.customer == t.Customer.id))
                 .order_by(t.Contract.ends_on.desc(), t.Contract.id.desc()))
        if customer_id is not None:
            get_or_404(t.Customer, customer_id, "customer")
            query = query.where(t.Contract.customer == customer_id)
        return _rows(query)


def contract_row(contract_id: int) -> ContractRow:
    """One contract as the lists show it.

    Raises:
        NotFound: no such contract.
    """
    get_or_404(t.Contract, contract_id, "contract")
    return _rows(t.Contract.select().where(t.Contract.id == contract_id))[0]


def _reason(reason: str, doing: str) -> str:
    why = screened_text(reason, "reason")
    if not why:
        raise ValidationError(f"Give the reason for {doing}; nothing was changed.", "reason")
    return why


def _day(value: object, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if not isinstance(value, dt.date):
        raise ValidationError("Give the date.", field)
    return value


@retried
def change_end(actor: Actor, contract_id: int, ends_on: dt.date, reason: str) -> ContractInfo:
    """A manager moves a contract's end date (longer or shorter), with a reason.

    Incidents it funds already keep their funding; those logged after a shortened end are
    no longer covered by it.

    Raises:
        PermissionDenied: the actor is not a manager.
        ValidationError: no reason, the same date, a date before it starts, or the contract
            was cancelled or ended early.
        NotFound: no such contract.
    """
    with transaction():
        require(actor, MANAGERS, "change support contracts")
        why = _reason(reason, "changing the end date")
        day = _day(ends_on, "ends_on")
        contract = get_or_404(t.Contract, contract_id, "contract", lock=True)
        if contract.cancelled:
            raise ValidationError(f"Contract {contract.reference} was cancelled; nothing was "
                                  "changed.")
        if contract.ended_early_at is not None:
            raise ValidationError(f"Contract {contract.reference} was ended early; its end "
                                  "cannot be moved. Record a new contract instead; nothing "
                                  "was changed.")
        if day < contract.starts_on:
            raise ValidationError(
                f"Contract {contract.reference} starts on {date_text(contract.starts_on)}; it "
                "cannot end before that. Nothing was changed.", "ends_on")
        if day == contract.ends_on:
            raise ValidationError(f"Contract {contract.reference} already ends on "
                                  f"{date_text(day)}; nothing was changed.", "ends_on")
        before = contract.ends_on
        contract.ends_on = day
        contract.save(only=[t.Contract.ends_on])
        audit(actor, "contract.change_end", "contract", contract.id, {"ends_on": before},
              {"ends_on": day, "reason": why})
        return contract_info(contract)


@retried
def end_early(actor: Actor, contract_id: int, last_day: dt.date, reason: str) -> ContractInfo:
    """A manager ends a contract before its planned end: ``last_day`` is the last day it
    covers. Incidents it funds already keep their funding; later ones are not covered.

    Raises:
        PermissionDenied: the actor is not a manager.
        ValidationError: no reason, a last day not before its planned end or before it
            starts, or the contract was cancelled or ended early already.
        NotFound: no such contract.
    """
    with transaction():
        require(actor, MANAGERS, "end support contracts early")
        why = _reason(reason, "ending the contract early")
        day = _day(last_day, "last_day")
        contract = get_or_404(t.Contract, contract_id, "contract", lock=True)
        if contract.cancelled or contract.ended_early_at is not None:
            raise ValidationError(f"Contract {contract.reference} has ended already; nothing "
                                  "was changed.")
        if day >= contract.ends_on:
            raise ValidationError(
                f"Contract {contract.reference} runs until {date_text(contract.ends_on)}; an "
                "early end is before that. Nothing was changed.", "last_day")
        if day < contract.starts_on:
            raise ValidationError(
                f"Contract {contract.reference} starts on {date_text(contract.starts_on)}; its "
                "last day cannot be before that. Nothing was changed.", "last_day")
        before = {"ends_on": contract.ends_on, "ended_early_at": None,
                  "ended_early_reason": ""}
        now = utcnow()
        (t.Contract.update(ends_on=day, ended_early_at=now, ended_early_by=actor.id,
                           ended_early_reason=why)
         .where(t.Contract.id == contract.id).execute())
        contract = t.Contract.get_by_id(contract.id)
        audit(actor, "contract.end_early", "contract", contract.id, before,
              {"ends_on": day, "ended_early_at": now, "ended_early_by": actor.id,
               "ended_early_reason": why})
        return contract_info(contract)
