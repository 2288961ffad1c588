"""Mon compte → Accès API, in both portals: the keys of the account manager or référent, "Créer la clé" (the secret
shown once, stored hashed), "Révoquer" (confirmation, then POST); other users are told who manages keys."""

import html
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AccountEvent, AccountEventKind, Portal, Role
from api.models import ApiKey
from tests.factories import MembershipFactory

from .conftest import make_key

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


def form_data(establishments, **extra):
    return {
        "name": "Logiciel de paie",
        "scope": "read",
        "establishments": [e.pk for e in establishments],
        "expires_on": (timezone.localdate() + timedelta(days=60)).isoformat(),
        **extra,
    }


def test_a_manager_creates_a_key_whose_secret_is_shown_once(client, world):
    client.force_login(world["manager"])
    page = text(client.get("/egestion/mon-compte/"))
    assert "/egestion/mon-compte/acces-api/" in page
    page = text(client.get("/egestion/mon-compte/acces-api/"))
    assert "Vous n'avez encore créé aucune clé." in page
    assert "MACONNERIE API RENNES" in page and "AUTRE ENTREPRISE" not in page

    response = client.post("/egestion/mon-compte/acces-api/", form_data([world["rennes"]]))
    assert response.status_code == 302
    response = client.get(response.url)
    key = ApiKey.objects.get()
    secret = next(word for word in text(response).split('"') if word.startswith(f"ctys_{key.prefix}_"))
    assert "Copiez cette clé maintenant" in text(response)
    assert key.created_by == world["manager"] and list(key.establishments.all()) == [world["rennes"]]
    # Shown once: the list shows the prefix only.
    again = text(client.get("/egestion/mon-compte/acces-api/"))
    assert secret not in again and f"ctys_{key.prefix}_…" in again and "Jamais" in again
    # The key works, and its last use appears.
    assert client.get("/api/v1/dossiers", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    assert "Jamais" not in text(client.get("/egestion/mon-compte/acces-api/"))


def test_a_second_click_on_create_makes_one_key_whose_secret_is_shown(client, world):
    client.force_login(world["manager"])
    first = client.post("/egestion/mon-compte/acces-api/", form_data([world["rennes"]]))
    second = client.post("/egestion/mon-compte/acces-api/", form_data([world["rennes"]]))
    assert first.status_code == second.status_code == 302

    page = text(client.get(second.url))
    key = ApiKey.objects.get()
    assert f"ctys_{key.prefix}_" in page and "Copiez cette clé maintenant" in page
    # Once shown, the same form again is a new key.
    assert client.post("/egestion/mon-compte/acces-api/", form_data([world["rennes"]])).status_code == 302
    assert ApiKey.objects.count() == 2


@pytest.mark.parametrize("portal", ["egestion", "ogestion"])
def test_a_plain_user_can_neither_create_nor_revoke_a_key(client, world, portal):
    """A company user (not the manager) or a provider user (not the référent) of the manager's or référent's own
    establishment: 403 on every action, nothing made."""
    establishment = world["rennes"] if portal == "egestion" else world["cfa"]
    role = Role.COMPANY_USER if portal == "egestion" else Role.PROVIDER_USER
    user = MembershipFactory(establishment=establishment, role=role).user
    managers_key = make_key(world["manager"], Portal.EGESTION, [world["rennes"]]).key
    client.force_login(user)

    created = client.post(f"/{portal}/mon-compte/acces-api/", form_data([establishment]))
    revoked = client.post(f"/{portal}/mon-compte/acces-api/{managers_key.pk}/revoquer/")

    assert created.status_code == revoked.status_code == 403
    assert list(ApiKey.objects.all()) == [managers_key]
    managers_key.refresh_from_db()
    assert managers_key.revoked_at is None


def test_a_key_cannot_cover_another_organisations_establishment(client, world):
    client.force_login(world["manager"])
    response = client.post("/egestion/mon-compte/acces-api/", form_data([world["other"]]))
    assert response.status_code == 400
    assert not ApiKey.objects.exists()


def test_a_key_lasts_a_year_at_most(client, world):
    client.force_login(world["manager"])
    late = (timezone.localdate() + timedelta(days=400)).isoformat()
    response = client.post("/egestion/mon-compte/acces-api/", form_data([world["rennes"]], expires_on=late))
    assert response.status_code == 400
    assert "Une clé vaut au plus 366 jours." in text(response)


def test_revoking_asks_for_confirmation_then_is_immediate(client, world):
    client.force_login(world["manager"])
    client.post("/egestion/mon-compte/acces-api/", form_data([world["rennes"]]))
    key = ApiKey.objects.get()
    url = f"/egestion/mon-compte/acces-api/{key.pk}/revoquer/"
    assert "Révoquer la clé" in text(client.get(url))
    key.refresh_from_db()
    assert key.revoked_at is None  # the GET only asks
    response = client.post(url)
    assert response.status_code == 302 and response.url == "/egestion/mon-compte/acces-api/"
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == world["manager"]
    assert "Révoquée le" in text(client.get(response.url))
    assert AccountEvent.objects.filter(kind=AccountEventKind.API_KEY_REVOKED, user=world["manager"]).exists()
    assert client.get(url).status_code == 404  # already revoked


def test_another_managers_key_cannot_be_revoked(client, world, other_key):
    client.force_login(world["manager"])
    assert client.post(f"/egestion/mon-compte/acces-api/{other_key.key.pk}/revoquer/").status_code == 404
    other_key.key.refresh_from_db()
    assert other_key.key.revoked_at is None


def test_a_company_user_is_told_who_manages_keys(client, company_user):
    client.force_login(company_user)
    assert "acces-api" not in text(client.get("/egestion/mon-compte/"))
    response = client.get("/egestion/mon-compte/acces-api/")
    assert response.status_code == 403
    assert "Réservé au gestionnaire du compte ou au référent" in text(response)


def test_a_provider_referent_manages_keys_in_ogestion(client, world):
    client.force_login(world["referent"])
    assert "/ogestion/mon-compte/acces-api/" in text(client.get("/ogestion/mon-compte/"))
    response = client.post("/ogestion/mon-compte/acces-api/", form_data([world["cfa"]], scope="write"))
    assert response.status_code == 302
    key = ApiKey.objects.get()
    assert key.portal == "ogestion" and key.may_write


def test_the_api_access_page_leads_to_the_webhooks_and_back(client, world):
    client.force_login(world["manager"])
    page = text(client.get("/egestion/mon-compte/acces-api/"))
    assert 'href="/egestion/mon-compte/acces-api/webhooks/"' in page and "Gérer les webhooks" in page
    webhooks = text(client.get("/egestion/mon-compte/acces-api/webhooks/"))
    assert 'href="/egestion/mon-compte/acces-api/"' in webhooks and "Retour à l'accès API" in webhooks
