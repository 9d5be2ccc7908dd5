"""Finding customers and incidents from the search box, through indexes only (never a table scan).

Customers are found through the trigram index ``customer_search`` (FTS5 on SQLite, pg_trgm on
PostgreSQL); a fragment too short for trigrams (one or two characters) is matched against the
start of the name or account code through their ordinary B-tree indexes. Incidents are found by
number through the unique index, or by words through ``incident_search`` (FTS5 or tsvector).
On PostgreSQL the words are looked for among the newest incidents first and then through the
GIN index for one rare word, never by reading every incident's search row (see
``_pg_matching_ids``).
"""

from __future__ import annotations

import bisect
import re
import string
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

import peewee

from synergy_desk.domain.enums import IncidentStatus
from synergy_desk.domain.numbers import ACCOUNT_CODE, account_code
from synergy_desk.domain.phones import (
    display_phone,
    is_valid_number,
    looks_like_phone,
    phone_query_digits,
    phone_search_terms,
)
from synergy_desk.models import tables as t
from synergy_desk.models.base import db
from synergy_desk.services.common import read_snapshot

__all__ = ["CustomerHit", "IncidentHit", "search_customers", "search_incidents",
           "MIN_TRIGRAM", "NEWEST_WINDOW",
           "COMMON_WORDS_WINDOW"]

#: Fragments shorter than this cannot use a trigram index.
MIN_TRIGRAM = 3
#: How many index matches are ranked for each hit shown: enough to put the best first without
#: sorting every customer that contains a common fragment such as "ltd".
_CANDIDATES_PER_HIT = 10
_MAX_QUERY = 200


@dataclass(frozen=True)
class CustomerHit:
    id: int
    account_code: str
    name: str
    company: str
    postcode: str
    phone: str  # as people write it
    matched: str  # why it matched, e.g. "contact Jane Smith" or "phone 01632 960123"


@dataclass(frozen=True)
class IncidentHit:
    id: int
    reference: str
    subject: str
    customer_name: str
    status: IncidentStatus


def _clean_query(text: str | None) -> str:
    """What was typed, on one line, without control characters (PostgreSQL refuses NUL)."""
    printable = "".join(ch if ch.isprintable() else " " for ch in (text or ""))
    return " ".join(printable.split())[:_MAX_QUERY]


def _is_sqlite() -> bool:
    return isinstance(db.obj, peewee.SqliteDatabase)


