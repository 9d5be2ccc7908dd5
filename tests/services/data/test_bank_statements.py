"""The bank's statement read, matched to open payment requests and recorded once.

The example statements in tests/data/statements/ are the same four days of one office's
account, each written in a real export's layout:

- ``barclays.csv``: Barclays online banking's CSV export ("Number,Date,Account,Amount,
  Subcategory,Memo"), signed amounts, the cheque number in "Number";
- ``lloyds.csv``: Lloyds (and Halifax, Bank of Scotland) ("Transaction Date,Transaction
  Type,Sort Code,Account Number,Transaction Description,Debit Amount,Credit Amount,Balance"),
  newest line first, separate debit and credit columns, the sort code with an apostrophe;
- ``natwest.csv``: NatWest (and RBS): a blank first line, headings with a space after each
  comma, text cells starting with an apostrophe, a trailing comma on every line;
- ``hsbc.csv``: HSBC: no heading row; date, description, and the amount in quotes with
  thousands separators;
- ``starling.csv``: Starling ("Date,Counter Party,Reference,Type,Amount (GBP),Balance (GBP),
  Spending Category"), an "Opening Balance" line with no amount, the payer's reference in a
  column of its own;
- ``nationwide.csv``: Nationwide: the account's name and balances above the headings, dates as
  "01 Dec 2026", amounts as "£1,250.00" in "Paid out" and "Paid in";
- ``firstdirect.ofx``: OFX 1.02 (SGML, no closing tags on values) as First Direct's download
  for Money/Quicken; ``nationwide.ofx``: OFX 2.1.1 (XML).

Each holds lines that must not match: money out, a reference with a wrong check character
(PR1-Q), an amount with nobody's name (J BLOGGS), an amount two requests of one customer share
(DUNMORE FARMS), a request paid already (PR6-P) and interest.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synergy_desk.domain.bank import find_reference
from synergy_desk.domain.enums import FundingKind, IncidentStatus
from synergy_desk.domain.errors import ValidationError
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.services.common import Actor, next_number, transaction
from synergy_desk.services.data import bank_statements as bs
from synergy_desk.services.data.bank_statements import RequestFacts, StatementLine
from synergy_desk.services.money import payment_requests
from tests.services.money.test_funding import new_incident, reload
from tests.services.money.test_payment_requests import issued, set_bank

STATEMENTS = Path(__file__).parents[2] / "data" / "statements"
FILES = sorted(p.name for p in STATEMENTS.iterdir())


def customer(name: str, company: str = "") -> t.Customer:
    with transaction():
        n = next_number("customer")
        return t.Customer.create(account_code=f"C{n:05d}", name=name, company=company,
                                 address="1 High Street\nYork", postcode="YO1 1AA")


def make_office(manager: Actor, reception: Actor, product: t.Product) -> dict[str, Any]:
    """Seven requests, as the example statements expect them: PR-000001 .. PR-000007."""
    set_bank(manager)
    acme = customer("Sam Ward", "Acme Joinery Ltd")
    bramley = customer("Bramley Dental Practice")
    castle = customer("Castle Accountants Ltd")
    dunmore = customer("Dunmore Farms")
    eastgate = customer("Eastgate Vets")
    foster = customer("Foster & Sons")
    incidents = {
        "acme": new_incident(reception, acme, product),
        "bramley1": new_incident(reception, bramley, product, subject="Backup fails"),
        "bramley2": new_incident(reception, bramley, product, subject="Slow start"),
        "castle": new_incident(reception, castle, product),
        "dunmore1": new_incident(reception, dunmore, product),
        "dunmore2": new_incident(reception, dunmore, product, subject="Lost password"),
        "eastgate": new_incident(reception, eastgate, product),
        "foster": new_incident(reception, foster, product),
    }
    requests = {
        1: issued(reception, acme, incidents["acme"]),
        2: issued(reception, bramley, incidents["bramley1"], incidents["bramley2"]),
        3: issued(reception, castle, incidents["castle"]),
        4: issued(reception, dunmore, incidents["dunmore1"]),
        5: issued(reception, dunmore, incidents["dunmore2"]),
        6: issued(reception, eastgate, incidents["eastgate"]),
        7: issued(reception, foster, incidents["foster"]),
    }
    # Issued before the statement's first day (money never arrives before its request).
    t.PaymentRequest.update(issued_at=dt.datetime(2026, 11, 30, 9, 0)).execute()
    # Eastgate paid at the counter's bank-transfer screen before the statement came.
    payment_requests.record_transfer(reception, requests[6].request_id,
                                     received_on=dt.date(2026, 12, 3), amount_pence=9000)
    return {"incidents": incidents, "requests": requests}


@pytest.fixture
def statement_office(office: dict[str, Any], manager: Actor, reception: Actor,
                     product: t.Product) -> dict[str, Any]:
    return make_office(manager, reception, product)


#: What every example statement's lines come to, in date order: (description begins,
#: request or None, effect or the reason's start).
EXPECTED = [
    ("BT GROUP", None, "Money out"),
    ("ACME JOINERY LTD", None, "Reference PR1-Q does not check"),
    ("ACME JOINERY LTD", "PR-000001", "Pays in full"),
    ("BRAMLEY DENTAL", "PR-000002", "Pays £100.00 of £180.00; £80.00 still to come"),
    ("MILL LANE", None, "Money out"),
    ("CASTLE ACCOUNTANTS", "PR-000003", "Pays in full"),
    ("DUNMORE FARMS", None, "2 open requests for £90.00 from Dunmore Farms"),
    ("EASTGATE VETS", None, "PR-000006 is paid already (R-000001)"),
    ("J BLOGGS", None, "3 open requests for £90.00, but not from anyone this line names"),
    ("BRAMLEY DENTAL", "PR-000002", "Pays in full"),
    ("FOSTER AND SONS", "PR-000007", "Pays in full"),
    (None, None, "Money out"),  # Staples, written differently by each bank
    (None, None, "No open request for £0.41"),
]


# --- reading ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", FILES)
def test_every_banks_export_reads_as_the_same_thirteen_lines(name: str) -> None:
    statement, lines = bs.read_statement(STATEMENTS / name)
    assert statement.sure, statement.columns
    assert len(lines) == 13  # Starling's opening balance is no line
    ordered = sorted(lines, key=lambda ln: (ln.date, ln.line if name != "lloyds.csv"
                                            else -ln.line))
    assert [ln.date.day for ln in ordered] == [1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4, 4]
    assert [ln.amount_pence for ln in ordered] == [
        -5400, 9000, 9000, 10000, -125000, 9000, 9000, 9000, 9000, 8000, 9000, -1299, 41]
    for line, (start, _, _) in zip(ordered, EXPECTED, strict=True):
        if start is not None:
            assert line.description.upper().startswith(start), (line, start)
    assert len({ln.key for ln in lines}) == 13
    # The same file read again names its lines the same.
    assert [ln.key for ln in bs.read_statement(STATEMENTS / name)[1]] == [ln.key for ln in lines]


def test_ofx_lines_are_named_by_the_banks_fitid() -> None:
    lines = bs.read_statement(STATEMENTS / "firstdirect.ofx")[1]
    assert lines[2].bank_reference == "202612020003FD"
    assert lines[2].key == "ofx:202612020003FD"
    assert lines[2].description == "ACME JOINERY LTD PR1-Z"


def test_an_overlapping_later_export_names_the_lines_it_shares_alike(tmp_path: Path) -> None:
    text = (STATEMENTS / "barclays.csv").read_text()
    rows = text.splitlines()
    later = tmp_path / "later.csv"
    # The second export starts on the 3rd and carries a line of the 5th.
    later.write_text("\n".join([rows[0], *rows[6:], ",05/12/2026,20-00-00 55779911,90.00,"
                                "Bank Credit,J BLOGGS"]) + "\n")
    first = {ln.description + str(ln.date): ln.key
             for ln in bs.read_statement(STATEMENTS / "barclays.csv")[1]}
    second = bs.read_statement(later)[1]
    shared = [ln for ln in second if ln.date.day < 5]
    assert shared and all(first[ln.description + str(ln.date)] == ln.key for ln in shared)
    assert second[-1].key not in first.values()


def test_identical_lines_of_one_day_are_told_apart_by_their_order(tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("Date,Description,Amount\n01/12/2026,J BLOGGS,90.00\n"
                    "01/12/2026,J BLOGGS,90.00\n")
    first, second = bs.read_statement(path)[1]
    assert first.key != second.key
    assert [ln.key for ln in bs.read_statement(path)[1]] == [first.key, second.key]


@pytest.mark.parametrize(("text", "message"), [
    (b"", "empty"),
    (b"Name,Phone\nAcme,01904 123456\n", "no date column"),
    (b"Date,Description,Amount\n01/12/2026,A,1.00\n02/12/2026,B,2.00\n31/02/2026,C,3.00\n",
     "line 4: “31/02/2026” is not a date"),
    (b"Date,Description,Amount\n01/12/2026,A,ten pounds\n", "line 2: “ten pounds” is not an "
                                                            "amount"),
    (b"Date,Description,Amount\n,A,10.00\n", "line 2 has no date"),
    (b"OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n<OFX><BANK", "not an OFX statement"),
    (b"\x00\x01\x02binary", "is not a bank statement (it holds binary data)"),
])
def test_a_bad_file_is_one_clear_sentence(text: bytes, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        bs.read_statement(text)
    assert message in str(caught.value)


def test_a_statement_of_headings_alone_has_no_lines() -> None:
    statement, lines = bs.read_statement(b"Date,Description,Amount\r\n")
    assert statement.sure and lines == ()


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="There is no file"):
        bs.read_statement(tmp_path / "nothing.csv")


@pytest.mark.parametrize(("text", "pence"), [
    ("1,234.56", 123456), ("-12.00", -1200), ("£90.00", 9000), ("-£5", -500),
    ("(12.00)", -1200), ("12.00 CR", 1200), ("12.00 DR", -1200), ("+0.41", 41), (".5", 50)])
def test_statement_amounts(text: str, pence: int) -> None:
    assert bs.parse_statement_amount(text) == pence


@given(st.integers(min_value=-10**9, max_value=10**9), st.sampled_from(
    ["plain", "grouped", "pound", "brackets", "crdr"]))
def test_every_amount_a_bank_prints_reads_back(pence: int, style: str) -> None:
    units, rest = divmod(abs(pence), 100)
    number = f"{units:,}.{rest:02d}" if style != "plain" else f"{units}.{rest:02d}"
    if style == "pound":
        number = f"£{number}"
    if pence < 0:
        text = {"brackets": f"({number})", "crdr": f"{number} DR"}.get(style, f"-{number}")
    else:
        text = f"{number} CR" if style == "crdr" else number
    assert bs.parse_statement_amount(text) == pence


@pytest.mark.parametrize("text", ["1,23.00", "12.345", "", "£", "1.2.3", "ten"])
def test_not_statement_amounts(text: str) -> None:
    with pytest.raises(ValueError):
        bs.parse_statement_amount(text)


@pytest.mark.parametrize(("text", "day"), [
    ("05/12/2026", dt.date(2026, 12, 5)), ("5/12/26", dt.date(2026, 12, 5)),
    ("2026-12-05", dt.date(2026, 12, 5)), ("05 Dec 2026", dt.date(2026, 12, 5)),
    ("05-Dec-26", dt.date(2026, 12, 5)), ("5 December 2026", dt.date(2026, 12, 5)),
    ("2026-12-05T00:00:00", dt.date(2026, 12, 5))])
def test_statement_dates(text: str, day: dt.date) -> None:
    assert bs.parse_statement_date(text) == day


def test_columns_can_be_chosen_when_the_headings_are_unknown(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("When,Who,What,How much\n01/12/2026,ACME,PR1-Z,90.00\n")
    statement = bs.open_statement(path)
    assert not statement.sure
    lines = bs.statement_lines(statement, {"date": ["When"], "description": ["Who", "What"],
                                           "amount": ["How much"]})
    assert lines[0].description == "ACME PR1-Z" and lines[0].amount_pence == 9000


# --- matching (the rule alone) ---------------------------------------------------------------

def line(text: str, pence: int, day: int = 1, n: int = 1) -> StatementLine:
    return StatementLine(n, dt.date(2026, 12, day), pence, text, "", f"k{n}")


def facts(number: int, outstanding: int = 9000, *, state: str = "open", gross: int = 9000,
          name: str = "Acme Joinery Ltd", receipt: str = "", reason: str = "",
          by_hand: tuple[tuple[dt.date, int], ...] = ()) -> RequestFacts:
    return RequestFacts(number, number, f"PR-{number:06d}", state, outstanding, gross, name,
                        (bs.normalised_name(name),), receipt, reason, by_hand)


def test_a_wrong_check_character_is_never_matched_not_even_by_amount_and_name() -> None:
    (proposed,) = bs.match_lines([line("ACME JOINERY LTD PR1-Q", 9000)], [facts(1)], {})
    assert not proposed.matched
    assert proposed.reason.startswith("Reference PR1-Q does not check: mistyped?")


@pytest.mark.parametrize("text", ["pr1z acme", "PR 1 Z", "Ref: pr1-z thanks", "PR-1-Z"])
def test_a_reference_is_found_in_any_case_and_spacing(text: str) -> None:
    (proposed,) = bs.match_lines([line(text, 4000)], [facts(1)], {})
    assert proposed.number == "PR-000001" and proposed.how == "by reference"
    assert proposed.effect == bs.PART


def test_a_reference_without_its_check_character_needs_the_amount_to_come() -> None:
    exact, short = bs.match_lines([line("ACME PR1", 9000, n=1), line("ACME PR1", 4500, n=2)],
                                  [facts(1)], {})
    assert exact.matched and exact.effect == bs.FULL
    assert not short.matched  # the first paid it all
    alone = bs.match_lines([line("ACME PR1", 4500)], [facts(1)], {})[0]
    assert not alone.matched
    assert alone.reason == "PR1 lacks its check character: PR-000001 has £90.00 to come, not £45.00"


def test_paid_cancelled_over_and_recorded_lines() -> None:
    paid, cancelled, over, seen = bs.match_lines(
        [line("PR1-Z", 9000, n=1), line("PR2-X", 9000, n=2), line("PR3-V", 10000, n=3),
         line("PR3-V", 9000, n=4)],
        [facts(1, 0, state="paid", receipt="R-000012"),
         facts(2, 0, state="cancelled", reason="customer paid by card"), facts(3)],
        {"k4": "on PR-000003 (1 Dec 2026)"})
    assert paid.reason == "PR-000001 is paid already (R-000012)"
    assert cancelled.reason == "PR-000002 was cancelled (customer paid by card)"
    assert over.effect == bs.OVER and over.over_pence == 1000
    assert over.effect_text == "Pays in full, over by £10.00"
    assert seen.reason == "Recorded already on PR-000003 (1 Dec 2026)"


def test_by_amount_and_name_wants_exactly_one_request_and_the_name() -> None:
    requests = [facts(1, name="Acme Joinery Limited"), facts(2, name="Bramley Dental"),
                facts(3, 4500, gross=4500, name="Bramley Dental")]
    acme, stranger, bramley = bs.match_lines(
        [line("A.C.M.E. acme joinery ltd", 9000, n=1), line("J BLOGGS", 4500, n=2),
         line("BRAMLEY DENTAL", 4500, n=3)], requests, {})
    assert acme.number == "PR-000001" and acme.how == "by amount and name"
    assert not stranger.matched and "not from anyone this line names" in stranger.reason
    assert bramley.number == "PR-000003"
    assert bs.match_lines([line("MONEY", 1234)], requests, {})[0].reason == (
        "No open request for £12.34")


def test_lines_for_one_request_are_proposed_in_date_order() -> None:
    later, earlier = bs.match_lines([line("PR1-Z", 3000, day=3, n=1),
                                     line("PR1-Z", 6000, day=2, n=2)], [facts(1)], {})
    assert earlier.effect == bs.PART and earlier.effect_text.endswith("£30.00 still to come")
    assert later.effect == bs.FULL


# --- against the office, on both engines -----------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", FILES)
def test_each_statement_matches_what_it_should_and_nothing_else(
        statement_office: dict[str, Any], reception: Actor, name: str) -> None:
    preview = bs.preview_statement(STATEMENTS / name)
    ordered = sorted(preview.lines, key=lambda p: (p.line.date, p.line.line
                                                   if name != "lloyds.csv" else -p.line.line))
    got = [(p.number or None, p.effect_text if p.matched else p.reason) for p in ordered]
    wanted = [(number, text) for _, number, text in EXPECTED]
    for (number, text), (want_number, want_text) in zip(got, wanted, strict=True):
        assert number == want_number and text.startswith(want_text), (number, text)
    assert len(preview.matched) == 5


@pytest.mark.slow
def test_recording_the_matches_issues_receipts_funds_and_is_done_once(
        statement_office: dict[str, Any], reception: Actor) -> None:
    incidents = statement_office["incidents"]
    preview = bs.preview_statement(STATEMENTS / "barclays.csv")
    result = bs.record_matches(reception, preview, [p.line.key for p in preview.matched])
    assert result.refused == ()
    assert [(r.number, r.receipt_number) for r in result.recorded] == [
        ("PR-000001", "R-000002"), ("PR-000002", None), ("PR-000003", "R-000003"),
        ("PR-000002", "R-000004"), ("PR-000007", "R-000005")]
    assert result.receipts == ("R-000002", "R-000003", "R-000004", "R-000005")
    assert set(result.queued) == {incidents[k].reference for k in
                                  ("acme", "castle", "bramley1", "bramley2", "foster")}
    for key in ("acme", "castle", "bramley1", "bramley2", "foster"):
        row = reload(incidents[key])
        assert row.status == IncidentStatus.QUEUED and row.funding != FundingKind.NONE
    for key in ("dunmore1", "dunmore2"):
        assert reload(incidents[key]).status == IncidentStatus.AWAITING_PAYMENT
    # Tax point: the day the money arrived.
    receipt = t.Payment.get(t.Payment.receipt_number == 2)
    assert receipt.taken_at.date() == dt.date(2026, 12, 2)
    transfers = t.BankTransfer.select().where(t.BankTransfer.statement_key.is_null(False))
    assert transfers.count() == 5
    # The same statement again records nothing new, in any of its formats.
    for again in ("barclays.csv", "hsbc.csv", "starling.csv"):
        preview = bs.preview_statement(STATEMENTS / again)
        assert preview.matched == (), again
    repeat = bs.preview_statement(STATEMENTS / "barclays.csv")
    assert sum(p.reason.startswith("Recorded already on PR-0000") for p in repeat.lines) == 5
    assert bs.record_matches(reception, preview, [p.line.key for p in preview.lines]).recorded \
        == ()
    assert t.BankTransfer.select().count() == 6  # five from the statement, one by hand


@pytest.mark.slow
def test_a_line_another_desk_recorded_meanwhile_is_reported_not_recorded_twice(
        statement_office: dict[str, Any], reception: Actor, engineer: Actor) -> None:
    preview = bs.preview_statement(STATEMENTS / "firstdirect.ofx")
    acme = next(p for p in preview.matched if p.number == "PR-000001")
    # Another desk records the same statement line first.
    payment_requests.record_transfer(engineer, acme.request_id or 0, received_on=acme.line.date,
                                     amount_pence=9000, statement_key=acme.line.key)
    result = bs.record_matches(reception, preview, [p.line.key for p in preview.matched])
    assert [r.number for r in result.refused] == ["PR-000001"]
    assert "recorded already" in result.refused[0].message
    assert len(result.recorded) == 4
    assert t.BankTransfer.select().where(
        t.BankTransfer.statement_key == acme.line.key).count() == 1
    assert t.Payment.select().count() == 5  # Eastgate's, Acme's (other desk), and three


@pytest.mark.slow
def test_only_the_chosen_lines_are_recorded(statement_office: dict[str, Any],
                                            reception: Actor) -> None:
    preview = bs.preview_statement(STATEMENTS / "starling.csv")
    castle = next(p for p in preview.matched if p.number == "PR-000003")
    result = bs.record_matches(reception, preview, [castle.line.key])
    assert [r.number for r in result.recorded] == ["PR-000003"]
    assert payment_requests.request_info("PR-000001").state == payment_requests.OPEN
    assert db.transaction_depth() == 0


def _import_desk(url: str, actor: tuple[int, str, str, str], start: Any, results: Any) -> None:
    """One desk, its own process: matches the statement, then records every match."""
    from synergy_desk.domain.enums import Role
    from synergy_desk.models.database import close_database, open_database

    try:
        open_database(url, migrate_schema=False)
        who = Actor(actor[0], actor[1], actor[2], Role(actor[3]))
        preview = bs.preview_statement(STATEMENTS / "barclays.csv")
        start.wait(timeout=60)  # both desks have the same matches before either records
        result = bs.record_matches(who, preview, [p.line.key for p in preview.matched])
        outcome: tuple[Any, ...] = ("done", [r.line.key for r in result.recorded],
                                    [r.message for r in result.refused])
        close_database()
    except Exception as exc:  # every failure is reported to the parent, none hidden
        outcome = ("failed", f"{type(exc).__name__}: {exc}", [])
    results.put(outcome)


@pytest.mark.slow
def test_two_desks_importing_one_statement_at_once_record_each_line_once(
        db_url: str, statement_office: dict[str, Any], reception: Actor,
        engineer: Actor) -> None:
    import multiprocessing

    from synergy_desk.services.reporting.integrity import check_sequences, check_tamper
    from tests.desk_processes import run_desks

    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    results = ctx.Queue()
    processes = [ctx.Process(target=_import_desk, args=(
        db_url, (a.id, a.username, a.full_name, a.role.value), start, results))
        for a in (reception, engineer)]
    outcomes = run_desks(processes, results, 120, "a desk did not import the statement")
    assert [kind for kind, _, _ in outcomes] == ["done", "done"], outcomes
    recorded = [key for _, keys, _ in outcomes for key in keys]
    assert len(recorded) == len(set(recorded)) == 5, outcomes
    refused = [message for _, _, messages in outcomes for message in messages]
    assert len(refused) == 5  # what one desk recorded, the other was told of
    assert all("recorded already" in m or "paid already" in m for m in refused), refused
    assert t.BankTransfer.select().where(t.BankTransfer.statement_key.is_null(False)).count() \
        == 5
    assert t.Payment.select().count() == 5  # Eastgate's by hand, and four receipts
    assert check_tamper() == [] and check_sequences() == []


def test_a_card_number_in_a_statement_line_is_never_stored(
        statement_office: dict[str, Any], reception: Actor, tmp_path: Path) -> None:
    path = tmp_path / "card.csv"
    path.write_text("Date,Description,Amount\n02/12/2026,ACME JOINERY PR1-Z 4111 1111 1111 1111,"
                    "90.00\n")
    preview = bs.preview_statement(path)
    assert preview.lines[0].line.description == "ACME JOINERY PR1-Z [card •••• 1111]"
    result = bs.record_matches(reception, preview, [p.line.key for p in preview.matched])
    assert [r.number for r in result.recorded] == ["PR-000001"] and result.refused == ()
    stored = t.BankTransfer.get(t.BankTransfer.statement_key == preview.lines[0].line.key)
    assert "4111" not in stored.bank_reference.replace(" ", "")[:-4]
    assert stored.bank_reference.startswith("ACME JOINERY PR1-Z")


def test_money_recorded_by_hand_is_not_proposed_again_from_the_statement() -> None:
    """£45.00 of £90.00 recorded by hand: the statement's £45.00 line of about that day is
    the same money, whether found by reference or by amount and name; the rest is not."""
    hand = ((dt.date(2026, 12, 2), 4500),)
    by_reference, by_name, rest = bs.match_lines(
        [line("ACME JOINERY LTD PR1-Z", 4500, day=3, n=1),
         line("ACME JOINERY LTD", 4500, day=3, n=2),
         line("ACME JOINERY LTD PR1-Z", 4500, day=9, n=3)],
        [facts(1, 4500, by_hand=hand)], {})
    assert not by_reference.matched
    assert by_reference.reason == "Recorded by hand already on PR-000001 (arrived 2 Dec 2026)"
    # The one transfer by hand stands for one line: the next line of that amount pays the rest.
    assert by_name.matched and by_name.effect == bs.FULL
    assert not rest.matched and "paid in full by the line" in rest.reason


def test_a_reference_whose_digit_check_lost_its_dash_is_read_both_ways() -> None:
    """"PR389" is PR-000389 without its check character, or PR38-9 typed without the dash."""
    assert find_reference("PR389") is not None
    both = bs.match_lines([line("ACME PR389", 9000)], [facts(38), facts(389)], {})[0]
    assert not both.matched
    assert both.reason == "PR389 may be PR-000389 or PR-000038: find the request by hand"
    only_checked = bs.match_lines([line("ACME PR389", 4000)], [facts(38)], {})[0]
    assert only_checked.number == "PR-000038" and only_checked.how == "by reference"
    only_typed = bs.match_lines([line("ACME PR389", 9000)], [facts(389)], {})[0]
    assert only_typed.number == "PR-000389"
