"""Several entities under one login: a user attached to several companies or establishments sees all of their data,
and can narrow the view to one entity from the header; narrowing never widens what they see."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from dossiers.models import Document, Dossier
from messaging.models import Message, SenderSide
from tests.egestion.utils import text
from tests.factories import (
    DocumentFactory,
    DossierFactory,
    EstablishmentFactory,
    MembershipFactory,
    MessageFactory,
    UserFactory,
)
from tests.harness import assert_constant_queries

ENTITY_URL = "/egestion/entite/"


@pytest.fixture
def two_companies_user():
    """A user of two companies: one establishment in the first, two in the second; 1, 2 and 3 unread messages."""
    user = UserFactory(first_name="Anne", last_name="Multi")
    first = EstablishmentFactory(name="ALPHA CONSTRUCTION", city="LYON")
    second = EstablishmentFactory(name="BETA TRAVAUX", city="NANTES")
    third = EstablishmentFactory(organisation=second.organisation, name="BETA TRAVAUX SUD", city="MARSEILLE")
    for establishment, count in ((first, 1), (second, 2), (third, 3)):
        MembershipFactory(user=user, establishment=establishment, role=Role.COMPANY_USER)
        MessageFactory.create_batch(
            count, dossier=DossierFactory(employer_establishment=establishment), sender_side=SenderSide.CONSTRUCTYS
        )
    return user, [first, second, third]


def test_the_home_counts_the_messages_of_every_entity(client, two_companies_user):
    user, _ = two_companies_user
    client.force_login(user)

    response = client.get("/egestion/")

    assert "Vous avez 6 nouveau(x) message(s)" in text(response)


def test_the_header_lists_every_entity_grouped_by_company(client, two_companies_user):
    user, establishments = two_companies_user
    client.force_login(user)

    page = text(client.get("/egestion/"))

    assert '<label class="entity-switch__label" for="entity-switch">Entité affichée</label>' in page
    assert "Toutes mes entités (3 établissements)" in page
    assert f'<optgroup label="{establishments[1].organisation.name}">' in page
    for establishment in establishments:
        assert f'<option value="{establishment.pk}"' in page
    assert f'action="{ENTITY_URL}"' in page


def test_a_user_with_one_establishment_has_no_switcher(client):
    membership = MembershipFactory(role=Role.COMPANY_USER)
    client.force_login(membership.user)

    page = text(client.get("/egestion/"))

    assert "entity-switch" not in page
    assert membership.establishment.organisation.name in page


def test_choosing_an_entity_narrows_the_counts_and_memberships_then_all_comes_back(client, two_companies_user):
    user, establishments = two_companies_user
    client.force_login(user)

    response = client.post(ENTITY_URL, {"etablissement": establishments[2].pk, "next": "/egestion/"}, follow=True)

    assert response.redirect_chain[-1][0] == "/egestion/"
    page = text(response)
    assert "Vous avez 3 nouveau(x) message(s)" in page
    assert "Vous consultez désormais les données de BETA TRAVAUX SUD" in page
    assert f'<option value="{establishments[2].pk}" selected>' in page
    request = response.wsgi_request
    assert [m.establishment for m in request.memberships] == [establishments[2]]
    assert len(request.all_memberships) == 3
    assert request.current_establishment == establishments[2]
    assert request.organisations == [establishments[2].organisation]

    back = client.post(ENTITY_URL, {"etablissement": "", "next": "/egestion/"}, follow=True)
    assert "Vous avez 6 nouveau(x) message(s)" in text(back)
    assert back.wsgi_request.current_establishment is None


def test_a_foreign_establishment_cannot_be_chosen(client, two_companies_user):
    user, _ = two_companies_user
    foreign = EstablishmentFactory()
    MessageFactory(dossier=DossierFactory(employer_establishment=foreign), sender_side=SenderSide.CONSTRUCTYS)
    client.force_login(user)

    assert client.post(ENTITY_URL, {"etablissement": foreign.pk}).status_code == 404
    assert client.post(ENTITY_URL, {"etablissement": "abc"}).status_code == 404
    assert "Vous avez 6 nouveau(x) message(s)" in text(client.get("/egestion/"))


def test_a_stale_choice_is_dropped_and_never_widens(client, two_companies_user):
    user, establishments = two_companies_user
    client.force_login(user)
    client.post(ENTITY_URL, {"etablissement": establishments[0].pk})
    user.memberships.filter(establishment=establishments[0]).update(is_active=False)

    response = client.get("/egestion/")

    assert "Vous avez 5 nouveau(x) message(s)" in text(response)
    assert response.wsgi_request.current_establishment is None
    assert "egestion_entity" not in client.session


def test_the_switch_is_a_post_only_and_the_next_url_stays_on_the_site(client, two_companies_user):
    user, establishments = two_companies_user
    client.force_login(user)

    assert client.get(ENTITY_URL).status_code == 405
    response = client.post(ENTITY_URL, {"etablissement": establishments[0].pk, "next": "https://evil.example/"})
    assert response.url == reverse("egestion:home")


def test_narrowing_the_querysets_is_an_intersection(two_companies_user):
    user, establishments = two_companies_user
    foreign = EstablishmentFactory()
    foreign_dossier = DossierFactory(employer_establishment=foreign)
    MessageFactory(dossier=foreign_dossier)
    DocumentFactory(dossier=foreign_dossier)
    DocumentFactory(dossier=DossierFactory(employer_establishment=establishments[1]))

    everything = Dossier.objects.for_company_user(user)
    narrowed = Dossier.objects.for_company_user(user, [establishments[1].pk])
    assert everything.count() == 4
    assert {d.employer_establishment for d in narrowed} == {establishments[1]}
    # A foreign establishment adds nothing, even when asked for.
    assert not Dossier.objects.for_company_user(user, [foreign.pk]).exists()
    assert set(Dossier.objects.for_company_user(user, [foreign.pk, establishments[0].pk])) == set(
        Dossier.objects.filter(employer_establishment=establishments[0])
    )
    assert not Message.objects.for_company_user(user, [foreign.pk]).exists()
    assert Message.objects.for_company_user(user, [establishments[2].pk]).count() == 3
    assert not Document.objects.for_company_user(user, [foreign.pk]).exists()
    assert Document.objects.for_company_user(user, [establishments[1].pk]).count() == 1
    assert Document.objects.for_company_user(user, []).count() == 0


def test_the_manager_of_one_company_manages_users_only_while_looking_at_it(client, two_companies_user):
    user, establishments = two_companies_user
    user.memberships.filter(establishment=establishments[0]).update(role=Role.COMPANY_MANAGER)
    client.force_login(user)
    users_url = reverse("egestion:users")
    assert users_url in text(client.get("/egestion/"))
    assert client.get(users_url).status_code == 200

    client.post(ENTITY_URL, {"etablissement": establishments[1].pk})

    assert users_url not in text(client.get("/egestion/"))
    assert client.get(users_url).status_code == 403
    client.post(ENTITY_URL, {"etablissement": establishments[0].pk, "next": f"{users_url}12/"})
    assert client.get(users_url).status_code == 200


def test_the_home_runs_a_constant_number_of_queries_when_narrowed(client, two_companies_user):
    user, establishments = two_companies_user
    client.force_login(user)
    client.post(ENTITY_URL, {"etablissement": establishments[1].pk})
    client.get("/egestion/")

    def more_establishments():
        for _ in range(3):
            MembershipFactory(user=user, establishment=EstablishmentFactory(), role=Role.COMPANY_USER)

    # Session, user, memberships, unread count, advisors, drafts due, "À venir", and one for the entity switcher: one
    # query per panel, whatever the number of establishments (the announcements and help resources, read by the
    # first visit above, are kept rendered in the cache: content.home).
    assert_constant_queries(lambda: client.get("/egestion/"), grow=more_establishments, at_most=8)


def test_the_switcher_shares_the_page_s_csrf_token(client, two_companies_user):
    """One masked token per page: the switcher's form and the logout form post the same one."""
    user, _ = two_companies_user
    client.force_login(user)
    html = client.get("/egestion/").content.decode()
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert len(tokens) == 1 and html.count('name="csrfmiddlewaretoken"') >= 2
