"""The season-ticket statement: every ticket of a customer, its ledger and what it paid for.

A ticket's balance is the sum of its append-only ledger, so the statement prints the ledger with
the balance after each entry, the incidents each redemption paid for with their outcomes, the
incidents that lapsed unused at expiry, and, for a ticket refunded after use, the refund with
its amount (the cancellation's entry) and the incidents used before it, which keep their
funding.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, LongTable, Paragraph, Spacer, Table

from synergy_desk.documents.data import TicketDoc, TicketStatementDoc
from synergy_desk.documents.fonts import SANS_BOLD
from synergy_desk.documents.layout import (
    CONTENT_WIDTH,
    PageFurniture,
    address_lines,
    build_pdf,
    header,
    key_values,
    plain,
    safe,
    styles,
    table_style,
)
from synergy_desk.domain.enums import LedgerKind
from synergy_desk.domain.numbers import listed
from synergy_desk.domain.zones import format_date, format_datetime

# Date | Entry | Incident | Outcome or reason (the rest) | Change | Balance.
_LEDGER_WIDTHS = (22 * mm, 30 * mm, 24 * mm, 16 * mm, 17 * mm)


def render_ticket_statement(doc: TicketStatementDoc) -> bytes:
    """Print a customer's season-ticket statement as an A4 PDF.

    Raises:
        ValueError: when a ticket's ledger does not add up (an entry's balance is not the one
            before it plus its change, or the last balance is not the ticket's): a statement
            that contradicts itself is a bug in the caller, never something to print.
    """
    for ticket in doc.tickets:
        _check(ticket)
    st = styles()
    tz = doc.timezone
    identity: list[Flowable] = [
        Paragraph("Season-ticket statement", st.title_right),
        Spacer(1, 2 * mm),
        key_values([("Account", doc.account_code or "—"),
                    ("Statement date", format_datetime(doc.generated_at, tz))],
                   CONTENT_WIDTH * 0.48, label_width=CONTENT_WIDTH * 0.48 - 44 * mm),
    ]
    customer = "<br/>".join([f"<b>{safe(doc.customer_name)}</b>",
                             *(safe(line) for line in address_lines(doc.customer_address))])
    story: list[Flowable] = [
        header(doc.office, identity),
        Spacer(1, 4 * mm),
        Paragraph("Statement for", st.muted),
        Paragraph(customer, st.body),
    ]
    if not doc.tickets:
        story += [Spacer(1, 6 * mm),
                  Paragraph("This customer has no season tickets.", st.body)]
    else:
        story += [Paragraph("Summary", st.heading), _summary(doc)]
        for ticket in doc.tickets:
            story += _ticket(ticket, doc)
    footer = " · ".join(part for part in (
        plain(doc.office.name), f"Statement for {plain(doc.customer_name)}",
        format_date(doc.generated_at, tz)) if part.strip())
    return build_pdf(
        story,
        furniture=PageFurniture(
            footer=footer,
            running_header=f"Season-ticket statement — {plain(doc.customer_name)} (continued)"),
        title=f"Season-ticket statement for {plain(doc.customer_name)}",
        subject=f"Season tickets of account {plain(doc.account_code)}",
        author=plain(doc.office.name), created_at=doc.generated_at,
    )


def _check(ticket: TicketDoc) -> None:
    balance = 0
    for row in ticket.ledger:
        balance += row.delta
        if row.balance_after != balance:
            raise ValueError(f"Ticket {ticket.label}: the ledger does not add up at the "
                             f"{row.kind_label} of {row.at:%Y-%m-%d %H:%M}.")
    if ticket.ledger and balance != ticket.balance:
        raise ValueError(f"Ticket {ticket.label}: its balance is not the sum of its ledger.")


def lapsed(ticket: TicketDoc) -> int:
    """How many unused incidents the ticket lost at expiry."""
    return sum(-row.delta for row in ticket.ledger if row.kind == LedgerKind.EXPIRY)


def used_before_refund(ticket: TicketDoc) -> list[str]:
    """The incidents the ticket paid for before its refund (its first cancellation), net of
    any handed back before it, in the order they were redeemed."""
    net: dict[str, int] = {}
    for row in ticket.ledger:
        if row.kind == LedgerKind.CANCELLATION:
            return [ref for ref, n in net.items() if n > 0]
        if row.incident_ref and row.kind in (LedgerKind.REDEMPTION, LedgerKind.RECREDIT):
            net[row.incident_ref] = net.get(row.incident_ref, 0) - row.delta
    return []  # never refunded


def _redeemed(ticket: TicketDoc) -> int:
    """Incidents the ticket paid for, net of any handed back."""
    return sum(-row.delta for row in ticket.ledger
               if row.kind in (LedgerKind.REDEMPTION, LedgerKind.RECREDIT))


def _summary(doc: TicketStatementDoc) -> Table:
    """One row per ticket: when it was bought and expires, what is used, left and lapsed."""
    st = styles()
    head = ["Ticket", "Purchased", "Expires", "Size", "Used", "Lapsed", "Left", "State"]
    rows: list[list[object]] = [
        [Paragraph(head[0], st.cell_head),
         *(Paragraph(text, st.cell_head_right if i >= 3 and i <= 6 else st.cell_head)
           for i, text in enumerate(head[1:], start=1))]]
    for ticket in doc.tickets:
        rows.append([
            Paragraph(safe(ticket.label[:1].upper() + ticket.label[1:]), st.cell),
            format_date(ticket.purchased_at, doc.timezone),
            format_date(ticket.expires_at, doc.timezone),
            str(ticket.size), str(_redeemed(ticket)), str(lapsed(ticket)), str(ticket.balance),
            Paragraph(safe(ticket.state), st.cell),
        ])
    widths = [21 * mm, 21 * mm, 13 * mm, 13 * mm, 15 * mm, 13 * mm, 24 * mm]
    table = LongTable(rows, colWidths=[CONTENT_WIDTH - sum(widths), *widths], repeatRows=1)
    table.setStyle(table_style(("ALIGN", (3, 1), (6, -1), "RIGHT")))
    return table


def _ticket(ticket: TicketDoc, doc: TicketStatementDoc) -> list[Flowable]:
    """One ticket: what it is, its ledger with the running balance, what lapsed."""
    st = styles()
    tz = doc.timezone
    used = _redeemed(ticket)
    facts = (f"{ticket.size} incident{'s' if ticket.size != 1 else ''} · purchased "
             f"{format_date(ticket.purchased_at, tz)} · expires {format_date(ticket.expires_at, tz)}"
             f" · {safe(ticket.state)} · {used} used, {ticket.balance} left")
    intro: list[Flowable] = [
        Paragraph(f"Ticket {safe(ticket.label)}", st.heading),
        Paragraph(facts, st.body),
        Spacer(1, 2 * mm),
    ]
    if not ticket.ledger:
        return [KeepTogether([*intro, Paragraph("No ledger entries.", st.body)])]
    head = [Paragraph(text, st.cell_head) for text in ("Date", "Entry", "Incident",
                                                        "Outcome / reason")]
    head += [Paragraph("Change", st.cell_head_right), Paragraph("Balance", st.cell_head_right)]
    rows: list[list[object]] = [head]
    for row in ticket.ledger:
        note = " — ".join(safe(part) for part in (row.outcome, row.reason) if part.strip())
        if row.kind == LedgerKind.EXPIRY and row.delta < 0:
            lost = -row.delta
            note = note or f"{lost} unused incident{'s' if lost != 1 else ''} lapsed at expiry"
        rows.append([
            format_date(row.at, tz),
            Paragraph(safe(row.kind_label), st.cell),
            plain(row.incident_ref) or "",
            Paragraph(note, st.cell),
            f"{row.delta:+d}",
            str(row.balance_after),
        ])
    widths = [_LEDGER_WIDTHS[0], _LEDGER_WIDTHS[1], _LEDGER_WIDTHS[2],
              CONTENT_WIDTH - sum(_LEDGER_WIDTHS), _LEDGER_WIDTHS[3], _LEDGER_WIDTHS[4]]
    table = LongTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle(table_style(("ALIGN", (4, 1), (5, -1), "RIGHT"),
                               ("FONTNAME", (5, 1), (5, -1), SANS_BOLD)))
    out: list[Flowable] = [KeepTogether([*intro, table])]
    gone = lapsed(ticket)
    if gone:
        out.append(Spacer(1, 1.5 * mm))
        out.append(Paragraph(
            f"{gone} unused incident{'s' if gone != 1 else ''} lapsed when the ticket expired "
            f"on {format_date(ticket.expires_at, tz)}.", st.muted))
    kept = used_before_refund(ticket)
    if kept:
        many = len(kept) != 1
        out.append(Spacer(1, 1.5 * mm))
        out.append(Paragraph(
            f"{safe(listed(kept))} {'were' if many else 'was'} used "
            f"before the refund and keep{'' if many else 's'} {'their' if many else 'its'} "
            "funding.", st.muted))
    return out
