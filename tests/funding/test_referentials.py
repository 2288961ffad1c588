"""The referential look-ups of the CERFA rules, answered from the referentials app, and validate_request."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.models import DossierStatus
from funding.models import FundingRequest, RequestKind, RequestStatus
from funding.referentials import (
    cerfa_referentials,
    cfd_rncp_linked,
    idcc_status,
    maitre_active_contracts,
    rncp_status,
    validate_request,
)
from referentials.models import CollectiveAgreement, RncpCertification
from tests.factories import DossierFactory
from tests.funding.conftest import TODAY, apprenticeship_payload


def test_idcc_status_from_the_kali_list(sample_referentials):
    assert idcc_status("1596") == "en_vigueur"
    assert idcc_status("650") == "abroge"  # padded to 0650
    assert idcc_status("1234") == "inconnu"
    assert idcc_status("9999") is None  # no agreement: not a KALI code


def test_unknown_codes_are_not_reported_while_a_referential_is_empty():
    assert not CollectiveAgreement.objects.exists() and not RncpCertification.objects.exists()

    assert idcc_status("1234") is None
    assert rncp_status("RNCP99999") is None
    assert cfd_rncp_linked("50023211", "RNCP37651") is None


def test_rncp_status_and_cfd_link(sample_referentials):
    assert rncp_status("RNCP37651") == "active"
    assert rncp_status("4901") == "inactive"  # bare digits get the prefix
    assert rncp_status("RNCP99999") == "inconnu"
    assert cfd_rncp_linked("50023211", "RNCP37651") is True
    assert cfd_rncp_linked("50023213", "RNCP37651") is False
    assert cfd_rncp_linked("50023211", "RNCP99999") is None  # no link known for that certification


def test_the_complete_payload_is_valid_with_the_referentials(draft, sample_referentials):
    result = validate_request(draft, today=TODAY)

    assert result.errors == {}
    # CFD 50023214 (étancheur) is not linked to RNCP34862 (maçon, BP): a warning, not an error.
    assert "formation_code_diplome" in result.warnings


def test_blocking_referential_rules_fire(draft, sample_referentials):
    draft.data = apprenticeship_payload(
        draft.employer_establishment, employeur_code_idcc="1234", formation_code_rncp="RNCP4901"
    )

    result = validate_request(draft, today=TODAY)

    assert "EMP-IDCC-INCONNU" in result.rule_ids["employeur_code_idcc"]
    assert "FOR-RNCP-ACTIF" in result.rule_ids["formation_code_rncp"]


def test_a_repealed_agreement_is_only_a_warning(draft, sample_referentials):
    draft.data = apprenticeship_payload(draft.employer_establishment, employeur_code_idcc="650")

    result = validate_request(draft, today=TODAY)

    assert "W-IDCC-VIGUEUR" in result.warning_rule_ids["employeur_code_idcc"]
    assert "employeur_code_idcc" not in result.errors


def test_each_question_is_asked_once_per_validation(draft, sample_referentials):
    hooks = cerfa_referentials()
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            hooks.idcc_status("1596")
    assert len(queries) == 1


def test_maitre_active_contracts_counts_open_transmitted_apprenticeships(establishment):
    def transmitted(status=DossierStatus.SUBMITTED, number=1, **names):
        data = {
            f"maitre{number}_nom_naissance": names.get("nom", "Durand"),
            f"maitre{number}_prenom": names.get("prenom", "Pierre"),
            f"maitre{number}_date_naissance": "1975-06-02",
        }
        FundingRequest.objects.create(
            kind=RequestKind.APPRENTICESHIP,
            status=RequestStatus.SUBMITTED,
            employer_establishment=establishment,
            data=data,
            dossier=DossierFactory(employer_establishment=establishment, status=status),
        )

    transmitted()
    transmitted(number=2, nom="DURAND", prenom="pierre")  # case ignored, as maître n°2
    transmitted(status=DossierStatus.CLOSED)  # finished: no longer followed
    transmitted(prenom="Paul")
    FundingRequest.objects.create(  # a draft does not count
        kind=RequestKind.APPRENTICESHIP,
        employer_establishment=establishment,
        data={"maitre1_nom_naissance": "Durand", "maitre1_prenom": "Pierre", "maitre1_date_naissance": "1975-06-02"},
    )

    assert maitre_active_contracts("Durand", "Pierre", "1975-06-02") == 2


def test_a_maitre_with_two_apprentices_is_a_warning(draft, sample_referentials):
    for _ in range(2):
        FundingRequest.objects.create(
            kind=RequestKind.APPRENTICESHIP,
            status=RequestStatus.SUBMITTED,
            employer_establishment=draft.employer_establishment,
            data={k: v for k, v in draft.data.items() if k.startswith("maitre1_")},
            dossier=DossierFactory(employer_establishment=draft.employer_establishment),
        )

    result = validate_request(draft, today=TODAY)

    assert "W-MA-CHARGE" in result.warning_rule_ids["maitre1_nom_naissance"]
    assert result.is_valid


def test_other_kinds_have_nothing_to_validate(draft):
    draft.kind = RequestKind.PLAN

    assert validate_request(draft).issues == ()
