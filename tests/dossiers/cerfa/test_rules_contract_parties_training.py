"""§5.8 TYPE-*, §5.9 MA-*, §5.10 EMP-*, §5.11 FOR-*, §5.12 signature, §2.8 back office, §5.13 referential hooks."""

import pytest

from dossiers.cerfa import Referentials, validate

from .payloads import OTHER_SIRET, TODAY, adult, assert_rule, minor, minor_payload

pytestmark = pytest.mark.no_database  # pure: no database

NUMPREC = "contrat_numero_precedent"
EFFET = "contrat_date_effet_avenant"
AVENANT_DATES = {"contrat_date_conclusion": "2025-10-15"}


@pytest.mark.parametrize(
    ("changes", "rule_id", "fields"),
    [
        # TYPE-NUM-PREC: every avenant type, 38 included
        *[
            ({"contrat_type": t, EFFET: "2025-10-15", **AVENANT_DATES}, "TYPE-NUM-PREC", {NUMPREC})
            for t in ("31", "32", "33", "34", "35", "36", "37", "38")
        ],
        ({"contrat_type": "38", EFFET: "2025-10-15", NUMPREC: "035202509000123"}, "TYPE-NUM-PREC", set()),
        ({"contrat_type": "22"}, "TYPE-NUM-PREC", set()),
        # TYPE-EFFET-AVENANT
        ({"contrat_type": "31", NUMPREC: "035202509000123", **AVENANT_DATES}, "TYPE-EFFET-AVENANT", {EFFET}),
        ({"contrat_type": "38", NUMPREC: "035202509000123", **AVENANT_DATES}, "TYPE-EFFET-AVENANT", {EFFET}),
        ({"contrat_type": "31", NUMPREC: "035202509000123", EFFET: "2025-10-15"}, "TYPE-EFFET-AVENANT", set()),
        ({"contrat_type": "21"}, "TYPE-EFFET-AVENANT", set()),
        # W-NUM-PREC-SUCCESSION
        ({"contrat_type": "21"}, "W-NUM-PREC-SUCCESSION", {NUMPREC}),
        ({"contrat_type": "23"}, "W-NUM-PREC-SUCCESSION", {NUMPREC}),
        ({"contrat_type": "23", NUMPREC: "035202406NC0042"}, "W-NUM-PREC-SUCCESSION", set()),
        # W-NUM-PREC-11: ignored fields of a first contract
        ({NUMPREC: "pas un numéro", EFFET: "2025-10-15"}, "W-NUM-PREC-11", {NUMPREC, EFFET}),
        ({}, "W-NUM-PREC-11", set()),
        # W-TYPE11-SITUATION
        ({"apprenti_situation_avant_contrat": "4"}, "W-TYPE11-SITUATION", {"contrat_type"}),
        ({"apprenti_situation_avant_contrat": "8"}, "W-TYPE11-SITUATION", {"contrat_type"}),
        ({"apprenti_situation_avant_contrat": "7"}, "W-TYPE11-SITUATION", set()),
        (
            {"apprenti_situation_avant_contrat": "4", "contrat_type": "22", NUMPREC: "035202406NC0042"},
            "W-TYPE11-SITUATION",
            set(),
        ),
        # W-MODE-SPECIFIQUE
        ({"mode_contractuel": "3"}, "W-MODE-SPECIFIQUE", {"employeur_specifique"}),
        ({"mode_contractuel": "3", "employeur_specifique": "1"}, "W-MODE-SPECIFIQUE", set()),
        ({"mode_contractuel": "4", "employeur_specifique": None}, "W-MODE-SPECIFIQUE", {"employeur_specifique"}),
        ({"mode_contractuel": "4", "employeur_specifique": "3"}, "W-MODE-SPECIFIQUE", set()),
        ({"mode_contractuel": "2"}, "W-MODE-SPECIFIQUE", set()),
    ],
)
def test_contract_type_rules(changes, rule_id, fields):
    assert_rule(minor(**changes), rule_id, fields)


def test_previous_contract_number_is_checked_for_a_succession_but_ignored_for_a_first_contract():
    assert minor(contrat_type="22", **{NUMPREC: "12345"}).rule_ids == {NUMPREC: ["FMT-NUMPREC"]}
    result = minor(**{NUMPREC: "12345"})
    assert result.is_valid
    assert result.warning_rule_ids[NUMPREC] == ["W-NUM-PREC-11"]


