"""Endpoints as the portals register them: by an administrator of the organisation, in its portal."""

from accounts.models import OrganisationKind, Portal, Role
from tests.factories import MembershipFactory, UserFactory
from webhooks import services
from webhooks.models import EventType

ALL_EVENTS = [value for value, _ in EventType.choices if value != EventType.TEST]


def listen(organisation, events=ALL_EVENTS, url="https://logiciel.exemple.fr/h"):
    """An endpoint registered by an administrator of every establishment the organisation has now (its account
    manager, or its référent for a training provider): it hears of all of them."""
    return services.create_endpoint(
        organisation, administrator_of(organisation), portal=portal_of(organisation), url=url, events=list(events)
    )


def portal_of(organisation) -> str:
    return Portal.EGESTION if organisation.kind == OrganisationKind.COMPANY else Portal.OGESTION


def administrator_of(organisation, establishments=None):
    """An account manager (eGestion) or référent (oGestion) of `establishments`, by default all the organisation's."""
    role = Role.COMPANY_MANAGER if organisation.kind == OrganisationKind.COMPANY else Role.PROVIDER_REFERENT
    administrator = UserFactory()
    for establishment in organisation.establishments.all() if establishments is None else establishments:
        MembershipFactory(user=administrator, establishment=establishment, role=role)
    return administrator
