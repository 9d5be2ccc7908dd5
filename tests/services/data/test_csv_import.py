"""Importing customers from CSV: encodings, delimiters, the mapping, bad rows, all or nothing."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import peewee
import pytest

from synergy_desk.domain.errors import PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import db, utcnow
from synergy_desk.models.database import is_sqlite
from synergy_desk.services import search
from synergy_desk.services.common import Actor
from synergy_desk.services.data import csv_import
from synergy_desk.services.data.csv_import import ImportRefused
from synergy_desk.services.people.customers import CustomerInput, create_customer
from synergy_desk.services.reporting import integrity
from tests.services.money.test_funding import new_incident

SAGE_HEADER = ("A/C,Name,Street1,Street2,Town,County,Post Code,Contact Name,Telephone,"
               "E-mail,Notes")


def sage_rows(count: int, *, start: int = 1) -> list[str]:
    return [f"SAGE{n:03d},Customer {n} Ltd,{n} High Street,,Leeds,West Yorkshire,LS1 1AA,"
            f"Person {n},0113 496 {n:04d},c{n}@example.co.uk,Account {n}"
            for n in range(start, start + count)]


def write(tmp_path: Path, lines: list[str], *, encoding: str = "utf-8",
          name: str = "customers.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def import_file(actor: Actor, path: Path, **options: Any) -> csv_import.ImportResult:
    csv_file = csv_import.read_csv(path)
    return csv_import.import_customers(actor, csv_file,
                                       csv_import.guess_mapping(csv_file.headers), **options)


def test_sage_file_in_windows_1252_with_pounds_and_accents_imports(
        manager: Actor, tmp_path: Path) -> None:
    path = write(tmp_path, [
        SAGE_HEADER,
        "CAF001,Café Zoë Ltd,1 Rue de la Paix,Suite 2,Leeds,,ls11aa,Zoë Brontë,01632 960123,"
        "zoe@example.co.uk,Owes £75",
        'BRO002,"Brown, & Sons","2 Low\r\nRoad",,York,,YO1 7HH,Bob Brown,0113 496 0000,,',
    ], encoding="cp1252")
    csv_file = csv_import.read_csv(path)
    assert csv_file.encoding == "cp1252"
    assert csv_file.delimiter == ","
    mapping = csv_import.guess_mapping(csv_file.headers)
    assert mapping == {
        "account_code": "A/C", "name": "Name", "address1": "Street1", "address2": "Street2",
        "address3": "Town", "address4": "County", "postcode": "Post Code",
        "contact_name": "Contact Name", "phone": "Telephone", "email": "E-mail",
        "notes": "Notes"}
    result = csv_import.import_customers(manager, csv_file, mapping)
    assert (result.imported, result.contacts, result.skipped) == (2, 2, 0)
    cafe = t.Customer.get(t.Customer.account_code == "CAF001")
    assert cafe.name == "Café Zoë Ltd"
    assert cafe.notes == "Owes £75"
    assert cafe.postcode == "LS1 1AA"
    assert cafe.phone == "+441632960123"
    assert cafe.address == "1 Rue de la Paix\nSuite 2\nLeeds"
    brown = t.Customer.get(t.Customer.account_code == "BRO002")
    assert brown.name == "Brown, & Sons"
    assert brown.address == "2 Low\nRoad\nYork"  # a quoted cell across two lines
    contact = t.Contact.get(t.Contact.customer == cafe.id)
    assert (contact.name, contact.is_primary) == ("Zoë Brontë", True)
    # Findable at once, by name, contact and phone.
    assert [r.id for r in search.search_customers("Brontë")] == [cafe.id]
    assert [r.id for r in search.search_customers("01632 960123")] == [cafe.id]
    audit = t.AuditLog.get(t.AuditLog.action == "customer.import")
    assert json.loads(audit.after)["imported"] == 2
    assert audit.user_id == manager.id
    # Each customer has its own audit row too, found by the customer, as one added by hand.
    own = t.AuditLog.get((t.AuditLog.action == "customer.create")
                         & (t.AuditLog.entity_id == str(cafe.id)))
    after = json.loads(own.after)
    assert (after["account_code"], after["name"], own.user_id) == ("CAF001", "Café Zoë Ltd",
                                                                    manager.id)
    assert after["imported_from"] == csv_file.name
    assert after["contacts"][0]["name"] == "Zoë Brontë"


def test_utf8_with_bom_semicolons_and_xero_headings(manager: Actor, tmp_path: Path) -> None:
    path = tmp_path / "xero.csv"
    path.write_bytes("\ufeff*ContactName;EmailAddress;POAddressLine1;POCity;POPostalCode;"
                     "PhoneNumber\r\nØresund Ltd;info@oresund.dk;1 Quay;Hull;HU1 1AA;"
                     "01482 000000\r\n".encode())
    csv_file = csv_import.read_csv(path)
    assert (csv_file.encoding, csv_file.delimiter) == ("utf-8", ";")
    assert csv_file.headers[0] == "*ContactName"
    mapping = csv_import.guess_mapping(csv_file.headers)
    assert mapping["name"] == "*ContactName"
    assert mapping["email"] == "EmailAddress"
    assert mapping["postcode"] == "POPostalCode"
    assert (mapping["address1"], mapping["address2"]) == ("POAddressLine1", "POCity")
    result = csv_import.import_customers(manager, csv_file, mapping)
    assert result.imported == 1
    customer = t.Customer.get(t.Customer.name == "Øresund Ltd")
    assert customer.account_code.startswith("C")  # generated, as the customers service does


def test_a_bad_phone_on_line_14_is_reported_and_nothing_is_imported(
        manager: Actor, tmp_path: Path) -> None:
    rows = sage_rows(20)
    rows[12] = rows[12].replace("0113 496 0013", "12ab")  # line 14: the header is line 1
    path = write(tmp_path, [SAGE_HEADER, *rows])
    csv_file = csv_import.read_csv(path)
    mapping = csv_import.guess_mapping(csv_file.headers)
    preview = csv_import.preview_import(csv_file, mapping, limit=5)
    assert len(preview.rows) == 5
    assert preview.total_rows == 20
    assert [str(b) for b in preview.bad_rows] == [
        "line 14: Telephone: “12ab” is not a phone number that can be dialled; type it like "
        "01632 960123, or +33 1 23 45 67 89 for a number abroad."]
    with pytest.raises(ImportRefused) as refused:
        csv_import.import_customers(manager, csv_file, mapping)
    assert "line 14: Telephone: “12ab” is not a phone number" in refused.value.message
    assert "nothing was imported" in refused.value.message
    assert [b.line for b in refused.value.bad_rows] == [14]
    assert t.Customer.select().count() == 0
    assert t.AuditLog.select().where(t.AuditLog.action == "customer.import").count() == 0


def test_with_skip_the_good_rows_are_imported(manager: Actor, tmp_path: Path) -> None:
    rows = sage_rows(5)
    rows[1] = rows[1].replace("c2@example.co.uk", "not-an-address")
    path = write(tmp_path, [SAGE_HEADER, *rows])
    result = import_file(manager, path, skip_bad_rows=True)
    assert (result.imported, result.skipped) == (4, 1)
    assert [b.line for b in result.bad_rows] == [3]
    assert "not-an-address" in result.bad_rows[0].reason
    codes = [c.account_code for c in t.Customer.select().order_by(t.Customer.id)]
    assert codes == ["SAGE001", "SAGE003", "SAGE004", "SAGE005"]


def test_wrong_delimiter_is_told(manager: Actor, tmp_path: Path) -> None:
    path = write(tmp_path, [SAGE_HEADER.replace(",", ";"),
                            *(r.replace(",", ";") for r in sage_rows(3))])
    csv_file = csv_import.read_csv(path, delimiter=",")
    preview = csv_import.preview_import(csv_file, csv_import.guess_mapping(csv_file.headers))
    assert preview.problems
    assert "one column only" in preview.problems[0]
    assert "semicolon" in preview.problems[0]
    assert not preview.can_import
    with pytest.raises(ValidationError, match="Choose the delimiter"):
        csv_import.import_customers(manager, csv_file, {"name": csv_file.headers[0]})
    # Rows split by another delimiter than the heading row: every row is the wrong width.
    mixed = write(tmp_path, [SAGE_HEADER, *(r.replace(",", ";") for r in sage_rows(3))],
                  name="mixed.csv")
    csv_file = csv_import.read_csv(mixed, delimiter=",")
    preview = csv_import.preview_import(csv_file, csv_import.guess_mapping(csv_file.headers))
    assert len(preview.bad_rows) == 3
    assert "where the heading row has 11" in preview.bad_rows[0].reason
    assert any("separated by something else" in p for p in preview.problems)
    assert t.Customer.select().count() == 0


def test_missing_required_column(manager: Actor, tmp_path: Path) -> None:
    path = write(tmp_path, ["Telephone,Email", "0113 496 0000,a@example.com"])
    csv_file = csv_import.read_csv(path)
    mapping = csv_import.guess_mapping(csv_file.headers)
    assert "name" not in mapping
    preview = csv_import.preview_import(csv_file, mapping)
    assert preview.problems == ("Choose the column that holds the name: it is required.",)
    with pytest.raises(ImportRefused, match="name: it is required"):
        csv_import.import_customers(manager, csv_file, mapping)
    # A mapping naming a heading the file does not have.
    with pytest.raises(ImportRefused, match="“Customer Name” is not in the file"):
        csv_import.import_customers(manager, csv_file, {"name": "Customer Name"})
    assert t.Customer.select().count() == 0


def test_over_limit_file_is_refused_before_it_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.csv"
    line = (b"SAGE001,Customer Ltd,1 High Street,,Leeds,,LS1 1AA,Person,0113 496 0000,"
            b"c@example.co.uk,Notes\r\n")
    with path.open("wb") as out:
        out.write((SAGE_HEADER + "\r\n").encode())
        block = line * 10_000
        while out.tell() < 50 * 1024 * 1024:
            out.write(block)
        out.truncate(50 * 1024 * 1024)
    opened: list[object] = []
    real_open = Path.open

    def spy(self: Path, *args: object, **kwargs: object) -> object:
        opened.append(self)
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", spy)
    with pytest.raises(ValidationError) as refused:
        csv_import.read_csv(path)
    assert "huge.csv" in refused.value.message
    assert "50.0 MB" in refused.value.message
    assert "at most 20 MB" in refused.value.message
    assert "Split it" in refused.value.message
    assert opened == []  # refused on its size, without reading a byte


def test_card_number_in_any_cell_is_refused(manager: Actor, tmp_path: Path) -> None:
    header = SAGE_HEADER + ",Unused"
    rows = [r + ",x" for r in sage_rows(3)]
    rows[0] = rows[0].replace("Account 1", "paid by 4111 1111 1111 1111")
    rows[2] = rows[2][:-1] + "4242424242424242"  # a column that is not even imported
    path = write(tmp_path, [header, *rows])
    csv_file = csv_import.read_csv(path)
    preview = csv_import.preview_import(csv_file, csv_import.guess_mapping(csv_file.headers))
    assert [b.line for b in preview.bad_rows] == [2, 4]
    assert preview.bad_rows[0].reason.startswith("Notes: holds what looks like a full card")
    assert preview.bad_rows[1].reason.startswith("Unused: ")
    assert all("4111" not in b.reason and "4242" not in b.reason for b in preview.bad_rows)
    with pytest.raises(ImportRefused):
        csv_import.import_customers(manager, csv_file, preview.mapping)
    assert t.Customer.select().count() == 0


def test_duplicate_account_codes_in_the_file_and_the_office(
        manager: Actor, tmp_path: Path) -> None:
    t.Customer.create(account_code="SAGE002", name="Already here")
    rows = sage_rows(4)
    rows[3] = rows[3].replace("SAGE004", "SAGE001")
    path = write(tmp_path, [SAGE_HEADER, *rows])
    csv_file = csv_import.read_csv(path)
    preview = csv_import.preview_import(csv_file, csv_import.guess_mapping(csv_file.headers))
    assert [(b.line, b.reason) for b in preview.bad_rows] == [
        (3, "A/C: the office already has a customer with the account code “SAGE002”."),
        (5, "A/C: the account code “SAGE001” is already used on line 2.")]
    assert preview.rows[1].error == preview.bad_rows[0].reason
    result = csv_import.import_customers(manager, csv_file, preview.mapping,
                                         skip_bad_rows=True)
    assert result.imported == 2
    assert t.Customer.select().count() == 3


def test_formula_looking_cells_are_stored_as_typed(manager: Actor, tmp_path: Path) -> None:
    path = write(tmp_path, ["Name,Notes", '"=HYPERLINK(""http://x"",""y"")",+44 is the code'])
    import_file(manager, path)
    customer = t.Customer.get()
    assert customer.name == '=HYPERLINK("http://x","y")'
    assert customer.notes == "+44 is the code"


def test_generated_codes_skip_codes_taken_and_later_customers_do_not_clash(
        manager: Actor, tmp_path: Path) -> None:
    path = write(tmp_path, ["Account Code,Name", "C000002,Second", ",First new",
                            ",Second new"])
    result = import_file(manager, path)
    codes = sorted(c.account_code for c in t.Customer.select())
    # New codes follow the highest numbered code of the file.
    assert codes == ["C000002", "C000003", "C000004"]
    assert result.imported == 3
    later = create_customer(manager, CustomerInput(name="Typed in later"))
    assert later.account_code == "C000005"


def test_only_managers_import(engineer: Actor, reception: Actor, tmp_path: Path) -> None:
    path = write(tmp_path, ["Name", "Someone"])
    for actor in (engineer, reception):
        with pytest.raises(PermissionDenied, match="Only managers may import customers"):
            import_file(actor, path)
    assert t.Customer.select().count() == 0


def test_a_few_thousand_rows_import_in_batches(manager: Actor, tmp_path: Path) -> None:
    path = write(tmp_path, [SAGE_HEADER, *sage_rows(1200)])
    result = import_file(manager, path)
    assert (result.imported, result.contacts) == (1200, 1200)
    assert t.Customer.select().count() == 1200
    assert t.Contact.select().count() == 1200
    last = t.Customer.get(t.Customer.account_code == "SAGE1200")
    assert [r.id for r in search.search_customers("Person 1200")] == [last.id]
    # Every customer's own audit row, linked into the audit log's chain batch by batch.
    own = t.AuditLog.select().where(t.AuditLog.action == "customer.create")
    assert own.count() == 1200
    assert integrity.check_audit_chain() == []


def test_an_import_leaves_postgresql_statistics_of_what_it_wrote(
        manager: Actor, tmp_path: Path) -> None:
    """A desk's prepared lookups are planned again as the import grows the tables: their
    statistics describe the customers written, not the empty table the import began with."""
    if is_sqlite():
        pytest.skip("PostgreSQL's planner statistics")
    path = write(tmp_path, [SAGE_HEADER, *sage_rows(5_000)])
    import_file(manager, path)
    for table in ("customer", "contact", "customer_search"):
        described = db.execute_sql(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", (table,)).fetchone()[0]
        assert described >= 2_000, table


def test_guess_mapping_of_quickbooks_headings() -> None:
    mapping = csv_import.guess_mapping(
        ["Customer", "Company", "Street Address", "City", "State", "ZIP", "Country", "Phone",
         "Email", "Full Name", "Memo"])
    assert mapping["name"] == "Customer"
    assert mapping["company"] == "Company"
    assert mapping["postcode"] == "ZIP"
    assert mapping["phone"] == "Phone"
    assert mapping["notes"] == "Memo"
    assert [mapping[f] for f in ("address1", "address2", "address3")] == [
        "Street Address", "City", "State"]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "is empty"),
    (b"Name\x00\x01\x02", "does not look like a CSV file"),
])
def test_files_that_are_not_csv(data: bytes, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        csv_import.read_csv(data)


def test_unknown_encoding_and_delimiter_are_told() -> None:
    with pytest.raises(ValidationError, match="not an encoding"):
        csv_import.read_csv(b"Name\r\nA\r\n", encoding="klingon")
    with pytest.raises(ValidationError, match="cannot separate the cells"):
        csv_import.read_csv(b"Name\r\nA\r\n", delimiter="ab")
    with pytest.raises(ValidationError, match="not written in utf-8"):
        csv_import.read_csv("Name\r\nCafé\r\n".encode("cp1252"), encoding="utf-8")


# --- written in short batches, undone whole when one fails --------------------------------

@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> int:
    """Batches of 500 rows however quick or slow the database is, so a test knows what each
    holds."""
    monkeypatch.setattr(csv_import, "MAX_BATCH_ROWS", csv_import.FIRST_BATCH_ROWS)
    monkeypatch.setattr(csv_import, "MIN_BATCH_ROWS", csv_import.FIRST_BATCH_ROWS)
    return csv_import.FIRST_BATCH_ROWS


def _search_rows() -> int:
    return int(db.execute_sql("SELECT COUNT(*) FROM customer_search").fetchone()[0])


def _as_another_desk(work: Callable[[], object]) -> None:
    """Run ``work`` on a connection of its own (a thread), as another desk would."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the test below
            failed.append(exc)
        finally:
            db.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive(), "the other desk could not save while the import ran"
    assert failed == []


