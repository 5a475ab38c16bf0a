"""Forms that replace Wagtail's in the admin (named in settings)."""

from django.utils.translation import gettext_lazy

from wagtail.admin.forms.auth import LoginForm


class AdminLoginForm(LoginForm):
    """Wagtail's login form gives its password field no label, so the admin showed
    the untranslatable "Password"; this one uses Django's translated label."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = gettext_lazy("Password")
