"""Issue 15: what an SMTP outage does to the email outbox. Queues N emails while the SMTP server is down (what a
page pays), lets the sender fail against it, brings a local SMTP server (aiosmtpd) up and times how long one
sender takes to empty the backlog. Runs against the development database and removes its rows at the end.

    .venv/bin/python bench/outbox_outage.py --emails 3000
"""

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()
logging.getLogger("mail.log").setLevel(logging.WARNING)
logging.getLogger("outbox").setLevel(logging.ERROR)

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.mail import EmailMultiAlternatives  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from outbox import services  # noqa: E402
from outbox.models import OutgoingEmail  # noqa: E402
from tests.reliability.faults import Sink, free_port  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=3000)
    args = parser.parse_args()
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.OUTBOX_DELIVERY = "sweeper"
    kind = f"bench-{time.time_ns()}"

    queue_times = []
    for n in range(args.emails):
        email = EmailMultiAlternatives("Bienvenue", "Bonjour,\n" * 40, to=[f"user{n}@example.fr"])
        email.attach_alternative("<p>Bonjour,</p>" * 40, "text/html")
        started = time.perf_counter()
        with transaction.atomic():
            services.send_on_commit(email, kind=kind)
        queue_times.append(time.perf_counter() - started)
    print(f"queue one email (a page's cost, SMTP down): median {statistics.median(queue_times) * 1000:.2f} ms")

    started = time.perf_counter()
    result = services.deliver()
    print(f"a sweep against the server down: {time.perf_counter() - started:.2f} s, {result}")

    sink = Sink()
    server = Controller(sink, hostname="127.0.0.1", port=port)
    server.start()
    try:
        OutgoingEmail.objects.filter(kind=kind).update(next_attempt_at=timezone.now())  # their retry time came
        started = time.perf_counter()
        sent = 0
        while chunk := services.deliver(time_budget=settings.OUTBOX_SWEEP_SECONDS).sent:
            sent += chunk
        seconds = time.perf_counter() - started
        print(f"backlog of {sent} emails sent by one sender in {seconds:.1f} s ({sent / seconds:.0f} emails/s)")
        assert len(sink.messages) == args.emails
    finally:
        server.stop()
        OutgoingEmail.objects.filter(kind=kind).delete()


if __name__ == "__main__":
    main()