def test_a_complete_avenant_is_valid():
    result = minor(contrat_type="36", **{NUMPREC: "035202509000123", EFFET: "2025-10-15"}, **AVENANT_DATES)

    assert result.is_valid


MAITRE2 = {
    "maitre2_nom_naissance": "Durand",
    "maitre2_prenom": "Julie",
    "maitre2_date_naissance": "1980-11-23",
    "maitre2_courriel": "julie.durand@durand-maconnerie.fr",
    "maitre2_emploi_occupe": "Conductrice de travaux",
    "maitre2_diplome_intitule": "BTS Bâtiment",
    "maitre2_niveau_diplome": "5",
}


@pytest.mark.parametrize(
    ("changes", "rule_id", "fields"),
    [
        # MA-MAJEUR: 17 / exactly 18 at the start (01/09/2025)
        ({"maitre1_date_naissance": "2007-09-02"}, "MA-MAJEUR", {"maitre1_date_naissance"}),
        ({"maitre1_date_naissance": "2007-09-01"}, "MA-MAJEUR", set()),
        ({**MAITRE2, "maitre2_date_naissance": "2008-01-01"}, "MA-MAJEUR", {"maitre2_date_naissance"}),
        # MA2-INCOMPLET
        ({"maitre2_nom_naissance": "Durand"}, "MA2-INCOMPLET", {f for f in MAITRE2 if f != "maitre2_nom_naissance"}),
        ({**MAITRE2, "maitre2_niveau_diplome": None}, "MA2-INCOMPLET", {"maitre2_niveau_diplome"}),
        (MAITRE2, "MA2-INCOMPLET", set()),
        ({}, "MA2-INCOMPLET", set()),
        # W-MA-NIVEAU: CAP = level 3
        ({"maitre1_niveau_diplome": "0"}, "W-MA-NIVEAU", {"maitre1_niveau_diplome"}),
        ({"maitre1_niveau_diplome": "3"}, "W-MA-NIVEAU", set()),
        (
            {"formation_diplome_vise_code": "54", "formation_code_diplome": "32023214"},
            "W-MA-NIVEAU",
            {"maitre1_niveau_diplome"},
        ),
        (
            {**MAITRE2, "formation_diplome_vise_code": "54", "formation_code_diplome": "32023214"},
            "W-MA-NIVEAU",
            {"maitre1_niveau_diplome"},
        ),
        # W-MA-APPRENTI
        (
            {"maitre1_nom_naissance": "MARTIN", "maitre1_date_naissance": "2008-03-15"},
            "W-MA-APPRENTI",
            {"maitre1_nom_naissance"},
        ),
        ({"maitre1_nom_naissance": "Martin"}, "W-MA-APPRENTI", set()),
    ],
)
def test_maitre_rules(changes, rule_id, fields):
    assert_rule(minor(**changes), rule_id, fields)


def test_a_second_maitre_is_optional_and_valid_when_complete():
    assert minor(**MAITRE2).is_valid


@pytest.mark.parametrize(
    ("changes", "rule_id", "fields"),
    [
        # EMP-TYPE-COHERENCE
        ({"employeur_type": "22"}, "EMP-TYPE-COHERENCE", {"employeur_type"}),
        ({"employeur_type": "30"}, "EMP-TYPE-COHERENCE", {"employeur_type"}),
        ({"employeur_prive_public": "public"}, "EMP-TYPE-COHERENCE", {"employeur_type"}),
        ({"employeur_prive_public": "public", "employeur_type": "22"}, "EMP-TYPE-COHERENCE", set()),
        ({"employeur_type": "16"}, "EMP-TYPE-COHERENCE", set()),
        # EMP-PUBLIC-SCOPE: 21-29 go to the DDETS, 30 (EPIC) stays
        *[
            ({"employeur_prive_public": "public", "employeur_type": t}, "EMP-PUBLIC-SCOPE", {"employeur_type"})
            for t in ("21", "25", "29")
        ],
        ({"employeur_prive_public": "public", "employeur_type": "30"}, "EMP-PUBLIC-SCOPE", set()),
        # W-IDCC-OPCO
        ({"employeur_code_idcc": "1486"}, "W-IDCC-OPCO", {"employeur_code_idcc"}),
        ({"employeur_code_idcc": "9999"}, "W-IDCC-OPCO", set()),
        ({"employeur_code_idcc": "9998"}, "W-IDCC-OPCO", set()),
        ({"employeur_code_idcc": "3216"}, "W-IDCC-OPCO", set()),
        # W-RAC-PRIVE
        (
            {"employeur_regime_assurance_chomage_public": True},
            "W-RAC-PRIVE",
            {"employeur_regime_assurance_chomage_public"},
        ),
        ({"employeur_regime_assurance_chomage_public": False}, "W-RAC-PRIVE", set()),
        (
            {
                "employeur_prive_public": "public",
                "employeur_type": "30",
                "employeur_regime_assurance_chomage_public": True,
            },
            "W-RAC-PRIVE",
            set(),
        ),
    ],
)
def test_employer_rules(changes, rule_id, fields):
    assert_rule(minor(**changes), rule_id, fields)


