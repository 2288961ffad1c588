"""The wizard's steps: each renders and saves what was typed (merged into the draft, nothing lost), shows the rule
engine's errors (summary at the top, message next to the field), decides the conditional blocks on the server."""

import json

import pytest

from accounts.models import Role
from egestion.requests.apprenticeship.forms import SAVED_STEPS_KEY, STEPS, STEPS_BY_SLUG
from funding import services
from funding.models import FundingRequest
from funding.referentials import validate_request
from tests.egestion.requests.utils import form_values, step_url, submit, text, valid_data
from tests.factories import EstablishmentFactory, MembershipFactory

FIELD_STEPS = [step.slug for step in STEPS if step.groups]


def reload(draft):
    return FundingRequest.objects.get(pk=draft.pk)


@pytest.mark.parametrize("step", [step.slug for step in STEPS])
def test_every_step_renders_for_an_empty_draft(logged_in, draft, step):
    response = logged_in.get(step_url(draft, step))
    assert response.status_code == 200
    page = text(response)
    assert f"{STEPS_BY_SLUG[step].title}" in page
    assert 'id="wizard-form"' in page
    # No error before the step has been saved once.
    assert 'id="error-summary"' not in page or step == "transmettre"


@pytest.mark.parametrize("step", FIELD_STEPS)
def test_saving_a_step_as_it_is_loses_nothing(logged_in, complete_draft, step):
    before = dict(complete_draft.data)
    response = submit(logged_in, complete_draft, step, "save")
    assert response.status_code == 302
    assert response.url == step_url(complete_draft, step)
    after = reload(complete_draft).data
    # The portal's derived fields ("Fait le", the agreement's title) aside, the data is what was there.
    derived = {"signature_fait_le", "employeur_libelle_idcc"}
    assert {k: v for k, v in after.items() if k not in derived} == {k: v for k, v in before.items() if k not in derived}
    assert reload(complete_draft).current_step == step


@pytest.mark.parametrize("step", FIELD_STEPS)
def test_each_step_shows_the_saved_values(logged_in, complete_draft, step):
    values = form_values(logged_in.get(step_url(complete_draft, step)))
    for field_id in STEPS_BY_SLUG[step].field_ids:
        expected = complete_draft.data.get(field_id)
        if expected is None:
            continue
        if isinstance(expected, bool):
            expected = "on" if field_id.startswith("employeur_atteste") else str(expected).lower()
        assert values.get(field_id) == str(expected), field_id


def test_a_change_is_merged_into_the_draft(logged_in, complete_draft):
    response = submit(logged_in, complete_draft, "apprenti", "save", apprenti_prenom="Léo", apprenti_nom_usage="Dupré")
    assert response.status_code == 302
    data = reload(complete_draft).data
    assert data["apprenti_prenom"] == "Léo"
    assert data["apprenti_nom_usage"] == "Dupré"
    assert data["maitre1_nom_naissance"] == "Durand"  # another step's data is untouched
    follow = logged_in.get(response.url)
    assert "Brouillon enregistré" in text(follow)


def test_an_invalid_value_is_kept_as_typed_and_explained(logged_in, complete_draft):
    submit(
        logged_in, complete_draft, "apprenti", "save", apprenti_courriel="pas un courriel", apprenti_nom_naissance=""
    )
    data = reload(complete_draft).data
    assert data["apprenti_courriel"] == "pas un courriel"
    assert "apprenti_nom_naissance" not in data  # emptied: the draft forgets it

    page = text(logged_in.get(step_url(complete_draft, "apprenti")))
    summary = page[page.index('id="error-summary"') : page.index("</ul>", page.index('id="error-summary"'))]
    assert 'role="alert"' in page[page.index('id="error-summary"') - 80 : page.index('id="error-summary"')]
    assert 'href="#apprenti_courriel"' in summary
    assert 'href="#apprenti_nom_naissance"' in summary
    assert "Courriel de l'apprenti(e)" in summary
    # The message next to the field, tied to it.
    assert 'id="apprenti_courriel-error"' in page
    field_tag = page[page.index('id="apprenti_courriel"') - 300 : page.index('id="apprenti_courriel"') + 300]
    assert 'aria-describedby="apprenti_courriel-error"' in field_tag or "apprenti_courriel-error" in field_tag
    assert 'aria-invalid="true"' in field_tag


