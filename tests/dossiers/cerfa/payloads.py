"""Complete, valid CERFA FA13 payloads (values computed by hand from the specification, not by the engine).

Minor: Lucas Martin, born 15/03/2008 (17 at the start), CAP Maçon at a CFA BTP, employer under IDCC 1596.
  18th birthday 15/03/2026 → the 18-20 band applies from 01/04/2026, so the 1st year has two periods.
  Rates follow the BTP branch grid (40 % / 50 % / 60 %), above the legal grid (27 % / 43 % / 51 %).
  Salary at hiring: 40 % × 1 801,80 € (SMIC on 01/09/2025) = 720,72 €.
Adult: Camille Leroy, born 10/01/2003 (22 at the start), same CAP; 21-25 band all along: 55 % then 65 %
  (BTP grid; legal 53 % / 61 %). Salary: 55 % × 1 801,80 € = 990,99 €.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dossiers.cerfa import validate

TODAY = date(2025, 8, 20)

EMPLOYER_SIRET = "44123456400017"  # SIREN 441234564 + NIC 00017, both Luhn-valid
CFA_SIRET = "35123456200020"
OTHER_SIRET = "78288112200033"
CFA_UAI = "0351234B"  # 351234 mod 23 = 1 → B
MINOR_NIR = "108033523811737"  # 97 − (1080335238117 mod 97) = 37
ADULT_NIR = "203014410904519"  # 97 − (2030144109045 mod 97) = 19


def minor_payload() -> dict[str, Any]:
    return {
        "mode_contractuel": "1",
        # employer
        "employeur_prive_public": "prive",
        "employeur_denomination": "Maçonnerie Durand et Fils",
        "employeur_siret": EMPLOYER_SIRET,
        "employeur_adresse_numero": "12",
        "employeur_adresse_indice_repetition": "B",
        "employeur_adresse_voie": "rue des Tanneurs",
        "employeur_adresse_code_postal": "35000",
        "employeur_adresse_commune": "Rennes",
        "employeur_telephone": "+33299123456",
        "employeur_courriel": "contact@durand-maconnerie.fr",
        "employeur_type": "11",
        "employeur_specifique": "0",
        "employeur_code_naf": "43.99C",
        "employeur_effectif": 8,
        "employeur_code_idcc": "1596",
        # apprentice
        "apprenti_nom_naissance": "Martin",
        "apprenti_prenom": "Lucas",
        "apprenti_nir": MINOR_NIR,
        "apprenti_adresse_numero": "4",
        "apprenti_adresse_voie": "allée des Peupliers",
        "apprenti_adresse_code_postal": "35200",
        "apprenti_adresse_commune": "Rennes",
        "apprenti_telephone": "+33612345678",
        "apprenti_courriel": "lucas.martin@example.fr",
        "apprenti_date_naissance": "2008-03-15",
        "apprenti_sexe": "M",
        "apprenti_departement_naissance": "35",
        "apprenti_commune_naissance": "Rennes",
        "apprenti_nationalite": "1",
        "apprenti_regime_social": "2",
        "apprenti_sportif_haut_niveau": False,
        "apprenti_rqth": False,
        "apprenti_equivalence_jeunes": False,
        "apprenti_extension_boe": False,
        "apprenti_projet_creation_reprise": False,
        "apprenti_situation_avant_contrat": "1",
        "apprenti_dernier_diplome_prepare": "25",
        "apprenti_derniere_classe": "01",
        "apprenti_intitule_dernier_diplome": "Diplôme national du brevet",
        "apprenti_diplome_plus_eleve": "25",
        "apprenti_mineur_non_emancipe": True,
        # legal representative
        "representant_legal_nom_naissance": "Martin",
        "representant_legal_prenom": "Sophie",
        "representant_legal_meme_adresse": True,
        "representant_legal_courriel": "sophie.martin@example.fr",
        # maître d'apprentissage
        "maitre1_nom_naissance": "Durand",
        "maitre1_prenom": "Pierre",
        "maitre1_date_naissance": "1975-06-02",
        "maitre1_courriel": "pierre.durand@durand-maconnerie.fr",
        "maitre1_emploi_occupe": "Chef de chantier maçonnerie",
        "maitre1_diplome_intitule": "Brevet professionnel Maçon",
        "maitre1_niveau_diplome": "4",
        "employeur_atteste_eligibilite_maitre": True,
        # contract
        "contrat_type": "11",
        "contrat_date_conclusion": "2025-08-25",
        "contrat_date_debut_execution": "2025-09-01",
        "contrat_date_debut_formation_pratique": "2025-09-01",
        "contrat_date_fin": "2027-08-31",
        "contrat_duree_hebdo_heures": 35,
        "contrat_duree_hebdo_minutes": 0,
        "contrat_travail_risque": False,
        "remuneration_1_1_du": "2025-09-01",
        "remuneration_1_1_au": "2026-03-31",
        "remuneration_1_1_taux": "40",
        "remuneration_1_1_base": "SMIC",
        "remuneration_1_2_du": "2026-04-01",
        "remuneration_1_2_au": "2026-08-31",
        "remuneration_1_2_taux": "50",
        "remuneration_1_2_base": "SMIC",
        "remuneration_2_1_du": "2026-09-01",
        "remuneration_2_1_au": "2027-08-31",
        "remuneration_2_1_taux": "60",
        "remuneration_2_1_base": "SMIC",
        "contrat_salaire_brut_embauche": "720.72",
        "contrat_caisse_retraite_complementaire": "PRO BTP (Alliance professionnelle) Agirc-Arrco",
        # training
        "formation_cfa_entreprise": False,
        "cfa_denomination": "CFA du Bâtiment de Rennes",
        "cfa_uai": CFA_UAI,
        "cfa_siret": CFA_SIRET,
        "formation_diplome_vise_code": "33",
        "formation_intitule_precis": "CAP Maçon",
        "formation_code_diplome": "50023214",
        "formation_code_rncp": "RNCP34862",
        "cfa_adresse_numero": "2",
        "cfa_adresse_voie": "rue de l'Apprentissage",
        "cfa_adresse_code_postal": "35000",
        "cfa_adresse_commune": "Rennes",
        "formation_cfa_est_lieu_principal": True,
        "formation_date_debut": "2025-09-08",
        "formation_date_fin_epreuves": "2027-07-09",
        "formation_duree_heures": 840,
        "formation_duree_heures_distance": 0,
        # attestations and signature
        "employeur_atteste_pieces_justificatives": True,
        "signature_fait_a": "Rennes",
    }


def adult_payload() -> dict[str, Any]:
    payload = minor_payload()
    for key in list(payload):
        if key.startswith("representant_legal_") or key.startswith("remuneration_"):
            del payload[key]
    del payload["apprenti_mineur_non_emancipe"]
    payload.update(
        {
            "apprenti_nom_naissance": "Leroy",
            "apprenti_prenom": "Camille",
            "apprenti_sexe": "F",
            "apprenti_date_naissance": "2003-01-10",
            "apprenti_departement_naissance": "44",
            "apprenti_commune_naissance": "Nantes",
            "apprenti_nir": ADULT_NIR,
            "apprenti_courriel": "camille.leroy@example.fr",
            "apprenti_situation_avant_contrat": "10",
            "apprenti_dernier_diplome_prepare": "41",
            "apprenti_intitule_dernier_diplome": "Baccalauréat professionnel Commerce",
            "apprenti_diplome_plus_eleve": "41",
            "remuneration_1_1_du": "2025-09-01",
            "remuneration_1_1_au": "2026-08-31",
            "remuneration_1_1_taux": "55",
            "remuneration_1_1_base": "SMIC",
            "remuneration_2_1_du": "2026-09-01",
            "remuneration_2_1_au": "2027-08-31",
            "remuneration_2_1_taux": "65",
            "remuneration_2_1_base": "SMIC",
            "contrat_salaire_brut_embauche": "990.99",
            "contrat_smc_montant": "0",
        }
    )
    return payload


def check(payload: dict[str, Any], today: date = TODAY, **changes: Any):
    """Validate a copy of `payload` with some fields changed (None = emptied)."""
    return validate({**payload, **changes}, today=today)


def minor(**changes: Any):
    return check(minor_payload(), **changes)


def adult(**changes: Any):
    return check(adult_payload(), **changes)


def rows(*periods: tuple[str, str, str, str, str]) -> dict[str, Any]:
    """Remuneration rows `("1_1", du, au, taux, base)`; every other row emptied."""
    values: dict[str, Any] = {
        f"remuneration_{year}_{period}_{part}": None
        for year in (1, 2, 3, 4)
        for period in (1, 2)
        for part in ("du", "au", "taux", "base")
    }
    for key, du, au, taux, base in periods:
        values.update(
            {
                f"remuneration_{key}_du": du,
                f"remuneration_{key}_au": au,
                f"remuneration_{key}_taux": taux,
                f"remuneration_{key}_base": base,
            }
        )
    return values


BASES = {"minor": minor_payload, "adult": adult_payload}


def run(base: str, changes: dict[str, Any], today: date = TODAY):
    return check(BASES[base](), today=today, **changes)


def assert_rule(result, rule_id: str, fields: set[str]) -> None:
    """`rule_id` fired exactly on `fields` (none: it did not fire), with the right severity and a message."""
    assert result.fields_for(rule_id) == fields, (rule_id, result.rule_ids, result.warning_rule_ids)
    warning = rule_id.startswith("W-")
    ids = result.warning_rule_ids if warning else result.rule_ids
    messages = result.warnings if warning else result.errors
    for field in fields:
        message = messages[field][ids[field].index(rule_id)]
        assert (message[0].isupper() or message[0] == "«") and message.endswith((".", "?")), message
