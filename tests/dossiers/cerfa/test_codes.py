from datetime import date
from decimal import Decimal

import pytest

from dossiers.cerfa import CODES, FIELDS, choices, label_for
from dossiers.cerfa.codes import (
    CFD_PREFIX_DIPLOMA,
    DEPARTEMENTS_COM,
    DIPLOMA_LEVEL,
    IDCC_BTP_GRID,
    LEGACY_DIPLOMA_MAP,
    LEGAL_MINIMUM_RATES,
    smic_monthly,
)

pytestmark = pytest.mark.no_database  # pure: no database


@pytest.mark.parametrize("name", sorted(CODES))
def test_every_list_is_non_empty_with_unique_codes_and_labels(name):
    code_list = CODES[name]

    assert len(code_list) > 0
    assert len(set(code_list.codes)) == len(code_list.codes)
    assert all(isinstance(entry.code, str) and entry.code for entry in code_list)
    assert all(entry.label.strip() for entry in code_list)


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("mode_contractuel", ["1", "2", "3", "4"]),
        ("employeur_prive_public", ["prive", "public"]),
        ("employeur_type", [*map(str, range(11, 17)), *map(str, range(21, 31))]),
        ("employeur_specifique", ["0", "1", "2", "3", "4"]),
        ("nationalite", ["1", "2", "3"]),
        ("regime_social", ["1", "2"]),
        ("sexe", ["M", "F"]),
        ("situation_avant_contrat", [str(n) for n in range(1, 13)]),
        (
            "diplome",
            ["25", "26", "13", "33", "34", "35", "38", "41", "42", "43", "44", "49"]
            + ["54", "55", "58", "62", "63", "64", "69", "73", "75", "76", "79", "80"],
        ),
        ("derniere_classe", ["01", "11", "12", "21", "22", "31", "32", "40", "41", "42"]),
        ("niveau_diplome", ["0", "3", "4", "5", "6", "7", "8"]),
        ("contrat_type", ["11", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "38"]),
        ("type_derogation", ["11", "12", "21", "22", "50", "60"]),
        ("base_remuneration", ["SMIC", "SMC"]),
        ("derogation_horaire_mineur", ["aucune", "chantier_btp_paysage", "inspection_travail"]),
        ("idcc_constructys", ["1596", "1597", "1702", "1947", "2420", "2609", "2614", "3212", "3216"]),
    ],
)
def test_lists_hold_exactly_the_codes_of_section_3_in_printed_order(name, codes):
    assert list(CODES[name].codes) == codes


def test_departements_of_birth():
    codes = CODES["departement_naissance"].codes
    metropolitan = [f"{n:02d}" for n in range(1, 20)] + ["2A", "2B"] + [str(n) for n in range(21, 96)]

    assert set(metropolitan) <= set(codes)
    assert {"971", "972", "973", "974", "976", "99"} <= set(codes)
    assert "20" not in codes and "975" in codes  # 975 accepted, with a warning
    assert set(DEPARTEMENTS_COM) == {"975", "977", "978", "984", "986", "987", "988"}
    assert len(codes) == 96 + 5 + 7 + 1


def test_label_for_and_choices():
    assert label_for("contrat_type", "11") == "Premier contrat d'apprentissage de l'apprenti"
    assert label_for("diplome", "64") == "Bachelor universitaire de technologie (BUT)"
    assert label_for("departement_naissance", "2A") == "Corse-du-Sud"
    assert label_for("employeur_type", "30") == "Établissement public industriel et commercial (EPIC)"
    assert label_for("contrat_type", "99") is None
    assert label_for("contrat_type", None) is None
    with pytest.raises(KeyError):
        label_for("no_such_list", "1")
    assert choices("regime_social") == [("1", "MSA"), ("2", "URSSAF")]
    assert FIELDS["apprenti_regime_social"].choices == [("1", "MSA"), ("2", "URSSAF")]
    assert FIELDS["apprenti_nom_naissance"].choices is None


def test_grouped_choices_keep_the_printed_headings():
    groups = dict(CODES["contrat_type"].grouped_choices())

    assert [code for code, _ in groups["Contrat initial"]] == ["11"]
    assert [code for code, _ in groups["Succession de contrats"]] == ["21", "22", "23"]


def test_retirement_funds_are_suggestions_only():
    funds = CODES["caisse_retraite_complementaire"]

    assert not funds.closed
    assert "PRO BTP (Alliance professionnelle) Agirc-Arrco" in funds
    assert len(funds) == 45  # counted in §3.14


@pytest.mark.parametrize("field", [f for f in FIELDS.values() if f.codes], ids=lambda f: f.id)
def test_every_coded_field_points_to_an_existing_list(field):
    assert field.codes in CODES


def test_every_diploma_has_a_level_and_levels_follow_the_spec():
    assert set(DIPLOMA_LEVEL) == set(CODES["diplome"].codes)
    assert [DIPLOMA_LEVEL[c] for c in ("13", "33", "44", "58", "64", "76", "80")] == [0, 3, 4, 5, 6, 7, 8]


def test_legacy_diplomas_are_mapped_not_accepted():
    assert LEGACY_DIPLOMA_MAP["71"] == ("73",)
    assert LEGACY_DIPLOMA_MAP["74"] == ("75", "76")
    assert LEGACY_DIPLOMA_MAP["61"] == ("69",)
    assert all(target in CODES["diplome"] for targets in LEGACY_DIPLOMA_MAP.values() for target in targets)
    assert "71" not in CODES["diplome"]


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [("500", ("33",)), ("510", ("34",)), ("320", ("54",)), ("250", ("62",)), ("251", ("64",))]
    + [("135", ("73",)), ("165", ("75", "76")), ("46X", ("49",)), ("671", ("25",)), ("010", ("35",))],
)
def test_cfd_prefixes(prefix, expected):
    assert CFD_PREFIX_DIPLOMA[prefix] == expected


def test_every_cfd_prefix_target_is_a_current_diploma():
    assert all(code in CODES["diplome"] for targets in CFD_PREFIX_DIPLOMA.values() for code in targets)


@pytest.mark.parametrize(
    ("day", "mayotte", "expected"),
    [
        (date(2025, 9, 1), False, "1801.80"),
        (date(2024, 11, 1), False, "1801.80"),
        (date(2024, 10, 31), False, "1766.92"),
        (date(2025, 12, 31), True, "1361.97"),
        (date(2026, 1, 1), False, "1823.03"),
        (date(2026, 1, 1), True, "1415.05"),
        (date(2023, 5, 1), False, "1747.20"),
        (date(2018, 1, 1), False, "1498.47"),
    ],
)
def test_smic_in_force(day, mayotte, expected):
    assert smic_monthly(day, mayotte=mayotte) == Decimal(expected)


def test_no_smic_before_the_table():
    assert smic_monthly(date(2017, 12, 31)) is None


def test_legal_grid_and_btp_idcc():
    assert LEGAL_MINIMUM_RATES[1] == (27, 43, 53, 100)
    assert LEGAL_MINIMUM_RATES[4] == LEGAL_MINIMUM_RATES[3] == (55, 67, 78, 100)
    assert sorted(IDCC_BTP_GRID) == ["1596", "1597", "1702", "2420", "2609", "2614", "3212"]