def test_errors_wait_for_the_first_save_of_the_step_or_a_check_link(logged_in, draft):
    url = step_url(draft, "maitres")
    assert 'id="error-summary"' not in text(logged_in.get(url))
    assert 'href="#maitre1_nom_naissance"' in text(logged_in.get(url + "?verifier=1"))
    submit(logged_in, draft, "maitres", "save")
    assert SAVED_STEPS_KEY in reload(draft).data
    page = text(logged_in.get(url))
    assert 'id="error-summary"' in page
    assert 'href="#employeur_atteste_eligibilite_maitre"' in page
    assert 'href="#maitre2_nom_naissance"' not in page  # the optional maître n°2 is not asked


def test_errors_do_not_block_moving_between_steps(logged_in, draft):
    response = submit(logged_in, draft, "apprenti", "next")
    assert response.url == step_url(draft, "maitres")
    response = submit(logged_in, draft, "maitres", "previous")
    assert response.url == step_url(draft, "apprenti")
    response = submit(logged_in, draft, "maitres", "goto:formation")
    assert response.url == step_url(draft, "formation")


def test_the_employer_registry_fields_come_from_the_establishment_and_are_read_only(logged_in, draft, establishment):
    data = draft.data
    assert data["employeur_siret"] == establishment.siret
    assert data["employeur_denomination"] == "MACONNERIE DURAND"
    assert data["employeur_adresse_numero"] == "12"
    assert data["employeur_adresse_indice_repetition"] == "B"
    assert data["employeur_adresse_voie"] == "rue des Tanneurs"
    assert data["employeur_adresse_code_postal"] == "35000"
    page = text(logged_in.get(step_url(draft, "employeur")))
    siret_tag = page[page.index('id="employeur_siret"') - 200 : page.index('id="employeur_siret"') + 100]
    assert "readonly" in siret_tag
    submit(logged_in, draft, "employeur", "save", employeur_siret="73282932000074", employeur_code_naf="4399C")
    data = reload(draft).data
    assert data["employeur_siret"] == establishment.siret  # a forged value is ignored
    assert data["employeur_code_naf"] == "4399C"


def test_the_collective_agreement_title_is_filled_from_the_referential(logged_in, draft, referentials):
    submit(logged_in, draft, "employeur", "save", employeur_code_idcc="1596")
    assert "ouvriers employés par les entreprises du bâtiment" in reload(draft).data["employeur_libelle_idcc"]
    assert "Convention : Convention collective nationale des ouvriers" in text(
        logged_in.get(step_url(draft, "employeur"))
    )


def test_types_are_stored_as_the_engine_expects(logged_in, draft):
    submit(
        logged_in,
        draft,
        "contrat",
        "save",
        contrat_duree_hebdo_heures="35",
        contrat_salaire_brut_embauche="1 720,72",
        contrat_travail_risque="false",
        contrat_date_conclusion="2025-08-25",
        contrat_type="11",
    )
    submit(logged_in, draft, "maitres", "save", employeur_atteste_eligibilite_maitre="on")
    data = reload(draft).data
    assert data["contrat_duree_hebdo_heures"] == 35
    assert data["contrat_salaire_brut_embauche"] == "1720.72"
    assert data["contrat_travail_risque"] is False
    assert data["contrat_type"] == "11"
    assert data["employeur_atteste_eligibilite_maitre"] is True
    # Unticking the box is saved too.
    submit(logged_in, draft, "maitres", "save", employeur_atteste_eligibilite_maitre=None)
    assert reload(draft).data["employeur_atteste_eligibilite_maitre"] is False


def test_a_value_that_is_not_a_number_is_kept(logged_in, draft):
    submit(logged_in, draft, "contrat", "save", contrat_duree_hebdo_heures="trente", contrat_avantage_logement="12 €")
    data = reload(draft).data
    assert data["contrat_duree_hebdo_heures"] == "trente"
    assert data["contrat_avantage_logement"] == "12 €"


def test_a_partial_post_keeps_the_fields_it_does_not_carry(logged_in, complete_draft):
    response = logged_in.post(step_url(complete_draft, "apprenti"), {"action": "save", "apprenti_prenom": "Léa"})
    assert response.status_code == 302
    data = reload(complete_draft).data
    assert data["apprenti_prenom"] == "Léa"
    assert data["apprenti_nom_naissance"] == "Martin"


def test_a_partial_post_keeps_the_derived_fields(logged_in, complete_draft):
    submit(logged_in, complete_draft, "employeur", "save")
    submit(logged_in, complete_draft, "contrat", "save")
    before = reload(complete_draft).data
    assert before["employeur_libelle_idcc"] and before["signature_fait_le"] == "2025-08-25"
    logged_in.post(step_url(complete_draft, "employeur"), {"action": "save", "employeur_effectif": "9"})
    logged_in.post(step_url(complete_draft, "contrat"), {"action": "save", "contrat_type": "11"})
    after = reload(complete_draft).data
    assert after["employeur_effectif"] == 9
    assert after["employeur_libelle_idcc"] == before["employeur_libelle_idcc"]
    assert after["signature_fait_le"] == "2025-08-25"
    assert after["remuneration_1_1_taux"] == "40"  # the rows are not proposed again over the user's


