"""Messages of a dossier's thread with the case manager (eGestion keys): list, post, mark read. The read state is the
key creator's, as in the portal."""

import datetime

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from api import scope
from api.auth import require_write
from api.pagination import paginate
from api.schemas import ERRORS, Ok
from messaging import selectors, services
from messaging.models import Message as MessageModel

router = Router(tags=["Messages"])


class Message(Schema):
    id: int
    dossier: str
    expediteur: str
    titre: str
    contenu: str
    envoye_le: datetime.datetime
    lu: bool


class MessagePage(Schema):
    resultats: list[Message]
    suivant: str | None


class NouveauMessage(Schema):
    titre: str = Field(..., min_length=1, max_length=200)
    contenu: str = Field(..., min_length=1, max_length=20000)


class MessageFilters(Schema):
    non_lus: bool = False
    curseur: str | None = None
    limite: int | None = None


def message_out(message, numero) -> dict:
    return {
        "id": message.pk,
        "dossier": numero,
        "expediteur": message.get_sender_side_display(),
        "titre": message.title,
        "contenu": message.body,
        "envoye_le": message.created_at,
        "lu": bool(message.is_read),
    }


@router.get("/dossiers/{numero}/messages", response={200: MessagePage, **ERRORS}, summary="Les messages d'un dossier")
def list_messages(request, numero: str, filters: Query[MessageFilters]):
    scope.company_only(request)
    dossier = scope.dossier_or_404(request, numero)
    thread = selectors.dossier_thread(dossier, scope.user_of(request))
    if filters.non_lus:
        thread = thread.filter(is_read=False)
    rows, cursor = paginate(thread, filters.curseur, filters.limite)
    return {"resultats": [message_out(message, dossier.number) for message in rows], "suivant": cursor}


@router.post(
    "/dossiers/{numero}/messages",
    response={201: Message, **ERRORS},
    summary="Écrire au gestionnaire du dossier",
)
def post_message(request, numero: str, payload: NouveauMessage):
    scope.company_only(request)
    dossier = scope.dossier_or_404(request, numero)
    require_write(request)
    message = services.send_company_message(dossier, scope.user_of(request), payload.titre, payload.contenu)
    message.is_read = True
    return Status(201, message_out(message, dossier.number))


@router.post("/messages/{message_id}/lu", response={200: Ok, **ERRORS}, summary="Marquer un message comme lu")
def mark_read(request, message_id: int):
    scope.company_only(request)
    message = MessageModel.objects.filter(pk=message_id, dossier__in=scope.dossiers(request)).first()
    if message is None:
        raise Http404
    require_write(request)
    services.mark_read(message, scope.user_of(request))
    return {"ok": True}
