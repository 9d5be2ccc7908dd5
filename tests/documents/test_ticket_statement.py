"""The season-ticket statement shows every ticket, its ledger and what lapsed, adding up."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from synergy_desk.documents import render_ticket_statement
from synergy_desk.documents.data import LedgerDocRow, TicketDoc, TicketStatementDoc
from synergy_desk.domain.enums import LedgerKind
from tests.documents.test_receipt import OFFICE, flat, page_count, pdf_text

Entry = tuple[LedgerKind, str, int, str, str, str]


def ticket(label: str, bought: dt.datetime, entries: list[Entry], state: str,
           size: int = 10) -> TicketDoc:
    rows = []
    balance = 0
    for n, (kind, kind_label, delta, ref, outcome, reason) in enumerate(entries):
        balance += delta
        rows.append(LedgerDocRow(bought + dt.timedelta(days=30 * n), kind_label, delta, balance,
                                 ref, outcome, reason, kind))
    return TicketDoc(label, size, bought, bought + dt.timedelta(days=365), state, balance,
                     tuple(rows))


EXPIRED = ticket("ST-2025-001", dt.datetime(2025, 1, 10, 10, 0), [
    (LedgerKind.PURCHASE, "Purchase", 10, "", "", "Receipt R-000010"),
    (LedgerKind.REDEMPTION, "Redemption", -1, "INC-000101", "Resolved — Solution", ""),
    (LedgerKind.REDEMPTION, "Redemption", -1, "INC-000130", "Closed — Out of remit", ""),
    (LedgerKind.RECREDIT, "Re-credit", 1, "INC-000130", "Closed — Out of remit",
     "Handed back by manager"),
    (LedgerKind.REDEMPTION, "Redemption", -1, "INC-000152", "Resolved — Escalated", ""),
    (LedgerKind.EXPIRY, "Expiry", -8, "", "", ""),
], "Expired")
ACTIVE = ticket("ST-2026-004", dt.datetime(2026, 1, 12, 9, 30), [
    (LedgerKind.PURCHASE, "Purchase", 5, "", "", "Receipt R-000240"),
    (LedgerKind.REDEMPTION, "Redemption", -1, "INC-000301", "Resolved — Work-around", ""),
    (LedgerKind.ADJUSTMENT, "Adjustment", 1, "", "", "Goodwill after a wrong diagnosis"),
    (LedgerKind.REDEMPTION, "Redemption", -1, "INC-000322", "Open — In progress", ""),
], "Active", size=5)


def statement(**changes: object) -> TicketStatementDoc:
    doc = TicketStatementDoc(
        office=OFFICE, customer_name="Café Müller Ltd", customer_address="12 High Street\nEly",
        account_code="CAFE001", generated_at=dt.datetime(2026, 3, 20, 10, 0),
        timezone="Europe/London", tickets=(EXPIRED, ACTIVE),
    )
    return dataclasses.replace(doc, **changes)  # type: ignore[arg-type]


def test_statement_names_the_customer_account_and_date() -> None:
    text = pdf_text(render_ticket_statement(statement()))

    assert "Season-ticket statement" in text
    assert "Café Müller Ltd\n12 High Street\nEly" in text
    assert "Account\nCAFE001" in text
    assert "20/03/2026 10:00 GMT" in text
    assert "VAT reg. no. GB 123 4567 89" in text


def test_summary_shows_each_ticket_used_lapsed_and_left() -> None:
    text = pdf_text(render_ticket_statement(statement()))

    # Ticket, purchased, expires, size, used, lapsed, left, state.
    assert "ST-2025-001\n10/01/2025\n10/01/2026\n10\n2\n8\n0\nExpired" in text
    assert "ST-2026-004\n12/01/2026\n12/01/2027\n5\n2\n0\n4\nActive" in text


def test_every_ledger_entry_prints_with_its_running_balance() -> None:
    text = pdf_text(render_ticket_statement(statement()))

    assert "10/01/2025\nPurchase\nReceipt R-000010\n+10\n10" in text
    assert "09/02/2025\nRedemption\nINC-000101\nResolved — Solution\n-1\n9" in text
    assert "11/03/2025\nRedemption\nINC-000130\nClosed — Out of remit\n-1\n8" in text
    assert ("10/04/2025 Re-credit INC-000130 Closed — Out of remit — Handed back by manager +1 9"
            in flat(text))
    assert "10/05/2025\nRedemption\nINC-000152\nResolved — Escalated\n-1\n8" in text
    assert "13/03/2026\nAdjustment\nGoodwill after a wrong diagnosis\n+1\n5" in text
    assert "12/04/2026\nRedemption\nINC-000322\nOpen — In progress\n-1\n4" in text


def test_incidents_lapsed_at_expiry_are_reported() -> None:
    text = flat(pdf_text(render_ticket_statement(statement())))

    assert "Expiry 8 unused incidents lapsed at expiry -8 0" in text
    assert "8 unused incidents lapsed when the ticket expired on 10/01/2026." in text
    assert "ST-2026-004" in text
    assert text.count("lapsed when the ticket expired") == 1  # the active ticket lost nothing


def test_ticket_heading_shows_size_dates_state_and_balance() -> None:
    text = flat(pdf_text(render_ticket_statement(statement())))

    assert ("Ticket ST-2026-004 5 incidents · purchased 12/01/2026 · expires 12/01/2027 · "
            "Active · 2 used, 4 left") in text


def test_a_ledger_that_does_not_add_up_is_refused() -> None:
    broken_row = dataclasses.replace(ACTIVE.ledger[1], balance_after=7)
    broken = dataclasses.replace(ACTIVE, ledger=(ACTIVE.ledger[0], broken_row, *ACTIVE.ledger[2:]))
    wrong_balance = dataclasses.replace(ACTIVE, balance=9)

    with pytest.raises(ValueError):
        render_ticket_statement(statement(tickets=(broken,)))
    with pytest.raises(ValueError):
        render_ticket_statement(statement(tickets=(wrong_balance,)))


def test_customer_without_tickets_gets_a_plain_statement() -> None:
    text = pdf_text(render_ticket_statement(statement(tickets=())))

    assert "This customer has no season tickets." in text


def test_a_long_history_runs_over_pages() -> None:
    entries: list[Entry] = [(LedgerKind.PURCHASE, "Purchase", 10, "", "", "")]
    for n in range(10):
        entries.append((LedgerKind.REDEMPTION, "Redemption", -1, f"INC-{n + 1:06d}",
                        "Resolved — Solution", ""))
    tickets = tuple(ticket(f"ST-{year}-001", dt.datetime(year, 1, 5, 9, 0), entries, "Used up")
                    for year in range(2016, 2026))
    pdf = render_ticket_statement(statement(tickets=tickets))
    text = pdf_text(pdf)

    assert page_count(pdf) > 1
    assert all(f"Ticket ST-{year}-001" in text for year in range(2016, 2026))


def test_identical_input_gives_identical_bytes() -> None:
    assert render_ticket_statement(statement()) == render_ticket_statement(statement())


REFUNDED = ticket("ST-2026-007", dt.datetime(2026, 1, 5, 9, 0), [
    (LedgerKind.PURCHASE, "Bought", 3, "", "", "Bought on receipt R-000300"),
    (LedgerKind.REDEMPTION, "Incident", -1, "INC-000401",
     "Payroll: In progress (used before the refund; still funded)", ""),
    (LedgerKind.REDEMPTION, "Incident", -1, "INC-000402",
     "Backup: Solution (used before the refund; still funded)", ""),
    (LedgerKind.CANCELLATION, "Cancelled (refunded)", -1, "", "",
     "Refunded on credit note CN-000009: 1 unused incident of 3 refunded pro rata, £78.00"),
], "cancelled", size=3)


def test_a_ticket_refunded_after_use_says_what_was_used_before_and_what_came_back() -> None:
    text = flat(pdf_text(render_ticket_statement(statement(tickets=(REFUNDED,)))))

    assert ("Cancelled (refunded) Refunded on credit note CN-000009: 1 unused incident of 3 "
            "refunded pro rata, £78.00 -1 0") in text
    assert "INC-000401 Payroll: In progress (used before the refund; still funded)" in text
    assert ("INC-000401, INC-000402 were used before the refund and keep their funding."
            in text)


def test_a_ticket_refunded_unused_names_no_incident_used_before() -> None:
    unused = ticket("ST-2026-008", dt.datetime(2026, 1, 5, 9, 0), [
        (LedgerKind.PURCHASE, "Bought", 3, "", "", ""),
        (LedgerKind.CANCELLATION, "Cancelled (refunded)", -3, "", "",
         "Refunded on credit note CN-000010, £234.00"),
    ], "cancelled", size=3)
    text = flat(pdf_text(render_ticket_statement(statement(tickets=(unused,)))))

    assert "Refunded on credit note CN-000010, £234.00" in text
    assert "used before the refund" not in text
