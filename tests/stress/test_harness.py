"""The stress tests' harness reports every way a desk's call can end, so a stress test that
passes means the desks met no error rather than that none was heard."""

from __future__ import annotations

from tests.stress.harness import FAILURE, OK, REFUSED, DeskRun


def test_every_ending_of_a_desks_call_reaches_the_test(sqlite_db_url: str) -> None:
    with DeskRun(sqlite_db_url, [("report_every_ending", {}), ("wait_for_go", {})],
                 events=("go",)) as run:
        run.join(3.0)  # the second desk waits for "go", which comes only when the run stops
    endings = {(o.action, o.status, o.error, o.message.split(" (")[0]) for o in run.outcomes
               if o.desk == 0}
    assert endings == {
        ("succeed", OK, "", ""),
        ("refuse", REFUSED, "ValidationError", "That is not allowed; nothing was changed."),
        ("fail", FAILURE, "peewee.OperationalError", "no such table: no_such_table"),
    }
    assert run.of("succeed")[0].value == 42
    assert run.crashes == ["desk 0: RuntimeError: the desk gave up"]
    assert run.unfinished == ["desk 1 had not finished after 3 s (it was at before or between "
                              "its calls)"]
    assert len(run.failures) == 3
    assert run.of("went", OK), "a desk still waiting is let go when the run stops"
