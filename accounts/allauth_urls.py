"""The allauth pages the portals use, and only those (instead of `include("allauth.urls")`).

Routed: login (allauth's own page, where it sends an abandoned login), logout, the "forgotten password" flow, the
login-code step of accounts/login_limits.py, password confirmation before a second-factor change, and the
second-factor pages (staff must have an authenticator app; portal users may add one from "Sécurité du compte").
Not routed (404): e-mail address management (an unverified or someone else's address could be added and made the
login), sign-up (companies have their own; the name stays reversible for allauth's "unknown account" email),
password change and set (the reset flow covers both), e-mail confirmation, login by code without a password.
"""

from allauth.account import views as account_views
from allauth.mfa.base import views as mfa_views
from allauth.mfa.recovery_codes import views as recovery_codes_views
from allauth.mfa.totp import views as totp_views
from django.conf import settings
from django.urls import path, re_path

from accounts import views

urlpatterns = [
    path("login/", views.AccountLoginView.as_view(), name="account_login"),
    path("logout/", account_views.logout, name="account_logout"),
    # Where allauth sends a login whose account was deactivated on the way (e.g. between password and code).
    path("inactive/", account_views.account_inactive, name="account_inactive"),
    path("reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
    path("login/code/confirm/", account_views.confirm_login_code, name="account_confirm_login_code"),
    path("password/reset/", account_views.password_reset, name="account_reset_password"),
    path(
        "password/reset/done/",
        # The page says how long the emailed link works, as the email does.
        account_views.PasswordResetDoneView.as_view(
            extra_context={"link_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
        ),
        name="account_reset_password_done",
    ),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        account_views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path(
        "password/reset/key/done/",
        account_views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
    path("signup/", views.not_routed, name="account_signup"),
    # Second factor.
    path("2fa/", mfa_views.index, name="mfa_index"),
    path("2fa/authenticate/", mfa_views.authenticate, name="mfa_authenticate"),
    path("2fa/reauthenticate/", mfa_views.reauthenticate, name="mfa_reauthenticate"),
    path("2fa/totp/activate/", totp_views.activate_totp, name="mfa_activate_totp"),
    path("2fa/totp/deactivate/", totp_views.deactivate_totp, name="mfa_deactivate_totp"),
    path("2fa/recovery-codes/", recovery_codes_views.view_recovery_codes, name="mfa_view_recovery_codes"),
    path(
        "2fa/recovery-codes/generate/",
        recovery_codes_views.generate_recovery_codes,
        name="mfa_generate_recovery_codes",
    ),
    path(
        "2fa/recovery-codes/download/",
        recovery_codes_views.download_recovery_codes,
        name="mfa_download_recovery_codes",
    ),
]
