from django.apps import AppConfig
from django.db.models.signals import pre_migrate


def _create_cache_tables(sender, using="default", verbosity=1, **kwargs):
    """Every ``migrate`` (make, docker compose, CI, the test database) first creates
    the table of a DatabaseCache, the default when no CACHE_URL is set: migrations
    that publish pages already touch the cache."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=verbosity)


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Ventanilla"

    def ready(self):
        from . import cache, checks, shell, two_factor  # noqa: F401

        cache.connect_invalidation()
        shell.connect_invalidation()
        pre_migrate.connect(
            _create_cache_tables, sender=self, dispatch_uid="cms.cache_tables"
        )
