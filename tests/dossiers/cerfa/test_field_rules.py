"""Field rules (§6 step 2): REQ, ATTEST, LIST, FMT-*, CHK-*."""

import pytest

from dossiers.cerfa import FIELDS, validate

from .payloads import OTHER_SIRET, adult, minor, minor_payload

pytestmark = pytest.mark.no_database  # pure: no database

# §2, requirement "Y", written out from the specification.
REQUIRED = {
    "mode_contractuel",
    "employeur_prive_public",
    "employeur_denomination",
    "employeur_siret",
    "employeur_adresse_voie",
    "employeur_adresse_code_postal",
    "employeur_adresse_commune",
    "employeur_telephone",
    "employeur_courriel",
    "employeur_type",
    "employeur_code_naf",
    "employeur_effectif",
    "employeur_code_idcc",
    "apprenti_nom_naissance",
    "apprenti_prenom",
    "apprenti_adresse_voie",
    "apprenti_adresse_code_postal",
    "apprenti_adresse_commune",
    "apprenti_telephone",
    "apprenti_courriel",
    "apprenti_date_naissance",
    "apprenti_sexe",
    "apprenti_departement_naissance",
    "apprenti_commune_naissance",
    "apprenti_nationalite",
    "apprenti_regime_social",
    "apprenti_sportif_haut_niveau",
    "apprenti_rqth",
    "apprenti_equivalence_jeunes",
    "apprenti_extension_boe",
    "apprenti_projet_creation_reprise",
    "apprenti_situation_avant_contrat",
    "apprenti_dernier_diplome_prepare",
    "apprenti_derniere_classe",
    "apprenti_intitule_dernier_diplome",
    "apprenti_diplome_plus_eleve",
    "maitre1_nom_naissance",
    "maitre1_prenom",
    "maitre1_date_naissance",
    "maitre1_courriel",
    "maitre1_emploi_occupe",
    "maitre1_diplome_intitule",
    "maitre1_niveau_diplome",
    "employeur_atteste_eligibilite_maitre",
    "contrat_type",
    "contrat_date_conclusion",
    "contrat_date_debut_execution",
    "contrat_date_debut_formation_pratique",
    "contrat_date_fin",
    "contrat_duree_hebdo_heures",
    "contrat_travail_risque",
    "remuneration_1_1_du",
    "remuneration_1_1_au",
    "remuneration_1_1_taux",
    "remuneration_1_1_base",
    "contrat_salaire_brut_embauche",
    "contrat_caisse_retraite_complementaire",
    "formation_cfa_entreprise",
    "cfa_denomination",
    "cfa_uai",
    "cfa_siret",
    "formation_diplome_vise_code",
    "formation_intitule_precis",
    "formation_code_diplome",
    "formation_code_rncp",
    "cfa_adresse_voie",
    "cfa_adresse_code_postal",
    "cfa_adresse_commune",
    "formation_cfa_est_lieu_principal",
    "formation_date_debut",
    "formation_date_fin_epreuves",
    "formation_duree_heures",
    "employeur_atteste_pieces_justificatives",
    "signature_fait_a",
}
ATTESTATIONS = {"employeur_atteste_eligibilite_maitre", "employeur_atteste_pieces_justificatives"}


def test_required_fields_are_those_of_the_specification():
    assert {field.id for field in FIELDS.values() if field.requirement == "Y"} == REQUIRED


@pytest.mark.parametrize("field_id", sorted(REQUIRED - ATTESTATIONS))
@pytest.mark.parametrize("empty", [None, "", "   "])
def test_an_empty_required_field_is_flagged_req_once(field_id, empty):
    result = minor(**{field_id: empty})

    assert result.rule_ids[field_id] == ["REQ"]
    expected = "Répondez par oui ou par non." if FIELDS[field_id].type == "bool" else "Ce champ est obligatoire."
    assert result.errors[field_id] == [expected]


