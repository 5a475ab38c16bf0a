import datetime
from decimal import Decimal

from audit import chain


def test_canonical_json_is_order_independent_and_compact():
    a = chain.canonical_json({"b": 1, "a": "ñ", "c": [Decimal("1.50")]})
    b = chain.canonical_json({"c": [Decimal("1.50")], "a": "ñ", "b": 1})
    assert a == b == '{"a":"ñ","b":1,"c":["1.50"]}'


def test_event_hash_depends_on_previous_hash_and_body():
    genesis = chain.genesis_hash("case:1")
    assert genesis != chain.genesis_hash("case:2")
    h1 = chain.event_hash(genesis, '{"a":1}')
    assert h1 != chain.event_hash(genesis, '{"a":2}')
    assert h1 != chain.event_hash(chain.genesis_hash("case:2"), '{"a":1}')
    assert len(h1) == 64


def test_time_format_round_trips_in_utc():
    moment = datetime.datetime(
        2026, 7, 9, 23, 30, 1, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))
    )
    text = chain.format_time(moment)
    assert text == "2026-07-10T04:30:01.000005Z"
    assert chain.parse_time(text) == moment
