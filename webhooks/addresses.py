"""Where a webhook may be sent: HTTPS to a public address. Refused: http://, credentials in the URL, and hosts that
are (or resolve to) loopback, private, link-local, multicast or reserved addresses — the portal must not be made to
call its own network (SSRF). WEBHOOKS_ALLOW_PRIVATE_URLS lifts both rules, for tests and local development only.

The name is resolved when the delivery is sent, every address is checked, and the connection goes to the address
checked (`pinned_connection`), so a DNS answer that changes between the check and the connection cannot reach a
private address. The TLS certificate is still verified against the host name."""

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".localdomain")


class RefusedAddress(Exception):
    """The URL or the address its host resolves to is not one the portal calls."""


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def url_problem(url: str) -> str | None:
    """The French reason why the portal refuses to send to `url`, None when it may (before resolving the name)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        return "Cette adresse n'est pas une URL valide."
    allow_private = settings.WEBHOOKS_ALLOW_PRIVATE_URLS
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        return "L'adresse doit commencer par https:// : les événements ne sont envoyés que chiffrés."
    if not parts.hostname:
        return "Cette adresse n'indique pas de serveur."
    if parts.username or parts.password:
        return "L'adresse ne doit pas contenir d'identifiant ni de mot de passe : vérifiez la signature à la place."
    if allow_private:
        return None
    host = parts.hostname.lower().rstrip(".")
    if host.endswith(LOCAL_NAMES) or host == "localhost":
        return "Cette adresse désigne un réseau local : indiquez une adresse publique."
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return None  # a name: its addresses are checked when an event is sent
    if not _public(str(literal)):
        return "Cette adresse IP est privée ou réservée : indiquez une adresse publique."
    return None


def validate_webhook_url(url: str) -> None:
    if problem := url_problem(url):
        raise ValidationError(problem)


def resolve(host: str, port: int) -> str:
    """One address of `host` the portal may call; RefusedAddress when any of its addresses is private."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise RefusedAddress(f"Serveur introuvable ({host}).") from error
    addresses = [info[4][0] for info in infos]
    if not settings.WEBHOOKS_ALLOW_PRIVATE_URLS and not all(_public(address) for address in addresses):
        raise RefusedAddress(f"{host} désigne une adresse privée ou réservée : envoi refusé.")
    return addresses[0]


def pinned_connection(url: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    """A connection to the checked address of the URL's host (TLS verified against the host name), and the path
    to request. Raises RefusedAddress."""
    if problem := url_problem(url):
        raise RefusedAddress(problem)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = resolve(parts.hostname, port)
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname, port, timeout=timeout)

    def connect_to_checked_address(_address, *args, **kwargs):
        return socket.create_connection((address, port), *args, **kwargs)

    connection._create_connection = connect_to_checked_address
    path = parts.path or "/"
    return connection, path + (f"?{parts.query}" if parts.query else "")