def test_an_absent_required_field_is_flagged_like_an_empty_one():
    payload = minor_payload()
    del payload["apprenti_prenom"]

    assert validate(payload, today="2025-08-20").rule_ids == {"apprenti_prenom": ["REQ"]}


@pytest.mark.parametrize("field_id", sorted(ATTESTATIONS))
@pytest.mark.parametrize("value", [None, False, "non"])
def test_attestation_boxes_must_be_ticked(field_id, value):
    result = minor(**{field_id: value})

    assert result.rule_ids == {field_id: ["ATTEST"]}
    assert result.errors[field_id] == ["Cette attestation doit être cochée pour pouvoir déposer le contrat."]


@pytest.mark.parametrize(
    ("field_id", "value"),
    [
        ("mode_contractuel", "5"),
        ("employeur_prive_public", "privé"),
        ("employeur_type", "17"),
        ("employeur_specifique", "5"),
        ("apprenti_sexe", "X"),
        ("apprenti_departement_naissance", "20"),
        ("apprenti_departement_naissance", "2C"),
        ("apprenti_nationalite", "4"),
        ("apprenti_regime_social", "3"),
        ("apprenti_situation_avant_contrat", "13"),
        ("apprenti_dernier_diplome_prepare", "71"),  # legacy *12 code
        ("apprenti_derniere_classe", "1"),  # the code is "01"
        ("apprenti_diplome_plus_eleve", "61"),  # legacy
        ("maitre1_niveau_diplome", "2"),
        ("contrat_type", "24"),
        ("contrat_type_derogation", "13"),
        ("remuneration_1_1_base", "SMAG"),
        ("formation_diplome_vise_code", "74"),  # legacy
        ("contrat_derogation_horaire_mineur", "chantier"),
    ],
)
def test_a_code_outside_its_list_is_flagged_list(field_id, value):
    result = minor(**{field_id: value})

    assert result.rule_ids[field_id] == ["LIST"]
    assert result.errors[field_id][0].startswith("Valeur non reconnue : choisissez une valeur de la liste")


def test_codes_given_as_integers_are_read_as_strings():
    assert minor(mode_contractuel=1, apprenti_nationalite=1).is_valid


def test_the_retirement_fund_is_free_text():
    assert minor(contrat_caisse_retraite_complementaire="Caisse interne du groupe").is_valid


