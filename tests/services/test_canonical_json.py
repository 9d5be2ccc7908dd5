"""The JSON every tamper hash covers is written exactly as it always was: plain values as they
are, enums by their value (a StrEnum or IntEnum too, though it is also a str or an int), times
and dates in ISO form, amounts as text, bytes by their length, any mapping or sequence within."""

from __future__ import annotations

import collections
import datetime as dt
import decimal
import enum
from typing import Any

from synergy_desk.domain.enums import PaymentMethod
from synergy_desk.services.common import canonical_json


class Level(enum.IntEnum):
    HIGH = 3


class Flag(enum.Enum):
    ON = "on"


def _as_it_was(value: Any) -> Any:
    """The conversion as first written: each kind tested in turn, most general last."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return f"<{len(bytes(value))} bytes>"
    if isinstance(value, collections.abc.Mapping):
        return {str(k): _as_it_was(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_as_it_was(v) for v in value]
    return value


def test_every_kind_of_value_is_written_as_it_always_was() -> None:
    import json

    content = {
        "text": "ünïcödé 漢字", "empty": "", "n": 7, "big": 9_000_000_000, "ratio": 0.5,
        "yes": True, "no": False, "nothing": None, "method": PaymentMethod.CARD,
        "level": Level.HIGH, "flag": Flag.ON, "at": dt.datetime(2030, 1, 2, 3, 4, 5),
        "day": dt.date(2030, 1, 2), "pence": decimal.Decimal("12.50"), "blob": b"\x00\x01",
        "view": memoryview(b"abc"), "pair": (1, PaymentMethod.CASH), 3: "a number as a key",
        "ordered": collections.OrderedDict(b=Level.HIGH, a=[dt.date(2030, 1, 1)]),
        "lines": [{"position": 1, "amount": decimal.Decimal("1.00"), "kind": Flag.ON},
                  [True, None, (b"x",)]],
    }
    expected = json.dumps(_as_it_was(content), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False)
    assert canonical_json(content) == expected
    assert '"method":"card"' in expected and '"level":3' in expected
    assert '"yes":true' in expected and '"pence":"12.50"' in expected
