"""§5.6 HEB-*, §5.7 REM-*. SMIC on 01/09/2025: 1 801,80 € (Mayotte 1 361,97 €); 2026: 1 823,03 €.

Minor (born 15/03/2008): legal minimum 27 % until 31/03/2026, 43 % from 01/04/2026 (18-20 band), 51 % in year 2.
Adult (born 10/01/2003, 21-25 band): legal 53 % then 61 %; 26 on 10/01/2029 → 100 % from 01/02/2029.
"""

import pytest

from .payloads import adult, assert_rule, minor, rows

pytestmark = pytest.mark.no_database  # pure: no database

HOURS = "contrat_duree_hebdo_heures"
MINUTES = "contrat_duree_hebdo_minutes"
SALAIRE = "contrat_salaire_brut_embauche"
SMC = "contrat_smc_montant"


def r(key: str, part: str) -> str:
    return f"remuneration_{key}_{part}"


MINOR_LEGAL = rows(
    ("1_1", "2025-09-01", "2026-03-31", "27", "SMIC"),
    ("1_2", "2026-04-01", "2026-08-31", "43", "SMIC"),
    ("2_1", "2026-09-01", "2027-08-31", "51", "SMIC"),
)
# RQTH adult over 4½ years: years 1-3 in the 21-25 band, year 4 split at 01/02/2029 (26 on 10/01/2029); the 4th
# year is the extra year of a disabled apprentice: 3rd-year rate + 15 points (78 + 15 = 93 %), 100 % from 26
ADULT_LONG = {
    "apprenti_rqth": True,
    "contrat_date_fin": "2030-02-28",
    **rows(
        ("1_1", "2025-09-01", "2026-08-31", "53", "SMIC"),
        ("2_1", "2026-09-01", "2027-08-31", "61", "SMIC"),
        ("3_1", "2027-09-01", "2028-08-31", "78", "SMIC"),
        ("4_1", "2028-09-01", "2029-01-31", "93", "SMIC"),
        ("4_2", "2029-02-01", "2030-02-28", "100", "SMIC"),
    ),
}
EMPTY_4_1 = {r("4_1", part): None for part in ("du", "au", "taux", "base")}
UNDER_16 = {
    "apprenti_date_naissance": "2010-09-01",
    "contrat_type_derogation": "11",
    **rows(("1_1", "2025-09-01", "2026-08-31", "27", "SMIC"), ("2_1", "2026-09-01", "2027-08-31", "39", "SMIC")),
    SALAIRE: "486.49",
}


@pytest.mark.parametrize(
    ("base", "changes", "rule_id", "fields"),
    [
        # HEB-MAX40
        ("adult", {HOURS: 40, MINUTES: 30}, "HEB-MAX40", {HOURS}),
        ("adult", {HOURS: 40, MINUTES: 0}, "HEB-MAX40", set()),
        ("adult", {HOURS: 41}, "HEB-MAX40", {HOURS}),
        # HEB-MINEUR
        ("minor", {HOURS: 35, MINUTES: 1}, "HEB-MINEUR", {HOURS}),
        ("minor", {HOURS: 35, MINUTES: 0}, "HEB-MINEUR", set()),
        ("minor", {HOURS: 38}, "HEB-MINEUR", {HOURS}),
        ("minor", {HOURS: 38, "contrat_derogation_horaire_mineur": "aucune"}, "HEB-MINEUR", {HOURS}),
        ("minor", {HOURS: 38, "contrat_derogation_horaire_mineur": "chantier_btp_paysage"}, "HEB-MINEUR", set()),
        ("minor", {HOURS: 40, "contrat_derogation_horaire_mineur": "inspection_travail"}, "HEB-MINEUR", set()),
        ("adult", {HOURS: 38}, "HEB-MINEUR", set()),
        # W-HEB-35
        ("adult", {HOURS: 37}, "W-HEB-35", {HOURS}),
        ("adult", {HOURS: 35}, "W-HEB-35", set()),
        ("minor", {HOURS: 37, "contrat_derogation_horaire_mineur": "chantier_btp_paysage"}, "W-HEB-35", set()),
        # W-RISQUE-MINEUR
        ("minor", {"contrat_travail_risque": True}, "W-RISQUE-MINEUR", {"contrat_travail_risque"}),
        ("adult", {"contrat_travail_risque": True}, "W-RISQUE-MINEUR", set()),
    ],
)
def test_weekly_time_rules(base, changes, rule_id, fields):
    assert_rule((minor if base == "minor" else adult)(**changes), rule_id, fields)


