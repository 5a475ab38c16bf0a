from django.urls import path

from . import views

app_name = "formalization"

urlpatterns = [
    path("formaliza/", views.start, name="start"),
    path("formaliza/<uuid:run_id>/", views.wizard, name="step"),
    path("formaliza/<uuid:run_id>/<slug:step>/", views.wizard, name="step"),
    path(
        "formaliza/pagos/sandbox/<uuid:reference>/",
        views.sandbox_bank,
        name="sandbox_bank",
    ),
    path(
        "formaliza/pagos/aviso/<slug:provider_name>/",
        views.payment_notice,
        name="payment_notice",
    ),
    path(
        "mis-tramites/solicitudes/<str:radicado>/",
        views.application_detail,
        name="application",
    ),
    path(
        "mis-tramites/solicitudes/<str:radicado>/acuse.pdf",
        views.application_receipt,
        name="receipt",
    ),
    path(
        "mis-tramites/solicitudes/<str:radicado>/pagar/",
        views.payment_start,
        name="payment_start",
    ),
]
