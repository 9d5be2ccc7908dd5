"""Importing customers from CSV: encodings, delimiters, the mapping, bad rows, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synergy_desk.domain.errors import PermissionDenied, ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services import search
from synergy_desk.services.common import Actor
from synergy_desk.services.data import csv_import
from synergy_desk.services.data.csv_import import ImportRefused
from synergy_desk.services.people.customers import CustomerInput, create_customer

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


def import_file(actor: Actor, path: Path, **options: bool) -> csv_import.ImportResult:
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