@pytest.mark.parametrize(
    ("changes", "rule_id", "fields"),
    [
        # REM-REQ: a partially filled row (row 1_1 is reported by REQ)
        ({r("3_1", "du"): "2027-09-01"}, "REM-REQ", {r("3_1", "au"), r("3_1", "taux"), r("3_1", "base")}),
        ({r("1_2", "base"): None}, "REM-REQ", {r("1_2", "base")}),
        ({r("1_1", "base"): None}, "REM-REQ", set()),
        # REM-STRUCT
        ({r("1_1", "du"): "2025-09-02"}, "REM-STRUCT", {r("1_1", "du")}),
        ({r("1_2", "du"): "2026-04-02"}, "REM-STRUCT", {r("1_2", "du")}),
        ({**rows(("1_1", "2025-09-01", "2027-08-31", "60", "SMIC"))}, "REM-STRUCT", {r("1_1", "au"), r("2_1", "du")}),
        ({r("2_1", p): None for p in ("du", "au", "taux", "base")}, "REM-STRUCT", {r("2_1", "du"), r("1_2", "au")}),
        ({r("1_2", "au"): "2026-08-30", r("2_1", "du"): "2026-08-31"}, "REM-STRUCT", {r("2_1", "du")}),
        ({r("1_2", "au"): "2026-03-31"}, "REM-STRUCT", {r("1_2", "au"), r("2_1", "du")}),
        ({r("2_1", "au"): "2027-08-30"}, "REM-STRUCT", {r("2_1", "au")}),
        (MINOR_LEGAL, "REM-STRUCT", set()),
        # REM-MIN
        ({**MINOR_LEGAL, r("1_1", "taux"): "26.99"}, "REM-MIN", {r("1_1", "taux")}),
        ({**MINOR_LEGAL, r("1_2", "taux"): "42.99"}, "REM-MIN", {r("1_2", "taux")}),
        ({**MINOR_LEGAL, r("2_1", "taux"): "50.99"}, "REM-MIN", {r("2_1", "taux")}),
        (MINOR_LEGAL, "REM-MIN", set()),
        # a period running one month into the 18-20 band needs its rate
        (
            {r("1_1", "au"): "2026-04-30", r("1_2", "du"): "2026-05-01", r("1_1", "taux"): "42"},
            "REM-MIN",
            {r("1_1", "taux")},
        ),
        ({r("1_1", "au"): "2026-04-30", r("1_2", "du"): "2026-05-01", r("1_1", "taux"): "43"}, "REM-MIN", set()),
        (UNDER_16, "REM-MIN", set()),  # under 16: paid as 16-17
        ({**UNDER_16, r("2_1", "taux"): "38"}, "REM-MIN", {r("2_1", "taux")}),
        # REM-SALAIRE: 40 % × 1 801,80 € = 720,72 €, one cent of tolerance
        ({SALAIRE: "720.70"}, "REM-SALAIRE", {SALAIRE}),
        ({SALAIRE: "720.71"}, "REM-SALAIRE", set()),
        ({SALAIRE: "720.72"}, "REM-SALAIRE", set()),
        # legal floor 27 %: 486,486 € → 486,49 € rounded up
        ({**MINOR_LEGAL, SALAIRE: "486.47"}, "REM-SALAIRE", {SALAIRE}),
        ({**MINOR_LEGAL, SALAIRE: "486.48"}, "REM-SALAIRE", set()),
        ({**MINOR_LEGAL, SALAIRE: "486.49"}, "REM-SALAIRE", set()),
        # Mayotte: 40 % × 1 361,97 € = 544,788 €
        ({"employeur_adresse_code_postal": "97600", SALAIRE: "544.77"}, "REM-SALAIRE", {SALAIRE}),
        ({"employeur_adresse_code_postal": "97600", SALAIRE: "544.78"}, "REM-SALAIRE", set()),
        # start in 2026: 40 % × 1 823,03 € = 729,212 €
        ({"contrat_date_debut_execution": "2026-01-05", SALAIRE: "729.20"}, "REM-SALAIRE", {SALAIRE}),
        ({"contrat_date_debut_execution": "2026-01-05", SALAIRE: "729.21"}, "REM-SALAIRE", set()),
        # W-BTP-GRID: IDCC 1596 with the legal floors (BTP: 40 %, 50 %, 60 %)
        (MINOR_LEGAL, "W-BTP-GRID", {r("1_1", "taux"), r("1_2", "taux"), r("2_1", "taux")}),
        ({r("1_1", "taux"): "39.99"}, "W-BTP-GRID", {r("1_1", "taux")}),
        ({}, "W-BTP-GRID", set()),
        ({**MINOR_LEGAL, "employeur_code_idcc": "9999"}, "W-BTP-GRID", set()),
        ({**MINOR_LEGAL, "employeur_code_idcc": "1947"}, "W-BTP-GRID", set()),
        ({**MINOR_LEGAL, r("1_1", "taux"): "26"}, "W-BTP-GRID", {r("1_2", "taux"), r("2_1", "taux")}),
        # W-SUCCESSION-REMU
        ({"contrat_type": "22", "contrat_precedent_dernier_taux": "45"}, "W-SUCCESSION-REMU", {r("1_1", "taux")}),
        ({"contrat_type": "22", "contrat_precedent_dernier_taux": "40"}, "W-SUCCESSION-REMU", set()),
        ({"contrat_precedent_dernier_taux": "45"}, "W-SUCCESSION-REMU", set()),
        # W-AVANTAGES
        ({"contrat_avantage_nourriture": "4.50"}, "W-AVANTAGES", {"contrat_avantage_nourriture"}),
        ({"contrat_avantage_logement": "150"}, "W-AVANTAGES", {"contrat_avantage_logement"}),
        ({}, "W-AVANTAGES", set()),
        # W-DUREE-REDUITE-REMU
        ({"contrat_type_derogation": "21"}, "W-DUREE-REDUITE-REMU", {r("1_1", "taux")}),
        ({"contrat_type_derogation": "50"}, "W-DUREE-REDUITE-REMU", {r("1_1", "taux")}),
        ({"contrat_type_derogation": "22"}, "W-DUREE-REDUITE-REMU", set()),
    ],
)
def test_minor_remuneration_rules(changes, rule_id, fields):
    assert_rule(minor(**changes), rule_id, fields)


