from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import forms, views

app_name = "cuenta"

urlpatterns = [
    path("ingresar/", views.AccountLoginView.as_view(), name="login"),
    path("salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("registro/", views.signup, name="signup"),
    # Fixed paths before the token path, which would match them too.
    path("verificar/enviado/", views.verify_sent, name="verify_sent"),
    path("verificar/reenviar/", views.verify_resend, name="verify_resend"),
    path("verificar/<str:token>/", views.verify, name="verify"),
    path("perfil/", views.profile, name="profile"),
    path(
        "clave/",
        auth_views.PasswordResetView.as_view(
            form_class=forms.PasswordResetRequestForm,
            template_name="accounts/password_reset.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("cuenta:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "clave/enviado/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "clave/listo/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "clave/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=forms.NewPasswordForm,
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("cuenta:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
]
