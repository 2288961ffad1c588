"""Issue 14, Deliver 9: defence in depth on the pages.

A Content-Security-Policy without inline script (enforced; report-only with a setting), htmx without eval,
Permissions-Policy, `Cache-Control: private, no-store` on every page a logged-in user receives, and messages kept
in the session rather than in a cookie. The browser side (no violation on real pages) is in
tests/browser/test_content_security_policy.py.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import DEFAULT_PASSWORD, DocumentFactory, UserFactory, totp_code

TEMPLATES = Path(settings.BASE_DIR, "templates")


def directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


@pytest.mark.parametrize("path", ["/", "/egestion/connexion/", "/admin/login/", "/comptes/password/reset/"])
def test_every_page_has_an_enforced_policy_without_inline_script(client, path):
    response = client.get(path)

    policy = directives(response["Content-Security-Policy"])
    assert "Content-Security-Policy-Report-Only" not in response
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_policy_can_be_only_reported(client, settings):
    settings.CSP_REPORT_ONLY = True

    response = client.get("/")

    assert "Content-Security-Policy" not in response
    assert "script-src 'self'" in response["Content-Security-Policy-Report-Only"]


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{template}: {tag}")
        offenders += [f"{template}: {m}" for m in re.findall(r"<[^>]+\son[a-z]+=", text)]
        offenders += [f"{template}: {m}" for m in re.findall(r"\bhx-on\b|javascript:", text)]
    assert offenders == []


def test_no_page_template_has_a_style_element():
    """Only the PDF templates (rendered by WeasyPrint, never served) have one."""
    with_style = {str(t.relative_to(TEMPLATES)) for t in TEMPLATES.rglob("*.html") if "<style" in t.read_text()}
    assert all("pdf" in name for name in with_style), with_style


def test_htmx_runs_without_eval_script_tags_or_injected_styles(client):
    page = client.get("/egestion/connexion/").text

    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', page).group(1)

    assert '"allowEval": false' in config
    assert '"allowScriptTags": false' in config
    assert '"includeIndicatorStyles": false' in config


# --- Cache-Control on logged-in pages -------------------------------------------------------------------------


def assert_not_stored(response):
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert "public" not in cache_control


def test_portal_pages_of_a_logged_in_user_are_never_stored(client, company_manager):
    client.force_login(company_manager)

    for path in ["/egestion/", "/egestion/dossiers/", "/egestion/utilisateurs/", "/comptes/2fa/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_not_stored(response)


def test_a_document_download_is_never_stored(client, company_manager):
    document = DocumentFactory(dossier__employer_establishment=company_manager.memberships.get().establishment)
    client.force_login(company_manager)

    response = client.get(document_url(document))

    assert response.status_code == 200
    assert_not_stored(response)


def document_url(document):
    from django.urls import reverse

    return reverse("egestion:dossier_document", args=[document.dossier.number, document.pk])


def test_admin_pages_are_never_stored(client):
    staff = UserFactory(email="gestionnaire@constructys.fr", superuser=True)
    client.post("/admin/login/", {"login": staff.email, "password": DEFAULT_PASSWORD})
    client.post("/comptes/2fa/authenticate/", {"code": totp_code()})

    for path in ["/admin/", "/admin/dossiers/dossier/", "/admin/accounts/user/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_not_stored(response)


def test_the_login_response_itself_is_not_stored(client, company_manager):
    response = client.post("/egestion/connexion/", {"login": company_manager.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert_not_stored(response)


# --- Messages in the session ------------------------------------------------------------------------------------


def test_messages_are_kept_in_the_session_not_in_a_cookie(client, company_manager):
    client.force_login(company_manager)

    response = client.post("/comptes/logout/")
    page = client.get(response["Location"], follow=True)

    assert "messages" not in response.cookies
    assert "messages" not in client.cookies
    assert settings.MESSAGE_STORAGE == "django.contrib.messages.storage.session.SessionStorage"
    assert "Vous êtes déconnecté" in page.text or "déconnecté" in page.text