AVENANT_33 = {
    "contrat_type": "33",
    "contrat_numero_precedent": "035202509000123",
    "contrat_date_conclusion": "2025-10-15",
    "contrat_date_effet_avenant": "2025-10-15",
}


@pytest.mark.parametrize(
    ("changes", "rule_id", "fields"),
    [
        (AVENANT_33, "W-AVENANT33-REMU", {r("1_1", "taux")}),
        ({**AVENANT_33, "contrat_precedent_dernier_taux": "40"}, "W-AVENANT33-REMU", set()),
        ({**AVENANT_33, "contrat_precedent_dernier_taux": "41"}, "W-AVENANT33-REMU", {r("1_1", "taux")}),
        ({}, "W-AVENANT33-REMU", set()),
    ],
)
def test_avenant_33_reminder(changes, rule_id, fields):
    assert_rule(minor(**changes), rule_id, fields)


@pytest.mark.parametrize(
    ("changes", "rule_id", "fields"),
    [
        # REM-STRUCT / REM-MIN over four years: the 4th year runs to the end, 100 % from 26
        (ADULT_LONG, "REM-STRUCT", set()),
        (ADULT_LONG, "REM-MIN", set()),
        ({**ADULT_LONG, r("3_1", "taux"): "77.99"}, "REM-MIN", {r("3_1", "taux")}),
        ({**ADULT_LONG, r("4_1", "taux"): "92.99"}, "REM-MIN", {r("4_1", "taux")}),
        ({**ADULT_LONG, r("4_2", "taux"): "99.99"}, "REM-MIN", {r("4_2", "taux")}),
        ({**ADULT_LONG, r("4_1", "au"): "2029-02-01", r("4_2", "du"): "2029-02-02"}, "REM-MIN", {r("4_1", "taux")}),
        ({**ADULT_LONG, r("3_1", "au"): "2028-09-30", r("4_1", "du"): "2028-10-01"}, "REM-STRUCT", {r("3_1", "au")}),
        # a single row for the 4th year (period 2 only) still tiles the contract
        ({**ADULT_LONG, **EMPTY_4_1, r("4_2", "du"): "2028-09-01"}, "REM-STRUCT", set()),
        # REM-SMC: SMC 2 000 € > SMIC 1 801,80 €: 55 % × SMIC = 990,99 € < 53 % × SMC = 1 060 €
        ({SMC: "2000.00"}, "REM-SMC", {r("1_1", "base"), r("2_1", "base")}),
        ({SMC: "2000.00", r("1_1", "base"): "SMC", r("2_1", "base"): "SMC"}, "REM-SMC", set()),
        ({SMC: "1801.80"}, "REM-SMC", set()),  # not above the SMIC
        ({SMC: "1801.81"}, "REM-SMC", set()),  # 55 % × 1 801,80 > 53 % × 1 801,81
        # boundary: 106 % × 1 801,80 = 53 % × 3 603,60 and 122 % × 1 801,80 = 61 % × 3 603,60
        ({SMC: "3603.60", r("1_1", "taux"): "106", r("2_1", "taux"): "122"}, "REM-SMC", set()),
        ({SMC: "3603.60", r("1_1", "taux"): "105.99", r("2_1", "taux"): "122"}, "REM-SMC", {r("1_1", "base")}),
        # only once REM-MIN passed for the row
        ({SMC: "2000.00", r("1_1", "taux"): "52"}, "REM-SMC", {r("2_1", "base")}),
        ({SMC: "2000.00", r("1_1", "taux"): "52"}, "REM-MIN", {r("1_1", "taux")}),
        # REQ-SMC
        ({SMC: None}, "REQ-SMC", {SMC}),
        ({SMC: "0"}, "REQ-SMC", set()),
        ({SMC: None, "contrat_date_fin": "2025-08-01"}, "REQ-SMC", set()),  # start ≥ end: skipped
        # REM-SALAIRE on the SMC: 55 % × 2 000 € = 1 100 €
        ({SMC: "2000.00", r("1_1", "base"): "SMC", r("2_1", "base"): "SMC"}, "REM-SALAIRE", {SALAIRE}),
        (
            {SMC: "2000.00", r("1_1", "base"): "SMC", r("2_1", "base"): "SMC", SALAIRE: "1099.99"},
            "REM-SALAIRE",
            set(),
        ),
        ({SALAIRE: "990.97"}, "REM-SALAIRE", {SALAIRE}),
        ({SALAIRE: "990.98"}, "REM-SALAIRE", set()),
    ],
)
def test_adult_remuneration_rules(changes, rule_id, fields):
    assert_rule(adult(**changes), rule_id, fields)


