"""§5.1 AGE-*, §5.2 MIN-*, §5.3 NIR-*. Start of execution 01/09/2025, conclusion 25/08/2025, today 20/08/2025."""

import pytest

from .payloads import assert_rule, minor, run

pytestmark = pytest.mark.no_database  # pure: no database

BIRTH = "apprenti_date_naissance"
DEROG = "contrat_type_derogation"


@pytest.mark.parametrize(
    ("base", "changes", "rule_id", "fields"),
    [
        # AGE-MIN15: 14 at start / exactly 15
        ("minor", {BIRTH: "2010-09-02", DEROG: "11"}, "AGE-MIN15", {BIRTH}),
        ("minor", {BIRTH: "2010-09-01", DEROG: "11"}, "AGE-MIN15", set()),
        # AGE-15-DEROG: 15 needs dérogation 11 or 50
        ("minor", {BIRTH: "2010-09-01"}, "AGE-15-DEROG", {DEROG}),
        ("minor", {BIRTH: "2010-09-01", DEROG: "21"}, "AGE-15-DEROG", {DEROG}),
        ("minor", {BIRTH: "2010-09-01", DEROG: "11"}, "AGE-15-DEROG", set()),
        ("minor", {BIRTH: "2010-09-01", DEROG: "50"}, "AGE-15-DEROG", set()),
        ("minor", {BIRTH: "2009-09-01"}, "AGE-15-DEROG", set()),  # 16 on the first day
        # AGE-DEROG11-INVALID
        ("minor", {BIRTH: "2009-09-01", DEROG: "11"}, "AGE-DEROG11-INVALID", {DEROG}),
        ("minor", {BIRTH: "2009-09-02", DEROG: "11"}, "AGE-DEROG11-INVALID", set()),
        # AGE-DEROG12-INVALID: 29 (30 the next day) / 30
        ("adult", {BIRTH: "1995-09-02", DEROG: "12"}, "AGE-DEROG12-INVALID", {DEROG}),
        ("adult", {BIRTH: "1995-09-01", DEROG: "12"}, "AGE-DEROG12-INVALID", set()),
        # AGE-MAX29: 30 without flag and without dérogation 12/50
        ("adult", {BIRTH: "1995-09-01"}, "AGE-MAX29", {DEROG}),
        ("adult", {BIRTH: "1995-09-01", DEROG: "21"}, "AGE-MAX29", {DEROG}),
        ("adult", {BIRTH: "1995-09-02"}, "AGE-MAX29", set()),
        ("adult", {BIRTH: "1995-09-01", DEROG: "12"}, "AGE-MAX29", set()),
        ("adult", {BIRTH: "1995-09-01", DEROG: "50"}, "AGE-MAX29", set()),
        ("adult", {BIRTH: "1995-09-01", "apprenti_rqth": True}, "AGE-MAX29", set()),
        ("adult", {BIRTH: "1995-09-01", "apprenti_extension_boe": True}, "AGE-MAX29", set()),
        ("adult", {BIRTH: "1995-09-01", "apprenti_projet_creation_reprise": True}, "AGE-MAX29", set()),
        ("adult", {BIRTH: "1995-09-01", "apprenti_sportif_haut_niveau": True}, "AGE-MAX29", set()),
        # AGE-MAX35: 36 at conclusion / 35 at conclusion (36 at start: the ceiling is at conclusion)
        ("adult", {BIRTH: "1989-08-25", DEROG: "12", "contrat_type": "22"}, "AGE-MAX35", {BIRTH}),
        ("adult", {BIRTH: "1989-08-26", DEROG: "12", "contrat_type": "22"}, "AGE-MAX35", set()),
        ("adult", {BIRTH: "1980-01-01", DEROG: "12", "apprenti_rqth": True}, "AGE-MAX35", set()),
        # AGE-TYPE11-OVER30
        ("adult", {BIRTH: "1995-09-01", DEROG: "12"}, "AGE-TYPE11-OVER30", {"contrat_type"}),
        ("adult", {BIRTH: "1995-09-01", DEROG: "12", "contrat_type": "22"}, "AGE-TYPE11-OVER30", set()),
        ("adult", {BIRTH: "1995-09-01", DEROG: "12", "apprenti_rqth": True}, "AGE-TYPE11-OVER30", set()),
        ("adult", {BIRTH: "1995-09-02"}, "AGE-TYPE11-OVER30", set()),
        # DATE-NAISS-FUTURE (today 20/08/2025)
        ("minor", {BIRTH: "2025-08-21"}, "DATE-NAISS-FUTURE", {BIRTH}),
        ("minor", {BIRTH: "2025-08-20"}, "DATE-NAISS-FUTURE", set()),
        ("minor", {"maitre1_date_naissance": "2025-08-21"}, "DATE-NAISS-FUTURE", {"maitre1_date_naissance"}),
        # W-ABOVE29-DEROG12
        ("adult", {BIRTH: "1995-09-01", "apprenti_rqth": True}, "W-ABOVE29-DEROG12", {DEROG}),
        ("adult", {BIRTH: "1995-09-01", "apprenti_rqth": True, DEROG: "12"}, "W-ABOVE29-DEROG12", set()),
        ("adult", {BIRTH: "1995-09-01"}, "W-ABOVE29-DEROG12", set()),  # no flag: AGE-MAX29 instead
        # AGE-15-COLLEGE (an error since December 2026)
        (
            "minor",
            {BIRTH: "2010-09-01", DEROG: "11", "apprenti_derniere_classe": "41"},
            "AGE-15-COLLEGE",
            {"apprenti_derniere_classe"},
        ),
        ("minor", {BIRTH: "2010-09-01", DEROG: "11", "apprenti_derniere_classe": "40"}, "AGE-15-COLLEGE", set()),
        ("minor", {"apprenti_derniere_classe": "42"}, "AGE-15-COLLEGE", set()),  # 17
        # W-EQUIV-AGE: 22 / 20
        ("adult", {"apprenti_equivalence_jeunes": True}, "W-EQUIV-AGE", {"apprenti_equivalence_jeunes"}),
        ("adult", {"apprenti_equivalence_jeunes": True, BIRTH: "2004-09-02"}, "W-EQUIV-AGE", set()),
        # W-PRECEDENT-1AN
        (
            "adult",
            {BIRTH: "1995-09-01", DEROG: "12", "contrat_type": "22"},
            "W-PRECEDENT-1AN",
            {"contrat_numero_precedent"},
        ),
        ("adult", {BIRTH: "1995-09-01", DEROG: "12", "apprenti_rqth": True}, "W-PRECEDENT-1AN", set()),
    ],
)
def test_age_rules(base, changes, rule_id, fields):
    assert_rule(run(base, changes), rule_id, fields)


