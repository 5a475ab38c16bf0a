"""Catalog benchmark: throughput, latency and SQL queries at 250 and 5,000 procedures."""
