"""The rows of the specification "corrected December 2026" / "added December 2026" (issue 19), at their boundaries.

Payloads of payloads.py: start of execution 01/09/2025, conclusion 25/08/2025, end 31/08/2027, today 20/08/2025;
SMIC 1 801,80 € on 01/09/2025 (Mayotte 1 361,97 €), 1 823,03 € from 01/01/2026.
"""

from datetime import date
from decimal import Decimal

import pytest

from dossiers.cerfa import FIELDS, Timeline, suggest_rows, validate
from dossiers.cerfa.remuneration import is_disability_extension, legal_rate

from .payloads import TODAY, adult, adult_payload, assert_rule, minor, rows

pytestmark = pytest.mark.no_database  # pure: no database

BIRTH = "apprenti_date_naissance"
DEROG = "contrat_type_derogation"
TYPE = "contrat_type"
START = "contrat_date_debut_execution"
END = "contrat_date_fin"
PRAT = "contrat_date_debut_formation_pratique"
CFA = "formation_date_debut"
EFFET = "contrat_date_effet_avenant"
HOURS = "contrat_duree_hebdo_heures"
SMC = "contrat_smc_montant"
NIR = "apprenti_nir"
DEPT = "apprenti_departement_naissance"
CLASSE = "apprenti_derniere_classe"
RETAKE = "apprenti_meme_diplome_apres_echec"


def r(key: str, part: str) -> str:
    return f"remuneration_{key}_{part}"


def avenant(kind: str, effective: str, **changes) -> dict:
    """An avenant of the contract that started on 01/09/2025, signed on its effective date."""
    return {
        TYPE: kind,
        "contrat_numero_precedent": "035202509000123",
        "contrat_date_conclusion": effective,
        EFFET: effective,
        **changes,
    }


# --------------------------------------------------------------------------------------------------------------
# REM-SMC-INF (added): a row based on the SMC while the SMC is not above the SMIC in force at the start


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        # SMC equal to the SMIC (1 801,80 €): not "supérieur", the SMC cannot be the base
        ({SMC: "1801.80", r("1_1", "base"): "SMC"}, {r("1_1", "base")}),
        # one cent above: the SMC may be the base
        ({SMC: "1801.81", r("1_1", "base"): "SMC"}, set()),
        # no SMC (0): every row based on it is flagged, the rows on the SMIC are not
        ({SMC: "0", r("2_1", "base"): "SMC"}, {r("2_1", "base")}),
        ({SMC: "0", r("1_1", "base"): "SMC", r("2_1", "base"): "SMC"}, {r("1_1", "base"), r("2_1", "base")}),
        ({SMC: "0"}, set()),
        # the SMIC in force at the start: 1 823,03 € for a contract starting on 05/01/2026
        ({START: "2026-01-05", PRAT: "2026-01-05", SMC: "1823.03", r("1_1", "base"): "SMC"}, {r("1_1", "base")}),
        ({START: "2026-01-05", PRAT: "2026-01-05", SMC: "1823.04", r("1_1", "base"): "SMC"}, set()),
        ({SMC: "1810.00", r("1_1", "base"): "SMC"}, set()),  # above the 2025 SMIC at a 2025 start
        # Mayotte: the SMIC of Mayotte (1 361,97 €)
        ({"employeur_adresse_code_postal": "97600", SMC: "1361.97", r("1_1", "base"): "SMC"}, {r("1_1", "base")}),
        ({"employeur_adresse_code_postal": "97600", SMC: "1361.98", r("1_1", "base"): "SMC"}, set()),
        # skipped without an SMC (REQ-SMC reports it) or unless start < end
        ({SMC: None, r("1_1", "base"): "SMC"}, set()),
        ({SMC: "0", r("1_1", "base"): "SMC", END: "2025-08-31"}, set()),
    ],
)
def test_rem_smc_inf(changes, fields):
    assert_rule(adult(**changes), "REM-SMC-INF", fields)


def test_rem_smc_inf_blocks_the_deposit_and_names_both_amounts():
    result = adult(**{SMC: "1700.00", r("1_1", "base"): "SMC", "contrat_salaire_brut_embauche": "990.99"})

    assert not result.is_valid
    assert result.rule_ids == {r("1_1", "base"): ["REM-SMC-INF"]}
    assert result.errors[r("1_1", "base")] == [
        "Le salaire minimum conventionnel (1\u202f700,00 €) n'est pas supérieur au SMIC en vigueur au début du "
        "contrat (1\u202f801,80 €) : la rémunération se calcule sur le SMIC (art. D. 6222-26)."
    ]


