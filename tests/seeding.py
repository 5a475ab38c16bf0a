"""Re-seeding for transactional tests, which start from an emptied database: the same
steps as ``seed_demo`` but only the procedure pages the test uses (seconds, not a minute)."""

from catalog.seed import load_catalog
from cms import seed

FORMALIZATION_CODES = {f"F{n:02d}" for n in range(1, 26)}


def seed_for(codes) -> None:
    index = seed.ensure_site()
    load_catalog(index, only=set(codes))
    seed.ensure_groups(index)
    seed.ensure_workflow(index)
    seed.ensure_demo_users()
