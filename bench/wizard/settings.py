"""The wizard benchmark's settings: the filing benchmark's, with its own database,
secret (the sandbox PSE signature is derived from it) and scratch directory."""

from bench.settings import loopback

loopback(
    "wizard", "bench-wizard-Hs3kP9wQ1zR6tY8uN2mB5vC7xL4jD0fG", "ventanilla_bench_wizard"
)

from bench.filing.settings import *  # noqa: E402, F403
