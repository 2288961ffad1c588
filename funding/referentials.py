"""The look-ups the CERFA rule engine asks for (dossiers.cerfa.Referentials), answered from the referentials app and
from the requests already transmitted; and `validate_request`, the one validation the wizard and the transmission
call.

A hook answers None ("could not tell": the rule is skipped) when the referential it reads is empty, so that a
deployment whose referentials are not loaded yet does not refuse every contract; once loaded, an unknown code is
reported. Each hook queries at most once per code during one validation (several rules ask the same question).
"""

from __future__ import annotations

import functools
from datetime import date

from dossiers.cerfa import Referentials, ValidationResult, validate
from dossiers.models import FINISHED_STATUSES
from funding.models import FundingRequest, RequestKind, RequestStatus
from referentials import codes
from referentials.models import CertificationLink, CollectiveAgreement, RncpCertification

IDCC_SPECIAL = frozenset({codes.IDCC_NONE, codes.IDCC_NEGOTIATING})


def idcc_status(idcc: str) -> str | None:
    """ "en_vigueur" / "abroge" from the KALI list, "inconnu" when it does not list the code (None if it is empty)."""
    idcc = codes.normalise_idcc(idcc)
    if idcc in IDCC_SPECIAL:
        return None
    in_force = CollectiveAgreement.objects.filter(idcc=idcc).values_list("in_force", flat=True).first()
    if in_force is None:
        return "inconnu" if CollectiveAgreement.objects.exists() else None
    return "en_vigueur" if in_force else "abroge"


def rncp_status(code: str) -> str | None:
    """ "active" / "inactive" from the RNCP, "inconnu" when it does not list the code (None if it is empty)."""
    is_active = RncpCertification.objects.filter(code=codes.normalise_rncp(code)).values_list("is_active", flat=True)
    is_active = is_active.first()
    if is_active is None:
        return "inconnu" if RncpCertification.objects.exists() else None
    return "active" if is_active else "inactive"


def cfd_rncp_linked(cfd: str, rncp: str) -> bool | None:
    """Whether the RNCP <-> code diplôme links pair them; None when the certification has no link at all (the
    referential cannot tell, e.g. a title with no code diplôme, or links not loaded)."""
    linked = set(
        CertificationLink.objects.filter(rncp__code=codes.normalise_rncp(rncp)).values_list("diploma__cfd", flat=True)
    )
    if not linked:
        return None
    return codes.normalise_cfd(cfd) in linked


def maitre_active_contracts(nom: str, prenom: str, birth_iso: str) -> int | None:
    """How many apprentices in open dossiers transmitted through the portal already have this maître (n°1 or n°2),
    found by birth name, first name (case ignored) and birth date."""
    count = 0
    requests = FundingRequest.objects.filter(
        kind=RequestKind.APPRENTICESHIP, status=RequestStatus.SUBMITTED, dossier__isnull=False
    ).exclude(dossier__status__in=FINISHED_STATUSES)
    for number in (1, 2):
        count += requests.filter(
            **{
                f"data__maitre{number}_nom_naissance__iexact": nom,
                f"data__maitre{number}_prenom__iexact": prenom,
                f"data__maitre{number}_date_naissance": birth_iso,
            }
        ).count()
    return count


def _memoised(function):
    return functools.lru_cache(maxsize=None)(function)


def cerfa_referentials() -> Referentials:
    """The hooks for one validation (`validate(data, referentials=cerfa_referentials())`): memoised for its
    duration only, so a referential reloaded in between is read afresh by the next validation."""
    return Referentials(
        idcc_status=_memoised(idcc_status),
        rncp_status=_memoised(rncp_status),
        cfd_rncp_linked=_memoised(cfd_rncp_linked),
        maitre_active_contracts=_memoised(maitre_active_contracts),
    )


def validate_request(request: FundingRequest, *, today: date | None = None) -> ValidationResult:
    """The rule engine on a request's data with the referentials plugged in: what the wizard shows and what the
    transmission requires (no error). Requests of another kind have no CERFA: nothing to report."""
    if request.kind not in (RequestKind.APPRENTICESHIP, RequestKind.AVENANT):
        return ValidationResult((), dict(request.data))
    return validate(request.data, today=today, referentials=cerfa_referentials())
