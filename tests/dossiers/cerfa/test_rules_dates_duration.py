"""§5.4 DATE-*, §5.5 DUR-*. Minor payload: conclusion 25/08/2025, start (Monday) 01/09/2025, practical training
01/09/2025, CFA 08/09/2025, last exam 09/07/2027, end 31/08/2027; today 20/08/2025."""

from datetime import date

import pytest

from .payloads import assert_rule, check, minor, minor_payload

pytestmark = pytest.mark.no_database  # pure: no database

START = "contrat_date_debut_execution"
END = "contrat_date_fin"
CONCL = "contrat_date_conclusion"
PRAT = "contrat_date_debut_formation_pratique"
CFA = "formation_date_debut"
EXAMS = "formation_date_fin_epreuves"
EFFET = "contrat_date_effet_avenant"
AVENANT = {
    "contrat_type": "36",
    "contrat_numero_precedent": "035202509000123",
    CONCL: "2025-10-15",
    EFFET: "2025-10-15",
}
LONG = {"apprenti_rqth": True}


@pytest.mark.parametrize(
    ("changes", "rule_id", "fields"),
    [
        ({}, "DATE-FIN-DEBUT", set()),
        ({END: "2025-09-01"}, "DATE-FIN-DEBUT", {END}),
        ({END: "2025-08-31"}, "DATE-FIN-DEBUT", {END}),
        ({END: "2025-09-02"}, "DATE-FIN-DEBUT", set()),
        # DATE-CONCL-DEBUT
        ({CONCL: "2025-09-02"}, "DATE-CONCL-DEBUT", {CONCL}),
        ({CONCL: "2025-09-01"}, "DATE-CONCL-DEBUT", set()),
        ({CONCL: "2025-09-02", "contrat_type": "22"}, "DATE-CONCL-DEBUT", {CONCL}),
        (AVENANT, "DATE-CONCL-DEBUT", set()),  # an avenant is signed after the start
        # DATE-PRATIQUE-DEBUT
        ({PRAT: "2025-08-31"}, "DATE-PRATIQUE-DEBUT", {PRAT}),
        ({PRAT: "2025-09-01"}, "DATE-PRATIQUE-DEBUT", set()),
        # DATE-PRATIQUE-3M (start + 3 months = 01/12/2025; from 30/11/2025: 28/02/2026)
        ({PRAT: "2025-12-02"}, "DATE-PRATIQUE-3M", {PRAT}),
        ({PRAT: "2025-12-01"}, "DATE-PRATIQUE-3M", set()),
        ({START: "2025-11-30", PRAT: "2026-03-01"}, "DATE-PRATIQUE-3M", {PRAT}),
        ({START: "2025-11-30", PRAT: "2026-02-28"}, "DATE-PRATIQUE-3M", set()),
        # DATE-PRATIQUE-CONCL
        ({CONCL: "2025-09-03", PRAT: "2025-09-02"}, "DATE-PRATIQUE-CONCL", {PRAT}),
        ({CONCL: "2025-09-02", PRAT: "2025-09-02"}, "DATE-PRATIQUE-CONCL", set()),
        (AVENANT, "DATE-PRATIQUE-CONCL", set()),
        # DATE-PRATIQUE-FIN
        ({END: "2025-10-01", PRAT: "2025-10-02"}, "DATE-PRATIQUE-FIN", {PRAT}),
        ({END: "2025-10-01", PRAT: "2025-10-01"}, "DATE-PRATIQUE-FIN", set()),
        # DATE-CFA-3M: between 01/06/2025 and 01/12/2025
        ({CFA: "2025-05-31"}, "DATE-CFA-3M", {CFA}),
        ({CFA: "2025-06-01"}, "DATE-CFA-3M", set()),
        ({CFA: "2025-12-02"}, "DATE-CFA-3M", {CFA}),
        ({CFA: "2025-12-01"}, "DATE-CFA-3M", set()),
        # W-CFA-PRATIQUE-3M (a warning since December 2026)
        ({PRAT: "2025-11-15", CFA: "2025-08-14"}, "W-CFA-PRATIQUE-3M", {CFA}),
        ({PRAT: "2025-11-15", CFA: "2025-08-15"}, "W-CFA-PRATIQUE-3M", set()),
        # W-CFA-AVANT-CONCLUSION
        ({CFA: "2025-08-24"}, "W-CFA-AVANT-CONCLUSION", {CFA}),
        ({CFA: "2025-08-25"}, "W-CFA-AVANT-CONCLUSION", set()),
        (AVENANT, "W-CFA-AVANT-CONCLUSION", set()),
        # DATE-EPREUVES-FIN
        ({EXAMS: "2027-09-01"}, "DATE-EPREUVES-FIN", {EXAMS}),
        ({EXAMS: "2027-08-31"}, "DATE-EPREUVES-FIN", set()),
        # DATE-EPREUVES-DEBUT
        ({EXAMS: "2025-08-31"}, "DATE-EPREUVES-DEBUT", {EXAMS}),
        ({EXAMS: "2025-09-01", CFA: "2025-09-01"}, "DATE-EPREUVES-DEBUT", set()),
        # DATE-FORMATION-ORDER
        ({EXAMS: "2025-09-07"}, "DATE-FORMATION-ORDER", {EXAMS}),
        ({EXAMS: "2025-09-08"}, "DATE-FORMATION-ORDER", set()),
        # DATE-FORMATION-DUREE: from 08/09/2025, between 07/03/2026 and 07/09/2029
        ({EXAMS: "2026-03-06"}, "DATE-FORMATION-DUREE", {EXAMS}),
        ({EXAMS: "2026-03-07"}, "DATE-FORMATION-DUREE", set()),
        ({EXAMS: "2029-09-08", END: "2029-09-30", **LONG}, "DATE-FORMATION-DUREE", {EXAMS}),
        ({EXAMS: "2029-09-07", END: "2029-09-30", **LONG}, "DATE-FORMATION-DUREE", set()),
        ({EXAMS: "2025-09-07"}, "DATE-FORMATION-DUREE", set()),  # "otherwise": the order error only
        # DATE-FIN-EPREUVES-3M
        ({EXAMS: "2027-05-30"}, "DATE-FIN-EPREUVES-3M", {END}),
        ({EXAMS: "2027-05-31"}, "DATE-FIN-EPREUVES-3M", set()),
        # W-FIN-2M
        ({EXAMS: "2027-06-30"}, "W-FIN-2M", {END}),
        ({EXAMS: "2027-07-01"}, "W-FIN-2M", set()),
        ({EXAMS: "2027-05-30"}, "W-FIN-2M", set()),  # more than 3 months: the error only
        # DATE-AVENANT-RANGE
        ({**AVENANT, EFFET: "2025-08-31"}, "DATE-AVENANT-RANGE", {EFFET}),
        ({**AVENANT, EFFET: "2025-09-01"}, "DATE-AVENANT-RANGE", set()),
        ({**AVENANT, EFFET: "2027-08-31"}, "DATE-AVENANT-RANGE", set()),
        ({**AVENANT, EFFET: "2027-09-01"}, "DATE-AVENANT-RANGE", {EFFET}),
        ({EFFET: "2030-01-01"}, "DATE-AVENANT-RANGE", set()),  # type 11: ignored
        # DUR-MIN6: at least until 28/02/2026
        ({END: "2026-02-27", EXAMS: "2026-02-27", CFA: "2025-09-01"}, "DUR-MIN6", {END}),
        ({END: "2026-02-28", EXAMS: "2026-02-28", CFA: "2025-09-01"}, "DUR-MIN6", set()),
        # DUR-MAX-ABS: at most until 28/02/2030
        ({END: "2030-03-01", **LONG}, "DUR-MAX-ABS", {END}),
        ({END: "2030-02-28", **LONG}, "DUR-MAX-ABS", set()),
        # DUR-MAX-3Y: at most until 31/08/2028 without justification
        ({END: "2028-09-01"}, "DUR-MAX-3Y", {END}),
        ({END: "2028-08-31"}, "DUR-MAX-3Y", set()),
        ({END: "2028-09-01", "apprenti_rqth": True}, "DUR-MAX-3Y", set()),
        ({END: "2028-09-01", "apprenti_extension_boe": True}, "DUR-MAX-3Y", set()),
        ({END: "2028-09-01", "apprenti_equivalence_jeunes": True}, "DUR-MAX-3Y", set()),
        ({END: "2028-09-01", "apprenti_sportif_haut_niveau": True}, "DUR-MAX-3Y", {END}),
        ({**AVENANT, "contrat_type": "33", END: "2028-09-01"}, "DUR-MAX-3Y", set()),
        ({**AVENANT, "contrat_type": "34", END: "2028-09-01"}, "DUR-MAX-3Y", set()),
        ({END: "2030-03-01"}, "DUR-MAX-3Y", set()),  # "otherwise": DUR-MAX-ABS only
        # W-DUR-4Y: justified and after 31/08/2029
        ({END: "2029-09-01", **LONG}, "W-DUR-4Y", {END}),
        ({END: "2029-08-31", **LONG}, "W-DUR-4Y", set()),
        ({END: "2030-03-01", **LONG}, "W-DUR-4Y", set()),
        # W-DUREE-CYCLE [CHOICE]: CFA more than one month before the start, no dérogation
        ({CFA: "2025-07-31"}, "W-DUREE-CYCLE", {"contrat_type_derogation"}),
        ({CFA: "2025-08-01"}, "W-DUREE-CYCLE", set()),
        ({CFA: "2025-07-31", "contrat_type_derogation": "21"}, "W-DUREE-CYCLE", set()),
    ],
)
def test_date_and_duration_rules(changes, rule_id, fields):
    assert_rule(minor(**changes), rule_id, fields)


