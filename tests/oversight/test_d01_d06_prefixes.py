"""A flag found on the trail so far is found again, the same, once more events come:
what lets the incremental scan agree with a full scan."""

from oversight import detectors, thresholds
from oversight.facts import from_events
from tests.oversight import test_d01, test_d02, test_d03, test_d04, test_d05, test_d06
from tests.oversight.trail import Trail

CODES = ("D1", "D2", "D3", "D4", "D5", "D6")
# Whose evidence grows as more cases or acts join the pattern (its key stays).
GROWING = ("D1", "D6")


def plants():
    yield lambda trail: test_d01.plant(trail, range(1, 8))
    yield test_d02.plant
    yield test_d03.plant

    def d04(trail):
        test_d04.filed(trail)
        test_d04.request(trail, test_d04.RECEIVED.replace(day=4))
        test_d04.request(trail, test_d04.RECEIVED.replace(day=5))

    yield d04
    yield test_d05.plant
    yield lambda trail: test_d06.plant(trail, phone=True)


def planted_in_time_order():
    """Every test's pattern in one trail, each in its own chains and procedure,
    appended in time order as a real trail is."""
    rows = []
    for n, plant in enumerate(plants()):
        trail = Trail()
        plant(trail)
        for event_id, body in trail.rows:
            radicado = f"{n}-{body['radicado']}"
            details = dict(body["details"])
            if "procedure" in details:
                details["procedure"] = f"{n}-{details['procedure']}"
            body = {
                **body,
                "chain": f"case:{radicado}",
                "radicado": radicado,
                "subject_id": radicado,
                "details": details,
            }
            rows.append((body["at"], n, event_id, body))
    rows.sort(key=lambda row: row[:3])
    return [(n, row[3]) for n, row in enumerate(rows, start=1)]


def findings(rows):
    cases = from_events(rows).values()
    found = {}
    for code in CODES:
        for finding in detectors.run(detectors.registry()[code], cases, thresholds):
            found[finding.key] = finding
    return found


def test_every_flag_on_a_prefix_of_the_trail_stays_the_same():
    rows = planted_in_time_order()
    full = findings(rows)
    assert {finding.detector for finding in full.values()} == set(CODES)
    for cut in range(1, len(rows), 7):
        for key, finding in findings(rows[:cut]).items():
            assert key in full, (cut, key)
            if finding.detector in GROWING:
                later = full[key].evidence
                assert later[: len(finding.evidence)] == finding.evidence, key
            else:
                assert finding == full[key], (cut, key)