def _block(page, key):
    start = page.index(f'id="groupe-{key}"')
    return page[start - 120 : start + 120]


def test_the_representative_block_is_shown_for_a_non_emancipated_minor(logged_in, complete_draft):
    page = text(logged_in.get(step_url(complete_draft, "apprenti")))
    assert "hidden" not in _block(page, "mineur")
    assert "hidden" not in _block(page, "representant")
    assert "hidden" in _block(page, "representant_adresse")  # lives at the apprentice's address
    assert 'data-condition="representative"' in _block(page, "representant")

    submit(logged_in, complete_draft, "apprenti", "save", representant_legal_meme_adresse="false")
    page = text(logged_in.get(step_url(complete_draft, "apprenti")))
    assert "hidden" not in _block(page, "representant_adresse")
    assert 'href="#representant_legal_adresse_voie"' in page


def test_the_representative_block_is_hidden_for_an_adult(logged_in, complete_draft):
    submit(logged_in, complete_draft, "apprenti", "save", apprenti_date_naissance="2003-01-10")
    page = text(logged_in.get(step_url(complete_draft, "apprenti")))
    assert "hidden" in _block(page, "mineur")
    assert "hidden" in _block(page, "representant")


def test_next_stays_on_the_step_when_a_block_appears(logged_in, draft):
    """Without JavaScript: a birth date that makes the apprentice a minor shows the minor's block before moving on."""
    response = submit(logged_in, draft, "apprenti", "next", apprenti_date_naissance="2010-05-01")
    assert response.url.startswith(step_url(draft, "apprenti"))
    page = text(logged_in.get(response.url))
    assert "Complétez maintenant : Apprenti(e) mineur(e)" in page
    assert "hidden" not in _block(page, "mineur")
    response = submit(logged_in, draft, "apprenti", "next", apprenti_mineur_non_emancipe="true")
    assert response.url.startswith(step_url(draft, "apprenti"))  # now the representative
    response = submit(logged_in, draft, "apprenti", "next")
    assert response.url == step_url(draft, "maitres")


def test_conditional_contract_fields_follow_the_contract_type(logged_in, complete_draft):
    page = text(logged_in.get(step_url(complete_draft, "contrat")))
    assert "hidden" in _block(page, "precedent")
    assert "hidden" in _block(page, "avenant")
    submit(logged_in, complete_draft, "contrat", "save", contrat_type="33")
    page = text(logged_in.get(step_url(complete_draft, "contrat")))
    assert "hidden" not in _block(page, "precedent")
    assert "hidden" not in _block(page, "avenant")
    assert 'href="#contrat_numero_precedent"' in page


def test_the_remuneration_rows_are_proposed_at_the_legal_minimum(logged_in, draft):
    submit(logged_in, draft, "apprenti", "save", apprenti_date_naissance="2008-03-15")
    submit(
        logged_in,
        draft,
        "contrat",
        "save",
        contrat_date_debut_execution="2025-09-01",
        contrat_date_fin="2027-08-31",
    )
    data = reload(draft).data
    # Proposed on display, then kept by the save (the rows were in the form).
    assert data["remuneration_1_1_du"] == "2025-09-01"
    assert data["remuneration_1_1_au"] == "2026-03-31"
    assert data["remuneration_1_1_taux"] == "27"
    assert data["remuneration_1_2_du"] == "2026-04-01"
    assert data["remuneration_1_2_taux"] == "43"
    assert data["remuneration_2_1_taux"] == "51"
    assert data["remuneration_1_1_base"] == "SMIC"

    submit(logged_in, draft, "contrat", "save", remuneration_1_1_taux="40", contrat_date_fin="2026-08-31")
    assert reload(draft).data["remuneration_1_1_taux"] == "40"  # the user's rate is kept
    response = submit(logged_in, draft, "contrat", "suggest-remuneration")
    data = reload(draft).data
    assert data["remuneration_1_1_taux"] == "27"
    assert "remuneration_2_1_du" not in data  # one year only now
    assert "recalculées" in text(logged_in.get(response.url))