# --------------------------------------------------------------------------------------------------------------
# §5.7 4th year (corrected): the extra year of a disabled apprentice pays the 3rd-year rate + 15 points


def test_fourth_year_rates_of_a_disabled_apprentice_are_the_third_year_rates_plus_15_points():
    assert [legal_rate(4, band, disability_extension=True) for band in range(4)] == [70, 82, 93, 100]
    # otherwise (avenant 33 after a failed exam): the last year's percentage
    assert [legal_rate(4, band) for band in range(4)] == [55, 67, 78, 100]
    # the first three years do not change
    assert [legal_rate(3, band, disability_extension=True) for band in range(4)] == [55, 67, 78, 100]


def test_an_under_18_apprentice_in_the_extra_year_is_paid_at_least_70_percent():
    # born 01/06/2011: 17 during the whole 4th year (18 on 01/06/2029, after the end)
    timeline = Timeline(date(2011, 6, 1), date(2025, 9, 1), date(2029, 5, 31), disability_extension=True)

    assert timeline.minimum_rate(date(2027, 9, 1), date(2028, 8, 31)) == 55
    assert timeline.minimum_rate(date(2028, 9, 1), date(2029, 5, 31)) == 70
    assert Timeline(date(2011, 6, 1), date(2025, 9, 1), date(2029, 5, 31)).minimum_rate(
        date(2028, 9, 1), date(2029, 5, 31)
    ) == Decimal(55)


# Adult born 10/01/2003 (21-25 band until 31/01/2029, 26 on 10/01/2029 → 100 % from 01/02/2029), 4½ years.
ADULT_4Y = {
    "contrat_date_fin": "2030-02-28",
    **rows(
        ("1_1", "2025-09-01", "2026-08-31", "53", "SMIC"),
        ("2_1", "2026-09-01", "2027-08-31", "61", "SMIC"),
        ("3_1", "2027-09-01", "2028-08-31", "78", "SMIC"),
        ("4_1", "2028-09-01", "2029-01-31", "93", "SMIC"),
        ("4_2", "2029-02-01", "2030-02-28", "100", "SMIC"),
    ),
}
# Minor born 15/03/2008 (18-20 band from 01/04/2026, 21-25 band from 01/04/2029), 4 years.
MINOR_4Y = {
    "apprenti_rqth": True,
    "contrat_date_fin": "2029-08-31",
    **rows(
        ("1_1", "2025-09-01", "2026-03-31", "40", "SMIC"),
        ("1_2", "2026-04-01", "2026-08-31", "50", "SMIC"),
        ("2_1", "2026-09-01", "2027-08-31", "60", "SMIC"),
        ("3_1", "2027-09-01", "2028-08-31", "70", "SMIC"),
        ("4_1", "2028-09-01", "2029-03-31", "82", "SMIC"),
        ("4_2", "2029-04-01", "2029-08-31", "93", "SMIC"),
    ),
}


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        # RQTH, BOE or équivalence jeunes: 93 % in the 21-25 band
        ({**ADULT_4Y, "apprenti_rqth": True}, set()),
        ({**ADULT_4Y, "apprenti_rqth": True, r("4_1", "taux"): "92.99"}, {r("4_1", "taux")}),
        ({**ADULT_4Y, "apprenti_extension_boe": True, r("4_1", "taux"): "92.99"}, {r("4_1", "taux")}),
        ({**ADULT_4Y, "apprenti_equivalence_jeunes": True, r("4_1", "taux"): "92.99"}, {r("4_1", "taux")}),
        ({**ADULT_4Y, "apprenti_equivalence_jeunes": "oui", r("4_1", "taux"): "92.99"}, {r("4_1", "taux")}),
        # 100 % from 26 all the same
        ({**ADULT_4Y, "apprenti_rqth": True, r("4_2", "taux"): "99.99"}, {r("4_2", "taux")}),
        # avenant 34 (prolongation after the recognition as a disabled worker): the extra year of a disabled apprentice
        ({**ADULT_4Y, **avenant("34", "2028-06-01"), r("4_1", "taux"): "92.99"}, {r("4_1", "taux")}),
        # avenant 33 (prolongation after a failed exam): the last year's percentage, even for a disabled apprentice
        ({**ADULT_4Y, **avenant("33", "2028-06-01"), "apprenti_rqth": True, r("4_1", "taux"): "78"}, set()),
        (
            {**ADULT_4Y, **avenant("33", "2028-06-01"), "apprenti_rqth": True, r("4_1", "taux"): "77.99"},
            {r("4_1", "taux")},
        ),
        # no disability and no avenant (DUR-MAX-3Y refuses the length): the 3rd-year rates, as the government tool
        ({**ADULT_4Y, r("4_1", "taux"): "78"}, set()),
    ],
)
def test_fourth_year_minimum_for_an_adult(changes, fields):
    assert_rule(adult(**changes), "REM-MIN", fields)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        (MINOR_4Y, set()),
        ({**MINOR_4Y, r("4_1", "taux"): "81.99"}, {r("4_1", "taux")}),  # 18-20: 67 + 15
        ({**MINOR_4Y, r("4_2", "taux"): "92.99"}, {r("4_2", "taux")}),  # 21-25: 78 + 15
        ({**MINOR_4Y, r("3_1", "taux"): "66.99"}, {r("3_1", "taux")}),  # the 3rd year is unchanged
    ],
)
def test_fourth_year_minimum_for_an_apprentice_aged_20(changes, fields):
    assert_rule(minor(**changes), "REM-MIN", fields)


