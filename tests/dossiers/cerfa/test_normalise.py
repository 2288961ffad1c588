"""Normalisation before validation (§1)."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from dossiers.cerfa import normalise

from .payloads import minor, minor_payload

pytestmark = pytest.mark.no_database  # pure: no database


@pytest.mark.parametrize(
    ("field_id", "given", "normalised"),
    [
        ("employeur_denomination", "  Maçonnerie Durand  ", "Maçonnerie Durand"),
        ("employeur_siret", " 441 234 564 00017 ", "44123456400017"),
        ("cfa_siret", "351\u00a0234\u00a0562\u00a000020", "35123456200020"),
        ("apprenti_nir", "1 08 03 35 238 117 37", "108033523811737"),
        ("apprenti_nir", "2 04 07 2a 004 012", "204072A004012"),
        ("cfa_uai", "0351234 b", "0351234B"),
        ("employeur_telephone", "+33 2 99 12 34 56", "+33299123456"),
        ("employeur_code_naf", "4399c", "43.99C"),
        ("employeur_code_naf", "43.99c", "43.99C"),
        ("employeur_code_idcc", "43", "0043"),
        ("employeur_code_idcc", 1597, "1597"),
        ("formation_code_rncp", "34862", "RNCP34862"),
        ("formation_code_rncp", "rncp34862", "RNCP34862"),
        ("contrat_numero_precedent", "02b202212000000", "02B202212000000"),
        ("apprenti_adresse_numero", 4, "4"),
        ("apprenti_nationalite", 1, "1"),
        ("apprenti_rqth", "Non", False),
        ("apprenti_rqth", "oui", True),
        ("apprenti_rqth", "true", True),
        ("contrat_date_fin", date(2027, 8, 31), "2027-08-31"),
        ("contrat_date_fin", datetime(2027, 8, 31, 12, 0), "2027-08-31"),
        ("contrat_salaire_brut_embauche", "1 801,80", "1801.80"),
        ("apprenti_nom_usage", "   ", None),
        ("apprenti_nom_usage", "", None),
    ],
)
def test_values_are_normalised(field_id, given, normalised):
    assert normalise({field_id: given})[field_id] == normalised


def test_unknown_keys_are_kept_trimmed_and_ignored_by_the_rules():
    data = normalise({"commentaire_interne": "  à voir  "})

    assert data["commentaire_interne"] == "à voir"
    assert minor(commentaire_interne="x").is_valid


def test_defaults_of_optional_fields():
    data = normalise({})

    assert data["employeur_specifique"] == "0"
    assert data["contrat_duree_hebdo_minutes"] == 0
    assert data["formation_duree_heures_distance"] == 0


def test_signature_date_is_the_conclusion_date():
    data = normalise({"contrat_date_conclusion": "2025-08-25", "signature_fait_le": "2025-08-30"})

    assert data["signature_fait_le"] == "2025-08-25"


@pytest.mark.parametrize(("birth", "minor_flag"), [("2007-08-26", True), ("2007-08-25", False)])
def test_minor_flag_is_derived_from_the_age_at_conclusion(birth, minor_flag):
    data = normalise({"apprenti_date_naissance": birth, "contrat_date_conclusion": "2025-08-25"})

    assert data["apprenti_mineur"] is minor_flag


def test_representative_address_is_copied_from_the_apprentice_when_the_same():
    data = normalise(minor_payload())

    assert data["representant_legal_adresse_voie"] == "allée des Peupliers"
    assert data["representant_legal_adresse_code_postal"] == "35200"
    assert data["representant_legal_adresse_commune"] == "Rennes"


def test_main_training_place_is_copied_from_the_cfa_when_it_is_the_cfa():
    data = normalise(minor_payload())

    assert data["lieu_formation_denomination"] == "CFA du Bâtiment de Rennes"
    assert data["lieu_formation_siret"] == "35123456200020"
    assert data["lieu_formation_uai"] == "0351234B"


def test_normalised_data_is_returned_with_the_result():
    result = minor(employeur_siret="441 234 564 00017")

    assert result.data["employeur_siret"] == "44123456400017"
    assert result.is_valid


def test_decimal_values_may_be_numbers():
    data = normalise({"contrat_salaire_brut_embauche": Decimal("720.72")})

    assert data["contrat_salaire_brut_embauche"] == Decimal("720.72")