def _like_escape(text: str) -> str:
    """The text with LIKE's wildcards made literal (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_string(text: str) -> str:
    """An FTS5 string literal: whatever is inside is matched as plain text."""
    return '"' + text.replace('"', '""') + '"'


# --- customers -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Candidate:
    id: int
    account_code: str
    name: str
    company: str
    postcode: str
    phone: str
    email: str
    body: str


def _candidate(row: Sequence[Any], body: str = "") -> _Candidate:
    return _Candidate(int(row[0]), row[1], row[2], row[3], row[4], row[5], row[6], body)


_CUSTOMER_FIELDS = (t.Customer.id, t.Customer.account_code, t.Customer.name,
                    t.Customer.company, t.Customer.postcode, t.Customer.phone,
                    t.Customer.email)

_CANDIDATE_COLUMNS = ("c.id, c.account_code, c.name, c.company, c.postcode, c.phone, c.email, "
                      "s.body")


#: What PostgreSQL's trigrams leave out, and the marks index holds (migration 0017).
_PUNCTUATION = re.compile(f"[{re.escape(string.punctuation)}]")


def _starts_a_word(fragment: str) -> bool:
    """Whether a short fragment beside longer words is looked for at the start of a word."""
    return len(fragment) >= 2 and fragment.isalnum()


def _index_candidates(terms: Sequence[str], filters: Sequence[str], cap: int) -> list[_Candidate]:
    """Customers whose search text holds every term (each of 3+ characters), via the index.

    ``filters`` are shorter fragments that must also appear. Two letters or digits must
    start a word, as a short word typed beside a longer one starts one ("Richard Ta", "TR1
    7W", as a short text alone starts a name). One character, or a fragment with a mark ("&",
    "o'"), may appear anywhere: one letter at the start of a word is in most customers'
    details, and looking for it there would read more of them than it leaves out.
    """
    if _is_sqlite():
        sql = (f"SELECT {_CANDIDATE_COLUMNS} FROM customer_search AS s "
               "JOIN customer AS c ON c.id = s.rowid WHERE s.body MATCH ?")
        params: list[Any] = [" ".join(_fts_string(term) for term in terms)]
        for fragment in filters:
            if _starts_a_word(fragment):
                sql += " AND (' ' || s.body) LIKE ? ESCAPE '\\'"
                params.append(f"% {_like_escape(fragment)}%")
            else:
                sql += " AND s.body LIKE ? ESCAPE '\\'"
                params.append(f"%{_like_escape(fragment)}%")
        sql += " LIMIT ?"
    else:
        conditions = []
        params = []
        for fragment in terms:
            if _PUNCTUATION.search(fragment):
                # pg_trgm makes trigrams of letters and digits only, and its index would
                # hand back nearly every customer for "r-0". The marks index (migration
                # 0017) holds the text with each mark written as letters; the exact test
                # after it is one no index answers, so the planner does not ask the other.
                conditions.append("search_marks_written(s.body) LIKE "
                                  "'%%' || search_marks_written(%s) || '%%'")
                conditions.append("strpos(s.body, %s) > 0")
                params += [fragment, fragment]
                continue
            # The body is stored lower-cased, so a plain LIKE serves; pg_trgm's GIN index
            # answers LIKE '%…%' for any fragment of three letters or digits or more.
            conditions.append("s.body LIKE %s ESCAPE '\\'")
            params.append(f"%{_like_escape(fragment)}%")
        for fragment in filters:
            if _starts_a_word(fragment):
                # A word's start is a pattern the trigram index takes: "(^| )ta" gives it
                # the trigrams of a word beginning "ta". Tested on the rows alone, it had
                # every customer holding the longer word read (2,759 for "richard", 2,149
                # passed over before 200 held "ta": 13 ms, against 1 ms through the index).
                conditions.append("s.body ~ %s")
                params.append("(^| )" + re.escape(fragment))
                continue
            # A short fragment with a mark ("&", "o'") gives an index one trigram or none to
            # look up: it is only checked, exactly, on the rows the terms found.
            conditions.append("strpos(s.body, %s) > 0")
            params.append(fragment)
        # The search text is read, and limited, on its own before the customers are joined:
        # joined first, PostgreSQL walked both primary keys together, testing the text as it
        # went (3,449 rows for the 200 first holding a number a twelfth of the customers
        # hold), where the trigram index or a short scan finds them.
        sql = (f"SELECT {_CANDIDATE_COLUMNS} FROM (SELECT rowid, body FROM customer_search AS s "
               "WHERE " + " AND ".join(conditions)
               + " LIMIT %s) AS s JOIN customer AS c ON c.id = s.rowid")
    params.append(cap)
    return [_candidate(row[:7], row[7])
            for row in db.fetch_all(sql, params, plan_each_time=True)]


def _case_variants(prefix: str) -> list[str]:
    """Spellings of a prefix as names are usually stored (the name index is case-sensitive)."""
    variants = [prefix, prefix.lower(), prefix.upper(), prefix.capitalize(), prefix.title()]
    return list(dict.fromkeys(v for v in variants if v))


def _prefix_upper_bound(prefix: str) -> str | None:
    """The smallest string above every string that starts with ``prefix``, or None for no bound.

    Only ASCII letters and digits are stepped, so the bound also holds under the
    locale-aware collations of PostgreSQL (which ignore punctuation at first); the range may
    then hold a few extra rows, which the caller's exact check removes.
    """
    stem = prefix
    while stem:
        last = stem[-1]
        if last.isascii() and last.isalnum() and last not in "zZ9":
            return stem[:-1] + chr(ord(last) + 1)
        stem = stem[:-1]
    return None


def _range_read(column: str, start: str, limit: int, tag: int) -> tuple[str, list[Any]]:
    """The statement reading the first ``limit`` customers whose ``column`` starts with
    ``start``, as a range of that column's B-tree index (the range may hold a few more, which
    the caller checks), each row ending with ``tag``."""
    p = "?" if _is_sqlite() else "%s"
    where, params = f"{column} >= {p}", [start]
    upper = _prefix_upper_bound(start)
    if upper is not None:
        where += f" AND {column} < {p}"
        params.append(upper)
    return (f"SELECT id, account_code, name, company, postcode, phone, email, {tag} "
            f"FROM customer WHERE {where} ORDER BY {column} LIMIT {p}", [*params, limit])


def _prefix_candidates(prefix: str, limit: int, *, codes: bool = True) -> list[_Candidate]:
    """Customers whose name or (with ``codes``) account code starts with ``prefix``, through
    the B-tree indexes (a range of the index for each spelling)."""
    sqlite = _is_sqlite()
    reads: list[tuple[str, list[Any]]] = []
    columns = [("name", _case_variants(prefix))]
    if codes:
        columns.append(("account_code", [prefix.upper()]))
    for column, variants in columns:
        for variant in variants:
            reads.append(_range_read(column, variant, limit, len(reads)))
    if sqlite:
        rows = [row for sql, params in reads for row in db.execute_sql(sql, params).fetchall()]
    else:
        # One statement, not one for each spelling: each costs PostgreSQL a round trip.
        rows = db.execute_sql(
            " UNION ALL ".join(f"SELECT * FROM ({sql}) AS read{n}"
                               for n, (sql, _) in enumerate(reads)),
            [value for _, params in reads for value in params]).fetchall()
    found: dict[int, _Candidate] = {}
    wanted = prefix.lower()
    names = len(_case_variants(prefix))
    for row in rows:
        candidate = _candidate(row)
        value = candidate.name if row[7] < names else candidate.account_code
        if candidate.id not in found and value.lower().startswith(wanted):
            found[candidate.id] = candidate
    return list(found.values())


#: The start of an account code as typed ("c09", "C0912"): the letter and digits.
_CODE_START = re.compile(r"c\d+")


def _code_start_candidates(start: str, cap: int) -> list[_Candidate]:
    """Customers whose account code starts with ``start``, in code order, through the code's
    B-tree index.

    Account codes are given in the order customers are added, so the customers whose code
    starts "C09" lie together near the end of a long list. The search text's index cannot
    know that: told by its statistics that a tenth of the customers hold "c09", PostgreSQL
    reads the search text from the start for the first few hundred, passing nine tenths of
    the customers before it finds one.
    """
    code = start.upper()
    rows = db.execute_sql(*_range_read("account_code", code, cap, 0)).fetchall()
    return [candidate for candidate in map(_candidate, rows)
            if candidate.account_code.upper().startswith(code)]


def _exact_code_candidates(code: str) -> list[_Candidate]:
    rows = cast(Iterable[Sequence[Any]],
                t.Customer.select(*_CUSTOMER_FIELDS).where(t.Customer.account_code == code)
                .tuples())
    return [_candidate(row) for row in rows]


def _account_code_in(text: str) -> str | None:
    """"C123", "c000123" or "C000123" as the account code it names."""
    number = ACCOUNT_CODE.find(text, prefix_required=True)
    return None if number is None else account_code(number)


def _rank(candidate: _Candidate, words: Sequence[str], query: str, code: str | None,
          digits: str | None) -> tuple[int, str, int]:
    name = candidate.name.lower()
    if candidate.account_code.lower() == query or candidate.account_code == code:
        level = 0
    elif digits and digits in candidate.body.split(" | "):
        # The caller's whole number, on the customer or one of its contacts (the search text
        # holds every number as whole digit strings, E.164 and national: only a whole
        # number equals one).
        level = 1
    elif name.startswith(query):
        level = 2
    elif words and all(w in name for w in words):
        level = 3
    elif words and candidate.company.lower().startswith(query):
        level = 4
    else:
        level = 5
    return (level, name, candidate.id)


class _Contact(NamedTuple):
    """What a match may name of a customer's current contact."""

    name: str
    phone: str
    email: str


