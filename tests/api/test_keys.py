"""API keys: the secret works once created and is stored hashed; revoked, expired, or of a deactivated creator →
401; a read-only key cannot write (403); the rate limit answers 429 with Retry-After; each key event is an account
event."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AccountEvent, AccountEventKind, Membership, Portal, Role
from api import keys
from api.models import ApiKey
from messaging.models import Message, MessageRead

from .conftest import make_key

pytestmark = pytest.mark.django_db


def test_the_secret_is_stored_hashed_and_works(world, company_key, call):
    stored = ApiKey.objects.get()
    assert company_key.secret.startswith(f"ctys_{stored.prefix}_")
    assert stored.secret_hash == hashlib.sha256(company_key.secret.encode()).hexdigest()
    assert company_key.secret not in str(ApiKey.objects.values().get())
    assert stored.last_used_at is None
    assert call(company_key).get("/api/v1/dossiers").status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer ctys_inconnu_secret", "Basic dXNlcjpwYXNz"])
def test_no_key_or_an_unknown_one_is_refused_with_a_french_message(client, world, header):
    response = client.get("/api/v1/dossiers", **({"HTTP_AUTHORIZATION": header} if header else {}))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["erreur"]["code"] == "non_authentifie"
    assert "Clé d'API" in response.json()["erreur"]["message"]


def test_a_session_is_not_enough(client, world):
    """Keys only: a logged-in portal user's cookie opens nothing (so no CSRF to forge)."""
    client.force_login(world["manager"])
    assert client.get("/api/v1/dossiers").status_code == 401
    assert (
        client.post(
            f"/api/v1/dossiers/{world['rennes_dossier'].number}/messages",
            {"titre": "Bonjour", "contenu": "Par cookie"},
            content_type="application/json",
        ).status_code
        == 401
    )
    assert not Message.objects.filter(title="Bonjour").exists()


def test_a_revoked_key_is_refused_at_once(world, company_key, call):
    api = call(company_key)
    assert api.get("/api/v1/dossiers").status_code == 200
    keys.revoke_key(company_key.key, actor=world["manager"])
    assert api.get("/api/v1/dossiers").status_code == 401


def test_an_expired_key_is_refused(world, company_key, call):
    ApiKey.objects.filter(pk=company_key.key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert call(company_key).get("/api/v1/dossiers").status_code == 401


def test_the_keys_of_a_deactivated_creator_are_refused(world, company_key, call):
    """An account deactivated (in the admin, by the RGPD erasure) disables its keys."""
    world["manager"].is_active = False
    world["manager"].save(update_fields=["is_active"])
    assert call(company_key).get("/api/v1/dossiers").status_code == 401


def test_the_keys_of_a_creator_whose_access_ended_are_refused(world, company_key, call):
    Membership.objects.filter(user=world["manager"]).update(is_active=False)
    assert call(company_key).get("/api/v1/dossiers").status_code == 401


def test_a_key_follows_its_creator_leaving_an_establishment(world, company_key, call):
    """The key covers Rennes and Brest; its creator loses Brest: the key sees Rennes only."""
    Membership.objects.filter(user=world["manager"], establishment=world["brest"]).update(is_active=False)
    numbers = [row["numero"] for row in call(company_key).get("/api/v1/dossiers").json()["resultats"]]
    assert numbers == [world["rennes_dossier"].number]


def test_a_key_stops_when_its_creator_is_demoted_from_manager(world, company_key, call):
    """Demoted to plain user at Brest, the creator may no longer open "Accès API" to revoke the key: the key loses
    Brest; demoted everywhere, it is refused."""
    api = call(company_key)
    Membership.objects.filter(user=world["manager"], establishment=world["brest"]).update(role=Role.COMPANY_USER)
    numbers = [row["numero"] for row in api.get("/api/v1/dossiers").json()["resultats"]]
    assert numbers == [world["rennes_dossier"].number]
    Membership.objects.filter(user=world["manager"]).update(role=Role.COMPANY_USER)
    assert api.get("/api/v1/dossiers").status_code == 401


def test_a_provider_key_stops_when_its_creator_is_no_longer_referent(world, provider_key, call):
    Membership.objects.filter(user=world["referent"]).update(role=Role.PROVIDER_USER)
    assert call(provider_key).get("/api/v1/dossiers").status_code == 401


def test_a_read_only_key_cannot_write(world, call):
    read_only = make_key(world["manager"], Portal.EGESTION, [world["rennes"]], scope="read")
    api = call(read_only)
    number = world["rennes_dossier"].number
    response = api.post(f"/api/v1/dossiers/{number}/messages", {"titre": "Question", "contenu": "Bonjour"})
    assert response.status_code == 403
    assert response.json()["erreur"]["message"] == "Cette clé est en lecture seule : elle ne peut rien modifier."
    assert api.post(f"/api/v1/messages/{world['message'].pk}/lu").status_code == 403
    assert api.post("/api/v1/demandes-apprentissage", {"etablissement": world["rennes"].pk}).status_code == 403
    assert not Message.objects.filter(title="Question").exists()
    assert not MessageRead.objects.exists()
    # Reading is allowed.
    assert api.get(f"/api/v1/dossiers/{number}/messages").status_code == 200


def test_a_read_only_provider_key_cannot_deposit_an_invoice(world, call):
    read_only = make_key(world["referent"], Portal.OGESTION, [world["cfa"]], scope="read")
    response = call(read_only).post(
        f"/api/v1/dossiers/{world['rennes_dossier'].number}/factures",
        {
            "numero_facture": "F1",
            "date": "2026-01-01",
            "periode_debut": "2026-01-01",
            "periode_fin": "2026-01-31",
            "montant": "100.00",
        },
        multipart=True,
    )
    assert response.status_code in (400, 403)  # the PDF is missing (400) or the key read-only (403): never stored
    from invoicing.models import Invoice

    assert not Invoice.objects.exists()


def test_the_rate_limit_answers_429_with_retry_after(world, company_key, call, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    api = call(company_key)
    statuses = [api.get("/api/v1/etablissements").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/api/v1/etablissements")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["erreur"]["code"] == "trop_de_requetes"
    # Per key: another key of the same user is not slowed down.
    other = make_key(world["manager"], Portal.EGESTION, [world["rennes"]])
    assert call(other).get("/api/v1/etablissements").status_code == 200


def test_each_key_event_is_an_account_event(world, company_key):
    created = AccountEvent.objects.get(kind=AccountEventKind.API_KEY_CREATED)
    assert created.user == world["manager"] and created.details["key"] == company_key.key.prefix
    keys.revoke_key(company_key.key, actor=world["manager"])
    keys.revoke_key(company_key.key, actor=world["manager"])  # twice: one event
    revoked = AccountEvent.objects.get(kind=AccountEventKind.API_KEY_REVOKED)
    assert revoked.actor == world["manager"]