def test_the_fourth_year_message_explains_the_15_points():
    result = adult(**{**ADULT_4Y, "apprenti_rqth": True, r("4_1", "taux"): "78"})

    assert result.errors[r("4_1", "taux")] == [
        "Le taux est inférieur au minimum légal applicable sur cette période : 93 % (selon l'âge de l'apprenti(e) et "
        "l'année d'exécution du contrat ; la 4e année d'un contrat prolongé pour un(e) apprenti(e) en situation de "
        "handicap est payée au taux de la 3e année majoré de 15 points)."
    ]


def test_a_four_year_contract_of_a_disabled_apprentice_paid_plus_15_points_is_valid():
    payload = {
        **adult_payload(),
        **ADULT_4Y,
        "apprenti_rqth": True,
        END: "2029-08-31",
        r("4_2", "au"): "2029-08-31",
        "formation_date_fin_epreuves": "2029-07-06",
        "formation_duree_heures": 1700,
    }

    result = validate(payload, today=TODAY)

    assert result.errors == {}


@pytest.mark.parametrize(
    ("data", "extension"),
    [
        ({}, False),
        ({"apprenti_rqth": True}, True),
        ({"apprenti_extension_boe": "oui"}, True),
        ({"apprenti_equivalence_jeunes": "true"}, True),
        ({"apprenti_rqth": False, "apprenti_extension_boe": "non"}, False),
        ({TYPE: "34"}, True),
        ({TYPE: "33", "apprenti_rqth": True}, False),
        ({TYPE: "36", "apprenti_rqth": True}, True),
    ],
)
def test_is_disability_extension_reads_the_raw_payload(data, extension):
    assert is_disability_extension(data) is extension


def test_suggested_rows_of_a_disabled_apprentice_pay_the_extra_year_15_points_more():
    rows_ = suggest_rows(date(2003, 1, 10), date(2025, 9, 1), date(2029, 2, 28), disability_extension=True)

    assert [(r_.year, r_.period, r_.taux) for r_ in rows_] == [
        (1, 1, 53),
        (2, 1, 61),
        (3, 1, 78),
        (4, 1, 93),
        (4, 2, 100),
    ]


# --------------------------------------------------------------------------------------------------------------
# AGE-15-COLLEGE (corrected: an error, was the warning W-15-COLLEGE)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        # 15 at the start (16 on 01/09/2026 / on 02/09/2025)
        ({BIRTH: "2010-09-01", DEROG: "11", CLASSE: "41"}, {CLASSE}),  # interrupted in 3e
        ({BIRTH: "2010-09-01", DEROG: "11", CLASSE: "42"}, {CLASSE}),  # interrupted in 4e
        ({BIRTH: "2009-09-02", DEROG: "11", CLASSE: "42"}, {CLASSE}),  # 16 the day after the start
        ({BIRTH: "2010-09-01", DEROG: "11", CLASSE: "40"}, set()),  # collège completed
        ({BIRTH: "2010-09-01", DEROG: "11", CLASSE: "01"}, set()),
        # 16 on the first day, or 14 (AGE-MIN15 instead)
        ({BIRTH: "2009-09-01", CLASSE: "41"}, set()),
        ({BIRTH: "2010-09-02", DEROG: "11", CLASSE: "41"}, set()),
    ],
)
def test_age_15_college(changes, fields):
    assert_rule(minor(**changes), "AGE-15-COLLEGE", fields)