def test_the_remuneration_table_shows_the_legal_minimum_of_each_row(logged_in, complete_draft):
    page = text(logged_in.get(step_url(complete_draft, "contrat")))
    table = page[page.index("wizard-remuneration") :]
    assert "1re année" in table
    # IDCC 1596 (building trades): the minimum shown is the BTP branch agreement's, 40 % / 50 % / 60 %.
    assert "Minimum BTP" in table
    assert "40 %" in table and "50 %" in table and "60 %" in table


def test_the_remuneration_table_shows_the_legal_minimum_outside_the_building_trades(logged_in, complete_draft):
    submit(logged_in, complete_draft, "employeur", "save", employeur_code_idcc="1486")
    page = text(logged_in.get(step_url(complete_draft, "contrat")))
    table = page[page.index("wizard-remuneration") :]
    assert "Minimum légal" in table
    assert "27 %" in table and "43 %" in table and "51 %" in table


def test_fait_le_is_the_conclusion_date_and_cannot_be_changed(logged_in, complete_draft):
    page = text(logged_in.get(step_url(complete_draft, "validation")))
    tag = page[page.index('id="signature_fait_le"') - 60 : page.index('id="signature_fait_le"') + 160]
    assert 'value="2025-08-25"' in tag and "readonly" in tag
    assert 'name="signature_fait_le"' not in tag
    logged_in.post(
        step_url(complete_draft, "validation"),
        {**form_values(logged_in.get(step_url(complete_draft, "validation"))), "signature_fait_le": "2020-01-01"},
    )
    data = reload(complete_draft).data
    assert data["signature_fait_le"] == "2025-08-25"
    submit(logged_in, complete_draft, "validation", "save", signature_fait_a="Saint-Malo")
    assert reload(complete_draft).data["signature_fait_a"] == "Saint-Malo"


def test_autosave_saves_and_answers_the_blocks_and_messages(logged_in, draft):
    values = form_values(logged_in.get(step_url(draft, "apprenti")))
    values.update({"apprenti_date_naissance": "2010-05-01", "apprenti_courriel": "faux"})
    response = logged_in.post(step_url(draft, "apprenti"), values, headers={"X-Wizard-Autosave": "1"})
    assert response.status_code == 200
    answer = json.loads(response.content)
    assert answer["saved"] is True
    assert answer["conditions"]["minor"] is True
    assert answer["conditions"]["representative"] is False
    assert answer["errors"]["apprenti_courriel"]
    assert "maitre1_nom_naissance" not in answer["errors"]  # only the step's fields
    data = reload(draft).data
    assert data["apprenti_courriel"] == "faux"
    assert SAVED_STEPS_KEY not in data  # an autosave does not count as a save of the step
    assert "Brouillon enregistré à" in answer["message"]


def test_a_resumed_draft_opens_where_it_was_left(logged_in, draft):
    resume = f"/egestion/demandes/{draft.public_id}/"
    submit(logged_in, draft, "contrat", "save")
    response = logged_in.get(resume)
    assert response.status_code == 302
    assert response.url == step_url(draft, "contrat")
    submit(logged_in, draft, "contrat", "next")  # "Suivant": the next step is where the user is
    assert logged_in.get(resume).url == step_url(draft, "formation")
    submit(logged_in, draft, "formation", "previous")
    assert logged_in.get(resume).url == step_url(draft, "contrat")


def test_the_wizard_pages_light_up_the_menu_entry(logged_in, draft):
    for url in (
        step_url(draft, "apprenti"),
        "/egestion/demandes/nouvelle/",
        f"/egestion/demandes/{draft.public_id}/supprimer/",
    ):
        page = text(logged_in.get(url))
        entry = page[page.index('href="/egestion/demandes/"') : page.index('href="/egestion/demandes/"') + 60]
        assert 'aria-current="page"' in entry


def test_a_colleague_of_the_same_establishment_can_resume_the_draft(client, draft, establishment):
    colleague = MembershipFactory(establishment=establishment, role=Role.COMPANY_USER).user
    client.force_login(colleague)
    assert client.get(step_url(draft, "apprenti")).status_code == 200


def test_the_pages_work_for_a_user_of_several_establishments(client, draft, company, user):
    second = EstablishmentFactory(organisation=company)
    MembershipFactory(user=user, establishment=second, role=Role.COMPANY_MANAGER)
    client.force_login(user)
    other_draft = services.create_draft(user=user, establishment=second)
    assert client.get(step_url(other_draft, "employeur")).status_code == 200
    assert client.get(step_url(draft, "employeur")).status_code == 200


def test_the_complete_draft_of_these_tests_is_valid(complete_draft):
    assert validate_request(complete_draft).errors == {}
    assert complete_draft.data == {**valid_data(complete_draft.employer_establishment), **complete_draft.data}