def test_a_thirty_year_old_after_a_previous_contract_is_valid():
    result = run("adult", {BIRTH: "1995-09-01", DEROG: "12", "contrat_type": "22", "apprenti_nir": None})

    assert result.rule_ids == {"remuneration_1_1_taux": ["REM-MIN"], "remuneration_2_1_taux": ["REM-MIN"]}
    # 30 at start: 26+ band, 100 % of the SMIC
    assert "100 %" in result.errors["remuneration_1_1_taux"][0]


def test_over_29_message_names_the_derogation():
    result = run("adult", {BIRTH: "1995-09-01"})

    assert "« 12 – Âge supérieur à 29 ans »" in result.errors[DEROG][0]
    assert result.errors[DEROG][0].startswith("L'apprenti(e) a 30 ans au début du contrat")


REP = "representant_legal_"


@pytest.mark.parametrize(
    ("base", "changes", "rule_id", "fields"),
    [
        # MIN-DECL: minor at conclusion (17 on 25/08/2025, 18 the next day) / 18 at conclusion
        ("minor", {"apprenti_mineur_non_emancipe": None}, "MIN-DECL", {"apprenti_mineur_non_emancipe"}),
        (
            "minor",
            {"apprenti_mineur_non_emancipe": None, BIRTH: "2007-08-26"},
            "MIN-DECL",
            {"apprenti_mineur_non_emancipe"},
        ),
        ("minor", {"apprenti_mineur_non_emancipe": None, BIRTH: "2007-08-25"}, "MIN-DECL", set()),
        # MIN-REP
        ("minor", {f"{REP}courriel": None}, "MIN-REP", {f"{REP}courriel"}),
        (
            "minor",
            {f"{REP}nom_naissance": None, f"{REP}prenom": None, f"{REP}courriel": None, f"{REP}meme_adresse": None},
            "MIN-REP",
            {f"{REP}nom_naissance", f"{REP}prenom", f"{REP}courriel", f"{REP}meme_adresse"},
        ),
        (
            "minor",
            {"apprenti_mineur_non_emancipe": False, f"{REP}nom_naissance": None, f"{REP}courriel": None},
            "MIN-REP",
            set(),
        ),  # emancipated
        ("minor", {f"{REP}courriel": None, BIRTH: "2007-08-25"}, "MIN-REP", set()),  # of age at conclusion
        # MIN-REP-ADRESSE
        (
            "minor",
            {f"{REP}meme_adresse": False},
            "MIN-REP-ADRESSE",
            {f"{REP}adresse_voie", f"{REP}adresse_code_postal", f"{REP}adresse_commune"},
        ),
        (
            "minor",
            {
                f"{REP}meme_adresse": False,
                f"{REP}adresse_voie": "place de la Mairie",
                f"{REP}adresse_code_postal": "35510",
                f"{REP}adresse_commune": "Cesson-Sévigné",
            },
            "MIN-REP-ADRESSE",
            set(),
        ),
        # W-REP-MAJEUR
        ("adult", {f"{REP}nom_naissance": "Leroy"}, "W-REP-MAJEUR", {f"{REP}nom_naissance"}),
        ("adult", {}, "W-REP-MAJEUR", set()),
        # W-ASE-18: non-EU minor turning 18 during the contract
        ("minor", {"apprenti_nationalite": "3"}, "W-ASE-18", {"contrat_date_fin"}),
        ("minor", {"apprenti_nationalite": "2"}, "W-ASE-18", set()),
        ("adult", {"apprenti_nationalite": "3"}, "W-ASE-18", set()),
        # W-REP-SIGNATURE (§5.12)
        ("minor", {}, "W-REP-SIGNATURE", {"signature_fait_a"}),
        ("minor", {"apprenti_mineur_non_emancipe": False}, "W-REP-SIGNATURE", set()),
    ],
)
def test_minor_rules(base, changes, rule_id, fields):
    assert_rule(run(base, changes), rule_id, fields)


