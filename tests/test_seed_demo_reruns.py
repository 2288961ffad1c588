"""seed_demo run twice (and with --scale): idempotent. Each test seeds on its own, unlike tests/test_seed_demo.py
whose tests share one seeded demo."""

from accounts.models import Establishment, Organisation
from demo import data
from dossiers.models import Document, Dossier, Enrolment
from invoicing.models import Invoice
from messaging.models import Message, MessageRead
from payments.models import Payment, PaymentLine
from tests.test_seed_demo import counts, seed


def test_running_twice_duplicates_nothing_and_renders_no_pdf_again(settings):
    first_output = seed()
    after_first = counts()
    files = {d.pk: (d.file.name, d.checksum) for d in Document.objects.all()}
    stamps = dict(Dossier.objects.values_list("number", "updated_at"))

    second_output = seed()

    assert counts() == after_first
    assert {d.pk: (d.file.name, d.checksum) for d in Document.objects.all()} == files
    assert dict(Dossier.objects.values_list("number", "updated_at")) == stamps
    assert "(40 PDF généré(s)" in first_output  # one per demo document (27 dossiers, requests, receipts)
    assert "(0 PDF généré(s)" in second_output
    assert after_first["Dossier"] >= 25
    assert after_first["Payment"] >= 6
    # The summary lists every demo login and the portals' addresses.
    for user in data.USERS:
        if user.listed:
            assert user.email in second_output
    assert data.PASSWORD in second_output
    for path in ("/egestion/", "/ogestion/", "/admin/"):
        assert f"{settings.SITE_URL}{path}" in second_output


def test_scale_adds_n_dossiers_and_five_messages_each_and_only_once():
    output = seed(scale=50)

    bench = Dossier.objects.filter(number__startswith="77")
    assert bench.count() == 50
    assert Enrolment.objects.filter(dossier__in=bench).count() == 50
    assert Message.objects.filter(dossier__in=bench).count() == 250
    assert MessageRead.objects.filter(message__dossier__in=bench).exists()
    assert Payment.objects.filter(reference__startswith="VIRB").count() == 5
    for payment in Payment.objects.filter(reference__startswith="VIRB"):
        assert payment.total_amount == payment.lines_total()
    # Each payment line settles an invoice of the volumes ("Payée (VIRB…)"), beside open ones.
    paid = Invoice.objects.filter(dossier__in=bench).exclude(paid_reference=None)
    assert paid.count() == PaymentLine.objects.filter(dossier__in=bench).count()
    for model in (Organisation, Establishment, Dossier, Message, PaymentLine):
        for obj in model.objects.order_by("-pk")[:20]:
            obj.full_clean()
    assert "messages" in output and "analyze" in output
    # The demo world is still there, untouched.
    assert Dossier.objects.filter(number__startswith="9920").count() == len(data.DOSSIERS)

    before = counts()
    again = seed(scale=50)

    assert counts() == before
    assert "rien n'est ajouté" in again


def test_the_scale_data_counts_its_unread_messages_like_the_triggers():
    """The benchmark volumes are written by COPY without triggers (faster): their counters are computed after."""
    from django.db import connection

    from invoicing.models import MoneyVersion
    from messaging.models import SeenCount, ThreadCount
    from tests.dossiers.test_totals import totals_match_the_dossiers
    from tests.messaging.test_unread_counts import totals_match_the_counts

    seed(scale=40)
    bench = Dossier.objects.filter(number__startswith="77")
    assert ThreadCount.objects.filter(dossier__in=bench).count() == 40
    for count in ThreadCount.objects.filter(dossier__in=bench)[:10]:
        messages = Message.objects.filter(dossier_id=count.dossier_id)
        assert count.messages == messages.count() == 5
        assert count.last_message_at == max(m.created_at for m in messages)
        assert count.establishment_id == count.dossier.employer_establishment_id
    for seen in SeenCount.objects.filter(dossier__in=bench)[:20]:
        written = Message.objects.filter(dossier_id=seen.dossier_id, author_id=seen.user_id).count()
        read = (
            MessageRead.objects.filter(message__dossier_id=seen.dossier_id, user_id=seen.user_id)
            .exclude(message__author_id=seen.user_id)
            .count()
        )
        assert seen.seen == written + read
    totals_match_the_counts()  # the totals per establishment and month followed the counters (their triggers)
    totals_match_the_dossiers()  # the lists' counters, computed after the dossiers' COPY
    sites = set(bench.exclude(provider_establishment=None).values_list("provider_establishment_id", flat=True))
    versioned = set(MoneyVersion.objects.values_list("establishment_id", flat=True))
    assert sites and sites <= versioned  # their money figures may be kept in the cache (invoicing.money)
    with connection.cursor() as cursor:  # the triggers are back on for what follows
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"


def test_the_scale_data_keeps_the_training_funded_like_the_triggers():
    """The benchmark payment lines are written by COPY without triggers: the member account's totals per
    establishment and year are added after, on top of those of the demo world."""
    from tests.payments_portal.test_training_funded import assert_totals_exact

    seed(scale=400)

    assert PaymentLine.objects.filter(dossier__number__startswith="77").exists()
    assert_totals_exact()
