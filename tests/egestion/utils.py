"""Helpers of the eGestion account tests (also used by tests/browser/test_egestion_accounts.py)."""

import html
import re

from django.core import mail

GOOD_PASSWORD = "Chantier-Solide-42!"


def link_in(message) -> str:
    """The path of the "Créer mon mot de passe" link of an email."""
    url = re.search(r"https?://[^\s\"]+/comptes/mot-de-passe/[^\s\"/]+/", message.body).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


def invitation_link_in(message) -> str:
    """The path of the "Répondre à l'invitation" link of an invitation email."""
    url = re.search(r"https?://[^\s\"]+/comptes/invitation/[^\s\"/]+/", message.body).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


def emails_to(address):
    return [message for message in mail.outbox if address in message.to]


def signup_data(establishment, **overrides):
    return {
        "siret": establishment.siret,
        "member_number": establishment.organisation.member_number,
        "civility": "mme",
        "last_name": "Durand",
        "first_name": "Claire",
        "function": "Dirigeante",
        "email": "claire.durand@batir-ensemble.fr",
        "email_confirmation": "claire.durand@batir-ensemble.fr",
        "accept_terms": "on",
        **overrides,
    }


def text(response) -> str:
    """The page as a person reads it: HTML entities (&#x27; for an apostrophe...) decoded."""
    return html.unescape(response.content.decode())
