"""Issue 14, finding 3: a user restricted to one establishment must not read, select or copy the persons of the
company's other establishments (NIR included). Every look-up and selection goes through Person.objects.for_user;
the NIR shows only in the forms that need it."""

import pytest
from django.urls import reverse

from accounts.models import Person, Role
from funding import services
from funding.apprenticeship import initial_draft_data
from funding.models import PlanTrainee, RequestKind
from tests.egestion.requests.plan.utils import training_data
from tests.egestion.requests.utils import step_url, text
from tests.factories import (
    CompanyFactory,
    DossierFactory,
    EnrolmentFactory,
    EstablishmentFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)

HX = {"HX-Request": "true"}


@pytest.fixture
def company():
    organisation = CompanyFactory(name="BATIR OUEST")
    rennes = EstablishmentFactory(organisation=organisation, name="BATIR OUEST RENNES", city="RENNES")
    nantes = EstablishmentFactory(organisation=organisation, name="BATIR OUEST NANTES", city="NANTES")
    return organisation, rennes, nantes


@pytest.fixture
def restricted_user(company):
    """A company user who sees Rennes only."""
    _organisation, rennes, _nantes = company
    user = UserFactory(email="agent@batir-ouest.fr")
    MembershipFactory(user=user, establishment=rennes, role=Role.COMPANY_USER)
    return user


@pytest.fixture
def manager(company):
    organisation, rennes, nantes = company
    user = UserFactory(email="gerant@batir-ouest.fr")
    for establishment in (rennes, nantes):
        MembershipFactory(user=user, establishment=establishment, role=Role.COMPANY_MANAGER)
    return user


@pytest.fixture
def rennes_person(company):
    organisation, rennes, _nantes = company
    return PersonFactory(organisation=organisation, establishment=rennes, last_name="Rennais", first_name="Yann")


@pytest.fixture
def nantes_persons(company):
    """Twelve persons of the other establishment, each with a NIR."""
    organisation, _rennes, nantes = company
    return [
        PersonFactory(organisation=organisation, establishment=nantes, last_name=f"Nantais{n:02d}") for n in range(12)
    ]


def cerfa_draft(user, establishment):
    return services.create_draft(user=user, establishment=establishment, initial_data=initial_draft_data(establishment))


def plan_draft(user, establishment):
    return services.create_draft(
        user=user, establishment=establishment, kind=RequestKind.PLAN, initial_data=training_data()
    )


def cerfa_lookup(client, draft, terms=""):
    return text(client.get(f"/egestion/demandes/{draft.public_id}/recherche/apprenti/?q={terms}", headers=HX))


def plan_lookup(client, draft, terms=""):
    return text(client.get(f"/egestion/demandes/{draft.public_id}/plan/recherche/stagiaire/?q={terms}", headers=HX))


# --- the CERFA wizard ---------------------------------------------------------------------------------------------


def test_the_cerfa_look_up_lists_none_of_the_other_establishments_persons(
    client, company, restricted_user, rennes_person, nantes_persons
):
    _organisation, rennes, _nantes = company
    draft = cerfa_draft(restricted_user, rennes)
    client.force_login(restricted_user)

    everyone = cerfa_lookup(client, draft)
    searched = cerfa_lookup(client, draft, "nantais")

    assert "RENNAIS Yann" in everyone
    for person in nantes_persons:
        assert person.last_name.upper() not in everyone
        assert f"person:apprenti:{person.pk}" not in everyone
        assert person.nir not in everyone
    assert "NANTAIS" not in searched


def test_the_cerfa_refuses_selecting_a_person_of_another_establishment_by_id(
    client, company, restricted_user, nantes_persons
):
    _organisation, rennes, _nantes = company
    draft = cerfa_draft(restricted_user, rennes)
    client.force_login(restricted_user)

    for person in nantes_persons:
        response = client.post(step_url(draft, "apprenti"), {"select": f"person:apprenti:{person.pk}"})
        assert response.status_code == 404

    draft.refresh_from_db()
    assert "apprenti_person_id" not in draft.data
    assert not any(person.nir in str(draft.data) for person in nantes_persons)


def test_the_cerfa_look_up_shows_no_nir_but_the_apprentice_step_does(client, company, restricted_user, rennes_person):
    _organisation, rennes, _nantes = company
    draft = cerfa_draft(restricted_user, rennes)
    client.force_login(restricted_user)

    assert rennes_person.nir not in cerfa_lookup(client, draft, "rennais")
    response = client.post(step_url(draft, "apprenti"), {"select": f"person:apprenti:{rennes_person.pk}"})
    assert response.status_code == 302
    assert rennes_person.nir in text(client.get(step_url(draft, "apprenti")))


def test_the_entity_switcher_narrows_the_persons_of_a_manager(client, company, manager, rennes_person, nantes_persons):
    _organisation, rennes, _nantes = company
    draft = cerfa_draft(manager, rennes)
    client.force_login(manager)
    assert "NANTAIS00" in cerfa_lookup(client, draft, "nantais")

    client.post(reverse("egestion:entity"), {"etablissement": rennes.pk})

    assert "NANTAIS" not in cerfa_lookup(client, draft, "nantais")
    response = client.post(step_url(draft, "apprenti"), {"select": f"person:apprenti:{nantes_persons[0].pk}"})
    assert response.status_code == 404


