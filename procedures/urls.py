from django.urls import path

from . import views

app_name = "mis_tramites"

urlpatterns = [
    path("", views.my_cases, name="list"),
    path("<str:radicado>/", views.case_detail, name="case"),
    path(
        "<str:radicado>/documentos/<int:document_id>/",
        views.document_download,
        name="document",
    ),
]
