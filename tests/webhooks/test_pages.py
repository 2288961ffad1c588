"""The webhook pages of both portals (webhooks.views, mounted under mon-compte/acces-api/webhooks/): the company's
account manager and the provider's référent register an endpoint and see its secret once, send a test event,
disable, re-enable and delete it; another organisation's endpoint answers 404, a mere user gets 403."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Role
from tests.factories import CompanyFactory, EstablishmentFactory, MembershipFactory
from webhooks import services
from webhooks.models import DeliveryStatus, EventType, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["egestion", "ogestion"])
def admin(request, company_manager, provider_referent):
    """The organisation's administrator in each portal: (portal, user)."""
    return request.param, company_manager if request.param == "egestion" else provider_referent


def test_an_administrator_registers_an_endpoint_and_sees_its_secret_once(client, admin, settings):
    settings.WEBHOOKS_DELIVERY = "sweeper"
    portal, user = admin
    client.force_login(user)
    assert "Aucun point de réception" in client.get(reverse(f"{portal}:webhooks")).text
    form = client.get(reverse(f"{portal}:webhook_create")).text
    assert "Il reçoit seulement les événements des établissements dont vous êtes" in form

    refused = client.post(
        reverse(f"{portal}:webhook_create"),
        {"url": "http://logiciel.exemple.fr/webhooks", "events": [EventType.PAYMENT_RECORDED]},
    )
    assert refused.status_code == 200 and "https://" in refused.text
    response = client.post(
        reverse(f"{portal}:webhook_create"),
        {
            "url": "https://logiciel.exemple.fr/webhooks",
            "description": "Logiciel de gestion",
            "events": [EventType.PAYMENT_RECORDED, EventType.DOSSIER_STATUS_CHANGED],
        },
        follow=True,
    )

    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.organisation == user.memberships.get().establishment.organisation
    assert endpoint.created_by == user and endpoint.is_active
    assert endpoint.events == [EventType.PAYMENT_RECORDED, EventType.DOSSIER_STATUS_CHANGED]
    assert endpoint.secret.startswith("whsec_") and endpoint.secret in response.text
    again = client.get(reverse(f"{portal}:webhook", args=[endpoint.pk])).text
    assert endpoint.secret not in again and "Règlement enregistré" in again
    establishment = user.memberships.get().establishment
    assert (
        f"{escape(establishment.name)} ({establishment.siret})" in again
    )  # the establishments it receives the events of
    assert "https://logiciel.exemple.fr/webhooks" in client.get(reverse(f"{portal}:webhooks")).text


