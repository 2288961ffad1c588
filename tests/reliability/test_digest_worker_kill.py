"""A real Celery worker process killed (SIGKILL) in the middle of a digest batch, then the run started again: every
digest reaches the SMTP server, once per recipient and Message-ID (issue 15). The worker talks SMTP to a local
aiosmtpd server that kills it while it hands over the 7th email (before the server's answer), or just after the
server accepted it (the one window where a second copy is possible: it carries the same Message-ID, which the
receiving side drops). A new worker picks up the queued batches, the rerun plans what is left, and the outbox's
sweeper (beat, every minute) sends the emails the dead worker had committed but not sent."""

import asyncio
import datetime
import os
import signal
import subprocess
import sys
import time
import zoneinfo

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app
from digests.models import Digest, DigestState
from outbox.models import EmailStatus, OutgoingEmail
from tests.factories import DossierFactory, MembershipFactory, MessageFactory
from tests.reliability.faults import FaultySMTPServer, Sink

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
PERIOD = datetime.datetime(2026, 12, 3, 7, 0, tzinfo=PARIS)  # a Thursday run
USERS = 24
BATCH = 3
KILL_AT = 7  # the first email of the third batch


class KillingSink(Sink):
    """Accepts emails; at the KILL_AT-th it kills the worker that is sending it, before answering or right after
    accepting it."""

    def __init__(self, when):
        super().__init__()
        self.when, self.seen, self.worker = when, 0, None

    def kill(self):
        os.kill(self.worker.pid, signal.SIGKILL)
        self.worker.wait()

    async def handle_DATA(self, server, session, envelope):
        self.seen += 1
        if self.seen == KILL_AT and self.when == "before the answer":
            self.kill()
            return "451 Try again later"
        answer = await super().handle_DATA(server, session, envelope)
        if self.seen == KILL_AT:
            asyncio.get_running_loop().call_soon(self.kill)  # once the "250" is on its way
        return answer


def start_worker(smtp_port: int) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_TIMEOUT": "5",
        "DIGEST_BATCH_SIZE": str(BATCH),
        "OUTBOX_LEASE_SECONDS": "3",  # 5 minutes in production
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=WARNING"]
        + ["--without-mingle", "--without-gossip", "-n", f"killed-{os.getpid()}-{time.monotonic_ns()}@%h"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def news_for_every_user():
    establishment = MembershipFactory().establishment
    MembershipFactory.create_batch(USERS - 1, establishment=establishment)
    dossier = DossierFactory(employer_establishment=establishment)
    MessageFactory(dossier=dossier, title="Pièce manquante", created_at=PERIOD - datetime.timedelta(days=2))
    return sorted(establishment.memberships.values_list("user__email", flat=True))


@pytest.mark.celery_worker
@pytest.mark.parametrize("when", ["before the answer", "after the acceptance"])
def test_a_worker_killed_mid_batch_then_a_rerun_sends_every_digest_exactly_once(
    transactional_db, news_for_every_user, when
):
    smtp = FaultySMTPServer()
    smtp.sink = KillingSink(when)
    smtp.up()
    app.control.purge()
    workers = []
    try:
        workers.append(start_worker(smtp.port))
        smtp.sink.worker = workers[0]
        app.send_task("digests.tasks.run_digests", args=[PERIOD.isoformat()])
        assert wait_for(lambda: workers[0].poll() is not None), "the worker was not killed"
        # Killed while sending the third batch: two batches out, the third's emails in the outbox.
        assert len(smtp.received) == (KILL_AT - 1 if when == "before the answer" else KILL_AT)
        assert Digest.objects.filter(state=DigestState.SENT).count() == 3 * BATCH

        workers.append(start_worker(smtp.port))  # `make run` restarts it; it takes the batches still queued
        app.send_task("digests.tasks.run_digests", args=[PERIOD.isoformat()])  # the run started again
        time.sleep(4)  # the dead worker's lease (3 s here) runs out
        app.send_task("outbox.tasks.sweep")  # beat, every minute
        assert wait_for(lambda: len(smtp.received) >= USERS), f"{len(smtp.received)} of {USERS} sent"
        time.sleep(2)
        app.send_task("outbox.tasks.sweep")  # and once more: nothing left to send
        time.sleep(2)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=30)
        smtp.down()
        app.control.purge()

    # Once per recipient, as the receiving side counts (by Message-ID); at most the one copy the dead worker could
    # not record, with the same Message-ID.
    once = {(tuple(email["to"]), email["message_id"]) for email in smtp.received}
    assert sorted(address for to, _ in once for address in to) == news_for_every_user
    assert len(smtp.received) <= USERS + (when == "after the acceptance")
    rows = OutgoingEmail.objects.filter(kind="digest")
    assert {message_id for _, message_id in once} == set(rows.values_list("message_id", flat=True))
    assert Digest.objects.filter(period=PERIOD, state=DigestState.SENT).count() == USERS
    assert OutgoingEmail.objects.filter(kind="digest", status=EmailStatus.SENT).count() == USERS
