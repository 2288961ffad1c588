"""What an endpoint receives is what its creator sees in the portal where they registered it, read when each event
happens (WebhookEndpoint.reaching, the rule of API keys: Membership.managing): a manager restricted to some
establishments hears of those only; one of all of them hears of all, an establishment they are given later
included; a creator whose establishments are taken away, or who leaves, stops hearing of them, and the endpoint's
page says when it receives nothing any more. One query finds the endpoints, however many listen."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import Portal, Role
from accounts.services import set_memberships
from dossiers.models import Dossier
from messaging import services as messaging
from tests.factories import (
    CompanyFactory,
    DossierFactory,
    EstablishmentFactory,
    ProviderEstablishmentFactory,
    ProviderFactory,
)
from tests.harness import assert_constant_queries
from tests.webhooks.helpers import ALL_EVENTS, administrator_of
from webhooks import events, services
from webhooks.models import EventType, WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    """A company with two establishments, Rennes and Brest, and a dossier of each."""
    company = CompanyFactory(name="BATIMENTS DE L'OUEST")
    for city in ("RENNES", "BREST"):
        establishment = EstablishmentFactory(organisation=company, name=f"BATIMENTS DE L'OUEST {city}")
        DossierFactory(employer_establishment=establishment, title=f"Maçon à {city.title()}")
    return company


def establishment(company, city):
    return company.establishments.get(name__endswith=city)


def register(organisation, creator, portal=Portal.EGESTION):
    return services.create_endpoint(
        organisation, creator, portal=portal, url="https://logiciel.exemple.fr/h", events=ALL_EVENTS
    )


def give(user, establishments, role, *, by):
    """What the users page does: `user` has these establishments of their company, with `role`, and no others."""
    establishments = list(establishments)
    set_memberships(
        actor=by, user=user, organisation=establishments[0].organisation, establishments=establishments, role=role
    )


def answer_each_dossier(company):
    """Constructys writes in the thread of each of the company's dossiers (a message.received event each)."""
    for dossier in Dossier.objects.filter(employer_establishment__organisation=company):
        messaging.reply_as_case_manager(dossier, None, "Pièce manquante", f"Bonjour, pour « {dossier.title} »…")


def heard_of(endpoint) -> list[str]:
    """The dossiers' titles quoted by the messages the endpoint was sent."""
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint, event__type=EventType.MESSAGE_RECEIVED)
    return sorted(delivery.event.payload["body"].split("« ")[1].split(" »")[0] for delivery in deliveries)


def test_a_restricted_managers_endpoint_hears_of_its_establishments_only_an_unrestricted_ones_of_all(company):
    restricted = register(company, administrator_of(company, [establishment(company, "RENNES")]))
    unrestricted = register(company, administrator_of(company))

    answer_each_dossier(company)
    events.emit(EventType.PAYMENT_RECORDED, {"reference": "VIR1"}, establishments=[establishment(company, "BREST")])

    assert heard_of(restricted) == ["Maçon à Rennes"]
    assert heard_of(unrestricted) == ["Maçon à Brest", "Maçon à Rennes"]
    assert not restricted.deliveries.filter(event__type=EventType.PAYMENT_RECORDED).exists()
    assert unrestricted.deliveries.filter(event__type=EventType.PAYMENT_RECORDED).count() == 1


def test_an_establishment_added_later_is_heard_of_once_the_creator_manages_it(company):
    creator = administrator_of(company)
    endpoint = register(company, creator)
    lorient = EstablishmentFactory(organisation=company, name="BATIMENTS DE L'OUEST LORIENT")
    DossierFactory(employer_establishment=lorient, title="Maçon à Lorient")

    answer_each_dossier(company)  # Lorient is not theirs yet: they do not see it in eGestion either
    give(creator, company.establishments.all(), Role.COMPANY_MANAGER, by=creator)
    messaging.reply_as_case_manager(
        Dossier.objects.get(employer_establishment=lorient), None, "Accord", "Bonjour, pour « Maçon à Lorient »…"
    )

    assert heard_of(endpoint) == ["Maçon à Brest", "Maçon à Lorient", "Maçon à Rennes"]


def test_a_creator_whose_establishments_are_reduced_stops_hearing_of_the_others(company):
    creator = administrator_of(company)
    endpoint = register(company, creator)
    answer_each_dossier(company)
    assert heard_of(endpoint) == ["Maçon à Brest", "Maçon à Rennes"]

    give(creator, [establishment(company, "RENNES")], Role.COMPANY_MANAGER, by=creator)
    answer_each_dossier(company)

    assert heard_of(endpoint) == ["Maçon à Brest", "Maçon à Rennes", "Maçon à Rennes"]


