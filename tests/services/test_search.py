"""Searching customers and incidents: every fragment finds them, safely, and through indexes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import peewee
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synergy_desk.domain.enums import IncidentStatus, TimelineKind
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.services import search, search_index
from synergy_desk.services.common import Actor, next_number
from synergy_desk.services.people.customers import (
    ContactInput,
    CustomerInput,
    create_customer,
    update_customer,
)
from synergy_desk.services.search import search_customers, search_incidents


def is_sqlite() -> bool:
    return isinstance(db.obj, peewee.SqliteDatabase)


@pytest.fixture
def people(reception: Actor) -> dict[str, int]:
    """Four customers with distinct details (account codes C000001 to C000004)."""
    jane = create_customer(reception, CustomerInput(
        "Jane Smith", "Acme Widgets Ltd", "1 High Street, Leeds", "LS1 1AA",
        "jane@acme.example", "01632 960123"),
        [ContactInput("Bob Jones", "IT", "bob@acme.example", "07700 900123", True)])
    ben = create_customer(reception, CustomerInput(
        "Benjamin Jakes", "100% Solutions", "", "M1 1AE", "ben@solutions.example",
        "0113 496 0000"))
    janet = create_customer(reception, CustomerInput(
        "Janet Jones", "Jones & Co", "", "B33 8TH", "", "020 7946 0123"))
    siobhan = create_customer(reception, CustomerInput(
        "Siobhan O'Brien", "Under_Score Ltd", "", "75008", "", "+33 1 23 45 67 89"))
    return {"jane": jane.id, "ben": ben.id, "janet": janet.id, "siobhan": siobhan.id}


def ids(hits: list[Any]) -> list[int]:
    return [hit.id for hit in hits]


@pytest.mark.parametrize(("query", "who"), [
    ("Jane Smith", "jane"),
    ("smi", "jane"),
    ("widgets", "jane"),
    ("ACME WIDGETS", "jane"),
    ("bob jones", "jane"),            # a contact's name
    ("bob@acme", "jane"),             # a contact's e-mail
    ("jane@acme.example", "jane"),
    ("LS1 1AA", "jane"),
    ("ls11aa", "jane"),
    ("C000001", "jane"),
    ("c000002", "ben"),
    ("c2", "ben"),                    # a short account code, by its number
    ("01632 960123", "jane"),
    ("+44 1632 960123", "jane"),
    ("0044 1632 960 123", "jane"),
    ("(01632) 960-123", "jane"),
    ("1632960123", "jane"),
    ("960123", "jane"),
    ("07700 900123", "jane"),         # a contact's phone
    ("+447700900123", "jane"),
    ("0113 496 0000", "ben"),
    ("020 7946 0123", "janet"),
    ("+33 1 23 45 67 89", "siobhan"),
    ("o'brien", "siobhan"),
    ("Jakes", "ben"),
    ("B338TH", "janet"),
])
def test_customer_is_found_by_any_fragment(people: dict[str, int], query: str,
                                           who: str) -> None:
    hits = search_customers(query)
    assert hits, f"nothing found for {query!r}"
    assert hits[0].id == people[who]


def test_phone_fragment_finds_only_that_number(people: dict[str, int]) -> None:
    assert ids(search_customers("960123")) == [people["jane"]]
    assert ids(search_customers("496 0000")) == [people["ben"]]


@pytest.mark.parametrize(("query", "expected"), [
    ("J", ["jane", "janet"]),
    ("ja", ["jane", "janet"]),
    ("JA", ["jane", "janet"]),
    ("be", ["ben"]),
    ("si", ["siobhan"]),
    ("zz", []),
])
def test_short_fragments_match_the_start_of_the_name(people: dict[str, int], query: str,
                                                     expected: list[str]) -> None:
    # "Benjamin Jakes" holds "ja" but does not start with it: not found by "ja".
    assert ids(search_customers(query)) == [people[name] for name in expected]


def test_hits_carry_display_details_and_why_they_matched(people: dict[str, int]) -> None:
    (hit,) = search_customers("bob jones")
    assert hit.account_code == "C000001"
    assert hit.name == "Jane Smith" and hit.company == "Acme Widgets Ltd"
    assert hit.postcode == "LS1 1AA"
    assert hit.phone == "01632 960123"
    assert hit.matched == "contact Bob Jones"
    assert search_customers("07700 900123")[0].matched == "Bob Jones's phone 07700 900123"
    assert search_customers("+44 1632 960123")[0].matched == "phone 01632 960123"
    assert search_customers("ls11aa")[0].matched == "postcode LS1 1AA"
    assert search_customers("C000002")[0].matched == "account code C000002"
    assert search_customers("solutions.example")[0].matched == "e-mail ben@solutions.example"
    assert search_customers("ja")[0].matched == "name"


def test_fragments_may_come_from_different_details(people: dict[str, int]) -> None:
    (hit,) = search_customers("jane bob")
    assert hit.id == people["jane"]
    assert hit.matched == "name, contact Bob Jones"
    assert search_customers("jane ben") == []


def test_a_short_word_beside_a_longer_one_starts_a_word(people: dict[str, int]) -> None:
    """Two letters or digits typed beside a longer word are the start of a word ("Richard
    Ta", "TR1 7W"), as a short text alone is the start of a name; one character, or a short
    fragment with a mark, may be anywhere."""
    assert ids(search_customers("bob jo")) == [people["jane"]]  # her contact Bob Jones
    assert search_customers("bob ne") == []  # "ne" only inside "jones"
    assert ids(search_customers("Bob J")) == [people["jane"]]
    assert ids(search_customers("bob n")) == [people["jane"]]  # one letter: anywhere
    assert ids(search_customers("b33 8t")) == [people["janet"]]  # her postcode B33 8TH
    assert search_customers("b33 th") == []
    assert ids(search_customers("jones co")) == [people["janet"]]  # Jones & Co
    assert ids(search_customers("jones &")) == [people["janet"]]
    assert ids(search_customers("solutions 10")) == [people["ben"]]  # 100% Solutions


def test_names_starting_with_the_text_come_first(people: dict[str, int]) -> None:
    # "Janet Jones" has it in her name; "Jane Smith" only through her contact Bob Jones.
    assert ids(search_customers("jones")) == [people["janet"], people["jane"]]


def test_a_name_many_customers_start_with_is_answered_from_the_name_index(
        reception: Actor) -> None:
    # A page of names starting so is the answer: nothing the search text holds could come
    # before it, and the trigram index is not asked (it would hand back an arbitrary few).
    for surname in ("Richardson", "Richards", "Richmond", "Rich"):
        create_customer(reception, CustomerInput(f"{surname} Ltd"))
    create_customer(reception, CustomerInput("Aaron Rich"))  # by name it would come first
    statements = _run_searches(["rich"], lambda text: search_customers(text, limit=3))
    assert [h.name for h in search_customers("rich", limit=3)] == [
        "Rich Ltd", "Richards Ltd", "Richardson Ltd"]
    assert statements and not [sql for sql, _ in statements if "customer_search" in sql]
    # Fewer names start so than are shown: the search text fills the page.
    assert [h.name for h in search_customers("rich", limit=6)] == [
        "Rich Ltd", "Richards Ltd", "Richardson Ltd", "Richmond Ltd", "Aaron Rich"]


def test_a_name_starting_so_comes_first_however_many_hold_the_text_elsewhere(
        reception: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    # Read from the search text alone, two of the seven holding "rich" were ranked, and the
    # one whose name starts so (added last) was not among them.
    monkeypatch.setattr(search, "_CANDIDATES_PER_HIT", 1)
    for n in range(6):
        create_customer(reception, CustomerInput(f"Zed {n}", company="Richmond Traders"))
    richard = create_customer(reception, CustomerInput("Richard Adams"))
    assert ids(search_customers("rich", limit=2))[0] == richard.id


def test_exact_account_code_comes_first(reception: Actor, people: dict[str, int]) -> None:
    # A name holding the code would sort first by name; the exact code still leads.
    create_customer(reception, CustomerInput("Aardvark C000003 Holdings"))
    hits = search_customers("C000003")
    assert hits[0].id == people["janet"]
    assert len(hits) == 2


def test_whole_phone_number_comes_first(reception: Actor, people: dict[str, int]) -> None:
    # An Oldenburg number holds Jane's digits inside it; by name it would sort first.
    aaron = create_customer(reception, CustomerInput("Aaron Adams", phone="+49 441 632960123"))
    assert ids(search_customers("+44 1632 960123")) == [people["jane"], aaron.id]
    assert ids(search_customers("1632 960123")) == [people["jane"], aaron.id]
    assert ids(search_customers("+49 441 632960123")) == [aaron.id]


def test_a_number_typed_a_digit_at_a_time_finds_the_caller_at_every_digit(
        reception: Actor) -> None:
    # "029 2018 04" was once searched as +44 029201804: found at the eighth digit, the
    # caller was lost at the ninth and back at the tenth.
    cardiff = create_customer(reception, CustomerInput("Dai Evans", phone="029 2018 0490"))
    # From the third digit of the number itself ("00" is the international prefix).
    for typed, first in (("029 2018 0490", 3), ("02920180490", 3), ("+44 29 2018 0490", 5),
                         ("0044 29 2018 0490", 6), ("+44 (0)29 2018 0490", 8)):
        for end in range(first, len(typed) + 1):
            start = typed[:end]
            if start[-1].isdigit():
                assert cardiff.id in ids(search_customers(start)), start


@pytest.mark.parametrize("query", ["0044", "+44 (0)", "0044 (0)"])
def test_the_start_of_an_international_number_alone_finds_nothing_yet(
        people: dict[str, int], query: str) -> None:
    # The country's code is in every number: on PostgreSQL "44" once read the search text
    # from the start, with no index for two characters, and listed twenty customers.
    assert search_customers(query) == []


def test_a_part_of_a_number_reads_no_more_customers_than_are_shown(
        reception: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(12):
        create_customer(reception, CustomerInput(f"Customer {i:02d}",
                                                 phone=f"029 2018 {i:04d}"))
    caps: list[int] = []
    index_candidates = search._index_candidates

    def watched(terms: Any, filters: Any, cap: int) -> Any:
        caps.append(cap)
        return index_candidates(terms, filters, cap)

    monkeypatch.setattr(search, "_index_candidates", watched)
    # Too short to be a whole number: every customer holding it ranks alike, by name.
    assert len(search_customers("029 2018", limit=5)) == 5
    assert caps == [5]
    # A whole number reads ten for each shown, for the caller's own number to come first.
    assert ids(search_customers("029 2018 0007", limit=5))[0] == t.Customer.get(
        t.Customer.name == "Customer 07").id
    assert caps == [5, 50]


def test_the_start_of_an_account_code_finds_the_codes_and_the_text_elsewhere(
        reception: Actor, people: dict[str, int]) -> None:
    # Few codes start "C000003" (Janet's alone): the search text is asked too, and finds the
    # customer whose old system's code is in her e-mail address.
    kept = create_customer(reception, CustomerInput(
        "Kim Old", email="c000003@old-system.example"))
    assert set(ids(search_customers("C000003"))) == {people["janet"], kept.id}
    assert set(ids(search_customers("c00000"))) == {*people.values(), kept.id}


def test_many_codes_starting_so_are_read_from_the_codes_alone(
        people: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    # Two hits ranked from two candidates: the first two codes starting "C00000" are enough,
    # and the search text (whose statistics cannot tell where such codes lie) is not read.
    monkeypatch.setattr(search, "_CANDIDATES_PER_HIT", 1)
    statements = _run_searches(["C00000"], lambda text: search_customers(text, limit=2))
    assert set(ids(search_customers("C00000", limit=2))) == {people["jane"], people["ben"]}
    assert statements and not [sql for sql, _ in statements if "customer_search" in sql]


def test_postgresql_plans_every_typed_fragment_for_its_own_text(
        people: dict[str, int]) -> None:
    if is_sqlite():
        pytest.skip("SQLite plans every statement afresh")
    # psycopg prepares a statement run five times, and PostgreSQL then soon plans it once for
    # any fragment; a fragment most customers hold would be read through that plan.
    for _ in range(12):
        assert ids(search_customers("widgets")) == [people["jane"]]
        assert ids(search_customers("960123")) == [people["jane"]]
    prepared = [str(row[0]) for row in db.execute_sql(
        "SELECT statement FROM pg_prepared_statements").fetchall()]
    assert not [sql for sql in prepared if "customer_search" in sql]


@pytest.mark.parametrize(("query", "expected"), [
    ("100%", ["ben"]),
    ("0%_", []),
    ("%%%", []),
    ("___", []),
    ("r_s", ["siobhan"]),             # "under_score"; the underscore is not a wildcard
    ("o'b", ["siobhan"]),
    ("%", []),
    ("_", []),
])
def test_like_wildcards_are_taken_literally(people: dict[str, int], query: str,
                                            expected: list[str]) -> None:
    assert ids(search_customers(query)) == [people[name] for name in expected]


@pytest.mark.parametrize("query", [
    '"', '""', '"jane', 'jane"', "NEAR(jane smith)", "jane OR ben", "jane AND", "NOT jane",
    "*", "jan*", "col:jane", "^jane", "a\\b", "\\", "'; DROP TABLE customer; --", "(((",
    "jane" * 100, "\x00", "🙂🙂🙂",
])
def test_any_typed_text_is_safe(people: dict[str, int], query: str) -> None:
    hits = search_customers(query)
    assert all(hit.id in people.values() for hit in hits)
    assert t.Customer.select().count() == 4


def test_empty_search_finds_nothing(people: dict[str, int]) -> None:
    assert search_customers("") == []
    assert search_customers("   ") == []
    assert search_customers("jane", limit=0) == []


def test_limit_is_respected(reception: Actor) -> None:
    for i in range(30):
        create_customer(reception, CustomerInput(f"Customer {i:02d}", "Shared Name Ltd"))
    hits = search_customers("shared name", limit=7)
    assert len(hits) == 7
    assert len(search_customers("cu", limit=5)) == 5


def test_search_follows_edits(reception: Actor, people: dict[str, int]) -> None:
    update_customer(reception, people["ben"], 1, CustomerInput(
        "Benjamin Jakes", "Zenith Gears", "", "M1 1AE", "", "0113 496 0999"))
    assert search_customers("100%") == []
    assert search_customers("0113 496 0000") == []
    assert ids(search_customers("zenith")) == [people["ben"]]
    assert ids(search_customers("0113 496 0999")) == [people["ben"]]


# --- incidents -----------------------------------------------------------------------------


def make_incident(customer_id: int, actor: Actor, product: t.Product, subject: str,
                  description: str = "", timeline: tuple[str, ...] = (),
                  status: IncidentStatus = IncidentStatus.QUEUED) -> t.Incident:
    with db.atomic():
        n = next_number("incident")
        incident = t.Incident.create(
            number=n, reference=f"INC-{n:06d}", customer=customer_id, product=product.id,
            subject=subject, description=description, status=status, created_by=actor.id)
        for text in timeline:
            t.TimelineEntry.create(incident=incident.id, kind=TimelineKind.NOTE,
                                   author=actor.id, text=text)
        search_index.index_incident(incident.id)
    return incident


@pytest.fixture
def incidents(people: dict[str, int], reception: Actor, product: t.Product) -> list[t.Incident]:
    return [
        make_incident(people["jane"], reception, product, "Printing fails",
                      "Error 1603 when installing the printer driver"),
        make_incident(people["ben"], reception, product, "Payroll export",
                      "The export to CSV stops halfway",
                      timeline=("Customer says the spooler crashed overnight",)),
        make_incident(people["jane"], reception, product, "Printer offline",
                      "Printer shows offline after the update", status=IncidentStatus.CLOSED),
        make_incident(people["janet"], reception, product, "Crème brûlée recipe field",
                      "Accented text is mangled"),
    ]


@pytest.mark.parametrize("query", ["INC-000002", "inc-000002", "inc2", "INC 2", "#2", "2",
                                   "000002"])
def test_incident_is_found_by_its_reference(incidents: list[t.Incident], query: str) -> None:
    hits = search_incidents(query)
    assert hits[0].id == incidents[1].id
    assert hits[0].reference == "INC-000002"
    assert hits[0].subject == "Payroll export"
    assert hits[0].customer_name == "Benjamin Jakes"
    assert hits[0].status is IncidentStatus.QUEUED


def test_unknown_reference_finds_nothing(incidents: list[t.Incident]) -> None:
    assert search_incidents("INC-000999") == []


def test_bare_number_also_searches_the_text(incidents: list[t.Incident]) -> None:
    # No incident 1603, but one mentions error 1603.
    assert ids(search_incidents("1603")) == [incidents[0].id]


@pytest.mark.parametrize(("query", "expected"), [
    ("printer", [2, 0]),             # newest first
    ("print", [2, 0]),               # start of a word
    ("PRINTING", [0]),
    ("printer driver", [0]),         # every word must match
    ("spooler", [1]),                # timeline text
    ("crashed overnight", [1]),
    ("csv", [1]),
    ("halfway export", [1]),
    ("nothing-like-this", []),
    ("accented", [3]),
])
def test_incidents_are_found_by_words(incidents: list[t.Incident], query: str,
                                      expected: list[int]) -> None:
    assert ids(search_incidents(query)) == [incidents[i].id for i in expected]


def test_incident_search_finds_new_timeline_text(incidents: list[t.Incident],
                                                 reception: Actor) -> None:
    assert search_incidents("reinstalled") == []
    with db.atomic():
        t.TimelineEntry.create(incident=incidents[2].id, kind=TimelineKind.PHONE_IN,
                               author=reception.id, text="Customer reinstalled the driver")
        search_index.index_incident(incidents[2].id)
    assert ids(search_incidents("reinstalled")) == [incidents[2].id]


@pytest.mark.parametrize("query", [
    '"', "'", "AND", "OR NOT", "NEAR(print", "print*", "a:*|b", "!print", "print & !x",
    "\\", "(((", "print'", "'print", "-", "--", "🙂", "x" * 500, "col:print",
])
def test_any_typed_incident_search_is_safe(incidents: list[t.Incident], query: str) -> None:
    hits = search_incidents(query)
    assert all(hit.id in {i.id for i in incidents} for hit in hits)


def test_incident_search_limit(people: dict[str, int], reception: Actor,
                               product: t.Product) -> None:
    for i in range(25):
        make_incident(people["jane"], reception, product, f"Licence problem {i}")
    hits = search_incidents("licence", limit=10)
    assert len(hits) == 10
    assert hits[0].subject == "Licence problem 24"


# --- through the indexes -------------------------------------------------------------------


Statement = tuple[str, list[Any]]


def _plans(statements: list[Statement]) -> list[str]:
    plans = []
    for sql, params in statements:
        if is_sqlite():
            rows = db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
            plans.append("\n".join(str(row[-1]) for row in rows))
        else:
            with db.atomic():
                # With so few rows PostgreSQL would rightly read whole tables (a sequential
                # scan, or all of a primary key); forbid both to prove the query can use a
                # fitting index at all.
                db.execute_sql("SET LOCAL enable_seqscan = off")
                db.execute_sql("SET LOCAL enable_indexscan = off")
                rows = db.execute_sql("EXPLAIN " + sql, params).fetchall()
            plans.append("\n".join(str(row[0]) for row in rows))
    return plans


def _run_searches(queries: list[str], search: Callable[[str], object]) -> list[Statement]:
    """Run the searches and return the SELECT statements they sent, with their parameters."""
    statements: list[Statement] = []
    logger = logging.getLogger("peewee")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(logging.DEBUG)
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        for query in queries:
            search(query)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    for record in records:
        if isinstance(record.msg, tuple) and str(record.msg[0]).lstrip().startswith("SELECT"):
            statements.append((record.msg[0], list(record.msg[1] or [])))
    return statements


def test_customer_search_uses_indexes_not_a_table_scan(people: dict[str, int]) -> None:
    statements = _run_searches(
        ["widgets", "jane bob", "ja", "J", "C000002", "01632 960123", "960123", "ls1 1a"],
        search_customers)
    assert any("customer_search" in sql for sql, _ in statements)
    plans = _plans(statements)
    for (sql, _), plan in zip(statements, plans, strict=True):
        if is_sqlite():
            for line in plan.splitlines():
                if line.startswith("SCAN"):
                    # Only the FTS5 table may be "scanned", and then only through MATCH.
                    assert "VIRTUAL TABLE INDEX" in line and ":M" in line, (sql, plan)
        else:
            assert "Seq Scan" not in plan, (sql, plan)
            if "customer_search" in sql:
                assert "customer_search_trgm" in plan, (sql, plan)


def test_postgresql_reads_fragments_with_marks_through_the_marks_index(
        people: dict[str, int]) -> None:
    """pg_trgm's trigrams are letters and digits only: for "r-0" its index would hand back
    nearly every customer. Such fragments are read through the index of the text with its
    marks written as letters, and never through the other one."""
    if is_sqlite():
        pytest.skip("SQLite's trigram table keeps every character")
    statements = _run_searches(["r-0", "o'b", "r_s", "100% sol"], search_customers)
    searched = [(sql, params) for sql, params in statements if "customer_search" in sql]
    assert len(searched) == 4
    for (sql, _), plan in zip(searched, _plans(searched), strict=True):
        assert "customer_search_marks" in plan, (sql, plan)
        if "s.body LIKE" not in sql:  # "sol" has no marks and is the other index's
            assert "customer_search_trgm" not in plan, (sql, plan)
    assert ids(search_customers("O'B")) == [people["siobhan"]]
    assert ids(search_customers("100% sol")) == [people["ben"]]


def test_postgresql_asks_the_trigram_index_for_a_short_word_beside_a_longer_one(
        people: dict[str, int]) -> None:
    """A short word beside a longer one starts a word: the trigram index is asked for the
    start ("(^| )jo"), rather than every customer holding the longer word being read and
    the short one looked for in each (13 ms for "Richard Ta" on 100,000 customers)."""
    if is_sqlite():
        pytest.skip("PostgreSQL's trigram index")
    statements = _run_searches(["bob jo", "b33 8t"], search_customers)
    searched = [(sql, params) for sql, params in statements if "customer_search" in sql]
    assert len(searched) == 2
    # One letter is in most customers' text: it is only checked on what the words found.
    (one_letter, _params), = [(sql, params) for sql, params in
                              _run_searches(["bob n"], search_customers)
                              if "customer_search" in sql]
    assert "strpos(s.body, %s) > 0" in one_letter and "s.body ~" not in one_letter
    for (sql, params), plan in zip(searched, _plans(searched), strict=True):
        assert "strpos" not in sql and "s.body ~ %s" in sql, (sql, params)
        assert params[-2] in ("(^| )jo", "(^| )8t"), (sql, params)
        index_condition = next(line for line in plan.splitlines() if "Index Cond" in line)
        assert "~ " in index_condition and "customer_search_trgm" in plan, (sql, plan)


def test_postgresql_checks_a_short_fragment_with_a_mark_only_on_what_the_words_found(
        people: dict[str, int]) -> None:
    """A short fragment with a mark ("&", "o'") gives the marks index one trigram or none to
    look up. Once PostgreSQL keeps one plan for every value (a statement psycopg has
    prepared), such a plan read that index whole: 250–320 ms a keystroke for "Gregory &" on
    100,000 customers. The fragment is only checked, exactly, on the rows the words found."""
    if is_sqlite():
        pytest.skip("PostgreSQL's trigram indexes")
    statements = _run_searches(["brien o'", "solutions %", "o' b"], search_customers)
    searched = [(sql, params) for sql, params in statements if "customer_search" in sql]
    assert len(searched) == 2  # "o' b" has no word of three characters: the name index
    for (sql, params), plan in zip(searched, _plans(searched), strict=True):
        # Not asked of the marks index at all, so that no plan, kept or not, can read it.
        assert "search_marks_written" not in sql, (sql, params)
        assert "strpos(s.body, %s) > 0" in sql and params[-2] in ("o'", "%"), (sql, params)
        assert "customer_search_marks" not in plan, (sql, plan)
        assert "customer_search_trgm" in plan, (sql, plan)
    assert ids(search_customers("brien o'")) == [people["siobhan"]]
    assert ids(search_customers("solutions %")) == [people["ben"]]
    assert ids(search_customers("solutions &")) == []


_MARKS_ALPHABET = "aqg0 '-_%q\\&"


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(_MARKS_ALPHABET, max_size=12), fragment=st.text(_MARKS_ALPHABET,
                                                                    min_size=1, max_size=5))
def test_the_marks_index_misses_no_text_that_holds_the_fragment(
        people: dict[str, int], body: str, fragment: str) -> None:
    """The text and the fragment are written a character at a time, so a text that holds the
    fragment holds its written form: the index can only find too much (and the exact test
    after it removes that), never too little."""
    if is_sqlite():
        pytest.skip("a PostgreSQL function")
    held, found = db.execute_sql(
        "SELECT strpos(%s, %s) > 0, search_marks_written(%s) LIKE "
        "'%%' || search_marks_written(%s) || '%%'", [body, fragment, body, fragment]).fetchone()
    assert found or not held


def test_sqlite_customer_search_reads_the_trigram_table(people: dict[str, int]) -> None:
    if not is_sqlite():
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    statements = _run_searches(["widgets"], search_customers)
    (plan,) = [p for (sql, _), p in zip(statements, _plans(statements), strict=True)
               if "customer_search" in sql]
    assert "SCAN s VIRTUAL TABLE INDEX" in plan
    assert "SEARCH c USING INTEGER PRIMARY KEY" in plan
    assert "SCAN customer" not in plan and "SCAN c " not in plan


def test_short_search_walks_the_name_index(people: dict[str, int]) -> None:
    statements = _run_searches(["ja"], search_customers)
    plans = _plans([s for s in statements if "customer_search" not in s[0]])
    name_plans = [p for p in plans if "customer_name" in p]
    assert name_plans, plans


def test_incident_search_uses_indexes(incidents: list[t.Incident]) -> None:
    statements = _run_searches(["INC-000002", "printer driver", "1603"], search_incidents)
    assert any("incident_search" in sql for sql, _ in statements)
    for (sql, _), plan in zip(statements, _plans(statements), strict=True):
        if is_sqlite():
            for line in plan.splitlines():
                if line.startswith("SCAN"):
                    assert "VIRTUAL TABLE INDEX" in line and ":M" in line, (sql, plan)
        else:
            assert "Seq Scan" not in plan, (sql, plan)
            if "incident_search" in sql:
                assert "incident_search_tsv" in plan, (sql, plan)


# --- newest first at any size ----------------------------------------------------------------
# On PostgreSQL the words are looked for among the newest incidents first (a window of
# ``NEWEST_WINDOW``), then through the word index among the older ones. A small window makes
# a handful of incidents cross it; the meaning must be the same on both engines.


@pytest.fixture(params=["rare words", "common words"])
def small_window(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """A window of three incidents; past it, each word taken as rare (the word index) or as
    common (the newest few thousand incidents, here all of them)."""
    monkeypatch.setattr(search, "NEWEST_WINDOW", 3)
    rare = request.param == "rare words"
    monkeypatch.setattr(search, "_common_words", lambda: [])
    monkeypatch.setattr(search, "_narrow", lambda prefix: rare)
    return 3


@pytest.fixture
def history(people: dict[str, int], reception: Actor, product: t.Product,
            small_window: int) -> list[t.Incident]:
    """Twelve incidents: "licence" in all of them, rarer words in a few, old and new."""
    made = []
    for i in range(12):
        extra = {0: "Crashed in the spooler", 4: "Spooler again", 10: "Zebra driver"}.get(i, "")
        made.append(make_incident(people["jane"], reception, product,
                                  f"Licence problem {i}", extra))
    return made


@pytest.mark.parametrize(("query", "limit", "expected"), [
    ("licence", 5, [11, 10, 9, 8, 7]),        # common: the newest, past the window
    ("licence", 20, list(range(11, -1, -1))),  # all of them, newest first, none twice
    ("lic prob", 4, [11, 10, 9, 8]),           # every word a prefix
    ("spooler", 20, [4, 0]),                   # only older incidents hold it
    ("spool", 1, [4]),                         # the newest of those
    ("zebra", 20, [10]),                       # only inside the window
    ("licence zebra", 20, [10]),
    ("licence crashed", 20, [0]),              # the oldest incident
    ("licence xylophone", 20, []),             # one word nobody wrote
    ("xylophone", 20, []),
])
def test_words_find_the_newest_matches_on_either_side_of_the_window(
        history: list[t.Incident], query: str, limit: int, expected: list[int]) -> None:
    assert ids(search_incidents(query, limit=limit)) == [history[i].id for i in expected]


def test_reference_comes_first_then_the_newest_words(history: list[t.Incident]) -> None:
    # "11" is incident INC-000011 and a word of "Licence problem 11", outside the window.
    hits = search_incidents("11", limit=5)
    assert hits[0].reference == "INC-000011"
    assert ids(hits) == [history[10].id, history[11].id]
    assert ids(search_incidents("INC-000012")) == [history[11].id]


def test_hits_carry_the_incident_details_past_the_window(history: list[t.Incident]) -> None:
    (hit,) = search_incidents("crashed")
    assert (hit.id, hit.reference, hit.subject, hit.customer_name, hit.status) == (
        history[0].id, "INC-000001", "Licence problem 0", "Jane Smith", IncidentStatus.QUEUED)


def test_search_leaves_the_callers_transaction_settings_alone(
        history: list[t.Incident]) -> None:
    if is_sqlite():
        pytest.skip("planner settings are PostgreSQL's")
    with db.atomic():
        assert ids(search_incidents("spooler")) == [history[4].id, history[0].id]
        assert db.execute_sql("SHOW enable_seqscan").fetchone()[0] == "on"


def _fill_office(rows: int) -> None:
    """Many more incidents (copies of the first) and their search text, straight into the
    tables: everyday words in all, a rare word in a few old ones; then ANALYZE, as a large
    office has it."""
    columns = [row[0] for row in db.execute_sql(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'incident' "
        "AND table_schema = current_schema() AND column_name NOT IN ('id', 'number', "
        "'reference') ORDER BY ordinal_position").fetchall()]
    kept = ", ".join(f'"{c}"' for c in columns)
    db.execute_sql(
        f"INSERT INTO incident (id, number, reference, {kept}) "
        f"SELECT n, n, 'INC-' || lpad(n::text, 6, '0'), {kept} "
        "FROM incident, generate_series(1000, 999 + %s) AS n WHERE incident.id = 1", (rows,))
    db.execute_sql(
        "INSERT INTO incident_search (rowid, body) "
        "SELECT n, 'INC-' || lpad(n::text, 6, '0') || ' printer offline after the update '"
        "|| CASE WHEN n %% 5000 = 7 THEN 'spooler ' ELSE '' END "
        "|| CASE WHEN n %% 3 = 0 THEN 'licence key rejected' ELSE 'backup fails nightly' END "
        "FROM generate_series(1000, 999 + %s) AS n", (rows,))
    db.execute_sql("ANALYZE incident")
    db.execute_sql("ANALYZE incident_search")


def _plan_lines(sql: str, params: list[Any]) -> list[str]:
    with db.atomic():
        if "rowid >" not in sql:
            # As the service runs the statement over every incident: the index only.
            db.execute_sql("SET LOCAL enable_seqscan = off")
            db.execute_sql("SET LOCAL enable_indexscan = off")
        rows = db.execute_sql("EXPLAIN " + sql, params).fetchall()
    return [str(row[0]) for row in rows]


def _unbounded_filtering_walks(lines: list[str]) -> list[str]:
    """Scans of incident_search's primary key that filter on the words with no bound on rowid."""
    walks = []
    for at, line in enumerate(lines):
        if "Scan" not in line or "incident_search_pkey" not in line:
            continue
        depth = len(line) - len(line.lstrip(" -"))
        details = []
        for below in lines[at + 1:]:
            if "->" in below or len(below) - len(below.lstrip(" ")) <= depth - 2:
                break
            details.append(below.strip())
        filters_words = any(d.startswith("Filter:") and "tsv" in d for d in details)
        bounded = any(d.startswith("Index Cond:") and "rowid >" in d for d in details)
        if filters_words and not bounded:
            walks.append("\n".join([line, *details]))
    return walks


@pytest.mark.slow
@pytest.mark.parametrize("query", ["xylophone", "spooler", "printer", "licence spooler",
                                   "zzq", "pr", "nightly rejected"])
def test_pg_incident_search_never_walks_the_whole_primary_key(
        incidents: list[t.Incident], query: str) -> None:
    """The words are found through the GIN index or within a bounded newest window — never by
    walking incident_search_pkey backwards and filtering every row on tsv (which, with rare
    words in a million incidents, read the whole table)."""
    if is_sqlite():
        pytest.skip("PostgreSQL's plans")
    _fill_office(60_000)
    search._common_words_cache.clear()  # the planner's list as it is after this ANALYZE
    statements = [s for s in _run_searches([query], search_incidents)
                  if "FROM incident_search" in s[0] and "tsv" in s[0]]
    assert statements
    if query == "nightly rejected":
        # Each word common, never together: the newest window, then the wider one.
        assert [("rowid >" in sql) for sql, _ in statements] == [True, True]
    for sql, params in statements:
        lines = _plan_lines(sql, params)
        plan = "\n".join(lines)
        assert "Seq Scan" not in plan, (sql, plan)
        assert _unbounded_filtering_walks(lines) == [], (sql, plan)
        if "rowid >" not in sql:
            assert "incident_search_tsv" in plan, (sql, plan)
            # The index is asked for one word; the others are checked on what it found.
            assert "ts_match_vq" in plan.split("Bitmap Index Scan")[0], (sql, plan)


def test_pg_common_words_are_looked_for_among_the_newest_incidents(
        people: dict[str, int], reception: Actor, product: t.Product,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Words each too common (or too short) for the word index are looked for among the
    newest ``COMMON_WORDS_WINDOW`` incidents only."""
    if is_sqlite():
        pytest.skip("the window is PostgreSQL's")
    made = [make_incident(people["jane"], reception, product, f"Licence problem {i}",
                          "Crashed" if i == 0 else "") for i in range(8)]
    monkeypatch.setattr(search, "NEWEST_WINDOW", 2)
    monkeypatch.setattr(search, "COMMON_WORDS_WINDOW", 5)
    monkeypatch.setattr(search, "_common_words", lambda: ["crashed", "licence", "problem"])
    assert ids(search_incidents("licence", limit=20)) == [m.id for m in made[:2:-1]]
    assert search_incidents("licence crashed") == []
    # A rare word is found wherever it is.
    monkeypatch.setattr(search, "_common_words", lambda: ["licence", "problem"])
    assert ids(search_incidents("licence crashed")) == [made[0].id]