def _after_batches(count: int, action: Callable[[], object]) -> csv_import.ProgressCallback:
    """A progress callback that does ``action`` once, after ``count`` batches were written."""
    seen = [0]

    def progress(done: int, total: int, stage: str) -> None:
        if stage == "importing":
            seen[0] += 1
            if seen[0] == count:
                action()

    return progress


def test_one_bad_row_at_the_end_of_a_long_file_imports_nothing(
        manager: Actor, tmp_path: Path) -> None:
    rows = sage_rows(3_000)
    rows[-1] = rows[-1].replace("c3000@example.co.uk", "no address")
    path = write(tmp_path, [SAGE_HEADER, *rows])
    with pytest.raises(ImportRefused) as refused:
        import_file(manager, path)
    assert [b.line for b in refused.value.bad_rows] == [3_001]
    assert "nothing was imported" in refused.value.message
    assert t.Customer.select().count() == 0
    assert t.Contact.select().count() == 0
    assert _search_rows() == 0
    assert not t.AuditLog.select().where(t.AuditLog.entity == "customer").exists()


def test_an_account_code_another_desk_takes_during_the_import_undoes_all_of_it(
        manager: Actor, tmp_path: Path, small_batches: int) -> None:
    path = write(tmp_path, [SAGE_HEADER, *sage_rows(3_000)])
    csv_file = csv_import.read_csv(path)

    def another_desk() -> None:
        _as_another_desk(lambda: t.Customer.create(account_code="SAGE2900",
                                                   name="Typed in meanwhile"))

    with pytest.raises(ValidationError) as refused:
        csv_import.import_customers(manager, csv_file, csv_import.guess_mapping(csv_file.headers),
                                    progress=_after_batches(1, another_desk))
    message = refused.value.message
    assert "line 2901" in message and "SAGE2900" in message
    assert "nothing was imported" in message
    assert [c.name for c in t.Customer.select()] == ["Typed in meanwhile"]
    assert t.Contact.select().count() == 0
    assert _search_rows() == 0
    assert t.CustomerImport.get().state == "undone"
    undone = t.AuditLog.get(t.AuditLog.action == "customer.import_undone")
    after = json.loads(undone.after)
    assert after["file"] == "customers.csv" and after["removed"] > 0 and after["kept"] == []
    assert not t.AuditLog.select().where(t.AuditLog.action == "customer.import").exists()