def test_an_epic_is_a_valid_public_employer():
    result = minor(employeur_prive_public="public", employeur_type="30", employeur_regime_assurance_chomage_public=True)

    assert result.is_valid


LIEU = {
    "formation_cfa_est_lieu_principal": False,
    "lieu_formation_denomination": "Plateau technique de Bruz",
    "lieu_formation_siret": OTHER_SIRET,
    "lieu_formation_adresse_voie": "rue du Chantier",
    "lieu_formation_adresse_code_postal": "35170",
    "lieu_formation_adresse_commune": "Bruz",
}


@pytest.mark.parametrize(
    ("changes", "rule_id", "fields"),
    [
        # FOR-DISTANCE
        ({"formation_duree_heures_distance": 841}, "FOR-DISTANCE", {"formation_duree_heures_distance"}),
        ({"formation_duree_heures_distance": 840}, "FOR-DISTANCE", set()),
        ({"formation_duree_heures_distance": None}, "FOR-DISTANCE", set()),
        # FOR-LIEU-REQ
        (
            {"formation_cfa_est_lieu_principal": False},
            "FOR-LIEU-REQ",
            {
                "lieu_formation_denomination",
                "lieu_formation_siret",
                "lieu_formation_adresse_voie",
                "lieu_formation_adresse_code_postal",
                "lieu_formation_adresse_commune",
            },
        ),
        ({**LIEU, "lieu_formation_siret": None}, "FOR-LIEU-REQ", {"lieu_formation_siret"}),
        (LIEU, "FOR-LIEU-REQ", set()),
        # W-QUOTITE-25: 24 months → 0,25 × 1 607 × 24 / 12 = 803,5 h
        ({"formation_duree_heures": 803}, "W-QUOTITE-25", {"formation_duree_heures"}),
        ({"formation_duree_heures": 804}, "W-QUOTITE-25", set()),
        # 25 months (end 01/09/2027 is one day into the 25th month) → 836,98 h
        ({"contrat_date_fin": "2027-09-01", "formation_duree_heures": 836}, "W-QUOTITE-25", {"formation_duree_heures"}),
        ({"contrat_date_fin": "2027-09-01", "formation_duree_heures": 837}, "W-QUOTITE-25", set()),
        # W-DIPLOME-PREFIX: CFD 500… → CAP (33)
        ({"formation_code_diplome": "40023214"}, "W-DIPLOME-PREFIX", {"formation_diplome_vise_code"}),
        ({"formation_code_diplome": "99923214"}, "W-DIPLOME-PREFIX", set()),  # unknown prefix: no opinion
        ({"formation_diplome_vise_code": "76", "formation_code_diplome": "16523214"}, "W-DIPLOME-PREFIX", set()),
        ({"formation_diplome_vise_code": "75", "formation_code_diplome": "17023214"}, "W-DIPLOME-PREFIX", set()),
        ({"formation_diplome_vise_code": "73", "formation_code_diplome": "13523214"}, "W-DIPLOME-PREFIX", set()),
        # SIG
        ({"signature_fait_a": None}, "REQ", {"signature_fait_a"}),
        ({"employeur_atteste_pieces_justificatives": False}, "ATTEST", {"employeur_atteste_pieces_justificatives"}),
        # back office (§2.8)
        (
            {"depot_date_reception": "2025-09-03", "depot_date_decision": "2025-09-02"},
            "DEPOT-DECISION",
            {"depot_date_decision"},
        ),
        ({"depot_date_reception": "2025-09-03", "depot_date_decision": "2025-09-03"}, "DEPOT-DECISION", set()),
        (
            {"depot_date_reception": "2025-09-03", "depot_date_decision": "2025-09-24"},
            "W-DEPOT-DECISION-20J",
            {"depot_date_decision"},
        ),
        ({"depot_date_reception": "2025-09-03", "depot_date_decision": "2025-09-23"}, "W-DEPOT-DECISION-20J", set()),
    ],
)
def test_training_and_signature_rules(changes, rule_id, fields):
    assert_rule(minor(**changes), rule_id, fields)