def test_representative_block_is_ignored_for_an_adult():
    # an invalid e-mail in a block that is not printed does not block the deposit
    result = run("adult", {f"{REP}nom_naissance": "Leroy", f"{REP}courriel": "pas-un-courriel"})

    assert result.is_valid
    assert result.warning_rule_ids == {f"{REP}nom_naissance": ["W-REP-MAJEUR"]}


def test_representative_fields_are_checked_for_a_minor():
    assert minor(**{f"{REP}courriel": "pas-un-courriel"}).rule_ids == {f"{REP}courriel": ["FMT-EMAIL"]}


NIR = "apprenti_nir"


@pytest.mark.parametrize(
    ("changes", "rule_id", "fields"),
    [
        # NIR 1 08 03 35 238 117 (37): man, 2008, March, Ille-et-Vilaine
        ({"apprenti_sexe": "F"}, "NIR-SEXE", {NIR}),
        ({"apprenti_sexe": "F", NIR: "2080335238117"}, "NIR-SEXE", set()),
        ({BIRTH: "2007-03-15"}, "NIR-ANNEE", {NIR}),
        ({BIRTH: "2008-04-15"}, "NIR-MOIS", {NIR}),
        ({NIR: "1083035238117"}, "NIR-MOIS", set()),  # month 30: unknown month, accepted
        ({NIR: "1089935238117"}, "NIR-MOIS", set()),
        ({"apprenti_departement_naissance": "44"}, "NIR-DEPT", {NIR}),
        ({"apprenti_departement_naissance": "971", NIR: "1080397105117"}, "NIR-DEPT", set()),
        ({"apprenti_departement_naissance": "972", NIR: "1080397105117"}, "NIR-DEPT", {NIR}),
        ({"apprenti_departement_naissance": "99", NIR: "1080399352117"}, "NIR-DEPT", set()),
        ({"apprenti_departement_naissance": "99"}, "NIR-DEPT", {NIR}),
        ({"apprenti_departement_naissance": "2A", NIR: "108032A004012"}, "NIR-DEPT", set()),
        ({"apprenti_departement_naissance": "2B", NIR: "108032A004012"}, "NIR-DEPT", {NIR}),
        # NIR rules only when the NIR is filled and well-formed
        ({NIR: None, "apprenti_sexe": "F"}, "NIR-SEXE", set()),
        ({NIR: "108033523811738", "apprenti_sexe": "F"}, "NIR-SEXE", set()),
        # W-DEPT-COM
        (
            {"apprenti_departement_naissance": "987", NIR: "1080398735117"},
            "W-DEPT-COM",
            {"apprenti_departement_naissance"},
        ),
        ({"apprenti_departement_naissance": "987", NIR: "1080398735117"}, "NIR-DEPT", set()),
    ],
)
def test_nir_rules(changes, rule_id, fields):
    assert_rule(minor(**changes), rule_id, fields)


def test_every_nir_inconsistency_is_reported_on_the_nir():
    result = minor(**{"apprenti_sexe": "F", BIRTH: "2007-04-15", "apprenti_departement_naissance": "44"})

    assert result.rule_ids[NIR] == ["NIR-SEXE", "NIR-ANNEE", "NIR-MOIS", "NIR-DEPT"]
    assert result.errors[NIR][1] == (
        "Les 2e et 3e caractères du NIR (08) ne correspondent pas à l'année de naissance (2007)."
    )