def test_a_15_year_old_who_left_in_3e_cannot_be_deposited():
    result = minor(**{BIRTH: "2010-09-01", DEROG: "11", CLASSE: "41", NIR: None})

    assert not result.is_valid
    assert result.rule_ids == {CLASSE: ["AGE-15-COLLEGE"]}
    assert result.errors[CLASSE] == [
        "À 15 ans, l'apprentissage n'est possible qu'après avoir achevé le collège (art. L. 6222-1) : l'apprenti(e) a "
        "interrompu ses études en classe de 3e."
    ]


# --------------------------------------------------------------------------------------------------------------
# Avenants 31-38: AGE-MAX35 does not apply; MA-MAJEUR and HEB-MINEUR read the age on the effective date


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        # 36 at the conclusion (25/08/2025) of a succession contract / of an avenant signed on 15/10/2025
        ({BIRTH: "1989-08-25", DEROG: "12", TYPE: "22"}, {BIRTH}),
        ({BIRTH: "1989-08-25", DEROG: "12", TYPE: "23"}, {BIRTH}),
        ({BIRTH: "1989-08-25", DEROG: "12", **avenant("31", "2025-10-15")}, set()),
        ({BIRTH: "1989-08-25", DEROG: "12", **avenant("36", "2025-10-15")}, set()),
        ({BIRTH: "1989-08-25", DEROG: "12", **avenant("38", "2025-10-15")}, set()),
    ],
)
def test_age_max35_is_not_applied_to_avenants(changes, fields):
    assert_rule(adult(**changes), "AGE-MAX35", fields)


MAITRE1 = "maitre1_date_naissance"
MAITRE2 = {
    "maitre2_nom_naissance": "Durand",
    "maitre2_prenom": "Julie",
    "maitre2_courriel": "julie.durand@durand-maconnerie.fr",
    "maitre2_emploi_occupe": "Maçonne",
    "maitre2_diplome_intitule": "CAP Maçon",
    "maitre2_niveau_diplome": "3",
}


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        # a contract: 18 on the start (01/09/2025) / the day after
        ({MAITRE1: "2007-09-01"}, set()),
        ({MAITRE1: "2007-09-02"}, {MAITRE1}),
        # an avenant effective on 15/10/2025 (e.g. a new maître, type 36): 18 on that day / the day after
        ({MAITRE1: "2007-10-15", **avenant("36", "2025-10-15")}, set()),
        ({MAITRE1: "2007-10-16", **avenant("36", "2025-10-15")}, {MAITRE1}),
        ({MAITRE1: "2007-09-02", **avenant("31", "2025-10-15")}, set()),  # a minor at the start, of age on the date
        (
            {**MAITRE2, "maitre2_date_naissance": "2007-10-16", **avenant("38", "2025-10-15")},
            {"maitre2_date_naissance"},
        ),
        # an avenant without an effective date: TYPE-EFFET-AVENANT, no age to read
        ({MAITRE1: "2007-10-16", **avenant("36", "2025-10-15"), EFFET: None}, set()),
    ],
)
def test_ma_majeur_reads_the_age_on_the_avenants_effective_date(changes, fields):
    assert_rule(minor(**changes), "MA-MAJEUR", fields)


def test_ma_majeur_message_of_an_avenant_names_the_effective_date():
    result = minor(**{MAITRE1: "2007-10-16", **avenant("36", "2025-10-15")})

    assert result.errors[MAITRE1] == ["Le maître d'apprentissage doit être majeur à la date d'effet de l'avenant."]


