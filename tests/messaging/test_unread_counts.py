"""Unread counts kept per user and dossier (messaging.models.ThreadCount / SeenCount): every way a message is written,
opened, marked unread or deleted moves them in the same transaction, they always equal a count of the messages
themselves, and the pages that show them run as many queries with many messages as with few."""

import collections
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from dossiers.models import OPEN_MONTH, DossierStatus, history_cutoff, month_of
from dossiers.selectors import PAGE_SIZE
from messaging import selectors, services
from messaging.models import (
    Message,
    MessageRead,
    SeenCount,
    SeenTotal,
    ThreadCount,
    ThreadTotal,
)
from tests.factories import DossierFactory, MembershipFactory, MessageFactory, MessageReadFactory, UserFactory
from tests.harness import assert_constant_queries, end_dates_around_the_cutoff, page_of


@pytest.fixture
def company(db):
    first = MembershipFactory(role=Role.COMPANY_MANAGER)
    second = MembershipFactory(role=Role.COMPANY_USER, establishment=first.establishment)
    return first.establishment, first.user, second.user


def scanned_unread(user, dossier=None):
    """The unread messages counted the slow way, message by message (what the counts must always equal)."""
    messages = Message.objects.for_company_user(user)
    if dossier is not None:
        messages = messages.filter(dossier=dossier)
    return messages.unread_by(user).count()


def assert_counts_match(*users, dossier):
    for user in users:
        assert selectors.unread_count(dossier, user) == scanned_unread(user, dossier)
        assert selectors.company_unread_count(user, None) == scanned_unread(user)


def test_every_change_of_read_state_moves_the_counts(company):
    establishment, manager, colleague = company
    dossier = DossierFactory(employer_establishment=establishment)
    staff = UserFactory(staff=True)

    answer = services.reply_as_case_manager(dossier, staff, "Pièce manquante", "Merci d'envoyer la convention.")
    assert selectors.unread_count(dossier, manager) == 1
    assert selectors.company_unread_count(colleague, None) == 1

    # The company's own message is unread for the colleague only.
    services.send_company_message(dossier, manager, "Convention", "La voici.")
    assert selectors.unread_count(dossier, manager) == 1
    assert selectors.unread_count(dossier, colleague) == 2
    assert_counts_match(manager, colleague, dossier=dossier)

    services.mark_read(answer, manager)
    services.mark_read(answer, manager)  # twice: counted once
    assert selectors.unread_count(dossier, manager) == 0
    assert selectors.unread_count(dossier, colleague) == 2

    services.mark_unread(answer, manager)
    assert selectors.unread_count(dossier, manager) == 1
    services.mark_unread(answer, manager)  # already unread: nothing moves
    assert selectors.unread_count(dossier, manager) == 1

    # A case manager opening the dossier in the back office changes nothing for the company.
    services.mark_company_messages_read(dossier, staff)
    assert_counts_match(manager, colleague, dossier=dossier)

    # Reading one's own message (an old read row, the admin) does not count it twice.
    MessageReadFactory(message=Message.objects.get(title="Convention"), user=manager)
    assert_counts_match(manager, colleague, dossier=dossier)

    answer.delete()
    assert selectors.unread_count(dossier, manager) == 0
    assert_counts_match(manager, colleague, dossier=dossier)


def test_opening_and_marking_unread_from_the_portal_move_the_home_counter(client, company):
    establishment, manager, _ = company
    dossier = DossierFactory(employer_establishment=establishment)
    message = MessageFactory(dossier=dossier)
    MessageFactory(dossier=dossier)
    client.force_login(manager)
    assert client.get(reverse("egestion:home")).context["unread_messages"] == 2

    client.get(reverse("egestion:dossier_message", args=[dossier.number, message.pk]))
    assert client.get(reverse("egestion:home")).context["unread_messages"] == 1

    client.post(reverse("egestion:dossier_message_unread", args=[dossier.number, message.pk]))
    assert client.get(reverse("egestion:home")).context["unread_messages"] == 2


def test_the_counts_keep_the_company_scope(company):
    establishment, manager, _ = company
    other_site = MembershipFactory(role=Role.COMPANY_MANAGER, user=manager).establishment
    MessageFactory.create_batch(2, dossier=DossierFactory(employer_establishment=establishment))
    MessageFactory(dossier=DossierFactory(employer_establishment=other_site))
    MessageFactory()  # another company's
    long_closed = DossierFactory(
        employer_establishment=establishment,
        closed=True,
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2010, 6, 30),
    )
    MessageFactory(dossier=long_closed)  # older than the 6 years a company keeps seeing

    assert selectors.company_unread_count(manager, None) == 3 == scanned_unread(manager)
    assert selectors.company_unread_count(manager, [other_site.pk]) == 1


