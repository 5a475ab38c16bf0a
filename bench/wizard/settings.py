"""Settings for the wizard benchmark: the filing benchmark's settings (production
settings on PostgreSQL, plain HTTP on loopback, e-mail in memory, staff 2FA off, tasks
only enqueued when run.py sets CELERY_BROKER_URL), with the wizard's own database,
secret and scratch directory.
"""

import os
import tempfile
from pathlib import Path

SCRATCH = Path(tempfile.gettempdir()) / "ventanilla-bench-wizard"

# Set before the filing settings read them (they only set what is still unset).
os.environ.setdefault(
    # Not a secret: bench only (the sandbox PSE signature is derived from it).
    "DJANGO_SECRET_KEY",
    "bench-wizard-Hs3kP9wQ1zR6tY8uN2mB5vC7xL4jD0fG",
)
os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ventanilla_bench_wizard"
)
os.environ.setdefault("AUDIT_CHECKPOINT_DIR", str(SCRATCH / "audit-checkpoints"))
os.environ.setdefault("DJANGO_MEDIA_ROOT", str(SCRATCH / "media"))
os.environ.setdefault("DJANGO_PRIVATE_MEDIA_ROOT", str(SCRATCH / "private-media"))

from bench.filing.settings import *  # noqa: E402, F403
