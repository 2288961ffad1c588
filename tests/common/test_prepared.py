"""Queries whose SQL is built once (common.prepared): the same rows as the ORM builds them each time, for every
argument value, and a builder that would freeze a value or derive a parameter is refused at its first call."""

import datetime
import threading

import pytest
from django.contrib.postgres.aggregates import JSONBAgg
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership, Role
from common.prepared import PreparedAggregate, PreparedListing, PreparedQuery, Shape
from dossiers.models import Dossier
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory, UserFactory

memberships = PreparedQuery(
    lambda user_id: (
        Membership.objects.filter(user_id=user_id)
        .select_related("establishment__organisation")
        .order_by("establishment__name", "id")
    ),
    name="test memberships",
)


def _names(rows):
    return [(m.pk, m.establishment.name, m.establishment.organisation.name) for m in rows]


def test_a_prepared_query_returns_the_rows_of_each_call_s_arguments_with_their_related_objects():
    first, second = UserFactory(), UserFactory()
    for user, count in ((first, 2), (second, 3)):
        for _ in range(count):
            MembershipFactory(user=user, role=Role.COMPANY_USER)
    for user in (first, second, first):
        prepared = memberships(user.pk)
        assert _names(prepared) == _names(memberships.unprepared(user.pk))
        assert {m.user_id for m in prepared} == {user.pk}
    with CaptureQueriesContext(connection) as queries:
        rows = memberships(second.pk)
        # select_related's objects are loaded with the row: no query more to reach the organisation.
        assert len({m.establishment.organisation.name for m in rows}) >= 1
    assert len(queries) == 1


def test_lists_none_and_booleans_each_keep_the_sql_of_their_shape():
    establishments = EstablishmentFactory.create_batch(3)
    dossiers = {e.pk: DossierFactory(employer_establishment=e) for e in establishments}
    query = PreparedQuery(
        lambda ids, open_only: (
            (Dossier.objects.filter(employer_establishment_id__in=ids).exclude(status="x" if open_only else ""))
            .order_by("id")
            .values_list("pk", flat=True)
        )
    )
    ids = [e.pk for e in establishments]
    assert query(ids[:1], True) == [dossiers[ids[0]].pk]
    assert query(ids[1:], True) == [dossiers[i].pk for i in ids[1:]]
    assert query(ids[::-1][:1], False) == [dossiers[ids[-1]].pk]
    assert query({ids[0]}, True) == [dossiers[ids[0]].pk]  # any collection is read as a list
    with CaptureQueriesContext(connection) as queries:
        assert query([], True) == []  # Django sends no query for an empty list: neither does the prepared one
    assert len(queries) == 0


def test_dates_are_arguments_and_change_the_rows():
    user = UserFactory()
    old = MembershipFactory(user=user, role=Role.COMPANY_USER)
    Membership.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=10))
    MembershipFactory(user=user, role=Role.COMPANY_USER)
    since = PreparedQuery(lambda user_id, after: Membership.objects.filter(user_id=user_id, created_at__gt=after))
    assert len(since(user.pk, timezone.now() - datetime.timedelta(days=1))) == 1
    assert len(since(user.pk, timezone.now() - datetime.timedelta(days=30))) == 2


def test_a_builder_that_reads_the_clock_itself_is_refused():
    frozen = PreparedQuery(lambda user_id: Membership.objects.filter(user_id=user_id, created_at__lt=timezone.now()))
    with pytest.raises(ImproperlyConfigured, match="pass it as an argument"):
        frozen(1)


def test_a_parameter_derived_from_an_argument_is_refused():
    derived = PreparedQuery(lambda name: Membership.objects.filter(establishment__name__contains=name))
    with pytest.raises(ImproperlyConfigured, match="derived from an argument"):
        derived("Dupont")


def test_an_argument_the_sql_ignores_is_refused():
    ignored = PreparedQuery(lambda user_id: Membership.objects.all())
    with pytest.raises(ImproperlyConfigured, match="does not reach its SQL"):
        ignored(1)


def test_a_prepared_aggregate_answers_as_the_orm_does():
    user = UserFactory()
    for _ in range(3):
        MembershipFactory(user=user, role=Role.COMPANY_USER)
    count = PreparedAggregate(
        lambda user_id, ids: Membership.objects.filter(user_id=user_id, establishment_id__in=ids),
        n=Count("id"),
        total=Coalesce(Sum("establishment_id"), 0),
    )
    ids = list(Membership.objects.filter(user=user).values_list("establishment_id", flat=True))
    for chosen in (ids, ids[:2], ids[:1], []):
        with CaptureQueriesContext(connection) as queries:
            assert count(user.pk, chosen) == count.unprepared(user.pk, chosen)
        # Preparing runs no query: the prepared aggregate's one, and the ORM's (none for an empty list).
        assert len(queries) == (2 if chosen else 0)
    assert count(user.pk, ids)["n"] == 3
    assert count(UserFactory().pk, ids) == {"n": 0, "total": 0}


@pytest.mark.django_db(transaction=True)
def test_a_query_prepared_on_one_thread_runs_on_another_thread_s_connection():
    user = UserFactory()
    MembershipFactory(user=user, role=Role.COMPANY_USER)
    query = PreparedQuery(lambda user_id: Membership.objects.filter(user_id=user_id).values_list("user_id", flat=True))
    assert query(user.pk) == [user.pk]
    seen = []

    def other_thread():
        try:
            seen.append(query(user.pk))
        finally:
            connection.close()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen == [[user.pk]]