@pytest.mark.parametrize(
    ("birth", "fields"),
    [("2006-08-31", {SMC}), ("2006-09-01", set())],  # 21 on the last day of the contract, or the day after
)
def test_smc_is_required_when_21_on_the_end_date(birth, fields):
    assert_rule(minor(apprenti_date_naissance=birth), "REQ-SMC", fields)


def test_minimum_remuneration_message():
    result = minor(**{**MINOR_LEGAL, r("1_2", "taux"): "42.5"})

    assert result.errors[r("1_2", "taux")] == [
        "Le taux est inférieur au minimum légal applicable sur cette période : 43 % (selon l'âge de l'apprenti(e) et "
        "l'année d'exécution du contrat)."
    ]


def test_salary_message_gives_the_minimum_amount():
    result = minor(**{SALAIRE: "700"})

    assert result.errors[SALAIRE] == [
        "Le salaire brut mensuel à l'embauche doit être d'au moins 720,72 € (40 % du SMIC de 1\u202f801,80 €, taux de "
        "la 1re période de rémunération)."
    ]


def test_smc_message_names_both_amounts():
    result = adult(**{SMC: "2000.00"})

    assert result.errors[r("1_1", "base")][0].startswith(
        "Le salaire minimum conventionnel (2\u202f000,00 €) est plus favorable que le SMIC (1\u202f801,80 €)"
    )
