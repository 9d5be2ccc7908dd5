"""Cover follows the customer, at the desk: a ticket bought with an incident funds it; a
contract or ticket is offered to the incidents waiting for payment."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from synergy_desk.domain.enums import FundingKind, LineKind
from synergy_desk.models import tables as t
from synergy_desk.services.money import funding, tickets
from synergy_desk.services.people import customers
from synergy_desk.services.reporting import receipt_documents
from tests.ui.test_payment_dialog import focused, log_incident, open_dialog, pdf_text, press


def test_a_ticket_bought_with_an_incident_funds_it_from_the_new_ticket(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary) -> None:
    incident = log_incident(office, caller.id, "Cannot print payslips")
    dialog = open_dialog(qtbot, office["reception"], caller.id, (incident.id,))
    assert dialog.total_label.text() == "£90.00"
    dialog.ticket_check.setFocus()
    press(qtbot, Qt.Key.Key_Space)  # New season ticket, 10 incidents
    assert dialog.ticket_check.isChecked()

    # One charge: the ticket. The incident is funded from it, not charged again.
    assert dialog.total_label.text() == "£780.00"
    row = dialog.lines.topLevelItem(0)
    assert "from the new season ticket" in row.text(0) and row.text(3) == "—"
    dialog.amount.setFocus()
    dialog.amount.selectAll()
    qtbot.keyClicks(focused(), "780")
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    receipt = dialog.value
    assert receipt is not None and receipt.gross_pence == 78_000
    assert [ln.kind for ln in receipt.lines] == [LineKind.SEASON_TICKET]
    assert t.PaymentLine.select().where(t.PaymentLine.kind == LineKind.INCIDENT).count() == 0
    info = funding.funding_of(incident.id)
    assert info is not None and info.kind is FundingKind.TICKET
    assert info.ticket_id == receipt.lines[0].ticket_id
    ticket = tickets.ticket_info(info.ticket_id)
    assert (ticket.used, ticket.left) == (1, 9)
    text = pdf_text(receipt_documents.receipt_pdf(receipt.number, copy=False))
    assert f"incident 1 of 10 used, 9 left, expires {ticket.expires_text}" in text
