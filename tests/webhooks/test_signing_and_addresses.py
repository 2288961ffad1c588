"""The signature a receiver checks, and the addresses the portal refuses to call (no database)."""

import hashlib
import hmac
import socket

import pytest
from django.core.exceptions import ValidationError

from webhooks import signing
from webhooks.addresses import RefusedAddress, pinned_connection, validate_webhook_url

pytestmark = pytest.mark.no_database

SECRET = "whsec_0123456789abcdef"
BODY = '{"id": "3f1c…", "type": "payment.recorded", "data": {"total_amount": "1875.00"}}'.encode()


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body_and_verifies():
    header = signing.signature(SECRET, 1796400000, BODY)

    expected = hmac.new(SECRET.encode(), b"1796400000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"sha256={expected}"
    assert signing.verify(SECRET, "1796400000", BODY, header)


@pytest.mark.parametrize(
    "changed",
    [
        {"body": BODY.replace(b"1875.00", b"9875.00")},
        {"timestamp": 1796400001},
        {"secret": "whsec_another"},
    ],
)
def test_a_changed_body_timestamp_or_secret_fails_verification(changed):
    header = signing.signature(SECRET, 1796400000, BODY)
    values = {"secret": SECRET, "timestamp": 1796400000, "body": BODY, **changed}

    assert not signing.verify(values["secret"], values["timestamp"], values["body"], header)
    assert not signing.verify(SECRET, 1796400000, BODY, "")


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://crochets.exemple.fr/constructys", "https://"),
        ("ftp://crochets.exemple.fr/", "https://"),
        ("https://127.0.0.1/hook", "privée"),
        ("https://10.1.2.3/hook", "privée"),
        ("https://192.168.1.10:8443/hook", "privée"),
        ("https://169.254.169.254/latest/meta-data/", "privée"),
        ("https://[::1]/hook", "privée"),
        ("https://[::ffff:10.0.0.1]/hook", "privée"),
        ("https://localhost/hook", "réseau local"),
        ("https://intranet.local/hook", "réseau local"),
        ("https://moi:secret@crochets.exemple.fr/", "identifiant"),
        ("https:///sans-serveur", "serveur"),
    ],
)
def test_only_https_to_public_addresses_is_accepted(settings, url, message):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False

    with pytest.raises(ValidationError) as refused:
        validate_webhook_url(url)

    assert message in refused.value.messages[0]


def test_a_public_https_address_is_accepted_and_the_test_setting_allows_local_ones(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    validate_webhook_url("https://crochets.exemple.fr/constructys?source=portail")
    validate_webhook_url("https://8.8.8.8:8443/hook")

    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    validate_webhook_url("http://127.0.0.1:8765/hook")


def test_a_name_that_resolves_to_a_private_address_is_refused_when_sending(settings, monkeypatch):
    """A public-looking name whose DNS answer is private (DNS rebinding): the answer is checked before connecting.
    The DNS answer is the one thing faked here: the test machine has no DNS zone to serve it."""
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    answers = [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", 443)),
    ]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: answers)

    with pytest.raises(RefusedAddress, match="adresse privée"):
        pinned_connection("https://crochets.exemple.fr/constructys", timeout=1)
