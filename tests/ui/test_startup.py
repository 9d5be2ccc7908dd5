"""Start-up: the first screen is painted without loading what it does not show.

The window is started in a fresh process, as a desk starts it (the log-in skipped), and
asked, once its list's rows are painted, which modules it has loaded. Documents (ReportLab,
pictures), the PostgreSQL driver, e-mail, the bank and telephone-number rules, the password
hasher, money, reports and the dialogs are loaded when they are first used, never before the
first paint; a module that comes back into the start-up path fails here by name.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from synergy_desk.demo import generator
from synergy_desk.models.database import close_database, open_database, sqlite_url

#: What the first screen does not need, by module name (a package stands for everything in it).
HEAVY = (
    "reportlab",  # documents
    "PIL",  # pictures in documents
    "psycopg",  # the PostgreSQL driver, on a SQLite office
    "psycopg2",
    "imapclient",  # reading mail
    "inscriptis",  # mail's HTML as text
    "smtplib",  # sending mail
    "email",  # the standard library's e-mail messages
    "ssl",
    "schwifty",  # bank account rules (office settings)
    "pycountry",
    "stdnum",
    "phonenumbers",  # telephone numbers as typed
    "argon2",  # passwords (the log-in has its own dialog)
    "synergy_desk.documents",
    "synergy_desk.services.reporting",
    "synergy_desk.services.mail",
    "synergy_desk.services.money",
    "synergy_desk.services.data",
    "synergy_desk.services.office.settings",
    "synergy_desk.services.people.users",
    "synergy_desk.ui.reports",
    "synergy_desk.ui.registers",
    "synergy_desk.ui.pdf_preview",
    "synergy_desk.ui.email_triage_view",
    "synergy_desk.ui.outbox_view",
    "synergy_desk.ui.audit_view",
    "synergy_desk.ui.receipts",
    "synergy_desk.ui.dialogs",
    "synergy_desk.ui.customer_panel",  # the panels, built just after the first paint
    "synergy_desk.ui.incident_detail",
)

CHILD = r"""
import json, sys
import synergy_desk.cli  # as the installed program starts
from synergy_desk.app import load_model_layer
load_model_layer()  # as the program does before Qt
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication
from synergy_desk.models.database import open_database
app = QApplication(sys.argv[:1])
open_database(sys.argv[1])
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.ui.prefs import Preferences
from synergy_desk.ui.main_window import MainWindow
user = t.User.select().where(t.User.role == sys.argv[3]).first()
prefs = Preferences(QSettings(sys.argv[2], QSettings.Format.IniFormat))
window = MainWindow(Actor.from_user(user), prefs, sys.argv[1])
seen = {}

def after_paint():
    # The first screen still works: choosing the first incident shows it in the detail.
    window.table.selectRow(0)
    QTimer.singleShot(1500, shown)

def shown():
    seen["heading"] = window.detail.heading.text()
    seen["listed"] = window.model.index(0, 0).data()
    app.quit()

class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and window.model.rowCount() and "rows" not in seen:
            window.table.viewport().removeEventFilter(self)
            seen["rows"] = window.model.rowCount()
            seen["loaded"] = sorted(sys.modules)  # as the rows are painted
            QTimer.singleShot(0, after_paint)
        return False

painted = Painted()
window.table.viewport().installEventFilter(painted)
window.resize(1400, 860)
window.show()
QTimer.singleShot(30000, app.quit)
app.exec()
print(json.dumps(seen))
"""


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = sqlite_url(tmp_path_factory.mktemp("startup") / "office.sqlite3")
    open_database(url)
    try:
        generator.generate_demo(customers=10, incidents=40, timeline_per_incident=2)
    finally:
        close_database()
    return url


def _start(office: str, role: str, tmp_path: Path) -> dict[str, object]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    done = subprocess.run([sys.executable, "-c", CHILD, office, str(tmp_path / "prefs.ini"), role],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _heavy(loaded: object) -> list[str]:
    assert isinstance(loaded, list)
    return sorted(heavy for heavy in HEAVY
                  if any(name == heavy or name.startswith(heavy + ".") for name in loaded))


@pytest.mark.slow
@pytest.mark.parametrize("role", ["manager", "reception"])
def test_the_first_screen_paints_its_rows_without_loading_what_it_does_not_show(
        office: str, role: str, tmp_path: Path) -> None:
    seen = _start(office, role, tmp_path)
    assert seen.get("rows"), f"the {role}'s first screen painted no rows: {seen}"
    assert _heavy(seen["loaded"]) == []


@pytest.mark.slow
def test_the_first_screen_shows_the_incident_chosen_in_its_list(
        office: str, tmp_path: Path) -> None:
    seen = _start(office, "manager", tmp_path)
    listed = str(seen["listed"])
    assert listed.startswith("INC-")
    assert listed in str(seen["heading"])


def test_the_model_layer_loads_before_qt_without_loading_qt() -> None:
    """The program imports the tables and the list's service before PySide6 (which would
    otherwise read each one's source as it is imported): that early load must not itself
    bring in Qt, or anything the first screen does not need."""
    child = ("import json, sys\n"
             "import synergy_desk.cli\n"
             "from synergy_desk.app import load_model_layer\n"
             "load_model_layer()\n"
             "print(json.dumps(sorted(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
    assert [name for name in loaded if name.split(".")[0] in ("PySide6", "shiboken6")] == []
    assert "synergy_desk.models.tables" in loaded
    assert "synergy_desk.services.incidents.incident_list" in loaded
    assert _heavy(loaded) == []
