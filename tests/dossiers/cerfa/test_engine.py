"""The complete payloads, the evaluation order and flagging conventions of §6, and the result object."""

from datetime import date

import pytest
import time_machine

from dossiers.cerfa import FIELDS, RULE_IDS, SECTIONS, ValidationResult, fields_in, validate

from .payloads import TODAY, adult, adult_payload, minor, minor_payload

pytestmark = pytest.mark.no_database  # pure: no database


def test_the_complete_minor_contract_is_valid():
    result = validate(minor_payload(), today=TODAY)

    assert result.is_valid and result.valid
    assert result.errors == {}
    # the representative must also sign the printed contract: a reminder, not a blocker
    assert result.warning_rule_ids == {"signature_fait_a": ["W-REP-SIGNATURE"]}


def test_the_complete_adult_contract_is_valid_without_warnings():
    result = validate(adult_payload(), today=TODAY)

    assert result.errors == {}
    assert result.warnings == {}


def test_the_government_tool_style_payload_with_legal_floors_only_warns():
    # §6: the reference employer applies IDCC 1597 with rows at the legal minimum → W-BTP-GRID, never an error
    result = minor(
        employeur_code_idcc="1597",
        employeur_effectif=25,
        remuneration_1_1_taux="27",
        remuneration_1_2_taux="43",
        remuneration_2_1_taux="51",
        contrat_salaire_brut_embauche="486.49",
        contrat_travail_risque=True,
    )

    assert result.is_valid
    assert {rule for ids in result.warning_rule_ids.values() for rule in ids} == {
        "W-BTP-GRID",
        "W-RISQUE-MINEUR",
        "W-REP-SIGNATURE",
    }


def test_an_unparseable_input_is_reported_once_and_skips_the_rules_that_need_it():
    result = minor(contrat_date_debut_execution="2025-13-01")

    assert result.rule_ids == {"contrat_date_debut_execution": ["FMT-DATE"]}


def test_an_empty_input_skips_the_cross_field_rules():
    result = minor(apprenti_date_naissance=None)

    # no age, minor, NIR or remuneration rule can run without the birth date
    assert result.rule_ids == {"apprenti_date_naissance": ["REQ"]}


def test_a_field_may_carry_several_rules_one_message_each():
    result = minor(formation_date_fin_epreuves="2025-08-31")

    assert result.rule_ids["formation_date_fin_epreuves"] == [
        "DATE-EPREUVES-DEBUT",
        "DATE-FORMATION-ORDER",
    ]
    assert len(result.errors["formation_date_fin_epreuves"]) == 2


def test_rules_firing_on_several_fields_are_aggregated_per_field():
    result = minor(contrat_date_fin="2025-09-01")

    assert result.flagged_fields == {"contrat_date_fin", "formation_date_fin_epreuves"}
    assert result.rule_ids == {
        "contrat_date_fin": ["DATE-FIN-DEBUT"],
        "formation_date_fin_epreuves": ["DATE-EPREUVES-FIN"],
    }


def test_warnings_never_change_validity():
    result = minor(contrat_travail_risque=True, employeur_code_idcc="1486", contrat_avantage_nourriture="4.50")

    assert result.is_valid
    assert result.warnings


def test_field_rules_run_before_cross_field_rules():
    # the 1st-year rate is unparseable: FMT-DECIMAL, and no REM-MIN / REM-SALAIRE on top
    result = minor(remuneration_1_1_taux="quarante")

    assert result.rule_ids == {"remuneration_1_1_taux": ["FMT-DECIMAL"]}


def test_an_invalid_code_is_unparseable_for_the_cross_field_rules():
    # dérogation "13" is not in the list: LIST only (AGE-15-DEROG would also flag the field otherwise)
    result = minor(apprenti_date_naissance="2010-09-01", contrat_type_derogation="13")

    assert result.rule_ids["contrat_type_derogation"] == ["LIST"]


@pytest.mark.parametrize(
    ("changes", "flagged"),
    [
        # 14 at the start; the NIR (born 03/2008) no longer matches the birth date either
        (
            {"apprenti_date_naissance": "2010-09-02", "contrat_type_derogation": "11"},
            {"apprenti_date_naissance", "apprenti_nir"},
        ),
        (
            {"apprenti_date_naissance": "2010-09-02", "contrat_type_derogation": "11", "apprenti_nir": None},
            {"apprenti_date_naissance"},
        ),
        (
            {"employeur_siret": "44123456400018", "cfa_uai": "0351234C"},
            {"employeur_siret", "cfa_uai"},
        ),
        ({"apprenti_sexe": "F"}, {"apprenti_nir"}),
        ({"contrat_date_debut_formation_pratique": "2025-12-02"}, {"contrat_date_debut_formation_pratique"}),
        ({"employeur_prive_public": "public", "employeur_type": "22"}, {"employeur_type"}),
        ({"contrat_duree_hebdo_heures": 38}, {"contrat_duree_hebdo_heures"}),
        ({"remuneration_1_1_taux": "26"}, {"remuneration_1_1_taux"}),  # the salary is above 26 % anyway
    ],
)
def test_flagged_fields_of_typical_mistakes(changes, flagged):
    assert minor(**changes).flagged_fields == flagged


def test_today_defaults_to_the_current_date():
    with time_machine.travel(date(2027, 9, 1)):
        result = validate(minor_payload())

    assert result.rule_ids["contrat_date_fin"] == ["DATE-FIN-PASSEE"]


def test_today_may_be_given_as_an_iso_string():
    assert validate(minor_payload(), today="2027-09-01").rule_ids == {"contrat_date_fin": ["DATE-FIN-PASSEE"]}


