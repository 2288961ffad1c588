"""Emails in HTML and plain text, from three templates: emails/<name>_subject.txt, <name>.txt, <name>.html.

They leave through the outbox (the `outbox` app, below `common` in the dependency map): a row written with the
change that causes the email, sent by a Celery worker. A web request never talks to the SMTP server."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def build_email(name: str, context: dict, to: list[str], headers: dict | None = None) -> EmailMultiAlternatives:
    context = {"site_url": settings.SITE_URL, "regional_contacts_url": settings.REGIONAL_CONTACTS_URL, **context}
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context, using="text").split())
    return compose_email(
        f"Constructys - {subject}",
        render_to_string(f"emails/{name}.txt", context, using="text"),
        render_to_string(f"emails/{name}.html", context),
        to,
        headers,
    )


def compose_email(subject: str, text: str, html: str, to: list[str], headers: dict | None = None):
    """The email of texts already rendered (build_email's, or a caller's that renders its frame once for many)."""
    message = EmailMultiAlternatives(subject=subject, body=text, to=to, headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def send_email_on_commit(name: str, context: dict, to: list[str], headers: dict | None = None) -> None:
    """Build now and queue in the outbox, in the surrounding transaction: sent once it commits (by a worker, retried
    if the SMTP server is down); a rolled-back change sends nothing."""
    from outbox.services import send_on_commit

    send_on_commit(build_email(name, context, to, headers), kind=name)
