"""Look-ups of the wizard: the company's persons (employer contact, apprentice, maîtres), CFAs by UAI or name,
diplomas by code (with "99 – Certification non trouvée"), RNCP certifications. Each answers an htmx partial in one
query; without JavaScript the step shows the same results; a choice copies the entry into the draft."""

import pytest

from funding.models import FundingRequest
from tests.egestion.requests.utils import SAMPLE_CFA_UAI, SAMPLE_CFD, SAMPLE_RNCP, form_values, step_url, submit, text
from tests.factories import PersonFactory

HX = {"HX-Request": "true"}
# What every wizard URL does besides its own work: session, user, RGPD/CGU versions (3), memberships, the draft,
# and the session's save (an UPDATE between a savepoint and its release).
PAGE_QUERIES = 10


def lookup_url(draft, kind, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"/egestion/demandes/{draft.public_id}/recherche/{kind}/?{query}"


def reload(draft):
    return FundingRequest.objects.get(pk=draft.pk)


def referential_queries(queries, table):
    return [query for query in queries.captured_queries if f'FROM "{table}"' in query["sql"]]


def select(client, draft, step, value):
    values = form_values(client.get(step_url(draft, step)))
    values["select"] = value
    return client.post(step_url(draft, step), values)


# --- persons ------------------------------------------------------------------------------------------------------


def test_person_lookup_finds_the_company_persons_in_one_query(
    logged_in, draft, apprentice, other_company, django_assert_max_num_queries
):
    PersonFactory(organisation=draft.employer_establishment.organisation, last_name="Dupont", first_name="Marc")
    PersonFactory(organisation=other_company["establishment"].organisation, last_name="Martin", first_name="Luc")
    with django_assert_max_num_queries(PAGE_QUERIES + 1) as queries:
        response = logged_in.get(lookup_url(draft, "apprenti", q_apprenti="martin"), headers=HX)
    assert response.status_code == 200
    page = text(response)
    assert "MARTIN Lucas" in page
    assert "Luc" not in page.replace("Lucas", "")  # another company's person is never listed
    assert "Dupont" not in page and "DUPONT" not in page
    assert f'value="person:apprenti:{apprentice.pk}"' in page
    assert 'form="wizard-form"' in page
    assert len(referential_queries(queries, "accounts_person")) == 1


def test_person_lookup_ignores_accents_and_matches_every_word(logged_in, draft, apprentice):
    PersonFactory(organisation=draft.employer_establishment.organisation, last_name="Hélène", first_name="Zoé")
    page = text(logged_in.get(lookup_url(draft, "maitre1", q_maitre1="helene zoe"), headers=HX))
    assert "HÉLÈNE Zoé" in page
    assert "MARTIN" not in page
    page = text(logged_in.get(lookup_url(draft, "maitre1", q_maitre1="inconnu"), headers=HX))
    assert "créez-la" in page


def test_choosing_the_apprentice_copies_the_person_into_the_draft(logged_in, draft, apprentice):
    response = select(logged_in, draft, "apprenti", f"person:apprenti:{apprentice.pk}")
    assert response.status_code == 302
    data = reload(draft).data
    assert data["apprenti_person_id"] == apprentice.pk
    assert data["apprenti_nom_naissance"] == "Martin"
    assert data["apprenti_prenom"] == "Lucas"
    assert data["apprenti_date_naissance"] == "2008-03-15"
    assert data["apprenti_sexe"] == "M"
    assert data["apprenti_nir"] == "1080335238117"
    assert data["apprenti_telephone"] == "+33612345678"
    assert data["apprenti_adresse_numero"] == "4"
    assert data["apprenti_adresse_voie"] == "allée des Peupliers"
    assert data["apprenti_adresse_code_postal"] == "35200"
    page = text(logged_in.get(response.url))
    assert "Personne sélectionnée : <strong>MARTIN Lucas</strong>" in page
    assert "est sélectionné(e) comme l'apprenti(e)" in page


def test_the_chosen_person_can_be_edited_in_the_draft_or_removed(logged_in, draft, apprentice):
    select(logged_in, draft, "apprenti", f"person:apprenti:{apprentice.pk}")
    submit(logged_in, draft, "apprenti", "save", apprenti_prenom="Lucas-Paul")
    assert reload(draft).data["apprenti_prenom"] == "Lucas-Paul"
    submit(logged_in, draft, "apprenti", "clear:apprenti")
    data = reload(draft).data
    assert "apprenti_person_id" not in data
    assert "apprenti_nom_naissance" not in data


def test_choosing_the_employer_contact_and_the_maitres(logged_in, draft, company):
    contact = PersonFactory(organisation=company, phone="0299123456", email="contact@durand.fr")
    maitre = PersonFactory(organisation=company, last_name="Durand", first_name="Pierre", job_title="Chef de chantier")
    select(logged_in, draft, "employeur", f"person:employeur:{contact.pk}")
    select(logged_in, draft, "maitres", f"person:maitre2:{maitre.pk}")
    data = reload(draft).data
    assert data["employeur_person_id"] == contact.pk
    assert data["employeur_telephone"] == "+33299123456"
    assert data["employeur_courriel"] == "contact@durand.fr"
    assert data["maitre2_person_id"] == maitre.pk
    assert data["maitre2_nom_naissance"] == "Durand"
    assert data["maitre2_emploi_occupe"] == "Chef de chantier"
    assert f"Personne sélectionnée : <strong>{contact}</strong>" in text(logged_in.get(step_url(draft, "employeur")))


def test_a_person_of_another_company_cannot_be_chosen(logged_in, draft, other_company):
    response = select(logged_in, draft, "apprenti", f"person:apprenti:{other_company['person'].pk}")
    assert response.status_code == 404
    assert "apprenti_person_id" not in reload(draft).data


def test_plus_creates_a_person_of_the_company_and_chooses_it(logged_in, draft, company):
    response = submit(logged_in, draft, "maitres", "new-person:maitre1", maitre1_emploi_occupe="Chef d'équipe")
    assert response.status_code == 302
    assert "personne/?cible=maitre1" in response.url
    assert reload(draft).data["maitre1_emploi_occupe"] == "Chef d'équipe"  # saved before leaving
    page = logged_in.get(response.url)
    assert page.status_code == 200
    assert "Créer une personne" in text(page)

    invalid = logged_in.post(response.url, {"last_name": "", "first_name": "Pierre"})
    assert invalid.status_code == 400
    assert 'href="#id_last_name"' in text(invalid)

    created = logged_in.post(
        response.url,
        {
            "civility": "m",
            "last_name": "Durand",
            "first_name": "Pierre",
            "birth_date": "1975-06-02",
            "email": "pierre.durand@durand.fr",
            "job_title": "Chef de chantier",
        },
    )
    assert created.status_code == 302
    person = company.persons.get(last_name="Durand")
    data = reload(draft).data
    assert data["maitre1_person_id"] == person.pk
    assert data["maitre1_nom_naissance"] == "Durand"
    assert data["maitre1_date_naissance"] == "1975-06-02"
    assert data["maitre1_emploi_occupe"] == "Chef de chantier"


def test_without_javascript_the_search_button_shows_the_results_on_the_step(logged_in, draft, apprentice):
    response = submit(logged_in, draft, "apprenti", "search:apprenti", q_apprenti="Martin", apprenti_prenom="Lu")
    assert response.status_code == 302
    assert "recherche=apprenti" in response.url
    assert reload(draft).data["apprenti_prenom"] == "Lu"  # what was typed is saved first
    page = text(logged_in.get(response.url))
    assert f'value="person:apprenti:{apprentice.pk}"' in page
    # The look-up URL itself, outside htmx, leads to the same page.
    plain = logged_in.get(lookup_url(draft, "apprenti", q="Martin"))
    assert plain.status_code == 302 and "recherche=apprenti" in plain.url


# --- CFA, diploma, RNCP ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("terms", [SAMPLE_CFA_UAI, "0312101", "btp cfa haute garonne"])
def test_cfa_lookup_by_uai_or_name_in_one_query(logged_in, draft, referentials, terms, django_assert_max_num_queries):
    with django_assert_max_num_queries(PAGE_QUERIES + 1) as queries:
        response = logged_in.get(lookup_url(draft, "cfa", q_cfa=terms), headers=HX)
    assert f'value="cfa:{SAMPLE_CFA_UAI}"' in text(response)
    assert "BTP CFA HAUTE-GARONNE" in text(response)
    assert len(referential_queries(queries, "referentials_trainingcentre")) == 1


def test_a_cfa_not_found_sends_to_the_regional_office(logged_in, draft, referentials):
    page = text(logged_in.get(lookup_url(draft, "cfa", q_cfa="9999999Z"), headers=HX))
    assert "Le CFA doit obligatoirement avoir un code UAI" in page
    assert "Contactez votre Constructys régional" in page


def test_choosing_a_cfa_fills_its_fields_which_are_then_read_only(logged_in, draft, referentials):
    response = select(logged_in, draft, "formation", f"cfa:{SAMPLE_CFA_UAI}")
    assert response.status_code == 302
    data = reload(draft).data
    assert data["cfa_uai"] == SAMPLE_CFA_UAI
    assert data["cfa_denomination"] == "BTP CFA HAUTE-GARONNE"
    assert data["cfa_siret"] == "44813270400017"
    assert data["cfa_adresse_numero"] == "3"
    assert data["cfa_adresse_voie"] == "CHEMIN DE LA CEPIERE"
    assert data["cfa_adresse_code_postal"] == "31100"
    page = text(logged_in.get(step_url(draft, "formation")))
    for field_id in ("cfa_denomination", "cfa_uai", "cfa_siret", "cfa_adresse_voie"):
        tag = page[page.index(f'id="{field_id}"') - 200 : page.index(f'id="{field_id}"') + 50]
        assert "readonly" in tag, field_id
    assert "Changer de CFA" in page
    # A forged value for a read-only field is ignored.
    submit(logged_in, draft, "formation", "save", cfa_uai="0351234B", cfa_denomination="Autre")
    assert reload(draft).data["cfa_uai"] == SAMPLE_CFA_UAI
    submit(logged_in, draft, "formation", "clear:cfa")
    assert "cfa_uai" not in reload(draft).data


def test_a_closed_cfa_cannot_be_chosen(logged_in, draft, referentials):
    from referentials.models import TrainingCentre

    closed = TrainingCentre.objects.filter(is_active=False).first()
    page = text(logged_in.get(lookup_url(draft, "cfa", q_cfa=closed.uai), headers=HX))
    assert "Fermé" in page and "disabled" in page
    assert select(logged_in, draft, "formation", f"cfa:{closed.uai}").status_code == 404


def test_diploma_lookup_by_code_offers_certification_not_found(
    logged_in, draft, referentials, django_assert_max_num_queries
):
    with django_assert_max_num_queries(PAGE_QUERIES + 1) as queries:
        page = text(logged_in.get(lookup_url(draft, "diplome", q_diplome="500232"), headers=HX))
    assert f'value="diplome:{SAMPLE_CFD}"' in page
    assert 'value="diplome:99"' in page
    assert "99 – Certification non trouvée" in page
    assert len(referential_queries(queries, "referentials_diploma")) == 1
    page = text(logged_in.get(lookup_url(draft, "diplome", q_diplome="zzzz"), headers=HX))
    assert "99 – Certification non trouvée" in page


def test_choosing_a_diploma_fills_its_code_type_title_and_certification(logged_in, draft, referentials):
    select(logged_in, draft, "formation", f"diplome:{SAMPLE_CFD}")
    data = reload(draft).data
    assert data["formation_code_diplome"] == SAMPLE_CFD
    assert data["formation_diplome_vise_code"] == "33"
    assert data["formation_intitule_precis"] == "MACON"
    assert data["formation_code_rncp"] == SAMPLE_RNCP  # the one active certification linked to it


def test_choosing_certification_not_found(logged_in, draft, referentials):
    response = select(logged_in, draft, "formation", "diplome:99")
    assert response.status_code == 302
    assert reload(draft).data["formation_code_diplome"] == "99"
    assert "99 – Certification non trouvée" in text(logged_in.get(response.url))


def test_rncp_lookup_and_choice(logged_in, draft, referentials, django_assert_max_num_queries):
    with django_assert_max_num_queries(PAGE_QUERIES + 1) as queries:
        page = text(logged_in.get(lookup_url(draft, "rncp", q_rncp="maçon"), headers=HX))
    assert f'value="rncp:{SAMPLE_RNCP}"' in page
    assert "Inactive" in page  # RNCP4901, the former CAP Maçon, listed but not selectable
    assert len(referential_queries(queries, "referentials_rncpcertification")) == 1
    select(logged_in, draft, "formation", f"rncp:{SAMPLE_RNCP}")
    assert reload(draft).data["formation_code_rncp"] == SAMPLE_RNCP
    assert select(logged_in, draft, "formation", "rncp:RNCP4901").status_code == 404


def test_an_unknown_lookup_is_404(logged_in, draft):
    assert logged_in.get(f"/egestion/demandes/{draft.public_id}/recherche/idcc/?q=1", headers=HX).status_code == 404