def _why(candidate: _Candidate, contacts: Iterable[_Contact], words: Sequence[str],
         digits: str | None, prefix: str | None) -> str:
    """A few words saying which of the customer's details matched."""
    contacts = list(contacts)
    if prefix is not None:
        if candidate.name.lower().startswith(prefix.lower()):
            return "name"
        return f"account code {candidate.account_code}"
    if digits:
        if any(digits in term for term in phone_search_terms(candidate.phone)):
            return f"phone {display_phone(candidate.phone)}"
        for contact in contacts:
            if any(digits in term for term in phone_search_terms(contact.phone)):
                return f"{contact.name}'s phone {display_phone(contact.phone)}"
        if digits in candidate.account_code:
            return f"account code {candidate.account_code}"
        words = [digits]
    fields: list[tuple[str, str] | _Contact] = [
        (f"account code {candidate.account_code}", candidate.account_code),
        ("name", candidate.name),
        ("company", candidate.company),
        (f"postcode {candidate.postcode}",
         f"{candidate.postcode} {candidate.postcode.replace(' ', '')}"),
    ]
    if candidate.email:
        fields.append((f"e-mail {candidate.email}", candidate.email))
    for contact in contacts:
        fields.append((f"contact {contact.name}", contact.name))
        if contact.email:
            fields.append((f"contact e-mail {contact.email}", contact.email))
        if contact.phone:
            fields.append(contact)  # its number, read only when a word gets that far
    reasons: list[str] = []
    for word in words:
        # Parsing phone numbers is the dearest part of a search: only a word with digits in
        # it can match a number, and a contact's number is parsed only for a word that none
        # of the details before it holds.
        numbers_matter = sum(ch.isdigit() for ch in word) >= 3
        for field in fields:
            if isinstance(field, _Contact):
                if not numbers_matter:
                    continue
                label = f"{field.name}'s phone {display_phone(field.phone)}"
                value = " ".join(phone_search_terms(field.phone))
            else:
                label, value = field
            if word in value.lower():
                if label not in reasons:
                    reasons.append(label)
                break
    return ", ".join(reasons)


