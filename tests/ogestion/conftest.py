"""Personas of "Gérer mes utilisateurs": provider A (three establishments; a référent on two of them, a colleague,
and known persons) and provider B (its own référent, user and person), to check that A never reaches B."""

import re
from types import SimpleNamespace

import pytest

from accounts.models import Role
from tests.factories import MembershipFactory, PersonFactory, ProviderEstablishmentFactory, ProviderFactory, UserFactory


def link_in(message) -> str:
    """The "Créer mon mot de passe" link of an email, as a path."""
    url = re.search(r"https?://[^\s\"]+/comptes/mot-de-passe/[^\s\"/]+/", message.body).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def provider_a():
    organisation = ProviderFactory(name="CFA DU BATIMENT OCCITANIE")
    a1, a2, a3 = (
        ProviderEstablishmentFactory(organisation=organisation, name=f"CFA BTP SITE {n}", city=city)
        for n, city in ((1, "TOULOUSE"), (2, "ALBI"), (3, "CAHORS"))
    )
    referent = UserFactory(email="jing.tian@cfa-btp.fr", first_name="Jing", last_name="Tian")
    MembershipFactory(user=referent, establishment=a1, role=Role.PROVIDER_REFERENT)
    MembershipFactory(user=referent, establishment=a2, role=Role.PROVIDER_REFERENT)
    colleague = UserFactory(email="natasha.niboteur@cfa-btp.fr", first_name="Natasha", last_name="Niboteur")
    MembershipFactory(user=colleague, establishment=a1, role=Role.PROVIDER_USER)
    person = PersonFactory(
        organisation=organisation,
        establishment=a1,
        last_name="Dejan",
        first_name="Dylan",
        email="dylan.dejan@cfa-btp.fr",
    )
    return SimpleNamespace(
        organisation=organisation, a1=a1, a2=a2, a3=a3, referent=referent, colleague=colleague, person=person
    )


@pytest.fixture
def provider_b():
    organisation = ProviderFactory(name="ORGANISME VOISIN")
    b1 = ProviderEstablishmentFactory(organisation=organisation, name="ORGANISME VOISIN SITE 1")
    referent = UserFactory(email="referent@voisin.fr")
    MembershipFactory(user=referent, establishment=b1, role=Role.PROVIDER_REFERENT)
    user = UserFactory(email="salarie@voisin.fr", first_name="Paul", last_name="Voisin")
    MembershipFactory(user=user, establishment=b1, role=Role.PROVIDER_USER)
    person = PersonFactory(organisation=organisation, last_name="Secret", first_name="Sophie")
    return SimpleNamespace(organisation=organisation, b1=b1, referent=referent, user=user, person=person)
