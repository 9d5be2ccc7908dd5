"""The incident summary e-mailed from its preview goes through the outbox, as receipts do."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from synergy_desk.models import tables as t
from synergy_desk.services.incidents import intake
from synergy_desk.services.people import customers
from synergy_desk.ui import workbench
from synergy_desk.ui.pdf_preview import PdfPreviewDialog
from synergy_desk.ui.worker import Background


def _previews() -> list[PdfPreviewDialog]:
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, PdfPreviewDialog) and w.isVisible()]


def _open_summary(qtbot: Any, window: QWidget, background: Background, incident_id: int,
                  audience: str, actor: Any) -> PdfPreviewDialog:
    workbench.summary_flow(window, background, incident_id, audience=audience, actor=actor)
    qtbot.waitUntil(lambda: len(_previews()) == 1, timeout=20_000)
    (preview,) = _previews()
    return preview


def test_the_customers_summary_e_mailed_is_in_the_outbox_and_on_the_timeline(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        window: QWidget, background: Background, smtp_sink: Any) -> None:
    t.OfficeSettings.update(smtp_host=smtp_sink.host, smtp_port=smtp_sink.port,
                            smtp_starttls=False, smtp_from="desk@synergy.example").execute()
    engineer = office["engineer"]
    incident = intake.create_incident(engineer, caller.id, office["product"].id,
                                      "Payroll export stops half way")
    preview = _open_summary(qtbot, window, background, incident.id, "customer", engineer)
    preview.email_button.click()
    preview.email_to.setText("accounts@example.com")
    with qtbot.waitSignal(preview.emailed, timeout=30_000):
        qtbot.keyClick(preview.email_to, Qt.Key.Key_Return)
    (message,) = smtp_sink.wait_for(1)
    assert message["To"] == "accounts@example.com"
    assert incident.reference in message["Subject"]
    (row,) = t.EmailMessage.select().where(t.EmailMessage.direction == "out")
    assert (row.state, row.incident_id, row.written_by_id) == ("sent", incident.id, engineer.id)
    (link,) = t.EmailLink.select().where(t.EmailLink.message == row.id)
    assert t.TimelineEntry.get_by_id(link.entry_id).kind == "email_out"
    preview.close()


def test_the_internal_summary_is_never_logged_as_sent_to_the_customer(
        qtbot: Any, office: dict[str, Any], caller: customers.CustomerSummary,
        window: QWidget, background: Background, smtp_sink: Any) -> None:
    t.OfficeSettings.update(smtp_host=smtp_sink.host, smtp_port=smtp_sink.port,
                            smtp_starttls=False, smtp_from="desk@synergy.example").execute()
    engineer = office["engineer"]
    incident = intake.create_incident(engineer, caller.id, office["product"].id,
                                      "Payroll export stops half way")
    preview = _open_summary(qtbot, window, background, incident.id, "internal", engineer)
    preview.email_button.click()
    preview.email_to.setText("colleague@example.com")
    with qtbot.waitSignal(preview.emailed, timeout=30_000):
        qtbot.keyClick(preview.email_to, Qt.Key.Key_Return)
    (message,) = smtp_sink.wait_for(1)
    assert str(message["Subject"]).strip().startswith("Internal (staff only)")
    assert t.EmailMessage.select().count() == 0
    preview.close()