def test_a_prepared_aggregate_of_a_model_with_a_default_ordering_is_one_row():
    establishment = EstablishmentFactory()
    DossierFactory.create_batch(3, employer_establishment=establishment)
    count = PreparedAggregate(
        lambda establishment_id: Dossier.objects.filter(employer_establishment=establishment_id), n=Count("id")
    )
    assert Dossier._meta.ordering  # what the aggregate must not order by
    assert count(establishment.pk) == {"n": 3} == count.unprepared(establishment.pk)


def test_a_prepared_listing_pages_as_the_queryset_does():
    establishment = EstablishmentFactory()
    DossierFactory.create_batch(7, employer_establishment=establishment)

    def dossiers(establishment_id, order):
        return Dossier.objects.filter(employer_establishment=establishment_id).order_by(order, "id")

    listing = PreparedListing(
        PreparedQuery(lambda establishment_id, order, window: dossiers(establishment_id, order)[window[0] : window[1]]),
        PreparedAggregate(lambda establishment_id, order: dossiers(establishment_id, order), n=Count("id")),
        establishment.pk,
        Shape("-number"),
    )
    expected = Paginator(dossiers(establishment.pk, "-number"), 3)
    prepared = Paginator(listing, 3)
    assert prepared.count == 7 and prepared.num_pages == 3
    for number in (1, 2, 3):
        assert list(prepared.page(number).object_list) == list(expected.page(number).object_list)


def test_a_builder_may_branch_on_a_falsy_argument():
    establishment = EstablishmentFactory()
    dossier = DossierFactory(employer_establishment=establishment)

    def build(establishment_id, number):
        dossiers = Dossier.objects.filter(employer_establishment=establishment_id)
        return (dossiers.filter(number=number) if number else dossiers).values_list("pk", flat=True)

    query = PreparedQuery(build)
    assert query(establishment.pk, "") == [dossier.pk]  # "" takes the branch without the number
    assert query(establishment.pk, dossier.number) == [dossier.pk]
    assert query(establishment.pk, "autre") == []
    assert query(establishment.pk, 0) == [dossier.pk]


def test_prepared_sql_read_in_one_statement_gives_what_each_query_gives():
    """sql_with_params: the kept SQL with a call's values, for a statement written around it (several aggregates as
    scalar subqueries of one round trip, a sum over a prepared scope)."""
    establishment = EstablishmentFactory()
    DossierFactory.create_batch(3, employer_establishment=establishment, agreed_amount=100)
    DossierFactory(agreed_amount=7)  # another establishment's
    counted = PreparedAggregate(
        lambda establishment_id: Dossier.objects.filter(employer_establishment_id=establishment_id), n=Count("id")
    )
    summed = PreparedAggregate(
        lambda establishment_id: Dossier.objects.filter(employer_establishment_id=establishment_id),
        total=Sum("agreed_amount"),
    )
    count_sql, count_params = counted.sql_with_params(establishment.pk)
    sum_sql, sum_params = summed.sql_with_params(establishment.pk)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({count_sql}), ({sum_sql})", (*count_params, *sum_params))
        assert cursor.fetchone() == (counted(establishment.pk)["n"], summed(establishment.pk)["total"]) == (3, 300)
    assert PreparedQuery(lambda ids: Dossier.objects.filter(pk__in=ids)).sql_with_params([]) == ("", ())


def test_among_writes_its_values_into_the_sql_and_filters_like_in():
    """common.expressions.Among: the same rows as `__in`, its values in the statement (a partial index then serves
    the statement PostgreSQL keeps prepared), quotes doubled."""
    from common.expressions import Among

    kept = DossierFactory(status="closed")
    DossierFactory(status="accepted")
    among = Dossier.objects.filter(Among("status", ["closed", "cancelled", "it's"]))
    assert list(among) == list(Dossier.objects.filter(status__in=["closed", "cancelled", "it's"])) == [kept]
    sql, params = among.query.sql_with_params()
    assert "IN ('closed', 'cancelled', 'it''s')" in sql and "closed" not in [str(p) for p in params]
    assert list(Dossier.objects.exclude(Among("status", ["closed"]))) == list(Dossier.objects.exclude(pk=kept.pk))


def test_each_call_converts_its_rows_as_the_orm_does():
    """The converters of a kept select list are worked out once (JSON decoded here on every call); an aggregate over
    the same rows, whose converters are not the select list's, still gets its own."""
    from outbox.models import OutgoingEmail

    for index in range(2):
        OutgoingEmail.objects.create(
            message_id=f"<{index}@test>", from_email="a@b.fr", to=["c@d.fr"], subject="s", body="b",
            headers={"X-Index": str(index)},
        )  # fmt: skip
    headers = PreparedQuery(
        lambda subject: OutgoingEmail.objects.filter(subject=subject).order_by("message_id").values_list("headers"),
        name="test headers",
    )
    together = PreparedAggregate(
        lambda subject: OutgoingEmail.objects.filter(subject=subject), all=JSONBAgg("headers", order_by="message_id")
    )
    for _ in range(3):
        assert headers("s") == [({"X-Index": "0"},), ({"X-Index": "1"},)] == headers.unprepared("s")
        assert together("s") == {"all": [{"X-Index": "0"}, {"X-Index": "1"}]} == together.unprepared("s")
    assert headers("autre") == []
