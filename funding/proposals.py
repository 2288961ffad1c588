"""Apprenticeship drafts a CFA proposes to an employer (its software, through the API with an oGestion key): the
CFA files the contract, the employer completes, signs and transmits it in eGestion's wizard — the employer's
confirmation stays in the portal. The CFA block of the CERFA is the proposing CFA's: a CFA cannot propose a contract
for another CFA. The employer's first change takes the draft over (funding.services.save_draft); the CFA then only
reads it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from accounts.models import Establishment, Membership, OrganisationKind, Role
from common.emails import send_email_on_commit
from funding import apprenticeship, services
from funding.models import FundingRequest, RequestKind

UNKNOWN_EMPLOYER = (
    "Aucun établissement adhérent de Constructys ne porte ce SIRET : l'employeur doit d'abord avoir un compte eGestion."
)
NOT_A_CFA = "Cet établissement n'a pas de n° UAI : seul un CFA peut proposer un contrat d'apprentissage."
TRANSMITTED_BY_EMPLOYER = "La transmission est faite par l'employeur dans eGestion."


def member_employer(siret: str) -> Establishment:
    """The member company's establishment the contract is proposed to, by its SIRET."""
    compact = "".join(str(siret or "").split())
    employer = (
        Establishment.objects.select_related("organisation")
        .filter(siret=compact, organisation__kind=OrganisationKind.COMPANY)
        .first()
    )
    if employer is None:
        raise ValidationError({"siret_employeur": [UNKNOWN_EMPLOYER]}, code="unknown_employer")
    return employer


def provider_cfa_values(provider: Establishment) -> dict:
    """The CERFA's CFA block from the proposing establishment (the dossier's provider at transmission is found by
    this UAI and SIRET, funding.transmission)."""
    street = apprenticeship.split_street(provider.address_line1)
    values = {
        "cfa_denomination": provider.name[:80],
        "cfa_uai": provider.uai,
        "cfa_siret": provider.siret,
        "cfa_adresse_numero": street.get("numero") or None,
        "cfa_adresse_voie": street.get("voie", "")[:80] or None,
        "cfa_adresse_complement": provider.address_line2[:80] or None,
        "cfa_adresse_code_postal": provider.postal_code or None,
        "cfa_adresse_commune": provider.city[:80] or None,
    }
    return {field_id: values.get(field_id) for field_id in apprenticeship.CFA_FIELDS}


@transaction.atomic
def propose_draft(*, user, provider: Establishment, employer: Establishment, values_of) -> FundingRequest:
    """A new draft for `employer`, proposed by `provider` (a CFA `user` acts for). `values_of(draft)` gives the
    CERFA fields sent (checked by the caller); the CFA block is then forced to the provider's. The employer's
    account managers are told by email."""
    if not provider.is_cfa:
        raise ValidationError(NOT_A_CFA, code="not_a_cfa")
    draft = FundingRequest.objects.create(
        kind=RequestKind.APPRENTICESHIP,
        employer_establishment=employer,
        created_by=user,
        proposed_by_provider=provider,
        data=apprenticeship.initial_draft_data(employer),
    )
    draft = update_proposal(draft, values_of(draft))
    _email_employer(draft)
    return draft


def update_proposal(draft: FundingRequest, values: dict) -> FundingRequest:
    """The CFA's change of its proposal; refused ("taken_over") once the employer changed or transmitted it."""
    forced = provider_cfa_values(draft.proposed_by_provider)
    return services.save_draft(draft, {**values, **forced}, by_provider=True)


def employer_managers(employer: Establishment) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(establishment=employer, role=Role.COMPANY_MANAGER).values_list(
                "user__email", flat=True
            )
        )
    )


def _email_employer(draft: FundingRequest) -> None:
    recipients = employer_managers(draft.employer_establishment)
    if not recipients:
        return
    data = draft.data
    apprentice = " ".join(
        filter(
            None, [data.get("apprenti_prenom"), data.get("apprenti_nom_usage") or data.get("apprenti_nom_naissance")]
        )
    )
    send_email_on_commit(
        "apprenticeship_proposed",
        {
            "provider": draft.proposed_by_provider,
            "employer": draft.employer_establishment,
            "apprentice": apprentice,
            "title": data.get("formation_intitule_precis", ""),
            "url": settings.SITE_URL + reverse("egestion:request_resume", args=[draft.public_id]),
        },
        to=recipients,
    )
