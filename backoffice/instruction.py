"""Instruction of dossiers by Constructys case managers: each change of status goes through one of these functions,
which the admin actions call.

    mark_received(dossier, user)                      Transmis / Incomplet -> Reçu
    mark_incomplete(dossier, user, missing=...)       Transmis / Reçu -> Incomplet, asking for the missing documents
    accept(dossier, user)                             -> En cours, with the "Accord de prise en charge" PDF issued
    refuse(dossier, user, reason=...)                 -> Refusé, with the reason
    close(dossier, user)                              En cours -> Soldé

Each one locks the dossier, checks that the change is allowed (ValidationError in French otherwise), records a
DossierStatusChange (who, when, from, to, note) and an entry of the admin history, gives the dossier a case manager
if it had none, and writes the company a message in the dossier's thread (it shows under MESSAGE(S) and in the
company's unread messages).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from common.formats import format_amount
from common.history import log_change
from common.pdf import render_pdf
from deadlines.services import refresh_deadlines
from dossiers.models import Document, DocumentKind, Dossier, DossierStatus, DossierStatusChange
from invoicing.services import npec_funding
from messaging.services import reply_as_case_manager
from webhooks import events, payloads

S = DossierStatus


@dataclass(frozen=True)
class Transition:
    code: str
    label: str  # the admin's button and action
    to_status: str
    from_statuses: tuple[str, ...]
    permission: str  # codename on dossiers.Dossier
    subject: str  # the message to the company: {number}, {title} and {note} are replaced
    body: str
    note_label: str = ""  # asked on the confirmation page; required when set

    def message(self, dossier: Dossier, note: str) -> tuple[str, str]:
        amount = f" pour un montant de {format_amount(dossier.agreed_amount)}" if dossier.agreed_amount else ""
        values = {"number": dossier.number, "title": dossier.title, "note": note, "amount": amount}
        return self.subject.format(**values), "Bonjour,\n\n" + self.body.format(**values)


def case_manager_candidates():
    """The staff who may be given a dossier: active staff allowed to instruct dossiers (through a group, their own
    permissions, or superuser status). Accounting, who only record payments, is never offered."""
    instruct = Permission.objects.filter(content_type__app_label="dossiers", codename="instruct_dossier")
    # Subqueries rather than joins and DISTINCT: the list's filter and the dossier page's select read it on every view.
    through_group = User.groups.through.objects.filter(group__permissions__in=instruct).values("user_id")
    of_their_own = User.user_permissions.through.objects.filter(permission__in=instruct).values("user_id")
    return User.objects.filter(
        Q(is_superuser=True) | Q(pk__in=through_group) | Q(pk__in=of_their_own), is_staff=True, is_active=True
    ).order_by("last_name", "first_name")


TRANSITIONS = {
    t.code: t
    for t in [
        Transition(
            "received",
            "Marquer reçu",
            S.RECEIVED,
            (S.SUBMITTED, S.INCOMPLETE),
            "instruct_dossier",
            subject="Dossier {number} reçu",
            body="Nous avons bien reçu votre dossier n° {number} ({title}). Il est en cours d'étude par votre "
            "gestionnaire Constructys.",
        ),
        Transition(
            "incomplete",
            "Marquer incomplet",
            S.INCOMPLETE,
            (S.SUBMITTED, S.RECEIVED),
            "instruct_dossier",
            subject="Dossier {number} incomplet : pièces manquantes",
            body="Votre dossier n° {number} ({title}) est incomplet. Merci de nous transmettre, en réponse à ce "
            "message :\n\n{note}",
            note_label="Pièces manquantes (message à l'entreprise)",
        ),
        Transition(
            "accept",
            "Accepter",
            S.ACCEPTED,
            (S.SUBMITTED, S.RECEIVED, S.INCOMPLETE),
            "instruct_dossier",
            subject="Dossier {number} accepté : accord de prise en charge",
            body="Votre dossier n° {number} ({title}) est accepté{amount}. L'accord de prise en charge est disponible "
            "dans les DOCUMENT(S) ÉMIS du dossier.",
        ),
        Transition(
            "refuse",
            "Refuser",
            S.REFUSED,
            (S.SUBMITTED, S.RECEIVED, S.INCOMPLETE),
            "instruct_dossier",
            subject="Dossier {number} refusé",
            body="Votre dossier n° {number} ({title}) n'a pas pu être accepté pour le motif suivant :\n\n{note}",
            note_label="Motif du refus",
        ),
        Transition(
            "close",
            "Solder",
            S.CLOSED,
            (S.ACCEPTED, S.TERMINATED),  # a broken contract is settled up to its rupture
            "close_dossier",
            subject="Dossier {number} soldé",
            body="Votre dossier n° {number} ({title}) est soldé : tous les règlements ont été effectués.",
        ),
    ]
}


def available_transitions(dossier: Dossier, user) -> list[Transition]:
    """The changes the user may make to the dossier in its current status."""
    return [
        t
        for t in TRANSITIONS.values()
        if dossier.status in t.from_statuses and user.has_perm(f"dossiers.{t.permission}")
    ]


@transaction.atomic
def change_status(dossier: Dossier, user, code: str, note: str = "") -> DossierStatusChange:
    """Make the change `code` (a key of TRANSITIONS); the functions below name each one."""
    transition = TRANSITIONS[code]
    note = (note or "").strip()
    if not user.has_perm(f"dossiers.{transition.permission}"):
        raise ValidationError("Vous n'avez pas le droit de faire ce changement d'état.")
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.status not in transition.from_statuses:
        raise ValidationError(
            f"Le dossier {locked.number} est « {locked.get_status_display()} » : "
            f"« {transition.label} » n'est pas possible."
        )
    if transition.note_label and not note:
        raise ValidationError(f"{transition.note_label} : ce champ est obligatoire.")
    previous = locked.status
    locked.status = transition.to_status
    update_fields = ["status", "updated_at"]
    if locked.case_manager_id is None:
        locked.case_manager = user
        update_fields.append("case_manager")
    locked.save(update_fields=update_fields)
    change = DossierStatusChange.objects.create(
        dossier=locked, from_status=previous, to_status=locked.status, changed_by=user, note=note
    )
    events.emit(
        "dossier.status_changed",
        lambda: payloads.status_change(change),
        establishments=payloads.dossier_parties(locked),
    )
    if code == "accept":
        agree_the_npec(locked)
        issue_funding_agreement(locked, user)
    # Receipt starts the OPCO's 20 days (R.6224-3), a decision ends them: the échéances change with the status.
    refresh_deadlines(locked)
    title, body = transition.message(locked, note)
    reply_as_case_manager(locked, user, title, body)
    log_change(
        user, locked, f"État : {S(previous).label} → {locked.get_status_display()}" + (f" ({note})" if note else "")
    )
    # The caller's object follows.
    dossier.status, dossier.case_manager_id = locked.status, locked.case_manager_id
    dossier.agreed_amount = locked.agreed_amount
    return change


def mark_received(dossier, user):
    return change_status(dossier, user, "received")


def mark_incomplete(dossier, user, missing: str):
    return change_status(dossier, user, "incomplete", missing)


def accept(dossier, user):
    return change_status(dossier, user, "accept")


def refuse(dossier, user, reason: str):
    return change_status(dossier, user, "refuse", reason)


def close(dossier, user):
    return change_status(dossier, user, "close")


def npec_lines(plan) -> dict | None:
    """The NPEC figures the Accord prints under the amount: the annual NPEC and each year of execution's amount."""
    if plan is None:
        return None
    return {
        "annual": format_amount(plan.annual_npec),
        "years": [(number, format_amount(amount)) for number, amount in enumerate(plan.years, start=1)],
        "participation": format_amount(plan.participation) if plan.participation else "",
    }


