"""The waivers and overrides report: waivers granted, ticket adjustments, refunds and voids,
out-of-remit closures and funding handed back, from the audit log."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from synergy_desk.documents.data import Cell, ReportTable
from synergy_desk.domain.enums import (
    CreditNoteKind,
    LedgerKind,
    WaiverKind,
)
from synergy_desk.domain.numbers import (
    credit_note_text,
    receipt_text,
)
from synergy_desk.models import tables as t
from synergy_desk.services.common import tuples
from synergy_desk.services.reporting.reports.helpers import (
    ReportRequest,
    Sections,
    count_cell,
    money_cell,
    user_names,
)
from synergy_desk.services.reporting.reports.period import Period

__all__ = ["build"]


def _audit_rows(period: Period, action: str) -> list[tuple[Any, ...]]:
    A = t.AuditLog  # noqa: N806
    return tuples(A.select(A.at, A.user, A.entity_id, A.after)
                  .where((A.action == action) & period.within(A.at)).order_by(A.at, A.id))


def _incident_refs(ids: Iterable[str]) -> dict[int, tuple[str, str]]:
    wanted = sorted({int(i) for i in ids if str(i).isdigit()})
    if not wanted:
        return {}
    return {int(iid): (ref, name) for iid, ref, name in tuples(
        t.Incident.select(t.Incident.id, t.Incident.reference, t.Customer.name)
        .join(t.Customer, on=(t.Incident.customer == t.Customer.id))
        .where(t.Incident.id.in_(wanted)))}


def _after(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _overrides(period: Period) -> Sections:
    W, L, ST, CN, P = (t.Waiver, t.TicketLedger, t.SeasonTicket,  # noqa: N806
                       t.CreditNote, t.Payment)
    waivers = tuples(W.select(W.granted_at, t.Incident.reference, t.Customer.name, W.kind,
                              W.reason, t.User.full_name, W.revoked_at)
                     .join(t.Incident, on=(W.incident == t.Incident.id))
                     .join(t.Customer, on=(t.Incident.customer == t.Customer.id))
                     .switch(W).join(t.User, on=(W.granted_by == t.User.id))
                     .where(period.within(W.granted_at)).order_by(W.granted_at, W.id))
    tables = [ReportTable(
        "Waivers granted", ("Date", "Incident", "Customer", "Kind", "Reason", "Manager",
                            "Revoked"),
        tuple((period.date(at), Cell.plain(ref), Cell.plain(name),
               Cell.plain(WaiverKind(kind).label), Cell.plain(reason), Cell.plain(manager),
               period.date(revoked) if revoked else Cell.blank("date", "No"))
              for at, ref, name, kind, reason, manager, revoked in waivers),
        (False,) * 7, note="" if waivers else "No waivers were granted in this period.")]

    adjustments = tuples(L.select(L.created_at, t.Customer.name, ST.id, L.delta, L.reason,
                                  t.User.full_name)
                         .join(ST, on=(L.ticket == ST.id))
                         .join(t.Customer, on=(ST.customer == t.Customer.id))
                         .switch(L).join(t.User, on=(L.user == t.User.id))
                         .where(period.within(L.created_at)
                                & (L.kind == LedgerKind.ADJUSTMENT))
                         .order_by(L.created_at, L.id))
    tables.append(ReportTable(
        "Season-ticket adjustments", ("Date", "Customer", "Ticket", "Change", "Reason",
                                      "Manager"),
        tuple((period.date(at), Cell.plain(name), Cell.number(tid),
               Cell.count(delta, f"{int(delta):+d}"), Cell.plain(reason), Cell.plain(manager))
              for at, name, tid, delta, reason, manager in adjustments),
        (False, False, True, True, False, False),
        note="" if adjustments else "No season tickets were adjusted in this period."))

    notes = tuples(CN.select(CN.issued_at, CN.number, P.receipt_number, CN.kind, CN.gross_pence,
                             CN.reason, t.User.full_name)
                   .join(P, on=(CN.payment == P.id))
                   .switch(CN).join(t.User, on=(CN.issued_by == t.User.id))
                   .where(period.within(CN.issued_at)).order_by(CN.number))
    tables.append(ReportTable(
        "Refunds and voids", ("Date", "Credit note", "Receipt", "Kind", "Gross", "Reason", "By"),
        tuple((period.date(at), Cell.plain(credit_note_text(n)), Cell.plain(receipt_text(rn)),
               Cell.plain("Void" if CreditNoteKind(k) is CreditNoteKind.VOID else "Refund"),
               money_cell(g), Cell.plain(reason), Cell.plain(who))
              for at, n, rn, k, g, reason, who in notes),
        (False, False, False, False, True, False, False),
        (Cell.plain("Total"), count_cell(len(notes)), Cell.plain(""), Cell.plain(""),
         money_cell(sum(int(r[4]) for r in notes)), Cell.plain(""), Cell.plain(""))
        if notes else None,
        note="" if notes else "No refunds or voids in this period."))

    remit = _audit_rows(period, "incident.out_of_remit")
    hand_backs = _audit_rows(period, "funding.hand_back")
    refs = _incident_refs([r[2] for r in remit] + [r[2] for r in hand_backs])
    names = user_names([r[1] for r in remit] + [r[1] for r in hand_backs])

    def who(uid: int | None) -> str:
        return names.get(int(uid), "") if uid is not None else "Automatic"

    tables.append(ReportTable(
        "Closed as out of remit", ("Date", "Incident", "Customer", "Reason", "By"),
        tuple((period.date(at), Cell.plain(refs.get(int(eid), (f"#{eid}", ""))[0]),
               # The reason as written then (re-opening clears the incident's own note).
               Cell.plain(refs.get(int(eid), ("", ""))[1]),
               Cell.plain(str(_after(after_text).get("resolution_note", ""))),
               Cell.plain(who(uid)))
              for at, uid, eid, after_text in remit if str(eid).isdigit()),
        (False,) * 5, note="" if remit else "No incidents were closed as out of remit."))
    tables.append(ReportTable(
        "Funding handed back", ("Date", "Incident", "Customer", "Reason", "What was done",
                                "By"),
        tuple((period.date(at), Cell.plain(refs.get(int(eid), (f"#{eid}", ""))[0]),
               Cell.plain(refs.get(int(eid), ("", ""))[1]),
               Cell.plain(str(_after(after).get("reason", ""))),
               Cell.plain(str(_after(after).get("done", ""))), Cell.plain(who(uid)))
              for at, uid, eid, after in hand_backs if str(eid).isdigit()),
        (False,) * 6, note="" if hand_backs else "No funding was handed back in this period."))

    refunded = money_cell(sum(int(r[4]) for r in notes)).text
    summary = [("Waivers granted", count_cell(len(waivers))),
               ("Ticket adjustments", count_cell(len(adjustments))),
               # Two figures in one: the count and the money (the table's total has both).
               ("Refunds and voids", Cell.plain(f"{len(notes):,} ({refunded})")),
               ("Out of remit", count_cell(len(remit))),
               ("Funding handed back", count_cell(len(hand_backs)))]
    return summary, tables, [], []


def build(request: ReportRequest) -> Sections:
    """The report's sections for the request's period."""
    return _overrides(request.period)
