"""RGPD erasure: the only way to remove a person's personal data (manage.py rgpd_erase_person).

    plan = erasure_plan(person=…, user=…)                       # what would be erased and what is kept (dry run)
    erase(plan, operator=staff_user, reason="…")               # do it, in one transaction, with its audit entry

- A `Person` is pseudonymised: civility, names, birth date, NIR, email, phone, address and job are cleared (the name
  becomes "EFFACÉ", the first name "Personne n°<id>") and `erased_at` is set. The funding requests (drafts and
  transmitted) that chose them keep their numbers and amounts, but the fields copied from the person (the
  apprentice's or maître's block, the legal representative of an apprentice) are removed from their data.
- A `User` account is anonymised and deactivated: email `efface-<id>@rgpd.invalid`, names, function and phone
  cleared, no usable password, every membership deactivated (kept), its links, authenticators and allauth email
  addresses removed; invitations sent to its address carry the pseudonymous address.
- Records are kept, without the personal data: enrolments, plan trainees, payments, messages (their author is the
  anonymised account), consents (the proof of acceptance stays), account events. The documents of dossiers
  (signed CERFA, agreements, remittance advices) are kept as they are, under the OPCO's legal retention duty; the
  plan counts them so that the operator can decide with the DPO what else the request covers. Free text written
  by others (message bodies) is not rewritten.
- The admin's history (LogEntry) names the objects as erased, and a `PersonalDataErasure` row records who, when,
  why and what (ids and field names only, never the erased values); the account also gets an AccountEvent.
"""

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import (
    AccountEventKind,
    AccountToken,
    Consent,
    Invitation,
    Membership,
    Person,
    PersonalDataErasure,
    User,
)
from accounts.services import record_event
from common.history import log_change
from dossiers.models import Document, Enrolment
from funding.models import FundingRequest, PlanTrainee
from messaging.models import Message

PERSON_FIELDS = Person.PERSONAL_FIELDS
USER_FIELDS = ["email", "civility", "first_name", "last_name", "function", "phone", "password", "is_active"]
# The blocks of a funding request's data that a chosen person fills (funding.apprenticeship.person_values), with
# the legal representative that comes with an apprentice.
REQUEST_PREFIXES = {
    "apprenti": ("apprenti_", "representant_legal_"),
    "maitre1": ("maitre1_",),
    "maitre2": ("maitre2_",),
    "employeur": ("employeur_telephone", "employeur_courriel"),
}
ERASED_NAME = "EFFACÉ"


@dataclass
class ErasurePlan:
    person: Person | None = None
    user: User | None = None
    requests: list = field(default_factory=list)  # [(FundingRequest, [keys removed])]
    kept: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        """What the command prints, in French."""
        lines = []
        if self.person is not None:
            lines.append(
                f"Personne n°{self.person.pk} ({self.person.organisation}) : champs effacés : "
                + ", ".join(PERSON_FIELDS)
            )
            for request, keys in self.requests:
                lines.append(f"  demande de prise en charge {request.public_id} : {len(keys)} champ(s) retiré(s)")
        if self.user is not None:
            lines.append(f"Compte n°{self.user.pk} : anonymisé et désactivé ({', '.join(USER_FIELDS)})")
        lines.append(
            "Conservés sans données personnelles : "
            + ", ".join(f"{label} : {count}" for label, count in self.kept.items())
        )
        return lines


def _request_keys(data: dict, person_pk: int) -> list[str]:
    keys = []
    for target, prefixes in REQUEST_PREFIXES.items():
        if data.get(f"{target}_person_id") != person_pk:
            continue
        keys.append(f"{target}_person_id")
        keys += [key for key in data if key.startswith(prefixes) and key not in keys]
    return keys