def test_the_messagerie_lists_only_the_messages_of_the_company_scope(company):
    """The Messagerie checks each message's own dossier against the company scope: other companies, the
    establishments left out when narrowed, and dossiers finished more than 6 years ago stay out of its pages."""
    establishment, manager, _ = company
    other_site = MembershipFactory(role=Role.COMPANY_MANAGER, user=manager).establishment
    here = MessageFactory.create_batch(2, dossier=DossierFactory(employer_establishment=establishment))
    there = MessageFactory(dossier=DossierFactory(employer_establishment=other_site))
    MessageFactory()  # another company's
    long_closed = DossierFactory(
        employer_establishment=establishment,
        closed=True,
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2010, 6, 30),
    )
    MessageFactory(dossier=long_closed)

    def listed(establishments, unread_only=False):
        inbox = selectors.company_inbox(manager, establishments, unread_only=unread_only)
        return {message.pk for message in inbox[:25]}, inbox.count()

    everything = {message.pk for message in [*here, there]}
    assert listed(None) == (everything, 3)
    assert listed(None, unread_only=True) == (everything, 3)
    assert listed([other_site.pk]) == ({there.pk}, 1)
    assert listed([establishment.pk], unread_only=True) == ({message.pk for message in here}, 2)


def test_the_messagerie_pages_count_what_they_list(client, company):
    establishment, manager, _ = company
    dossier = DossierFactory(employer_establishment=establishment)
    messages = MessageFactory.create_batch(30, dossier=dossier)
    services.mark_read(messages[0], manager)
    client.force_login(manager)
    every = client.get(reverse("egestion:messages")).context["page"]
    unread = client.get(reverse("egestion:messages"), {"filtre": "non-lus"}).context["page"]
    assert every.paginator.count == 30
    assert unread.paginator.count == 29
    last = client.get(reverse("egestion:messages"), {"filtre": "non-lus", "page": unread.paginator.num_pages})
    assert len(last.context["page"].object_list) == 29 - (unread.paginator.num_pages - 1) * unread.paginator.per_page


def test_the_counts_of_existing_messages_were_backfilled_on_a_fresh_database(company):
    """The triggers count from the first message; rows always equal a recount."""
    establishment, manager, colleague = company
    dossier = DossierFactory(employer_establishment=establishment)
    MessageFactory.create_batch(3, dossier=dossier)
    Message.objects.bulk_create([Message(dossier=dossier, sender_side="company", author=manager, title="t", body="b")])
    assert ThreadCount.objects.get(dossier=dossier).messages == 4
    assert SeenCount.objects.get(dossier=dossier, user=manager).seen == 1
    assert_counts_match(manager, colleague, dossier=dossier)


@pytest.mark.parametrize("page", ["home", "messages", "dossier"])
def test_the_unread_counters_cost_the_same_queries_with_many_messages(client, company, page):
    establishment, manager, _ = company
    dossier = DossierFactory(employer_establishment=establishment)
    MessageFactory(dossier=dossier)
    client.force_login(manager)
    url = {
        "home": reverse("egestion:home"),
        "messages": reverse("egestion:messages"),
        "dossier": reverse("egestion:dossier", args=[dossier.number]),
    }[page]

    def more_messages():
        for other in DossierFactory.create_batch(5, employer_establishment=establishment) + [dossier]:
            MessageFactory.create_batch(4, dossier=other)

    assert_constant_queries(page_of(client, url), grow=more_messages, warm_up=True)


def test_a_dossier_closed_long_ago_leaves_the_counters_when_it_is_closed(company):
    establishment, manager, _ = company
    dossier = DossierFactory(
        employer_establishment=establishment, start_date=datetime.date(2010, 1, 1), end_date=datetime.date(2010, 6, 30)
    )
    MessageFactory.create_batch(2, dossier=dossier)
    assert selectors.company_unread_count(manager, None) == 2
    dossier.status = "closed"
    dossier.save()
    assert selectors.company_unread_count(manager, None) == 0 == scanned_unread(manager)


@pytest.mark.django_db
def test_the_counters_finished_statuses_are_the_dossiers():
    from django.db import connection

    from dossiers.models import FINISHED_STATUSES, DossierStatus

    with connection.cursor() as cursor:
        for status in DossierStatus.values:
            cursor.execute("SELECT messaging_finished_on(%s, DATE '2020-01-01')", [status])
            assert (cursor.fetchone()[0] is not None) == (status in FINISHED_STATUSES), status


def test_the_messagerie_pages_list_the_latest_messages_in_order_with_ties(client, company):
    """Pages read only the dossiers holding the latest messages: the same rows as reading every message."""
    establishment, manager, _ = company
    dossiers = DossierFactory.create_batch(8, employer_establishment=establishment)
    same_moment = timezone.now() - datetime.timedelta(days=1)
    for index in range(40):
        moment = same_moment if index % 3 == 0 else same_moment - datetime.timedelta(hours=index)
        MessageFactory(dossier=dossiers[index * 5 % 8], created_at=moment, title=f"Message {index}")
    expected = list(
        Message.objects.filter(dossier__employer_establishment=establishment)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )
    client.force_login(manager)
    shown = []
    for number in (1, 2):
        page = client.get(reverse("egestion:messages"), {"page": number}).context["page"]
        shown += [message.pk for message in page.object_list]
    assert shown == expected