@pytest.mark.parametrize(
    ("field_id", "value", "rule_id"),
    [
        ("employeur_siret", "4412345640001", "FMT-SIRET"),
        ("employeur_siret", "4412345640001A", "FMT-SIRET"),
        ("employeur_siret", "44123456400018", "CHK-SIRET"),
        ("cfa_siret", "35600000009076", "CHK-SIRET"),
        ("apprenti_nir", "308033523811737", "FMT-NIR"),
        ("apprenti_nir", "10803352381173", "FMT-NIR"),
        ("apprenti_nir", "108033523811738", "CHK-NIR-KEY"),
        ("cfa_uai", "351234B", "FMT-UAI"),
        ("cfa_uai", "0351234A", "CHK-UAI"),
        ("employeur_adresse_code_postal", "3500", "FMT-CP"),
        ("employeur_adresse_code_postal", "35 000", "FMT-CP"),
        ("cfa_adresse_code_postal", "2A000", "FMT-CP"),
        ("employeur_code_naf", "4399", "FMT-NAF"),
        ("employeur_code_naf", "43.9C", "FMT-NAF"),
        ("employeur_code_idcc", "15970", "FMT-IDCC"),
        ("employeur_code_idcc", "BTP", "FMT-IDCC"),
        ("formation_code_rncp", "RNCP12", "FMT-RNCP"),
        ("formation_code_rncp", "RNCP123456", "FMT-RNCP"),
        ("formation_code_rncp", "RS5432", "FMT-RNCP"),
        ("formation_code_diplome", "5002321", "FMT-CFD"),
        ("formation_code_diplome", "500A3214", "FMT-CFD"),
        ("employeur_courriel", "contact@durand", "FMT-EMAIL"),
        ("apprenti_courriel", "lucas martin@example.fr", "FMT-EMAIL"),
        ("maitre1_courriel", "p" * 70 + "@example.fr", "FMT-EMAIL"),  # 81 characters
        ("employeur_telephone", "0299123456", "FMT-TEL"),
        ("employeur_telephone", "+330299123456", "FMT-TEL"),
        ("apprenti_telephone", "+3361234567", "FMT-TEL"),
        ("apprenti_telephone", "+33612345678 9", "FMT-TEL"),
        ("apprenti_nom_naissance", "Martin2", "FMT-NOM"),
        ("apprenti_prenom", "---", "FMT-NOM"),
        ("maitre1_nom_naissance", "D" * 81, "FMT-NOM"),
        ("representant_legal_prenom", "Sophie!", "FMT-NOM"),
        ("employeur_adresse_numero", "012", "FMT-NUMERO"),
        ("employeur_adresse_numero", "0", "FMT-NUMERO"),
        ("apprenti_adresse_numero", "123456", "FMT-NUMERO"),
        ("apprenti_adresse_numero", "12bis", "FMT-NUMERO"),
        ("employeur_adresse_indice_repetition", "BIS", "FMT-INDICE"),
        ("employeur_adresse_indice_repetition", "b", "FMT-INDICE"),
        ("employeur_effectif", -1, "FMT-EFFECTIF"),
        ("employeur_effectif", 10_000_000, "FMT-EFFECTIF"),
        ("employeur_effectif", "huit", "FMT-EFFECTIF"),
        ("employeur_effectif", 8.5, "FMT-EFFECTIF"),
        ("employeur_denomination", "x" * 81, "FMT-LONGUEUR"),
        ("apprenti_intitule_dernier_diplome", "x" * 256, "FMT-LONGUEUR"),
        ("contrat_date_fin", "2027-02-30", "FMT-DATE"),
        ("contrat_date_fin", "31/08/2027", "FMT-DATE"),
        ("apprenti_rqth", "peut-être", "FMT-BOOL"),
        ("contrat_salaire_brut_embauche", "720.725", "FMT-DECIMAL"),
        ("contrat_salaire_brut_embauche", "-1", "FMT-DECIMAL"),
        ("contrat_salaire_brut_embauche", "sept cents", "FMT-DECIMAL"),
        ("contrat_avantage_nourriture", "0", "FMT-DECIMAL"),
        ("contrat_avantage_logement", "10000.01", "FMT-DECIMAL"),
        ("remuneration_1_1_taux", "40.555", "FMT-DECIMAL"),
        ("contrat_smc_montant", "-5", "FMT-DECIMAL"),
        ("formation_duree_heures", 0, "FOR-HEURES"),
        ("formation_duree_heures", 10_000, "FOR-HEURES"),
        ("formation_duree_heures", "840,5", "FOR-HEURES"),
        ("formation_duree_heures_distance", -1, "FOR-DISTANCE"),
        ("contrat_duree_hebdo_heures", -1, "HEB-MAX40"),
        ("contrat_duree_hebdo_heures", "trente-cinq", "HEB-MAX40"),
        ("depot_organisme_siret", "12345678901234", "CHK-SIRET"),
        ("depot_numero", "2025-0001", "FMT-NUMPREC"),
    ],
)
def test_format_and_check_digit_errors(field_id, value, rule_id):
    result = minor(**{field_id: value})

    assert result.rule_ids[field_id] == [rule_id]
    assert len(result.errors[field_id]) == 1


