"""The window shows one customer at a time: the list's highlight, the incident detail and the
customer panel agree, whichever of them the person used; the funding line and the banner
say plainly what happened."""

from __future__ import annotations

from typing import Any

from synergy_desk.services.common import Actor
from synergy_desk.services.incidents import intake
from synergy_desk.services.people import customers
from synergy_desk.ui.main_window import MainWindow
from tests.ui.test_main_window import make_window


def _customer(actor: Actor, name: str, phone: str) -> int:
    return customers.create_customer(actor, customers.CustomerInput(
        name=name, address="1 Quay Street\nHull", postcode="HU1 1AA", phone=phone)).id


def _call(actor: Actor, customer_id: int, product_id: int, subject: str) -> int:
    return intake.log_call(actor, intake.LogCallInput(
        customer_id=customer_id, product_id=product_id, subject=subject)).id


def _highlighted(window: MainWindow) -> int | None:
    from synergy_desk.ui.table_model import ID_ROLE

    rows = window.table.selectionModel().selectedRows()
    current = window.table.selectionModel().currentIndex()
    ids = {r.data(ID_ROLE) for r in rows}
    if not rows:
        return None
    assert len(ids) == 1 and current.isValid() and current.data(ID_ROLE) in ids
    return int(next(iter(ids)))


def _agree(window: MainWindow) -> None:
    """Highlight, detail and panel are about the same incident and customer (an incident
    the list does not show is highlighted nowhere, never as another row)."""
    shown = window.detail.incident_id
    listed = shown is not None and window.model.row_of(shown) >= 0
    assert _highlighted(window) == (shown if listed else None)
    if window.detail.incident_id is not None:
        assert window.customer_panel.customer_id == window.detail.customer_id