@pytest.mark.parametrize(
    ("today", "fields"),
    [(date(2027, 9, 1), {END}), (date(2027, 8, 31), set())],
)
def test_date_fin_passee_depends_on_today(today, fields):
    assert_rule(check(minor_payload(), today=today), "DATE-FIN-PASSEE", fields)


@pytest.mark.parametrize(
    ("changes", "today", "fields"),
    [
        ({}, date(2025, 9, 6), set()),  # 5th jour ouvrable after Monday 01/09: Saturday 06/09
        ({}, date(2025, 9, 7), {START}),
        ({"depot_date_reception": "2025-09-08"}, date(2025, 8, 20), {START}),
        # start Monday 10/11/2025: 11/11 is a holiday and Sunday 16/11 is skipped → 17/11
        ({START: "2025-11-10", PRAT: "2025-11-10"}, date(2025, 11, 17), set()),
        ({START: "2025-11-10", PRAT: "2025-11-10"}, date(2025, 11, 18), {START}),
    ],
)
def test_deposit_within_five_jours_ouvrables(changes, today, fields):
    assert_rule(check(minor_payload(), today=today, **changes), "W-DEPOT-5J", fields)


def test_duration_and_remuneration_rules_are_skipped_unless_start_is_before_end():
    result = minor(**{END: "2025-08-31", EXAMS: "2025-08-30", CFA: "2025-08-01"})

    fired = {rule_id for ids in result.rule_ids.values() for rule_id in ids}
    fired |= {rule_id for ids in result.warning_rule_ids.values() for rule_id in ids}
    assert not {rule_id for rule_id in fired if rule_id.startswith(("DUR-", "REM-", "REQ-SMC"))}
    assert "DATE-FIN-DEBUT" in result.rule_ids[END]


def test_messages_give_the_limit_date():
    result = minor(**{PRAT: "2025-12-02"})

    assert result.errors[PRAT] == [
        "La formation pratique chez l'employeur doit commencer au plus tard 3 mois après le début d'exécution du "
        "contrat, soit le 01/12/2025."
    ]
    assert minor(**{END: "2025-09-01"}).errors[END][0] == (
        "La date de fin du contrat doit être postérieure à la date de début d'exécution."
    )