def test_an_empty_payload_reports_every_required_field_and_nothing_else():
    result = validate({}, today=TODAY)

    required = {f.id for f in FIELDS.values() if f.requirement == "Y"}
    assert result.flagged_fields == required
    assert {rule for ids in result.rule_ids.values() for rule in ids} == {"REQ", "ATTEST"}


def test_result_helpers():
    result = minor(contrat_date_debut_formation_pratique="2025-08-31", contrat_travail_risque=True)

    assert result.fired("DATE-PRATIQUE-DEBUT") and not result.fired("AGE-MIN15")
    assert result.fields_for("W-RISQUE-MINEUR") == {"contrat_travail_risque"}
    step = result.for_fields(["contrat_travail_risque"])
    assert isinstance(step, ValidationResult)
    assert step.is_valid and step.warnings == {"contrat_travail_risque": result.warnings["contrat_travail_risque"]}
    assert not result.for_fields(["contrat_date_debut_formation_pratique"]).is_valid


def test_rule_ids_are_unique_and_cover_section_5():
    # every rule id of §5 that is evaluated by the engine itself (REQ / ATTEST / LIST / FMT / CHK are field rules)
    spec_rules = {
        "AGE-MIN15", "AGE-15-DEROG", "AGE-DEROG11-INVALID", "AGE-DEROG12-INVALID", "AGE-MAX29", "AGE-MAX35",
        "AGE-TYPE11-OVER30", "DATE-NAISS-FUTURE", "W-ABOVE29-DEROG12", "AGE-15-COLLEGE", "W-EQUIV-AGE",
        "W-PRECEDENT-1AN", "MIN-DECL", "MIN-REP", "MIN-REP-ADRESSE", "W-REP-MAJEUR", "W-ASE-18", "NIR-SEXE",
        "NIR-ANNEE", "NIR-MOIS", "NIR-DEPT", "DATE-FIN-DEBUT", "DATE-CONCL-DEBUT", "DATE-PRATIQUE-DEBUT",
        "DATE-PRATIQUE-3M", "DATE-PRATIQUE-CONCL", "DATE-PRATIQUE-FIN", "DATE-CFA-3M", "W-CFA-PRATIQUE-3M",
        "W-CFA-AVANT-CONCLUSION", "DATE-EPREUVES-FIN", "DATE-EPREUVES-DEBUT", "DATE-FORMATION-ORDER",
        "DATE-FORMATION-DUREE", "DATE-FIN-EPREUVES-3M", "W-FIN-2M", "DATE-AVENANT-RANGE", "DATE-FIN-PASSEE",
        "W-DEPOT-5J", "DUR-MIN6", "DUR-MAX-ABS", "DUR-MAX-3Y", "W-DUR-4Y", "W-DUREE-CYCLE", "HEB-MAX40",
        "HEB-MINEUR", "W-HEB-35", "W-RISQUE-MINEUR", "REM-REQ", "REM-STRUCT", "REM-MIN", "REM-SMC", "REQ-SMC",
        "REM-SMC-INF", "REM-SALAIRE", "W-BTP-GRID", "W-SUCCESSION-REMU", "W-AVENANT33-REMU", "W-DUREE-REDUITE-REMU",
        "W-AVANTAGES", "TYPE-NUM-PREC", "TYPE-EFFET-AVENANT", "W-NUM-PREC-SUCCESSION", "W-NUM-PREC-11",
        "W-TYPE11-SITUATION", "W-MODE-SPECIFIQUE", "MA-MAJEUR", "MA2-INCOMPLET", "W-MA-NIVEAU", "W-MA-CHARGE",
        "W-MA-APPRENTI", "EMP-TYPE-COHERENCE", "EMP-PUBLIC-SCOPE", "EMP-IDCC-INCONNU", "W-IDCC-VIGUEUR",
        "W-IDCC-OPCO", "W-RAC-PRIVE", "EMP-SIRET-ACTIF", "W-TYPE-SUGGESTION", "FOR-DISTANCE", "FOR-LIEU-REQ",
        "W-QUOTITE-25", "FOR-RNCP-ACTIF", "W-DIPLOME-PREFIX", "W-CFD-RNCP", "W-REP-SIGNATURE",
    }  # fmt: skip

    assert len(set(RULE_IDS)) == len(RULE_IDS)
    assert spec_rules <= set(RULE_IDS)
    # beyond §5: COM départements (§3.12) and the back-office decision date (§2.8)
    assert set(RULE_IDS) - spec_rules == {"W-DEPT-COM", "DEPOT-DECISION", "W-DEPOT-DECISION-20J"}


def test_fields_metadata():
    assert set(SECTIONS) == {field.section for field in FIELDS.values()}
    assert [f.id for f in fields_in("entete")] == ["mode_contractuel"]
    assert FIELDS["employeur_siret"].format == "siret"
    assert FIELDS["contrat_type"].codes == "contrat_type"
    assert FIELDS["remuneration_4_2_base"].label == "Rémunération 4e année, période 2 : base (SMIC ou SMC)"
    remuneration = [f.id for f in fields_in("remuneration")]
    assert len(remuneration) == 4 * 2 * 4
    assert remuneration[:4] == [
        "remuneration_1_1_du",
        "remuneration_1_1_au",
        "remuneration_1_1_taux",
        "remuneration_1_1_base",
    ]
    assert all(f.max_length for f in FIELDS.values() if f.type == "text" and not f.format and f.requirement != "D")
    assert adult().data["apprenti_mineur"] is False