def test_the_messagerie_pages_list_the_latest_messages_of_several_establishments_in_order(client, company):
    """A company whose establishments hold more dossiers than a page, and one fewer: each page reads at most a page's
    worth of dossiers per establishment, and lists what reading every message lists."""
    establishment, manager, _ = company
    busy, quiet = (MembershipFactory(user=manager, role=Role.COMPANY_MANAGER).establishment for _ in range(2))
    start = timezone.now() - datetime.timedelta(days=3)
    sites = [establishment] * 30 + [busy] * 28 + [quiet] * 6
    for index, site in enumerate(sites):
        dossier = DossierFactory(employer_establishment=site)
        # Interleaved in time, some tied, a few dossiers with an older message too.
        moment = start + datetime.timedelta(minutes=(index * 37) % 64 // 2 * 10)
        MessageFactory(dossier=dossier, created_at=moment, title=f"Message {index}")
        if index % 5 == 0:
            MessageFactory(dossier=dossier, created_at=moment - datetime.timedelta(days=1))
    expected = list(
        Message.objects.filter(dossier__employer_establishment__in=[establishment, busy, quiet])
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )
    client.force_login(manager)
    shown = []
    for number in (1, 2, 3, 4):
        page = client.get(reverse("egestion:messages"), {"page": number}).context["page"]
        shown += [message.pk for message in page.object_list]
    assert len(expected) > 3 * PAGE_SIZE
    assert shown == expected


def totals_match_the_counts():
    """ThreadTotal and SeenTotal are ThreadCount and SeenCount summed per establishment (and user) and end month."""

    def summed(model, keys, figure):
        sums = collections.Counter()
        for *key, finished_on, n in model.objects.values_list(*keys, "finished_on", figure):
            sums[(*key, month_of(finished_on) if finished_on else OPEN_MONTH)] += n
        return {key: n for key, n in sums.items() if n}

    threads = summed(ThreadCount, ["establishment"], "messages")
    seen = summed(SeenCount, ["user", "establishment"], "seen")
    assert {(t.establishment_id, t.month): t.messages for t in ThreadTotal.objects.exclude(messages=0)} == threads
    assert {(t.user_id, t.establishment_id, t.month): t.seen for t in SeenTotal.objects.exclude(seen=0)} == seen


def test_the_counters_of_dossiers_finished_around_the_cutoff_are_those_of_a_scan(company):
    """The totals of the months after the cutoff's month, and the dossiers of that month one by one: every dossier
    finished on or after the cutoff counts, none finished before, whatever the day of the month."""
    establishment, manager, colleague = company
    other_site = MembershipFactory(role=Role.COMPANY_USER, user=manager).establishment
    cutoff = history_cutoff()
    ends = end_dates_around_the_cutoff()
    dossiers = [DossierFactory(employer_establishment=establishment)]  # open
    for index, end in enumerate(ends):
        site = other_site if index % 2 else establishment
        dossiers.append(
            DossierFactory(
                employer_establishment=site, closed=True, start_date=end.replace(year=end.year - 1), end_date=end
            )
        )
    for index, dossier in enumerate(dossiers):
        for number in range(index % 3 + 1):
            message = MessageFactory(dossier=dossier, title=f"{dossier.pk}-{number}")
            if number == 0:
                services.mark_read(message, manager)

    def assert_scan_agrees():
        for user in (manager, colleague):
            assert selectors.company_unread_count(user, None) == scanned_unread(user)
            assert selectors._company_messages(user, None) == Message.objects.for_company_user(user).count()
        assert selectors.company_unread_count(manager, [other_site.pk]) == scanned_unread_in(manager, other_site)
        totals_match_the_counts()

    assert_scan_agrees()
    assert selectors._company_messages(manager, None) == sum(
        index % 3 + 1 for index in range(len(dossiers)) if index != 1 and index != 2
    )

    # A dossier closed now, one reopened, one moved to the other site, one closed long ago: the totals follow.
    dossiers[0].status, dossiers[0].start_date = DossierStatus.CLOSED, cutoff - datetime.timedelta(days=300)
    dossiers[0].end_date = cutoff - datetime.timedelta(days=2)
    dossiers[0].save()
    dossiers[2].status = DossierStatus.ACCEPTED
    dossiers[2].save()
    dossiers[4].employer_establishment = other_site
    dossiers[4].save()
    assert_scan_agrees()

    Message.objects.filter(dossier=dossiers[5]).delete()
    MessageRead.objects.filter(user=manager).delete()
    dossiers[6].delete()
    assert_scan_agrees()


def scanned_unread_in(user, establishment):
    return Message.objects.for_company_user(user, [establishment.pk]).unread_by(user).count()
