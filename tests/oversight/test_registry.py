from oversight import detectors, thresholds


def test_every_detector_of_the_yaml_is_registered_and_nothing_else():
    registered = detectors.registry()
    catalogue = thresholds.catalogue()["detectors"]
    assert {detector.code for detector in registered.values()} == set(catalogue)
    for code, spec in catalogue.items():
        assert spec["explanation"].strip(), code
        assert spec["title"].strip(), code
    # D12 has a second part over each officer's acts.
    assert registered["D12:network"].scope == "officer"
    assert registered["D12"].scope == "case"
