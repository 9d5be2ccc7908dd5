"""Light and dark: the desk follows the desktop's scheme or the one chosen for it (View →
Appearance), and an open window is re-coloured at once when the scheme changes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QListWidgetItem

from synergy_desk.domain.enums import IncidentStatus
from synergy_desk.services.incidents import intake
from synergy_desk.services.people import customers
from synergy_desk.ui import formatting, palette
from synergy_desk.ui.main_window import MainWindow
from synergy_desk.ui.prefs import Preferences


@pytest.fixture(autouse=True)
def desktop_again(qapp: QApplication) -> Iterator[None]:
    """Each test starts and ends following the (light, offscreen) desktop."""
    palette.use_appearance(palette.Appearance.DESKTOP)
    yield
    palette.use_appearance(palette.Appearance.DESKTOP)
    qapp.setPalette(QPalette())


def window_colour(qapp: QApplication) -> QColor:
    return qapp.palette().color(QPalette.ColorRole.Window)


def test_the_appearance_is_a_preference_of_the_desk(prefs: Preferences) -> None:
    assert prefs.appearance == "desktop"
    prefs.appearance = "dark"
    assert prefs.appearance == "dark"
    prefs.qsettings.setValue("window/appearance", "purple")
    assert prefs.appearance == "desktop"  # what it does not know: follow the desktop


def test_dark_chosen_on_a_desktop_that_cannot_show_it_is_the_windows_own_dark(
        qapp: QApplication) -> None:
    assert not palette.is_dark()
    palette.use_appearance(palette.Appearance.DARK)
    assert palette.is_dark()
    assert window_colour(qapp).lightness() < 128
    assert palette.ERROR.hex() == palette.ERROR.dark
    palette.use_appearance(palette.Appearance.LIGHT)
    assert not palette.is_dark() and window_colour(qapp).lightness() > 200
    palette.use_appearance(palette.Appearance.DESKTOP)
    assert not palette.is_dark() and window_colour(qapp).lightness() > 200


def test_the_other_schemes_shades_are_swapped_in_style_sheets_and_rich_text() -> None:
    sheet = palette.INFO_TONE.style() + " border:1px solid " + palette.FRAME.light + ";"
    dark = palette.recoloured(sheet, dark=True)
    assert dark == (f"background:{palette.INFO_TONE.background.dark}; "
                    f"color:{palette.INFO.dark}; border:1px solid {palette.FRAME.dark};")
    assert palette.recoloured(dark, dark=False) == sheet
    paper = f"background:{palette.PAPER.light};"
    assert palette.recoloured(paper, dark=True) == paper  # paper stays white


def test_an_open_window_is_recoloured_when_the_scheme_changes(qtbot: Any) -> None:
    label = QLabel(f"<span style='color:{palette.SECONDARY.hex()}'>ACC-0001</span>")
    label.setStyleSheet(palette.ERROR.text_style())
    entries = QListWidget()
    item = QListWidgetItem("left the company")
    item.setForeground(palette.INACTIVE.brush())
    entries.addItem(item)
    for widget in (label, entries):
        qtbot.addWidget(widget)
        widget.show()

    palette.use_appearance(palette.Appearance.DARK)
    assert label.styleSheet() == f"color:{palette.ERROR.dark};"
    assert palette.SECONDARY.dark in label.text()
    assert item.foreground().color().name() == palette.INACTIVE.dark

    palette.use_appearance(palette.Appearance.DESKTOP)
    assert label.styleSheet() == f"color:{palette.ERROR.light};"
    assert palette.SECONDARY.light in label.text()
    assert item.foreground().color().name() == palette.INACTIVE.light


def test_following_the_desktop_recolours_when_the_desktop_turns_dark(
        qtbot: Any, qapp: QApplication) -> None:
    label = QLabel()
    label.setStyleSheet(palette.WARNING.text_style())
    qtbot.addWidget(label)
    palette.use_appearance(palette.Appearance.DESKTOP)
    qapp.setPalette(QPalette(QColor("#2d2d2d")))  # the desktop switched to dark
    qtbot.waitUntil(lambda: label.styleSheet() == f"color:{palette.WARNING.dark};")
    qapp.setPalette(QPalette())
    qtbot.waitUntil(lambda: label.styleSheet() == f"color:{palette.WARNING.light};")


def test_the_view_menu_chooses_the_appearance_and_the_incident_is_recoloured_live(
        qtbot: Any, office: dict[str, Any], prefs: Preferences,
        caller: customers.CustomerSummary, qapp: QApplication) -> None:
    engineer = office["engineer"]
    ref = intake.log_call(engineer, intake.LogCallInput(
        customer_id=caller.id, product_id=office["product"].id,
        subject="Payroll will not close the month", text="Error 42 at month end"))
    window = MainWindow(engineer, prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_incident(ref.id)
    status = formatting.STATUS_COLOURS[IncidentStatus.AWAITING_PAYMENT]
    assert status.background.light in window.detail.heading.text()

    menu = window.findChild(type(window.file_menu), "appearanceMenu")
    assert menu is not None and menu.title() == "&Appearance"
    assert [a.text() for a in menu.actions()] == ["Follow the &desktop", "&Light", "D&ark"]
    assert window.appearance_actions["desktop"].isChecked()

    window.appearance_actions["dark"].trigger()
    assert prefs.appearance == "dark"
    assert window.appearance_actions["dark"].isChecked()
    assert palette.is_dark() and window_colour(qapp).lightness() < 128
    assert status.background.dark in window.detail.heading.text()
    assert status.background.light not in window.detail.heading.text()
    assert palette.SUCCESS.dark in window.connection_label.styleSheet()

    window.appearance_actions["desktop"].trigger()
    assert prefs.appearance == "desktop"
    assert status.background.light in window.detail.heading.text()


def test_a_new_window_shows_the_appearance_kept_for_the_desk(
        qtbot: Any, office: dict[str, Any], prefs: Preferences) -> None:
    prefs.appearance = "light"
    window = MainWindow(office["manager"], prefs, "test database", "Synergy Support Ltd")
    qtbot.addWidget(window)
    assert window.appearance_actions["light"].isChecked()
    assert not window.appearance_actions["desktop"].isChecked()


def test_the_logo_preview_stays_paper_with_paper_text_in_the_dark(
        qtbot: Any, office: dict[str, Any], background: Any) -> None:
    from synergy_desk.services.office.settings import get_settings
    from synergy_desk.ui.dialogs.office_settings import OfficeSettingsDialog

    palette.use_appearance(palette.Appearance.DARK)
    dialog = OfficeSettingsDialog(None, office["manager"], background, get_settings())
    qtbot.addWidget(dialog)
    preview = dialog.logo_preview
    assert f"background:{palette.PAPER.light};" in preview.styleSheet()
    assert f"color:{palette.PAPER_TEXT.light};" in preview.styleSheet()
    palette.use_appearance(palette.Appearance.DESKTOP)
    assert f"color:{palette.PAPER_TEXT.light};" in preview.styleSheet()