def test_selecting_another_customers_incident_switches_the_panel(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    engineer = office["engineer"]
    product = office["product"].id
    alpha = _customer(engineer, "Alpha Bakery", "01632 960001")
    beta = _customer(engineer, "Beta Garage", "01632 960002")
    a_incident = _call(engineer, alpha, product, "Alpha cannot print")
    b_incident = _call(engineer, beta, product, "Beta cannot post")
    window = make_window(qtbot, engineer, prefs)
    window.view_buttons["all"].click()
    qtbot.waitUntil(lambda: window.model.row_of(b_incident) >= 0)

    window.table.selectRow(window.model.row_of(a_incident))
    assert window.detail.incident_id == a_incident
    assert window.customer_panel.customer_id == alpha
    _agree(window)

    # The panel shows Alpha; choosing Beta's incident in the list switches it to Beta.
    window.table.selectRow(window.model.row_of(b_incident))
    assert window.detail.incident_id == b_incident
    assert window.customer_panel.customer_id == beta
    _agree(window)


def test_opening_a_customer_lets_go_of_another_customers_incident(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    engineer = office["engineer"]
    product = office["product"].id
    alpha = _customer(engineer, "Alpha Bakery", "01632 960001")
    beta = _customer(engineer, "Beta Garage", "01632 960002")
    a_incident = _call(engineer, alpha, product, "Alpha cannot print")
    window = make_window(qtbot, engineer, prefs)
    window.view_buttons["all"].click()
    qtbot.waitUntil(lambda: window.model.row_of(a_incident) >= 0)
    window.table.selectRow(window.model.row_of(a_incident))
    assert window.detail.incident_id == a_incident

    window.open_customer(beta)  # found by the search box: the caller is someone else
    assert window.customer_panel.customer_id == beta
    assert window.detail.incident_id is None
    _agree(window)

    window.open_customer(alpha)  # the same customer again keeps nothing stale either
    _agree(window)


def test_opening_an_incident_the_list_does_not_show_clears_the_highlight(
        qtbot: Any, office: dict[str, Any], prefs: Any) -> None:
    engineer = office["engineer"]
    product = office["product"].id
    alpha = _customer(engineer, "Alpha Bakery", "01632 960001")
    beta = _customer(engineer, "Beta Garage", "01632 960002")
    a_incident = _call(engineer, alpha, product, "Alpha cannot print")
    b_incident = _call(engineer, beta, product, "Beta cannot post")
    window = make_window(qtbot, engineer, prefs)
    window.view_buttons["all"].click()
    qtbot.waitUntil(lambda: window.model.row_of(a_incident) >= 0)
    window.table.selectRow(window.model.row_of(a_incident))
    window.view_buttons["in_progress"].click()  # neither is in progress
    qtbot.waitUntil(lambda: window.model.row_of(a_incident) < 0)
    window.open_incident(b_incident)  # from the customer panel or a call-back
    assert window.detail.incident_id == b_incident
    assert window.customer_panel.customer_id == beta
    assert _highlighted(window) is None
    _agree(window)


# --- the funding line and the banner say what happened --------------------------------------


def test_the_detail_of_an_out_of_remit_incident_says_its_ticket_was_handed_back(
        qtbot: Any, office: dict[str, Any]) -> None:
    from synergy_desk.services.incidents import closing
    from synergy_desk.services.money import funding
    from synergy_desk.ui.incident_detail import IncidentDetail
    from tests.ui.workbench_data import buy_ticket

    reception = office["reception"]
    customer = _customer(reception, "Gamma Mills", "01632 960003")
    incident = _call(reception, customer, office["product"].id, "Write our macro")
    ticket_id = buy_ticket(reception, customer, size=4)
    funding.fund_from_ticket(reception, incident)
    closing.out_of_remit(office["manager"], incident, "Writing macros is not support")
    pane = IncidentDetail(office["manager"])
    qtbot.addWidget(pane)
    pane.show_incident(incident)
    heading = pane.heading.text()
    assert f"Handed back: season ticket {ticket_id} was re-credited" in heading
    assert "Unfunded" not in heading and "take a payment" not in heading


def _banner(office: dict[str, Any], qtbot: Any, customer_id: int) -> str:
    from synergy_desk.ui.customer_panel import CustomerPanel

    panel = CustomerPanel()
    qtbot.addWidget(panel)
    panel.show_customer(customer_id)
    return str(panel.banner.text())


def test_the_banner_says_a_ticket_expired_with_nothing_left(qtbot: Any,
                                                            office: dict[str, Any]) -> None:
    import datetime as dt

    from synergy_desk.models import tables as t
    from synergy_desk.models.base import utcnow
    from synergy_desk.services.money import tickets
    from tests.ui.workbench_data import buy_ticket

    reception = office["reception"]
    customer = _customer(reception, "Delta Foods", "01632 960004")
    ticket_id = buy_ticket(reception, customer, size=5)
    (t.SeasonTicket.update(expires_at=utcnow() - dt.timedelta(days=2))
     .where(t.SeasonTicket.id == ticket_id).execute())
    assert tickets.expire_tickets(None) == 1
    text = _banner(office, qtbot, customer)
    assert f"Season ticket {ticket_id} expired" in text and "5 incidents lapsed" in text
    assert "No incidents left: offer a new season ticket." in text
    assert "Only a few" not in text


def test_the_banner_says_a_ticket_is_used_up(qtbot: Any, office: dict[str, Any]) -> None:
    from synergy_desk.services.money import funding
    from tests.ui.workbench_data import buy_ticket

    reception = office["reception"]
    customer = _customer(reception, "Echo Print", "01632 960005")
    ticket_id = buy_ticket(reception, customer, size=1)
    funding.fund_from_ticket(reception, _call(reception, customer, office["product"].id, "X"))
    text = _banner(office, qtbot, customer)
    assert f"Season ticket {ticket_id} is used up: all 1 incident used." in text
    assert "No incidents left: offer a new season ticket." in text
    assert "Only a few" not in text


def test_the_banner_counts_the_incidents_left(qtbot: Any, office: dict[str, Any]) -> None:
    from tests.ui.workbench_data import buy_ticket

    reception = office["reception"]
    customer = _customer(reception, "Fox Joinery", "01632 960006")
    buy_ticket(reception, customer, size=2)
    text = _banner(office, qtbot, customer)
    assert "Only 2 incidents left: offer a new season ticket." in text