def agree_the_npec(dossier: Dossier) -> None:
    """An apprenticeship contract accepted without an amount typed by the case manager is agreed at its NPEC
    (certification × IDCC, per year of execution, less the employer's participation): the Accord states it and the
    case manager may still change it on the dossier's page."""
    if dossier.agreed_amount is not None:
        return
    plan = npec_funding(dossier)
    if plan is None:
        return
    dossier.agreed_amount = plan.total
    dossier.save(update_fields=["agreed_amount", "updated_at"])


def funding_agreement_pdf(dossier: Dossier) -> bytes:
    trainees = [enrolment.person for enrolment in dossier.enrolments.select_related("person")]
    return render_pdf(
        "backoffice/funding_agreement_pdf.html",
        {
            "dossier": dossier,
            "employer": dossier.employer_establishment,
            "provider": dossier.provider_establishment,
            "trainees": trainees,
            "case_manager": dossier.case_manager,
            "agreed_amount": format_amount(dossier.agreed_amount) if dossier.agreed_amount is not None else "",
            "npec": npec_lines(npec_funding(dossier)),
            "issued_on": timezone.localdate(),
        },
    )


def issue_funding_agreement(dossier: Dossier, user) -> Document:
    """The "Accord de prise en charge" PDF, added to the dossier's issued documents."""
    return Document.issue_pdf(
        funding_agreement_pdf(dossier),
        name=f"Accord de prise en charge {dossier.number}.pdf",
        kind=DocumentKind.FUNDING_AGREEMENT,
        user=user,
        dossier=dossier,
    )
