from oversight import detectors, thresholds

CODES = ("D1", "D2", "D3", "D4", "D5", "D6")


def test_d1_to_d6_are_described_in_the_yaml_and_registered():
    registered = detectors.registry()
    catalogue = thresholds.catalogue()["detectors"]
    for code in CODES:
        assert catalogue[code]["explanation"].strip(), code
        assert registered[code].code == code


def test_every_registered_detector_has_its_yaml_entry():
    assert set(detectors.registry()) <= set(thresholds.catalogue()["detectors"])