def test_a_creator_no_longer_manager_stops_every_delivery_and_the_page_says_so(client, company):
    creator = administrator_of(company)
    colleague = administrator_of(company)
    endpoint = register(company, creator)
    give(creator, company.establishments.all(), Role.COMPANY_USER, by=colleague)

    answer_each_dossier(company)
    events.emit(EventType.PAYMENT_RECORDED, {"reference": "VIR2"}, organisations=[company])

    assert not endpoint.deliveries.exists()
    client.force_login(colleague)
    page = client.get(reverse("egestion:webhook", args=[endpoint.pk])).text
    assert "ne reçoit plus aucun événement" in page and "ne gère plus aucun établissement" in page
    # Their colleague's own endpoint still hears of everything, and its page lists what it covers.
    own = register(company, colleague)
    answer_each_dossier(company)
    assert heard_of(own) == ["Maçon à Brest", "Maçon à Rennes"]
    page = client.get(reverse("egestion:webhook", args=[own.pk])).text
    assert "ne reçoit plus aucun événement" not in page
    assert escape("BATIMENTS DE L'OUEST BREST") in page and escape("BATIMENTS DE L'OUEST RENNES") in page


@pytest.mark.parametrize("how", ["deactivated", "left"])
def test_a_creator_deactivated_or_gone_sends_nothing(company, how):
    creator = administrator_of(company)
    endpoint = register(company, creator)
    if how == "deactivated":
        creator.is_active = False
        creator.save(update_fields=["is_active"])
    else:
        creator.delete()  # created_by becomes empty

    answer_each_dossier(company)
    events.emit(EventType.PAYMENT_RECORDED, {"reference": "VIR3"}, organisations=[company])

    assert not WebhookDelivery.objects.filter(endpoint=endpoint).exists()


def test_a_restricted_referents_endpoint_hears_of_its_establishments_invoices_only(company):
    """oGestion alike: a référent of one of the provider's establishments hears of the invoices, documents and
    status changes of its dossiers, not of those of the provider's other establishment."""
    provider = ProviderFactory()
    nantes = ProviderEstablishmentFactory(organisation=provider, cfa=True)
    angers = ProviderEstablishmentFactory(organisation=provider, cfa=True)
    endpoint = register(provider, administrator_of(provider, [nantes]), portal=Portal.OGESTION)
    nantes_dossier = DossierFactory(provider_establishment=nantes)
    angers_dossier = DossierFactory(provider_establishment=angers)

    for dossier in (nantes_dossier, angers_dossier):
        events.emit(
            EventType.INVOICE_VALIDATED,
            {"dossier_number": dossier.number},
            establishments=[dossier.provider_establishment],
        )

    [delivery] = endpoint.deliveries.select_related("event")
    assert delivery.event.payload["dossier_number"] == nantes_dossier.number


def test_one_query_finds_the_endpoints_however_many_listen(company):
    """Restricted and unrestricted creators, active and gone: the endpoints are found in one query, then the event
    and the deliveries are written in one query each, for 2 endpoints reached as for 8."""
    brest = establishment(company, "BREST")

    def add_endpoints():
        register(company, administrator_of(company))
        register(company, administrator_of(company, [brest]))
        register(company, administrator_of(company, [establishment(company, "RENNES")]))  # not reached
        register(company, administrator_of(company)).created_by.delete()  # not reached

    def emit():
        return events.emit(EventType.PAYMENT_RECORDED, {"reference": "VIR4"}, establishments=[brest])

    add_endpoints()
    assert_constant_queries(emit, at_most=3, grow=lambda: [add_endpoints() for _ in range(3)])
    assert WebhookDelivery.objects.filter(event__in=emit()).count() == 8


def test_a_restricted_manager_opens_the_organisation_s_other_endpoints_without_their_events_contents(client, company):
    """docs/webhooks.md: an endpoint belongs to its organisation, so a manager restricted to Rennes may open (and
    manage) the endpoint an unrestricted colleague registered; its page shows the deliveries' types and states, never
    what an event said about a Brest dossier."""
    restricted = administrator_of(company, [establishment(company, "RENNES")])
    colleagues = register(company, administrator_of(company))
    answer_each_dossier(company)
    assert heard_of(colleagues) == ["Maçon à Brest", "Maçon à Rennes"]

    client.force_login(restricted)
    page = client.get(reverse("egestion:webhook", args=[colleagues.pk]))
    assert page.status_code == 200
    assert "Maçon à Brest" not in page.text and "Pièce manquante" not in page.text
