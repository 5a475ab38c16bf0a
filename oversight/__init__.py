"""Reads the verified trail for auditors and the public: corruption-risk detectors
(docs/domain.md §4.4), their flags and review, and (later) public statistics. It reads;
it never changes a case."""
