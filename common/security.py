"""Security headers on every response (Django 5.2 has no Content-Security-Policy of its own).

- Content-Security-Policy (settings.CONTENT_SECURITY_POLICY): scripts only from the portal's own files, no inline
  script, no eval (htmx is configured without it in templates/base.html); enforced, or only reported in the
  browser's console with CSP_REPORT_ONLY=1.
- Permissions-Policy (settings.PERMISSIONS_POLICY): no camera, microphone, location, payment... for any page.
- Cache-Control: private, no-store on every page a logged-in user receives: a shared computer's back button or
  a proxy never shows a dossier, an IBAN or a message after the user has left.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        csp_header = "Content-Security-Policy-Report-Only" if settings.CSP_REPORT_ONLY else "Content-Security-Policy"
        response.headers.setdefault(csp_header, settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
