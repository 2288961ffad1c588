"""A small client of clamd (the ClamAV daemon): uploads are streamed to it with the INSTREAM command.

No dependency: the protocol is a few lines over a socket. `CLAMAV_URL` is `tcp://host:port` or `unix:///path`;
every socket operation is bounded by `CLAMAV_TIMEOUT`, so a hung clamd refuses an upload instead of holding a web
worker. Callers decide what "unavailable" means for the user (common.uploads refuses the file).
"""

import socket
import struct
from urllib.parse import urlsplit

from django.conf import settings

CHUNK_BYTES = 64 * 1024


class ScanUnavailable(Exception):
    """clamd could not be reached or did not give a verdict: the file is not known to be clean."""


def _connect() -> socket.socket:
    url = urlsplit(settings.CLAMAV_URL)
    timeout = settings.CLAMAV_TIMEOUT
    try:
        if url.scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(url.path)
            return sock
        if url.scheme == "tcp" and url.hostname and url.port:
            return socket.create_connection((url.hostname, url.port), timeout=timeout)
    except OSError as error:
        raise ScanUnavailable(f"clamd unreachable at {settings.CLAMAV_URL}: {error}") from error
    raise ScanUnavailable(f"CLAMAV_URL must be tcp://host:port or unix:///path, got {settings.CLAMAV_URL!r}")


def _command(sock: socket.socket, command: bytes, payload: bytes | None = None) -> str:
    """Send a null-terminated command ('z' prefix), optionally an INSTREAM payload; read the answer."""
    sock.sendall(b"z" + command + b"\0")
    if payload is not None:
        view = memoryview(payload)
        for start in range(0, len(view), CHUNK_BYTES):
            chunk = view[start : start + CHUNK_BYTES]
            sock.sendall(struct.pack("!L", len(chunk)) + chunk)
        sock.sendall(struct.pack("!L", 0))
    answer = b""
    while not answer.endswith(b"\0"):
        received = sock.recv(4096)
        if not received:
            break
        answer += received
    return answer.rstrip(b"\0").decode("utf-8", "replace").strip()


def ping() -> bool:
    try:
        with _connect() as sock:
            return _command(sock, b"PING") == "PONG"
    except (ScanUnavailable, OSError):
        return False


def scan(content: bytes) -> str | None:
    """The name of the signature found in `content`, or None when clamd finds it clean.

    Raises ScanUnavailable when there is no verdict (clamd down, hung, over its size limit, or any error)."""
    try:
        with _connect() as sock:
            answer = _command(sock, b"INSTREAM", content)
    except OSError as error:  # includes timeouts
        raise ScanUnavailable(f"clamd did not answer: {error}") from error
    # "stream: OK", "stream: Eicar-Test-Signature FOUND", "INSTREAM size limit exceeded. ERROR", "... ERROR"
    if answer == "stream: OK":
        return None
    if answer.startswith("stream: ") and answer.endswith(" FOUND"):
        return answer.removeprefix("stream: ").removesuffix(" FOUND")
    raise ScanUnavailable(f"clamd gave no verdict: {answer!r}")
