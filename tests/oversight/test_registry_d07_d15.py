from oversight import detectors, thresholds

CODES = ("D7", "D8", "D9", "D10", "D11", "D12", "D15")


def test_d7_to_d15_are_described_in_the_yaml_and_registered():
    registered = detectors.registry()
    catalogue = thresholds.catalogue()["detectors"]
    for code in CODES:
        assert catalogue[code]["explanation"].strip(), code
        assert registered[code].code == code
    # D12 has a second part over each officer's acts.
    assert registered["D12:network"].scope == "officer"
    assert {d.code for d in registered.values()} <= set(catalogue)
