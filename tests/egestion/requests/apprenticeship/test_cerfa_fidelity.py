"""Issue 17 item 4 in the wizard: the employer is named by its raison sociale, the registry pre-fills NAF, headcount
and IDCC (editable), the pay rows follow the BTP branch grid for a building-trades IDCC and show their gross amount,
the person to contact is the user who fills the form (pencil to edit their details)."""

from accounts.models import Person
from egestion.requests.apprenticeship.views import readonly_fields
from funding.models import FundingRequest
from funding.referentials import validate_request
from tests.egestion.requests.utils import step_url, submit, text

NEW_DRAFT_URL = "/egestion/demandes/nouvelle/contrat-apprentissage/"


def new_draft(client, establishment) -> FundingRequest:
    client.post(NEW_DRAFT_URL, {"etablissement": establishment.pk})
    return FundingRequest.objects.latest("pk")


def reload(draft):
    return FundingRequest.objects.get(pk=draft.pk)


def test_the_employer_is_its_raison_sociale_and_the_registry_fills_naf_headcount_idcc(logged_in, establishment):
    establishment.sign = "DURAND BÂTIMENT"  # the enseigne: not the CERFA's "dénomination"
    establishment.naf_code = "43.99C"
    establishment.headcount = 27
    establishment.idcc = "1597"
    establishment.save()

    draft = new_draft(logged_in, establishment)

    assert draft.data["employeur_denomination"] == "MACONNERIE DURAND"
    assert draft.data["employeur_code_naf"] == "43.99C"
    assert draft.data["employeur_effectif"] == 27
    assert draft.data["employeur_code_idcc"] == "1597"
    page = text(logged_in.get(step_url(draft, "employeur")))
    assert "DURAND BÂTIMENT" not in page
    # The CERFA lets the employer correct them: they stay editable.
    assert not {"employeur_code_naf", "employeur_effectif", "employeur_code_idcc"} & readonly_fields(draft, "employeur")
    submit(logged_in, draft, "employeur", "save", employeur_effectif="31")
    assert reload(draft).data["employeur_effectif"] == 31


def _contract_dates(client, draft, **employer):
    submit(client, draft, "employeur", "save", **employer)
    submit(client, draft, "apprenti", "save", apprenti_date_naissance="2008-03-15")
    submit(client, draft, "contrat", "save", contrat_date_debut_execution="2025-09-01", contrat_date_fin="2027-08-31")


def test_a_building_trades_idcc_gets_the_btp_branch_minimum_without_warning(logged_in, draft):
    _contract_dates(logged_in, draft, employeur_code_idcc="1597")
    submit(logged_in, draft, "contrat", "save", remuneration_1_2_taux="43", remuneration_2_1_taux="51")

    response = submit(logged_in, draft, "contrat", "suggest-remuneration")

    data = reload(draft).data
    # Legal grid: 27 % / 43 % / 51 %; the BTP branch agreement of 8 February 2005: 40 % / 50 % / 60 %.
    assert (data["remuneration_1_1_taux"], data["remuneration_1_2_taux"], data["remuneration_2_1_taux"]) == (
        "40",
        "50",
        "60",
    )
    page = text(logged_in.get(response.url))
    assert "recalculées au minimum de l'accord de branche du BTP" in page
    warnings = validate_request(reload(draft)).warnings
    assert not [message for messages in warnings.values() for message in messages if "accord de branche" in message]


def test_another_idcc_keeps_the_legal_minimum(logged_in, draft):
    _contract_dates(logged_in, draft, employeur_code_idcc="1486")
    submit(logged_in, draft, "contrat", "suggest-remuneration")
    assert reload(draft).data["remuneration_1_2_taux"] == "43"


def test_the_pay_grid_shows_each_rows_gross_monthly_amount(logged_in, draft):
    _contract_dates(logged_in, draft, employeur_code_idcc="1597")
    submit(logged_in, draft, "contrat", "suggest-remuneration")

    page = text(logged_in.get(step_url(draft, "contrat")))

    table = page[page.index("wizard-remuneration") :]
    assert "Brut mensuel" in table and "Minimum BTP" in table
    # 40 % of the SMIC of 1 September 2025 (1 801,80 €), rounded up to the cent.
    assert "720,72\u00a0€" in table


def test_the_person_to_contact_is_the_user_filling_the_form(logged_in, establishment, user):
    user.phone = "05 56 12 34 01"
    user.save()

    draft = new_draft(logged_in, establishment)

    person = Person.objects.get(pk=draft.data["employeur_person_id"])
    assert (person.last_name, person.first_name, person.email) == ("Durand", "Claire", user.email)
    assert draft.data["employeur_courriel"] == user.email
    assert draft.data["employeur_telephone"] == "+33556123401"
    page = text(logged_in.get(step_url(draft, "employeur")))
    assert "Personne sélectionnée : <strong>" in page
    # The pencil leads to the contact's details, which stay editable.
    assert 'href="#employeur_telephone"' in page and "Modifier les coordonnées" in page
    submit(logged_in, draft, "employeur", "save", employeur_telephone="+33556000000")
    assert reload(draft).data["employeur_telephone"] == "+33556000000"


def test_the_user_is_not_duplicated_as_a_person(logged_in, establishment, user, company):
    existing = Person.objects.create(
        organisation=company, last_name="DURAND", first_name="Claire", email=user.email.upper()
    )
    draft = new_draft(logged_in, establishment)
    assert draft.data["employeur_person_id"] == existing.pk
    assert Person.objects.filter(email__iexact=user.email).count() == 1