@pytest.mark.parametrize(
    ("changes", "rule_id", "fields"),
    [
        # the minor (born 15/03/2008) is 18 on 15/03/2026: 38 h from an avenant effective that day / the day before
        ({HOURS: 38, **avenant("36", "2026-03-15")}, "HEB-MINEUR", set()),
        ({HOURS: 38, **avenant("36", "2026-03-14")}, "HEB-MINEUR", {HOURS}),
        ({HOURS: 38, **avenant("36", "2026-03-15")}, "W-HEB-35", {HOURS}),  # of age: the RTT reminder instead
        ({HOURS: 38, **avenant("36", "2026-03-14")}, "W-HEB-35", set()),
        ({HOURS: 38, **avenant("36", "2026-03-14"), EFFET: None}, "HEB-MINEUR", set()),
        ({HOURS: 38}, "HEB-MINEUR", {HOURS}),  # a contract: the age at the start (17)
    ],
)
def test_heb_mineur_reads_the_age_on_the_avenants_effective_date(changes, rule_id, fields):
    assert_rule(minor(**changes), rule_id, fields)


# --------------------------------------------------------------------------------------------------------------
# NIR-DEPT (corrected): the département code in force at birth


def nir(year: int, month: int, departement: str) -> str:
    """A 13-character NIR of a man born in `year`/`month` in `departement` (2 characters)."""
    return f"1{year % 100:02d}{month:02d}{departement}004012"


@pytest.mark.parametrize(
    ("birth", "departement", "in_nir", "fields"),
    [
        # Corsica: 20 before 1976
        ("1975-12-31", "2A", "20", set()),
        ("1975-12-31", "2B", "20", set()),
        ("1976-01-01", "2A", "20", {NIR}),
        ("1976-01-01", "2A", "2A", set()),
        ("1975-12-31", "2B", "2A", {NIR}),
        # Seine (75) and Seine-et-Oise (78) before 1968, for births in 75, 77, 78, 91-95
        ("1967-12-31", "92", "75", set()),
        ("1967-12-31", "92", "78", set()),
        ("1967-12-31", "91", "78", set()),
        ("1967-12-31", "95", "75", set()),
        ("1967-12-31", "77", "78", set()),
        ("1967-12-31", "75", "78", set()),
        ("1967-12-31", "94", "94", set()),
        ("1968-01-01", "92", "75", {NIR}),
        ("1968-01-01", "93", "78", {NIR}),
        ("1967-12-31", "60", "75", {NIR}),  # Oise: not concerned
        ("1967-12-31", "90", "75", {NIR}),
        ("1967-12-31", "92", "76", {NIR}),
        # born abroad (99): 91-96 for Algeria, Morocco and Tunisia before 1963
        ("1962-12-31", "99", "91", set()),
        ("1962-12-31", "99", "96", set()),
        ("1962-12-31", "99", "99", set()),
        ("1962-12-31", "99", "97", {NIR}),
        ("1962-12-31", "99", "90", {NIR}),
        ("1963-01-01", "99", "91", {NIR}),
        ("1962-12-31", "91", "99", {NIR}),  # the other way round: not accepted
    ],
)
def test_nir_dept_accepts_the_code_in_force_at_birth(birth, departement, in_nir, fields):
    day = date.fromisoformat(birth)
    assert_rule(minor(**{BIRTH: birth, DEPT: departement, NIR: nir(day.year, day.month, in_nir)}), "NIR-DEPT", fields)


def test_nir_dept_without_a_birth_date_accepts_the_current_code_only():
    assert_rule(minor(**{BIRTH: None, DEPT: "2A", NIR: nir(1975, 12, "20")}), "NIR-DEPT", {NIR})
    assert_rule(minor(**{BIRTH: None, DEPT: "2A", NIR: nir(1975, 12, "2A")}), "NIR-DEPT", set())


def test_a_corsican_nir_with_its_key_from_before_1976_is_valid():
    # 1 75 12 20 004 012: N = 1751220004012, key = 97 − (N mod 97)
    number = "1751220004012"
    full = number + f"{97 - int(number) % 97:02d}"

    result = minor(**{BIRTH: "1975-12-31", DEPT: "2A", NIR: full})

    assert not {rule for ids in result.rule_ids.values() for rule in ids if rule.startswith(("NIR-", "CHK-NIR"))}


def test_nir_dept_message_gives_the_codes_in_force_at_birth():
    result = minor(**{BIRTH: "1970-05-04", DEPT: "2A", NIR: nir(1970, 5, "2B")})

    assert result.errors[NIR][-1] == (
        "Le département de naissance inscrit dans le NIR (2B) ne correspond pas au département de naissance indiqué "
        "(2A) ni au code en vigueur à la naissance (20)."
    )