@pytest.mark.parametrize(
    ("field_id", "value"),
    [
        ("employeur_siret", "441 234 564 00017"),
        ("cfa_siret", "35600000009075"),  # La Poste
        ("apprenti_nir", "1080335238117"),  # without key
        ("apprenti_nir", "1 08 03 35 238 117 37"),
        ("cfa_uai", "0351234b"),
        ("employeur_code_naf", "4399C"),
        ("employeur_code_naf", "43.99c"),
        ("employeur_code_idcc", "1597"),
        ("employeur_code_idcc", 1596),
        ("formation_code_rncp", "34862"),
        ("formation_code_rncp", "rncp34862"),
        ("formation_code_rncp", "RNCP123"),
        ("formation_code_diplome", "5002321A"),
        ("employeur_telephone", "+33 2 99 12 34 56"),
        ("employeur_telephone", "+262262123456"),  # La Réunion
        ("apprenti_nom_naissance", "N’Diaye"),
        ("apprenti_nom_naissance", "O'Neil"),
        ("apprenti_nom_naissance", "Le Gall-Kérouac"),
        ("apprenti_prenom", "Anaïs"),
        ("maitre1_nom_naissance", "D" * 80),
        ("employeur_adresse_numero", 12),
        ("employeur_adresse_numero", "99999"),
        ("employeur_adresse_indice_repetition", "T"),
        ("employeur_adresse_indice_repetition", None),
        ("employeur_effectif", 0),
        ("employeur_effectif", 9_999_999),
        ("employeur_effectif", "8"),
        ("employeur_denomination", "x" * 80),
        ("apprenti_intitule_dernier_diplome", "x" * 255),
        ("apprenti_rqth", "non"),
        ("contrat_salaire_brut_embauche", "720,72"),
        ("contrat_salaire_brut_embauche", 720.72),
        ("contrat_avantage_nourriture", "0.01"),
        ("contrat_avantage_logement", "10000"),
        ("formation_duree_heures", 9999),
        ("apprenti_nom_usage", None),
        ("depot_numero", "035202509NC0123"),
    ],
)
def test_valid_values_are_accepted(field_id, value):
    result = minor(**{field_id: value})

    assert field_id not in result.errors


@pytest.mark.parametrize(("minutes", "valid"), [(0, True), (59, True), (60, False), (-1, False), ("trente", False)])
def test_minutes_are_an_integer_between_0_and_59(minutes, valid):
    result = adult(contrat_duree_hebdo_minutes=minutes)

    assert ("contrat_duree_hebdo_minutes" not in result.errors) is valid
    if not valid:
        assert result.rule_ids["contrat_duree_hebdo_minutes"] == ["HEB-MINUTES"]


def test_the_lieu_uai_is_optional_but_checked_when_present():
    lieu = {
        "formation_cfa_est_lieu_principal": False,
        "lieu_formation_denomination": "Plateau technique de Bruz",
        "lieu_formation_siret": OTHER_SIRET,
        "lieu_formation_adresse_voie": "rue du Chantier",
        "lieu_formation_adresse_code_postal": "35170",
        "lieu_formation_adresse_commune": "Bruz",
    }

    assert minor(**lieu).is_valid
    assert minor(**lieu, lieu_formation_uai="0351234A").rule_ids == {"lieu_formation_uai": ["CHK-UAI"]}


def test_a_field_gets_one_field_level_error_only():
    # wrong length: FMT-SIRET, not also CHK-SIRET
    assert minor(employeur_siret="123").rule_ids["employeur_siret"] == ["FMT-SIRET"]


def test_values_of_the_wrong_type_are_refused():
    assert minor(apprenti_sexe=True).rule_ids == {"apprenti_sexe": ["LIST"]}
    assert minor(apprenti_nom_naissance=["Martin"]).rule_ids == {"apprenti_nom_naissance": ["FMT-TEXTE"]}
    assert minor(contrat_date_fin=20270831).rule_ids == {"contrat_date_fin": ["FMT-DATE"]}
    assert minor(employeur_effectif=True).rule_ids == {"employeur_effectif": ["FMT-EFFECTIF"]}