def erasure_plan(*, person: Person | None = None, user: User | None = None) -> ErasurePlan:
    if person is None and user is None:
        raise ValidationError("Indiquez la personne ou le compte à effacer.")
    if user is not None and user.is_staff:
        raise ValidationError("Un compte de l'équipe Constructys ne s'efface pas avec cette commande.")
    plan = ErasurePlan(person=person, user=user)
    if person is not None:
        references = Q()
        for target in REQUEST_PREFIXES:
            references |= Q(**{f"data__{target}_person_id": person.pk})
        for request in FundingRequest.objects.filter(references).order_by("pk"):
            keys = _request_keys(request.data or {}, person.pk)
            if keys:
                plan.requests.append((request, keys))
        enrolled_dossiers = Enrolment.objects.filter(person=person).values("dossier_id")
        plan.kept.update(
            {
                "inscriptions à des dossiers": Enrolment.objects.filter(person=person).count(),
                "stagiaires de demandes plan": PlanTrainee.objects.filter(person=person).count(),
                "documents des dossiers (conservation légale)": Document.objects.filter(
                    dossier_id__in=enrolled_dossiers
                ).count(),
            }
        )
    if user is not None:
        plan.kept.update(
            {
                "messages écrits": Message.objects.filter(author=user).count(),
                "acceptations RGPD/CGU": Consent.objects.filter(user=user).count(),
                "rattachements (désactivés)": Membership.include_inactive.filter(user=user).count(),
                "événements du compte": user.account_events.count(),
            }
        )
    return plan


def _rename_history(obj, label: str) -> None:
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=str(obj.pk)
    ).update(object_repr=label)


def _erase_person(person: Person, requests, now) -> None:
    for name in PERSON_FIELDS:
        setattr(person, name, None if name == "birth_date" else "")
    person.last_name, person.first_name = ERASED_NAME, f"Personne n°{person.pk}"
    person.erased_at = now
    person.save()
    for request, keys in requests:
        locked = FundingRequest.objects.select_for_update().get(pk=request.pk)
        locked.data = {key: value for key, value in (locked.data or {}).items() if key not in keys}
        locked.save(update_fields=["data"])
    _rename_history(person, str(person))


def _erase_user(user: User, operator) -> None:
    old_email = user.email
    pseudonym = f"efface-{user.pk}@rgpd.invalid"
    user.email, user.civility, user.first_name, user.last_name, user.function, user.phone = (
        pseudonym,
        "",
        "",
        "",
        "",
        "",
    )
    user.set_unusable_password()
    user.is_active = False
    user.save()
    Membership.include_inactive.filter(user=user, is_active=True).update(
        is_active=False, updated_by=operator, updated_at=timezone.now()
    )
    AccountToken.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    Invitation.objects.filter(email__iexact=old_email).update(email=pseudonym)
    _rename_history(user, pseudonym)


@transaction.atomic
def erase(plan: ErasurePlan, *, operator: User, reason: str) -> PersonalDataErasure:
    """Carry out `plan` and record it. `operator`: the active staff member who runs it; `reason`: why (the
    request of the person, its date, the DPO's reference…)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Le motif de l'effacement est obligatoire.")
    if not (operator.is_active and operator.is_staff):
        raise ValidationError("L'opérateur doit être un membre actif de l'équipe Constructys.")
    now = timezone.now()
    details = {"kept": plan.kept}
    if plan.person is not None:
        person = Person.objects.select_for_update().get(pk=plan.person.pk)
        _erase_person(person, plan.requests, now)
        details["person_fields"] = PERSON_FIELDS
        details["funding_requests"] = {str(request.pk): keys for request, keys in plan.requests}
        log_change(operator, person, f"Effacement RGPD : {reason}")
    if plan.user is not None:
        user = User.objects.select_for_update().get(pk=plan.user.pk)
        _erase_user(user, operator)
        details["user_fields"] = USER_FIELDS
        record_event(user, AccountEventKind.RGPD_ERASED, actor=operator, reason=reason)
        log_change(operator, user, f"Effacement RGPD : {reason}")
    return PersonalDataErasure.objects.create(
        operator=operator, reason=reason, person=plan.person, user=plan.user, details=details, created_at=now
    )
