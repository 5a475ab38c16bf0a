"""Filing benchmark: case_file throughput and the officers' queue at 100k and 1M cases."""