def test_the_main_training_place_is_not_checked_when_it_is_the_cfa():
    result = minor(lieu_formation_siret="123", lieu_formation_denomination=None)

    assert result.is_valid
    assert result.data["lieu_formation_siret"] == "35123456200020"  # copied from the CFA


# §5.13 — referential look-ups, passed in by the caller


def referential_check(**hooks):
    return validate(minor_payload(), today=TODAY, referentials=Referentials(**hooks))


@pytest.mark.parametrize(
    ("hooks", "rule_id", "fields"),
    [
        ({"siret_active": lambda siret: False}, "EMP-SIRET-ACTIF", {"employeur_siret"}),
        ({"siret_active": lambda siret: True}, "EMP-SIRET-ACTIF", set()),
        ({"siret_active": lambda siret: None}, "EMP-SIRET-ACTIF", set()),  # could not tell
        ({"idcc_status": lambda idcc: "inconnu"}, "EMP-IDCC-INCONNU", {"employeur_code_idcc"}),
        ({"idcc_status": lambda idcc: "en_vigueur"}, "EMP-IDCC-INCONNU", set()),
        ({"idcc_status": lambda idcc: "abroge"}, "W-IDCC-VIGUEUR", {"employeur_code_idcc"}),
        ({"idcc_status": lambda idcc: "en_vigueur"}, "W-IDCC-VIGUEUR", set()),
        ({"rncp_status": lambda code: "inactive"}, "FOR-RNCP-ACTIF", {"formation_code_rncp"}),
        ({"rncp_status": lambda code: "inconnu"}, "FOR-RNCP-ACTIF", {"formation_code_rncp"}),
        ({"rncp_status": lambda code: "active"}, "FOR-RNCP-ACTIF", set()),
        ({"cfd_rncp_linked": lambda cfd, rncp: False}, "W-CFD-RNCP", {"formation_code_diplome"}),
        ({"cfd_rncp_linked": lambda cfd, rncp: True}, "W-CFD-RNCP", set()),
        ({"legal_form": lambda siret: "5710"}, "W-TYPE-SUGGESTION", {"employeur_type"}),  # SAS → 12
        ({"legal_form": lambda siret: "1000"}, "W-TYPE-SUGGESTION", set()),  # no suggestion known
        ({"maitre_active_contracts": lambda nom, prenom, naissance: 2}, "W-MA-CHARGE", {"maitre1_nom_naissance"}),
        ({"maitre_active_contracts": lambda nom, prenom, naissance: 1}, "W-MA-CHARGE", set()),
    ],
)
def test_referential_hooks(hooks, rule_id, fields):
    assert_rule(referential_check(**hooks), rule_id, fields)


def test_hooks_receive_the_normalised_values():
    seen = []

    def idcc_status(idcc):
        seen.append(idcc)
        return "en_vigueur"

    validate(
        {**minor_payload(), "employeur_code_idcc": "43"},
        today=TODAY,
        referentials=Referentials(idcc_status=idcc_status),
    )

    assert seen == ["0043", "0043"]


def test_special_idcc_codes_are_never_looked_up():
    def fail(idcc):
        raise AssertionError(idcc)

    assert validate(
        {**minor_payload(), "employeur_code_idcc": "9999"}, today=TODAY, referentials=Referentials(idcc_status=fail)
    ).is_valid


def test_without_referentials_the_lookups_are_skipped():
    assert adult().is_valid


def test_a_diploma_not_found_is_recorded_as_99_and_its_structure_is_not_checked():
    result = validate(
        {**minor_payload(), "formation_code_diplome": "99"},
        today=TODAY,
        referentials=Referentials(cfd_rncp_linked=lambda cfd, rncp: False),
    )

    assert result.is_valid
    assert "formation_code_diplome" not in result.warnings
    assert "formation_diplome_vise_code" not in result.warnings


@pytest.mark.parametrize("code", ["9", "999", "099"])
def test_only_the_exact_not_found_code_stands_in_for_a_diploma_code(code):
    result = minor(formation_code_diplome=code)

    assert result.rule_ids["formation_code_diplome"] == ["FMT-CFD"]
