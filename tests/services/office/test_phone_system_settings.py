"""The office's settings for the phone system's listener: off by default, its secret made when
the manager turns it on or asks for a new one, never written in the audit log, and the tamper
check raising no false alarm over them."""

from __future__ import annotations

import json

import pytest

from synergy_desk.domain.errors import ValidationError
from synergy_desk.models import tables as t
from synergy_desk.services.common import Actor
from synergy_desk.services.office.settings import (
    get_settings,
    new_phone_token,
    setup_office,
    update_settings,
)
from tests.conftest import PASSWORD


def test_the_listener_is_off_on_the_loopback_address_by_default(db_url: str) -> None:
    data = get_settings()
    assert (data.phone_listener_enabled, data.phone_listener_open,
            data.phone_listener_port, data.phone_listener_token) == (False, False, 8765, "")


def test_turning_the_listener_on_makes_its_token_and_hides_it_from_the_audit_log(
        manager: Actor) -> None:
    saved = update_settings(manager, get_settings().version, phone_listener_enabled=True)
    assert saved.phone_listener_enabled and len(saved.phone_listener_token) >= 40
    token = saved.phone_listener_token
    [row] = t.AuditLog.select().where(t.AuditLog.action == "settings.update")
    assert token not in row.after and token not in row.before
    assert json.loads(row.after)["phone_listener_token"] == "(hidden)"
    # Off and on again: the same token; a new one only when asked for.
    off = update_settings(manager, saved.version, phone_listener_enabled=False)
    on = update_settings(manager, off.version, phone_listener_enabled=True)
    assert on.phone_listener_token == token
    fresh = new_phone_token()
    renewed = update_settings(manager, on.version, phone_listener_token=fresh)
    assert renewed.phone_listener_token == fresh != token


@pytest.mark.parametrize(("changes", "told"), [
    ({"phone_listener_port": 80}, "from 1,024 to 65,535"),
    ({"phone_listener_token": "short"}, "20 to 100 letters"),
    ({"phone_listener_token": "x" * 30 + " or 1=1"}, "20 to 100 letters"),
    ({"phone_listener_open": "yes"}, "must be on or off"),
])
def test_a_wrong_listener_setting_is_refused(manager: Actor, changes: dict[str, object],
                                             told: str) -> None:
    with pytest.raises(ValidationError, match=told):
        update_settings(manager, get_settings().version, **changes)


def test_the_tamper_check_raises_no_false_alarm_over_the_listener(db_url: str) -> None:
    from synergy_desk.services.reporting import integrity
    from tests.services.reporting.test_integrity import sql

    mary = setup_office("Synergy Support Ltd", "", "", "mary", "Mary Manager", PASSWORD)
    assert integrity.check_records() == []  # the set-up's image holds the columns' defaults
    data = update_settings(mary, get_settings().version, phone_listener_enabled=True,
                           phone_listener_open=True, phone_listener_port=9000)
    assert integrity.check_records() == []
    data = update_settings(mary, data.version, phone_listener_token=new_phone_token())
    assert integrity.check_records() == []
    sql("UPDATE office_settings SET phone_listener_open = %s", False)
    assert integrity.check_records() == [
        "the office's settings: phone listener open is no, the audit log last recorded yes."]


def test_a_listener_already_on_is_never_left_without_its_secret(manager: Actor) -> None:
    on = update_settings(manager, get_settings().version, phone_listener_enabled=True)
    cleared = update_settings(manager, on.version, phone_listener_token="")
    assert cleared.phone_listener_enabled and len(cleared.phone_listener_token) >= 40