def test_a_fault_in_a_later_batch_leaves_nothing_of_the_import(
        manager: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        small_batches: int) -> None:
    path = write(tmp_path, ["Name,Contact Name", *[f"Customer {n},Person {n}"
                                                   for n in range(4_000)]])
    before = t.Sequence.get_by_id("customer").last_value
    write_batch = csv_import._write_batch
    calls = [0]

    def full_disk(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        if calls[0] == 3:
            raise peewee.OperationalError("database or disk is full")
        return write_batch(*args, **kwargs)

    monkeypatch.setattr(csv_import, "_write_batch", full_disk)
    written: list[int] = []
    with pytest.raises(peewee.OperationalError, match="disk is full"):
        import_file(manager, path, progress=lambda done, total, stage: written.append(done)
                    if stage == "importing" else None)
    assert calls[0] == 3
    assert written == [500, 1000]  # two batches were committed before the third failed
    assert t.Customer.select().count() == 0
    assert t.Contact.select().count() == 0
    assert _search_rows() == 0
    # No other desk took a number meanwhile: the import's generated codes are given back.
    assert t.Sequence.get_by_id("customer").last_value == before
    assert create_customer(manager, CustomerInput(name="Next")).account_code == \
        f"C{before + 1:06d}"


def test_codes_a_desk_took_during_an_undone_import_stay_unique(
        manager: Actor, tmp_path: Path, small_batches: int) -> None:
    path = write(tmp_path, ["Name,Notes", *[f"Customer {n},Note {n}" for n in range(3_000)]])
    desk: list[str] = []

    def desk_then_fault() -> None:
        desk.append(create_customer(manager, CustomerInput(name="Walk-in")).account_code)
        raise KeyboardInterrupt  # the person stops the command (Ctrl+C)

    with pytest.raises(KeyboardInterrupt):
        import_file(manager, path, progress=_after_batches(1, desk_then_fault))
    assert [c.account_code for c in t.Customer.select()] == desk
    later = create_customer(manager, CustomerInput(name="Later")).account_code
    assert later > desk[0]
    assert t.CustomerImport.get().state == "undone"


def test_a_customer_a_desk_used_during_an_undone_import_is_kept(
        office: dict[str, Any], manager: Actor, reception: Actor, tmp_path: Path,
        small_batches: int) -> None:
    path = write(tmp_path, [SAGE_HEADER, *sage_rows(3_000)])
    used: list[int] = []

    def log_a_call() -> None:
        customer = t.Customer.get(t.Customer.account_code == "SAGE001")
        used.append(new_incident(reception, customer, office["product"]).id)

    def take_a_code() -> None:
        _as_another_desk(lambda: t.Customer.create(account_code="SAGE2999", name="Meanwhile"))

    progress_1 = _after_batches(1, log_a_call)
    progress_2 = _after_batches(2, take_a_code)

    def progress(done: int, total: int, stage: str) -> None:
        progress_1(done, total, stage)
        progress_2(done, total, stage)

    with pytest.raises(ValidationError) as refused:
        import_file(manager, path, progress=progress)
    assert "SAGE001" in refused.value.message and "kept" in refused.value.message
    kept = t.Customer.get(t.Customer.account_code == "SAGE001")
    assert t.Incident.get_by_id(used[0]).customer_id == kept.id
    assert sorted(c.account_code for c in t.Customer.select()) == ["SAGE001", "SAGE2999"]
    # The kept customer is whole: its contact and its search entry stay with it.
    assert [c.customer_id for c in t.Contact.select()] == [kept.id]
    assert [r.id for r in search.search_customers("Person 1")][:1] == [kept.id]
    undone = json.loads(t.AuditLog.get(t.AuditLog.action == "customer.import_undone").after)
    assert undone["kept"] == ["SAGE001"]


def test_a_manager_deactivated_during_the_import_stops_it(
        office: dict[str, Any], manager: Actor, tmp_path: Path, small_batches: int) -> None:
    path = write(tmp_path, ["Name,Notes", *[f"Customer {n},Note {n}" for n in range(3_000)]])

    def deactivate() -> None:
        t.User.update(active=False).where(t.User.id == manager.id).execute()

    with pytest.raises(PermissionDenied, match="no longer active"):
        import_file(manager, path, progress=_after_batches(1, deactivate))
    assert t.Customer.select().count() == 0


def test_each_batch_is_its_own_short_transaction(manager: Actor, tmp_path: Path,
                                                 small_batches: int) -> None:
    path = write(tmp_path, [SAGE_HEADER, *sage_rows(3_000)])
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int, stage: str) -> None:
        if stage == "importing":
            # Between batches nothing is held: what is written so far is committed.
            seen.append((done, db.transaction_depth()))

    import_file(manager, path, progress=progress)
    assert len(seen) >= 2
    assert all(depth == 0 for _, depth in seen)
    assert seen[-1][0] == 3_000
    assert t.CustomerImport.get().state == "done"
    assert t.Customer.select().where(t.Customer.customer_import.is_null()).count() == 0


def test_an_import_taken_for_stopped_by_another_desk_stops_at_its_next_batch(
        manager: Actor, tmp_path: Path, small_batches: int) -> None:
    path = write(tmp_path, [SAGE_HEADER, *sage_rows(2_000)])
    undone: list[list[csv_import.UndoneImport]] = []

    def looks_stalled() -> None:
        # As if the desk doing it had not moved it on for longer than an import may stall.
        long_ago = utcnow() - csv_import.STALLED_AFTER - dt.timedelta(seconds=5)
        t.CustomerImport.update(heartbeat_at=long_ago).execute()
        undone.append(csv_import.undo_stopped_imports())

    with pytest.raises(csv_import.ImportStopped, match="another desk took it for stopped"):
        import_file(manager, path, progress=_after_batches(1, looks_stalled))
    assert [(u.removed, u.kept) for u in undone[0]] == [(500, ())]
    assert t.Customer.select().count() == 0
    assert t.CustomerImport.get().state == "undone"
