from email import message_from_bytes

import pytest
from django.core.mail import EmailMultiAlternatives

from common.mail import DevelopmentEmailBackend

pytestmark = pytest.mark.no_database  # pure: no database


def test_development_backend_keeps_each_email_as_an_eml_file(settings, tmp_path, capsys):
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    email = EmailMultiAlternatives("Bienvenue", "Bonjour,\nVotre compte est créé.", to=["marie.petit@example.fr"])
    email.attach_alternative("<p>Bonjour,</p><p>Votre compte est créé.</p>", "text/html")

    sent = DevelopmentEmailBackend().send_messages([email])

    assert sent == 1
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1
    parsed = message_from_bytes(files[0].read_bytes())
    assert parsed["To"] == "marie.petit@example.fr"
    assert parsed["Subject"] == "Bienvenue"
    assert parsed.is_multipart()
    assert "Bienvenue" in capsys.readouterr().out


def test_plain_text_emails_are_not_html_escaped_but_html_ones_are():
    from types import SimpleNamespace

    from common.emails import build_email

    organisation = SimpleNamespace(name="L'ATELIER <BTP>", siren="732829320")
    manager = SimpleNamespace(get_full_name=lambda: "Marie PETIT", email="marie@example.fr")

    email = build_email(
        "manager_registered", {"organisation": organisation, "manager": manager}, ["contact@example.fr"]
    )

    assert "L'ATELIER <BTP>" in email.subject
    assert "L'ATELIER <BTP>" in email.body
    assert "L&#x27;ATELIER &lt;BTP&gt;" in email.alternatives[0][0]