def test_test_event_disable_enable_and_delete_keeping_the_deliveries(client, admin, settings):
    settings.WEBHOOKS_DELIVERY = "sweeper"
    portal, user = admin
    organisation = user.memberships.get().establishment.organisation
    endpoint = services.create_endpoint(
        organisation, user, portal=portal, url="https://logiciel.exemple.fr/h", events=["payment.recorded"]
    )
    client.force_login(user)

    client.post(reverse(f"{portal}:webhook_test", args=[endpoint.pk]))
    delivery = WebhookDelivery.objects.get()
    assert delivery.event.type == EventType.TEST and delivery.endpoint == endpoint
    page = client.get(reverse(f"{portal}:webhook", args=[endpoint.pk])).text
    assert "Événement de test" in page and str(delivery.event.event_id) in page

    client.post(reverse(f"{portal}:webhook_disable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "réactivez-le" in client.post(reverse(f"{portal}:webhook_test", args=[endpoint.pk]), follow=True).text
    client.post(reverse(f"{portal}:webhook_enable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.is_active

    confirm = client.get(reverse(f"{portal}:webhook_delete", args=[endpoint.pk]))
    assert "Supprimer le point de réception" in confirm.text
    deleted = client.post(reverse(f"{portal}:webhook_delete", args=[endpoint.pk]), follow=True)
    assert "https://logiciel.exemple.fr/h est supprimé" in deleted.text
    endpoint.refresh_from_db()
    assert endpoint.deleted_at is not None
    assert client.get(reverse(f"{portal}:webhook", args=[endpoint.pk])).status_code == 404
    assert "logiciel.exemple.fr" not in client.get(reverse(f"{portal}:webhooks")).text
    assert WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).exists()  # kept as record


PAGES = [
    ("webhook", "get"),
    ("webhook_delete", "get"),
    ("webhook_delete", "post"),
    ("webhook_disable", "post"),
    ("webhook_enable", "post"),
    ("webhook_test", "post"),
]


@pytest.mark.parametrize("name, method", PAGES)
def test_another_organisation_s_endpoint_answers_404_and_stays_untouched(client, company_manager, name, method):
    foreign = MembershipFactory(
        role=Role.COMPANY_MANAGER, establishment=EstablishmentFactory(organisation=CompanyFactory())
    )
    endpoint = services.create_endpoint(
        foreign.establishment.organisation,
        foreign.user,
        portal="egestion",
        url="https://autre.exemple.fr/h",
        events=["payment.recorded"],
    )
    client.force_login(company_manager)

    response = getattr(client, method)(reverse(f"egestion:{name}", args=[endpoint.pk]))

    assert response.status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.deleted_at is None and not WebhookDelivery.objects.exists()


def test_a_user_who_is_not_the_administrator_gets_a_page_saying_who_may(client, company_manager):
    colleague = MembershipFactory(
        role=Role.COMPANY_USER, establishment=company_manager.memberships.get().establishment
    ).user
    endpoint = services.create_endpoint(
        company_manager.memberships.get().establishment.organisation,
        company_manager,
        portal="egestion",
        url="https://logiciel.exemple.fr/h",
        events=["payment.recorded"],
    )
    client.force_login(colleague)

    listing = client.get(reverse("egestion:webhooks"))
    detail = client.get(reverse("egestion:webhook", args=[endpoint.pk]))

    assert listing.status_code == detail.status_code == 403
    assert "Réservé au gestionnaire du compte" in listing.text
    assert endpoint.url not in detail.text


def test_a_second_click_on_register_makes_one_endpoint_whose_secret_is_shown(client, company_manager):
    client.force_login(company_manager)
    data = {"url": "https://logiciel.exemple.fr/webhooks", "events": [EventType.PAYMENT_RECORDED]}
    first = client.post(reverse("egestion:webhook_create"), data)
    second = client.post(reverse("egestion:webhook_create"), data)

    endpoint = WebhookEndpoint.objects.get()
    assert first.url == second.url == reverse("egestion:webhook", args=[endpoint.pk])
    assert endpoint.secret in client.get(second.url).text


@pytest.mark.parametrize("portal, role", [("egestion", Role.COMPANY_USER), ("ogestion", Role.PROVIDER_USER)])
def test_a_plain_user_can_neither_register_nor_change_an_endpoint(
    client, company_manager, provider_referent, portal, role
):
    """A company user (not the manager) or a provider user (not a référent) of the administrator's establishment."""
    administrator = company_manager if portal == "egestion" else provider_referent
    establishment = administrator.memberships.get().establishment
    endpoint = services.create_endpoint(
        establishment.organisation,
        administrator,
        portal=portal,
        url="https://logiciel.exemple.fr/h",
        events=["payment.recorded"],
    )
    client.force_login(MembershipFactory(establishment=establishment, role=role).user)

    created = client.post(
        reverse(f"{portal}:webhook_create"),
        {"url": "https://pirate.exemple.fr/h", "events": [EventType.PAYMENT_RECORDED]},
    )
    answers = [
        client.post(reverse(f"{portal}:{name}", args=[endpoint.pk])).status_code
        for name in ("webhook_disable", "webhook_delete", "webhook_test")
    ]

    assert created.status_code == 403 and answers == [403, 403, 403]
    assert list(WebhookEndpoint.objects.all()) == [endpoint]
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.deleted_at is None and not WebhookDelivery.objects.exists()