# --- the skills plan ----------------------------------------------------------------------------------------------


def test_the_plan_look_up_and_selection_stay_within_the_establishments(
    client, company, restricted_user, rennes_person, nantes_persons
):
    _organisation, rennes, _nantes = company
    draft = plan_draft(restricted_user, rennes)
    client.force_login(restricted_user)

    listed = plan_lookup(client, draft)
    assert "RENNAIS Yann" in listed
    assert not any(person.last_name.upper() in listed for person in nantes_persons)
    assert rennes_person.nir not in listed

    stagiaires = reverse("egestion:plan_step", kwargs={"public_id": draft.public_id, "step": "stagiaires"})
    for person in nantes_persons:
        assert client.post(stagiaires, {"select": f"person:stagiaire:{person.pk}"}).status_code == 404
    assert not PlanTrainee.objects.filter(request=draft).exists()


def test_the_plan_trainees_list_masks_the_nir_the_trainee_form_shows_it(
    client, company, restricted_user, rennes_person
):
    _organisation, rennes, _nantes = company
    draft = plan_draft(restricted_user, rennes)
    client.force_login(restricted_user)
    stagiaires = reverse("egestion:plan_step", kwargs={"public_id": draft.public_id, "step": "stagiaires"})
    client.post(stagiaires, {"select": f"person:stagiaire:{rennes_person.pk}"})
    trainee = PlanTrainee.objects.get(request=draft)

    listing = text(client.get(stagiaires))
    form = text(client.get(reverse("egestion:plan_trainee", kwargs={"public_id": draft.public_id, "pk": trainee.pk})))

    assert "RENNAIS Yann" in listing
    assert rennes_person.nir not in listing
    assert rennes_person.masked_nir in listing
    assert rennes_person.nir in form


# --- the scoping rule ---------------------------------------------------------------------------------------------


def test_the_scope_of_persons(company, restricted_user, manager, rennes_person, nantes_persons):
    organisation, rennes, nantes = company
    legacy = PersonFactory(organisation=organisation, establishment=None, last_name="Ancien")
    moved = nantes_persons[0]
    EnrolmentFactory(dossier=DossierFactory(employer_establishment=rennes), person=moved)
    stranger = PersonFactory(establishment=EstablishmentFactory())

    restricted = set(Person.objects.for_user(restricted_user))
    whole_company = set(Person.objects.for_user(manager))
    narrowed = set(Person.objects.for_user(manager, [nantes.pk]))
    outsider = set(Person.objects.for_user(UserFactory()))

    assert restricted == {rennes_person, moved}  # declared from Rennes, or enrolled in a Rennes dossier
    assert whole_company == {rennes_person, legacy, *nantes_persons}  # no establishment: whole company only
    assert narrowed == set(nantes_persons)
    assert stranger not in whole_company
    assert outsider == set()
    # The switcher narrows, never widens: an establishment the user has no membership in adds nothing.
    assert set(Person.objects.for_user(restricted_user, [rennes.pk, nantes.pk])) == restricted


def test_a_persons_created_in_a_draft_belongs_to_its_establishment(client, company, restricted_user):
    _organisation, rennes, _nantes = company
    draft = cerfa_draft(restricted_user, rennes)
    client.force_login(restricted_user)
    url = reverse("egestion:request_person_new", kwargs={"public_id": draft.public_id}) + "?cible=apprenti"

    client.post(url, {"civility": "m", "last_name": "Nouveau", "first_name": "Noé"})

    assert Person.objects.get(last_name="Nouveau").establishment == rennes


# --- oGestion ----------------------------------------------------------------------------------------------------


def test_ogestion_person_selection_is_scoped_by_establishment(client):
    from tests.factories import ProviderEstablishmentFactory, ProviderFactory

    provider = ProviderFactory()
    mine, other = (
        ProviderEstablishmentFactory(organisation=provider),
        ProviderEstablishmentFactory(organisation=provider),
    )
    referent = UserFactory()
    MembershipFactory(user=referent, establishment=mine, role=Role.PROVIDER_REFERENT)
    visible = PersonFactory(organisation=provider, establishment=mine, last_name="Visible")
    hidden = PersonFactory(organisation=provider, establishment=other, last_name="Cache")
    client.force_login(referent)

    listing = text(client.get(reverse("ogestion:user_persons")))

    assert "VISIBLE" in listing and "CACHE" not in listing
    assert client.get(reverse("ogestion:user_create"), {"salarie": hidden.pk}).status_code == 404
    assert client.get(reverse("ogestion:user_create"), {"salarie": visible.pk}).status_code == 200


def test_the_transmission_never_enrols_a_person_outside_the_scope(company, restricted_user, nantes_persons):
    from funding.transmission import _apprentice

    _organisation, rennes, _nantes = company
    planted = {"apprenti_person_id": nantes_persons[0].pk, "apprenti_nom_naissance": "Nouveau", "apprenti_prenom": "N"}

    apprentice = _apprentice(planted, rennes, restricted_user)

    assert apprentice not in nantes_persons
    assert (apprentice.last_name, apprentice.establishment) == ("Nouveau", rennes)
