from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catálogo de trámites"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy check)

        self._forget_search_caches_on_change()

    @staticmethod
    def _forget_search_caches_on_change():
        """Synonyms, promotions and the spelling vocabulary are cached; an editor's
        change (or a page published or withdrawn) must show on the next search."""
        from django.db.models.signals import post_delete, post_save

        from wagtail.signals import page_published, page_unpublished

        from .search import forget_config
        from .spelling import forget_vocabulary

        # Promotions name pages by id and the search filters out what is not live, so
        # publishing changes only the vocabulary the spelling draws from.
        page_published.connect(
            forget_vocabulary, weak=False, dispatch_uid="search-publish"
        )
        page_unpublished.connect(
            forget_vocabulary, weak=False, dispatch_uid="search-unpublish"
        )

        def forget(sender, **kwargs):
            forget_config()
            forget_vocabulary()

        watched = {
            ("catalog", "searchsynonym"),
            ("wagtailsearchpromotions", "searchpromotion"),
            ("wagtailsearchpromotions", "query"),
        }

        def on_change(sender, **kwargs):
            if (sender._meta.app_label, sender._meta.model_name) in watched:
                forget(sender)

        post_save.connect(on_change, weak=False, dispatch_uid="catalog-search-save")
        post_delete.connect(on_change, weak=False, dispatch_uid="catalog-search-delete")
