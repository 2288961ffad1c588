"""Servers that fail the way production ones do, for the fault tests: an SMTP server (aiosmtpd) that can be down
(nothing listens), hanging (accepts the connection, never says a word) or up (accepts and records every email)."""

import socket
import threading
from email import message_from_bytes

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SilentListener:
    """Accepts TCP connections and never answers: a hanging SMTP server, or a frozen Redis."""

    def __init__(self, port: int):
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", port))
        self.server.listen(64)
        self.held = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:  # closed
                return
            self.held.append(connection)

    def close(self):
        self.server.shutdown(socket.SHUT_RDWR)  # wakes the accept() (a plain close would keep the port bound)
        self.server.close()
        self.thread.join(timeout=5)
        for connection in self.held:
            connection.close()


class Sink:
    """aiosmtpd handler: keeps every email accepted."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content)
        self.messages.append(
            {"to": envelope.rcpt_tos, "message_id": message["Message-ID"], "subject": message["Subject"]}
        )
        return "250 Message accepted for delivery"


class FaultySMTPServer:
    def __init__(self):
        self.port = free_port()
        self.sink = Sink()
        self._running = None

    @property
    def received(self):
        return self.sink.messages

    def _stop(self):
        if isinstance(self._running, Controller):
            self._running.stop()
        elif self._running is not None:
            self._running.close()
        self._running = None

    def down(self):
        self._stop()

    def hang(self):
        self._stop()
        self._running = SilentListener(self.port)

    def up(self):
        self._stop()
        self._running = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self._running.start()