def search_customers(text: str, limit: int = 20) -> list[CustomerHit]:
    """Customers matching any fragment of their name, company, contacts, phone numbers,
    e-mail, postcode or account code, best first.

    A phone number may be typed in any format ("01632 960123", "+44 1632 960123", "960123").
    Best first means: the exact account code, then the caller's whole phone number, then names
    that start with what was typed, then the rest by name.
    """
    typed = _clean_query(text)
    query = typed.lower()
    if not query or limit <= 0:
        return []
    words: list[str] = []
    digits: str | None = None
    prefix: str | None = None
    code = _account_code_in(query)
    cap = limit * _CANDIDATES_PER_HIT
    if looks_like_phone(query):
        digits = phone_query_digits(query)
        if len(digits) < MIN_TRIGRAM:
            return []  # "0044", "+44 (0)": only how the number starts, none of it yet
        if not is_valid_number(digits):
            # Ten read for each shown are for the caller's whole number to come first among
            # the numbers that hold it inside them. A part of a number, typed this far, ranks
            # the customers who hold it by their names alone: reading more than are shown
            # would only be sorted away. In a long history a part is common (a town's code,
            # an exchange), and the first few hundred holding it lie scattered over
            # thousands of customers. (A whole number in no operator's range, as the ones
            # kept for drama, is read so too: its holders still come first among those read.)
            cap = limit
        candidates = _index_candidates([digits], [], cap)
    else:
        words = list(dict.fromkeys(query.split(" ")))
        long_words = [w for w in words if len(w) >= MIN_TRIGRAM]
        short_words = [w for w in words if len(w) < MIN_TRIGRAM]
        if long_words:
            candidates = (_code_start_candidates(query, cap) if _CODE_START.fullmatch(query)
                          else [])
            if len(candidates) < cap:
                # Names that start with what was typed come first: read through the name's
                # index, a page of them is the answer, and nothing the search text holds
                # could come before it. Typing a caller's name, the first letters are shared
                # by hundreds ("Rich"), whose search text matches a fragment in a few
                # customers in a hundred: the trigram index would find them slowly and hand
                # back an arbitrary two hundred, not the first by name.
                found = {c.id for c in candidates}
                starts = [c for c in _prefix_candidates(typed, limit, codes=False)
                          if c.id not in found]
                candidates += starts
                found.update(c.id for c in starts)
                if len(starts) < limit:
                    # Few names start so: the fragment is rare enough for the search text's
                    # index (which also finds it anywhere else in a customer's details).
                    candidates += [c for c in _index_candidates(long_words, short_words, cap)
                                   if c.id not in found]
        else:
            prefix = typed
            candidates = _prefix_candidates(prefix, limit)
    if code is not None and all(c.account_code != code for c in candidates):
        candidates = _exact_code_candidates(code) + candidates
    ranked = sorted(candidates, key=lambda c: _rank(c, words, query, code, digits))[:limit]
    if not ranked:
        return []
    p = "?" if _is_sqlite() else "%s"
    contacts_by_customer: dict[int, list[_Contact]] = {}
    for customer_id, name, phone, email in db.execute_sql(
            f"SELECT customer_id, name, phone, email FROM contact WHERE customer_id IN "
            f"({', '.join([p] * len(ranked))}) AND retired_at IS NULL "
            "ORDER BY is_primary DESC, name", [c.id for c in ranked]).fetchall():
        contacts_by_customer.setdefault(int(customer_id), []).append(
            _Contact(name, phone, email))
    return [
        CustomerHit(c.id, c.account_code, c.name, c.company, c.postcode,
                    display_phone(c.phone),
                    _why(c, contacts_by_customer.get(c.id, []), words, digits, prefix))
        for c in ranked
    ]