# --------------------------------------------------------------------------------------------------------------
# W-CFA-PRATIQUE-3M (corrected: a warning, was the error DATE-CFA-PRATIQUE-3M)


def test_a_cfa_start_more_than_3_months_before_the_practical_training_only_warns():
    # practical training 15/11/2025, CFA 14/08/2025 (both within 3 months of the start, 01/09/2025)
    result = minor(**{PRAT: "2025-11-15", CFA: "2025-08-14"})

    assert result.is_valid
    assert "W-CFA-PRATIQUE-3M" in result.warning_rule_ids[CFA]
    assert result.warnings[CFA][result.warning_rule_ids[CFA].index("W-CFA-PRATIQUE-3M")] == (
        "La formation en CFA commence plus de 3 mois avant la formation pratique chez l'employeur (le 15/11/2025) : "
        "vérifiez ces deux dates."
    )


# --------------------------------------------------------------------------------------------------------------
# The portal's flag "prépare à nouveau le même diplôme après un échec, avec un autre employeur" (L. 6222-11 2°):
# no upper age limit


def test_the_retake_flag_is_an_optional_yes_no_answer_of_the_apprentice_section():
    field = FIELDS[RETAKE]

    assert (field.section, field.type, field.requirement) == ("apprenti", "bool", "N")
    assert field.label == "L'apprenti(e) prépare à nouveau le même diplôme après un échec, avec un autre employeur"
    assert "L. 6222-11" in field.help


@pytest.mark.parametrize(
    ("changes", "rule_id", "fields"),
    [
        # 30 at the start without dérogation: AGE-MAX29 unless the age limit is lifted
        ({BIRTH: "1995-09-01"}, "AGE-MAX29", {DEROG}),
        ({BIRTH: "1995-09-01", RETAKE: True}, "AGE-MAX29", set()),
        ({BIRTH: "1995-09-01", RETAKE: "oui"}, "AGE-MAX29", set()),
        ({BIRTH: "1995-09-01", RETAKE: False}, "AGE-MAX29", {DEROG}),
        ({BIRTH: "1995-09-01", RETAKE: True}, "W-ABOVE29-DEROG12", {DEROG}),  # choose dérogation 12
        # 36 at the conclusion: no 35-year ceiling either
        ({BIRTH: "1989-08-25", DEROG: "12", TYPE: "22"}, "AGE-MAX35", {BIRTH}),
        ({BIRTH: "1989-08-25", DEROG: "12", TYPE: "22", RETAKE: True}, "AGE-MAX35", set()),
        ({BIRTH: "1970-01-01", DEROG: "12", TYPE: "22", RETAKE: True}, "AGE-MAX35", set()),
        ({BIRTH: "1995-09-01", DEROG: "12", TYPE: "22", RETAKE: True}, "W-PRECEDENT-1AN", set()),
        # not a first contract: type 11 is still refused above 29
        ({BIRTH: "1995-09-01", DEROG: "12", RETAKE: True}, "AGE-TYPE11-OVER30", {TYPE}),
        # an unparseable answer is reported by FMT-BOOL; the age rules reading it wait for a valid one (§6)
        ({BIRTH: "1995-09-01", RETAKE: "peut-être"}, "FMT-BOOL", {RETAKE}),
        ({BIRTH: "1995-09-01", RETAKE: "peut-être"}, "AGE-MAX29", set()),
    ],
)
def test_the_retake_flag_lifts_the_upper_age_limit(changes, rule_id, fields):
    assert_rule(adult(**changes), rule_id, fields)


def test_a_forty_year_old_retaking_the_diploma_with_another_employer_is_valid():
    # born 10/01/1985: 40 at the start, 26+ band: 100 % of the SMIC
    result = adult(
        **{
            BIRTH: "1985-01-10",
            NIR: None,
            TYPE: "22",
            "contrat_numero_precedent": "035202409000123",
            DEROG: "12",
            RETAKE: True,
            **rows(
                ("1_1", "2025-09-01", "2026-08-31", "100", "SMIC"), ("2_1", "2026-09-01", "2027-08-31", "100", "SMIC")
            ),
            "contrat_salaire_brut_embauche": "1801.80",
        }
    )

    assert result.errors == {}
    assert not adult(
        **{BIRTH: "1985-01-10", NIR: None, TYPE: "22", "contrat_numero_precedent": "035202409000123", DEROG: "12"}
    ).is_valid
