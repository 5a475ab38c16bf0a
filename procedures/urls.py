from django.urls import path

from . import views

app_name = "mis_tramites"

urlpatterns = [
    path("", views.my_cases, name="list"),
    path("<str:radicado>/", views.case_detail, name="case"),
    path("<str:radicado>/reportar/", views.report_irregularity, name="report"),
    path(
        "<str:radicado>/reportar/<str:report>/",
        views.report_filed,
        name="report_filed",
    ),
    path(
        "<str:radicado>/documentos/<int:document_id>/",
        views.document_download,
        name="document",
    ),
]