# --- incidents -------------------------------------------------------------------------------

_REFERENCE = re.compile(r"(?:(inc)\s*[-#:]?\s*|#)?0*(\d{1,9})", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")


def _incident_number(text: str) -> tuple[int, bool] | None:
    """The incident number in "INC-000123", "inc123", "#123" or "123", and whether it was
    explicitly a reference (rather than bare digits, which may also be words to search)."""
    match = _REFERENCE.fullmatch(text)
    if not match:
        return None
    explicit = bool(match.group(1)) or text.startswith("#")
    return int(match.group(2)), explicit


def _incident_hits(where_sql: str, params: list[Any], order_sql: str,
                   limit: int) -> list[IncidentHit]:
    sql = ("SELECT i.id, i.reference, i.subject, c.name, i.status FROM incident_search AS s "
           "JOIN incident AS i ON i.id = s.rowid "
           "JOIN customer AS c ON c.id = i.customer_id "
           f"WHERE {where_sql} ORDER BY {order_sql} LIMIT {'?' if _is_sqlite() else '%s'}")
    rows = db.execute_sql(sql, [*params, limit]).fetchall()
    return [IncidentHit(r[0], r[1], r[2], r[3], IncidentStatus(r[4])) for r in rows]


#: PostgreSQL: how many of the newest incidents (by number) are read in order first. Words
#: that many incidents hold are found here after a handful of rows.
NEWEST_WINDOW = 1000
#: PostgreSQL: how many of the newest incidents are read, at most, for words that are each
#: among the office's most common but seldom found together; older incidents are not
#: searched for them (the word index would have to gather every incident holding each word).
COMMON_WORDS_WINDOW = 4000
#: How long the planner's list of the office's most common words is kept before it is read
#: again.
_COMMON_WORDS_SECONDS = 300.0

# The words are checked as a function call, which the word index cannot take: the rows are
# read newest first through the primary key, within the window and no further.
_PG_WINDOW = ("SELECT rowid FROM incident_search WHERE rowid > %s AND rowid <= %s "
              "AND ts_match_vq(tsv, to_tsquery('simple', %s)) ORDER BY rowid DESC LIMIT %s")
_PG_SMALL = ("SELECT rowid FROM incident_search WHERE tsv @@ to_tsquery('simple', %s) "
             "ORDER BY rowid DESC LIMIT %s")
# The index is asked for the rare word alone (a prefix of a common word would make it gather
# every incident holding that), given as a word of a tsquery so that it is not parsed again;
# the other words are checked, as a function call the index cannot take, on the few rows it
# finds. ``rowid + 0`` keeps the primary key from being walked for its order.
_PG_RARE = ("SELECT rowid FROM incident_search WHERE tsv @@ %s::tsquery "
            "AND ts_match_vq(tsv, to_tsquery('simple', %s)) ORDER BY rowid + 0 DESC LIMIT %s")
# The planner may judge a word common that the office seldom holds, and then read every
# incident (a scan, or the whole primary key) rather than the index. Only the index is left
# to it, for that statement alone; the settings are put back afterwards for a caller whose
# transaction this is.
_PG_INDEX_ONLY = ("SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan'), "
                  "set_config('enable_seqscan', 'off', true), "
                  "set_config('enable_indexscan', 'off', true)")
_PG_SETTINGS_BACK = ("SELECT set_config('enable_seqscan', %s, true), "
                     "set_config('enable_indexscan', %s, true)")
_PG_COMMON_WORDS = ("SELECT most_common_elems::text::text[] FROM pg_stats "
                    "WHERE schemaname = current_schema() AND tablename = 'incident_search' "
                    "AND attname = 'tsv'")

_common_words_cache: dict[int, tuple[float, list[str] | None]] = {}


def _common_words() -> list[str] | None:
    """The planner's list of the words most incidents hold (about 0.3 % of a large office's
    incidents or more), sorted; None before the table has been analysed."""
    key = id(db.obj)
    now = time.monotonic()
    cached = _common_words_cache.get(key)
    if cached is not None and now - cached[0] < _COMMON_WORDS_SECONDS:
        return cached[1]
    row = db.execute_sql(_PG_COMMON_WORDS).fetchone()
    words = sorted(str(w) for w in row[0]) if row is not None and row[0] else None
    _common_words_cache.clear()
    _common_words_cache[key] = (now, words)
    return words


def _is_common(prefix: str, common: list[str]) -> bool:
    """Whether a common word starts with ``prefix``."""
    at = bisect.bisect_left(common, prefix)
    return at < len(common) and common[at].startswith(prefix)


def _narrow(prefix: str) -> bool:
    """Whether so long a prefix is the start of few different words. A short one may start
    thousands of rare ones ("r-0" every receipt's number), which the index would gather."""
    letters = sum(ch.isalnum() for ch in prefix)
    return letters >= (5 if any(ch.isdigit() for ch in prefix) else 3)


def _window(low: int, high: int, tsquery: str, limit: int) -> list[int]:
    return [int(row[0]) for row in
            db.execute_sql(_PG_WINDOW, (low, high, tsquery, limit)).fetchall()]


_LEXEME = re.compile(r"'((?:[^']|'')*)'")


def _pg_matching_ids(prefixes: list[str], limit: int) -> list[int]:
    """The newest incidents holding a word starting with each of ``prefixes`` (quoted for
    to_tsquery), newest first, at most ``limit``.

    Never a walk of the whole primary key filtering on the words (it read every incident
    when the words were rare), and never the word index gathering every incident that holds
    a common word: first the newest :data:`NEWEST_WINDOW` incidents in order, which is enough
    for common words; then, if one of the words is rare (not the start of any of the office's
    most common words, and long enough to start few words at all), the word index for that
    word alone; otherwise the newest :data:`COMMON_WORDS_WINDOW` incidents.
    """
    tsquery = " & ".join(f"{p}:*" for p in prefixes)
    # PostgreSQL's parser may split a typed word further ("re-set" holds "re" and "set"):
    # its own reading of the query names the words to weigh. The search table's rowid is the
    # incident's id.
    top, parsed = db.execute_sql("SELECT max(id), to_tsquery('simple', %s)::text FROM incident",
                                 (tsquery,)).fetchone()
    lexemes = list(dict.fromkeys(m.replace("''", "'") for m in _LEXEME.findall(parsed or "")))
    if top is None or not lexemes:
        return []
    top = int(top)
    if top <= NEWEST_WINDOW:
        # An office this small is all window: the index and a sort of what it found.
        return [int(row[0]) for row in db.execute_sql(_PG_SMALL, (tsquery, limit)).fetchall()]
    ids = _window(top - NEWEST_WINDOW, top, tsquery, limit)
    if len(ids) == limit:
        return ids
    common = _common_words()
    rare = [w for w in lexemes if _narrow(w) and (common is None or not _is_common(w, common))]
    if not rare:
        return ids + _window(top - COMMON_WORDS_WINDOW, top - NEWEST_WINDOW, tsquery,
                             limit - len(ids))
    # The longest rare word is likely the rarest.
    quoted = max(rare, key=len).replace("\\", "\\\\").replace("'", "''")
    with read_snapshot():
        before = db.execute_sql(_PG_INDEX_ONLY).fetchone()
        ids = [int(row[0]) for row in
               db.execute_sql(_PG_RARE, (f"'{quoted}':*", tsquery, limit)).fetchall()]
        db.execute_sql(_PG_SETTINGS_BACK, (before[0], before[1]))
    return ids


def _incidents_by_id(ids: Sequence[int]) -> list[IncidentHit]:
    """The hits for these incidents, in the order given."""
    if not ids:
        return []
    rows = cast(Iterable[Sequence[Any]],
                t.Incident.select(t.Incident.id, t.Incident.reference, t.Incident.subject,
                                  t.Customer.name, t.Incident.status)
                .join(t.Customer, on=(t.Incident.customer == t.Customer.id))
                .where(t.Incident.id.in_(list(ids))).tuples())
    by_id = {int(r[0]): IncidentHit(r[0], r[1], r[2], r[3], IncidentStatus(r[4])) for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def _fulltext_incidents(text: str, limit: int) -> list[IncidentHit]:
    if _is_sqlite():
        tokens = [w.lower() for w in _WORD.findall(text)]
        long_tokens = [w for w in tokens if len(w) >= 2]
        if not long_tokens:
            return []
        # Each word a quoted prefix query, so nothing typed is read as FTS5 syntax.
        match = " AND ".join(_fts_string(w) + "*" for w in dict.fromkeys(long_tokens))
        return _incident_hits("s.body MATCH ?", [match], "s.rowid DESC", limit)
    # PostgreSQL's own parser splits each quoted word as it split the body (e-mail addresses
    # and file names stay whole); every lexeme becomes a prefix.
    words = [w for w in text.split() if len("".join(_WORD.findall(w))) >= 2]
    if not words:
        return []
    parts = []
    for word in dict.fromkeys(w.lower() for w in words):
        quoted = word.replace("\\", "\\\\").replace("'", "''")
        parts.append(f"'{quoted}'")
    return _incidents_by_id(_pg_matching_ids(parts, limit))


def search_incidents(text: str, limit: int = 20) -> list[IncidentHit]:
    """Incidents by reference ("INC-000123", "inc123", "123") or by words of their subject,
    description and timeline (each word may be the start of a word), newest first."""
    query = _clean_query(text)
    if not query or limit <= 0:
        return []
    hits: list[IncidentHit] = []
    number = _incident_number(query)
    if number is not None:
        row = (t.Incident.select(t.Incident.id, t.Incident.reference, t.Incident.subject,
                                 t.Customer.name, t.Incident.status)
               .join(t.Customer, on=(t.Incident.customer == t.Customer.id))
               .where(t.Incident.number == number[0]).tuples().first())
        if row is not None:
            hits.append(IncidentHit(row[0], row[1], row[2], row[3], IncidentStatus(row[4])))
        if number[1]:
            return hits
    seen = {hit.id for hit in hits}
    for hit in _fulltext_incidents(query, limit):
        if hit.id not in seen and len(hits) < limit:
            hits.append(hit)
            seen.add(hit.id)
    return hits
