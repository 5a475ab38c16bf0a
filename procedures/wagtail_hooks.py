from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_case_urls():
    return [
        path("casos/", admin_views.queue, name="procedures_admin_queue"),
        path(
            "casos/<str:radicado>/",
            admin_views.case_detail,
            name="procedures_admin_case",
        ),
        path(
            "casos/<str:radicado>/accion/",
            admin_views.case_action,
            name="procedures_admin_action",
        ),
    ]


class CasesMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.is_officer(request.user)


@hooks.register("register_admin_menu_item")
def register_cases_menu_item():
    return CasesMenuItem(
        _("Casos de mi entidad"),
        reverse("procedures_admin_queue"),
        icon_name="tasks",
        order=100,
    )
