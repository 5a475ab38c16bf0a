"""Content-Security-Policy for every response (django-csp), with the admin's own.

The public site runs no inline code: its scripts and styles are static files, and
anything inline must carry ``nonce="{{ request.csp_nonce }}"``. Wagtail's admin
still writes some inline scripts (date pickers, inline panels), so the paths under
``/admin/`` get ``ADMIN_CONTENT_SECURITY_POLICY``: the same sources, with inline
scripts allowed there only.
"""

from django.conf import settings

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config

ADMIN_PREFIXES = ("/admin/",)


class SiteCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if getattr(request, "is_dummy", False):
            # Wagtail's preview runs the page through the middleware again with a
            # dummy request for the page's public URL; the admin request around it
            # sets the policy (the public one would forbid the preview's frame).
            return response
        return super().process_response(request, response)

    def get_policy_parts(
        self, request, response, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(ADMIN_PREFIXES)
        ):
            parts.config = default_config(
                settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
            )
        return parts
