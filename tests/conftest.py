from django.core.cache import cache

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts from the demo data: site, 200+ procedures, groups, users."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("seed_demo", allow_demo_users=True, verbosity=0)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def catalog_index(db):
    from catalog.models import ProcedureIndexPage

    return ProcedureIndexPage.objects.get()


@pytest.fixture
def procedure(db):
    """F03, the matrícula mercantil of a natural person (CCB)."""
    from catalog.models import ProcedurePage

    return ProcedurePage.objects.get(code="F03")


@pytest.fixture
def demo_user(db, django_user_model):
    def get(username):
        return django_user_model.objects.get(username=username)

    return get
