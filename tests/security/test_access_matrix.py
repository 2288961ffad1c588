"""The access-control matrix: every portal URL pattern of Django's resolver × every persona who must be refused.

`MATRIX` maps each URL pattern name to how its URL is built for the owner's objects (tests/security/world.py), who
it is for (its audience) and, for the views that accept POST, plausible data. From the audience, `expected()` says
what each persona gets: the page (allowed), the login page (302), or a refusal (403 or 404). A refused request, GET
or POST, must change nothing in the database (a checksum of every table of the project before and after).

A URL pattern missing from MATRIX fails `test_every_url_pattern_is_in_the_matrix` (and its own case): a new URL
is covered the day it is added. The admin (/admin/, covered by the back-office group matrix) and static files are
left out.

One world for the module (built once, in a transaction rolled back at the end); each case runs in its own
savepoint.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from deadlines.services import feed_for, feed_token
from tests.factories import TINY_PDF
from tests.security.world import (  # noqa: F401  (module fixtures)
    _isolated_media,
    changed_tables,
    checked_tables,
    database_checksum,
    media_root_fixture,
    world_fixture,
)

# --- audiences ----------------------------------------------------------------------------------------------------

PUBLIC = "public"  # no login needed (login pages, sign-up, links received by email)
ACCOUNT = "account"  # any logged-in user, about their own account (allauth's pages, RGPD/CGU acceptance)
EGESTION = "egestion"  # any eGestion member (lists, forms to create something, their own account page)
EGESTION_OBJECT = "egestion_object"  # an object of establishment A: A's users only
EGESTION_MANAGER = "egestion_manager"  # Gérer les utilisateurs: company managers only
EGESTION_MANAGER_OBJECT = "egestion_manager_object"  # a user of the owner company: its manager only
OGESTION = "ogestion"
OGESTION_OBJECT = "ogestion_object"  # an object of establishment P1: P1's users only
OGESTION_REFERENT = "ogestion_referent"  # Gérer mes utilisateurs: référents only
OGESTION_REFERENT_OBJECT = "ogestion_referent_object"  # P1 (bank details) or a user of the owner provider
INVEST = "invest"  # any user of a CFA
INVEST_OBJECT = "invest_object"  # a request of P1: P1's users only

ALLOWED, LOGIN, DENIED = "allowed", "login", "denied"


@dataclass(frozen=True)
class Persona:
    key: str
    anonymous: bool = False
    portals: frozenset = frozenset()  # portals with an active membership
    manager: frozenset = frozenset()  # portals where they are the organisation's manager / référent
    owns: frozenset = frozenset()  # owner's objects they may see: "A" (establishment A), "P1", "company", "provider"


PERSONAS = [
    Persona("anonymous", anonymous=True),
    Persona(
        "owner_manager",
        portals=frozenset({"egestion"}),
        manager=frozenset({"egestion"}),
        owns=frozenset({"A", "company"}),
    ),
    Persona("owner_colleague", portals=frozenset({"egestion"}), owns=frozenset({"A"})),
    Persona("restricted_user", portals=frozenset({"egestion"})),
    Persona("foreign_manager", portals=frozenset({"egestion"}), manager=frozenset({"egestion"})),
    Persona("deactivated_user", anonymous=True),  # an inactive account has no session: as anonymous
    Persona(
        "owner_referent",
        portals=frozenset({"ogestion", "invest"}),
        manager=frozenset({"ogestion"}),
        owns=frozenset({"P1", "provider"}),
    ),
    Persona("owner_provider_user", portals=frozenset({"ogestion", "invest"}), owns=frozenset({"P1"})),
    Persona("restricted_provider_user", portals=frozenset({"ogestion", "invest"})),
    Persona("foreign_referent", portals=frozenset({"ogestion", "invest"}), manager=frozenset({"ogestion"})),
    Persona("deactivated_provider"),  # membership ended, account still active: no portal
]
PERSONAS_BY_KEY = {persona.key: persona for persona in PERSONAS}
# Who proves that a URL of each audience is built right: they get the page (neither refused nor sent to login).
OWNER_OF = {
    PUBLIC: "anonymous",
    ACCOUNT: "owner_manager",
    EGESTION: "owner_manager",
    EGESTION_OBJECT: "owner_manager",
    EGESTION_MANAGER: "owner_manager",
    EGESTION_MANAGER_OBJECT: "owner_manager",
    OGESTION: "owner_referent",
    OGESTION_OBJECT: "owner_referent",
    OGESTION_REFERENT: "owner_referent",
    OGESTION_REFERENT_OBJECT: "owner_referent",
    INVEST: "owner_referent",
    INVEST_OBJECT: "owner_referent",
}


def expected(persona: Persona, audience: str) -> str:
    if audience == PUBLIC:
        return ALLOWED
    if persona.anonymous:
        return LOGIN
    if audience == ACCOUNT:
        return ALLOWED
    portal = audience.split("_")[0]
    if portal not in persona.portals:
        return DENIED
    if audience.endswith(("_manager", "_manager_object", "_referent", "_referent_object")) and (
        portal not in persona.manager
    ):
        return DENIED
    if audience.endswith("_object"):
        needed = {
            EGESTION_OBJECT: "A",
            EGESTION_MANAGER_OBJECT: "company",
            OGESTION_OBJECT: "P1",
            OGESTION_REFERENT_OBJECT: "P1",
            INVEST_OBJECT: "P1",
        }[audience]
        if needed not in persona.owns:
            return DENIED
    return ALLOWED


# --- the matrix -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    audience: str
    kwargs: object = None  # world -> URL kwargs
    post: object = None  # world -> POST data, for views that accept POST
    get: bool = True  # False for POST-only views
    query: str = ""  # added to the URL (htmx partials, exports...)
    controlled: bool = True  # False: the owner control does not apply (a page about something the owner lacks)
    notes: str = field(default="", compare=False)


def pdf(name="document.pdf"):
    return SimpleUploadedFile(name, TINY_PDF, content_type="application/pdf")


def dossier(w):
    return {"number": w.dossier.number}


def draft(w):
    return {"public_id": w.cerfa_draft.public_id}


def plan(w):
    return {"public_id": w.plan_draft.public_id}


def person_data(w):
    return {
        "civility": "MONSIEUR",
        "last_name": "INTRUS",
        "first_name": "Paul",
        "birth_date": "2005-04-03",
        "nir": "105043155500112",
        "email": "paul.intrus@exemple.fr",
        "address_line1": "1 rue de la Paix",
        "postal_code": "31000",
        "city": "TOULOUSE",
        "job_title": "Apprenti",
    }


MATRIX: dict[str, Entry] = {
    # --- public pages ---------------------------------------------------------------------------------------------
    "landing": Entry(PUBLIC),
    "login": Entry(PUBLIC),
    "health": Entry(PUBLIC),
    "favicon": Entry(PUBLIC),
    "egestion:login": Entry(PUBLIC),
    "egestion:signup": Entry(PUBLIC),
    "egestion:signup_done": Entry(PUBLIC),
    "ogestion:login": Entry(PUBLIC),
    "invest:login": Entry(PUBLIC),
    "accounts:create_password": Entry(PUBLIC, lambda w: {"token": "jeton-inconnu"}),
    "accounts:resend_link": Entry(PUBLIC, lambda w: {"token": "jeton-inconnu"}),
    # An invitation link: only its token opens it (unknown → 410); accepting asks the account's password.
    "accounts:invitation": Entry(PUBLIC, lambda w: {"token": "jeton-inconnu"}),
    # A staff member's TOTP set-up link: anonymous → the admin's login; a portal user → the admin (refused there).
    "accounts:totp_enrolment": Entry(PUBLIC, lambda w: {"token": "jeton-inconnu"}),
    "digests:unsubscribe": Entry(PUBLIC, lambda w: {"token": "jeton-inconnu"}),
    # The iCalendar feed: its secret address is the credential (calendars subscribe without a session); scoped to
    # its owner's dossiers, 404 once revoked or for a deactivated owner (tests/deadlines/test_feed.py).
    "deadlines:feed": Entry(PUBLIC, lambda w: {"token": feed_token(feed_for(w.users["owner_manager"]))}),
    "account_login": Entry(PUBLIC),
    "account_logout": Entry(PUBLIC),
    "account_inactive": Entry(PUBLIC),
    "account_signup": Entry(PUBLIC),
    "account_email_verification_sent": Entry(PUBLIC),
    "account_reset_password": Entry(PUBLIC),
    "account_reset_password_done": Entry(PUBLIC),
    "account_reset_password_from_key": Entry(PUBLIC, lambda w: {"uidb36": "1", "key": "cle-inconnue"}),
    "account_reset_password_from_key_done": Entry(PUBLIC),
    "account_confirm_email": Entry(PUBLIC, lambda w: {"key": "cle-inconnue"}),
    "account_confirm_login_code": Entry(PUBLIC),
    "mfa_authenticate": Entry(PUBLIC),
    # --- the user's own account (allauth; which of these stay routed is the "auth-hardening" work) ------------
    "accounts:consent": Entry(ACCOUNT),
    "accounts:invitations": Entry(ACCOUNT),  # the user's own pending invitations, by their address
    "accounts:totp_enrolment_pending": Entry(ACCOUNT),  # staff without TOTP; others are sent to the admin
    "account_reauthenticate": Entry(ACCOUNT),
    "account_email": Entry(ACCOUNT),
    "account_change_password": Entry(ACCOUNT),
    "account_set_password": Entry(ACCOUNT),
    "mfa_index": Entry(ACCOUNT),
    "mfa_reauthenticate": Entry(ACCOUNT),
    "mfa_activate_totp": Entry(ACCOUNT),
    "mfa_deactivate_totp": Entry(ACCOUNT, controlled=False, notes="404 without an authenticator"),
    "mfa_view_recovery_codes": Entry(ACCOUNT, controlled=False, notes="404 without an authenticator"),
    "mfa_generate_recovery_codes": Entry(ACCOUNT),
    "mfa_download_recovery_codes": Entry(ACCOUNT, controlled=False, notes="404 without an authenticator"),
    # --- eGestion -------------------------------------------------------------------------------------------------
    "egestion:home": Entry(EGESTION),
    "egestion:help_page": Entry(EGESTION, lambda w: {"slug": "matrice-egestion-page"}),
    "egestion:help_pdf": Entry(EGESTION, lambda w: {"slug": "matrice-egestion-pdf"}),
    "egestion:help_cerfa_notice": Entry(EGESTION),
    "egestion:terms": Entry(EGESTION),
    "egestion:account": Entry(EGESTION, post=lambda w: {"mode": "none"}),
    "egestion:entity": Entry(
        EGESTION, get=False, post=lambda w: {"etablissement": w.establishment_a.pk, "next": "/egestion/"}
    ),
    "egestion:requests": Entry(EGESTION),
    "egestion:request_new": Entry(EGESTION),
    "egestion:request_new_apprenticeship": Entry(EGESTION, post=lambda w: {"etablissement": w.establishment_a.pk}),
    "egestion:plan_new": Entry(EGESTION, post=lambda w: {"etablissement": w.establishment_a.pk}),
    "egestion:request_resume": Entry(EGESTION_OBJECT, draft),
    "egestion:request_delete": Entry(EGESTION_OBJECT, draft, post=lambda w: {}),
    "egestion:request_pdf": Entry(EGESTION_OBJECT, draft),
    "egestion:request_person_new": Entry(EGESTION_OBJECT, draft, post=person_data, query="?cible=apprenti"),
    "egestion:request_lookup": Entry(EGESTION_OBJECT, lambda w: {**draft(w), "kind": "apprenti"}, query="?q=a"),
    "egestion:request_document": Entry(EGESTION_OBJECT, lambda w: {**draft(w), "pk": w.cerfa_document.pk}),
    "egestion:request_submitted": Entry(EGESTION_OBJECT, lambda w: {"public_id": w.submitted_request.public_id}),
    "egestion:request_submitted_pdf": Entry(EGESTION_OBJECT, lambda w: {"public_id": w.submitted_request.public_id}),
    "egestion:request_step": Entry(
        EGESTION_OBJECT,
        lambda w: {**draft(w), "step": "employeur"},
        post=lambda w: {"action": "save", "employeur_nom_prenom": "INTRUS", "employeur_telephone": "0102030405"},
    ),
    "egestion:plan_step": Entry(
        EGESTION_OBJECT,
        lambda w: {**plan(w), "step": "formation"},
        post=lambda w: {"action": "save", "plan_intitule": "Formation détournée"},
    ),
    "egestion:plan_trainee_new": Entry(EGESTION_OBJECT, plan, post=lambda w: {**person_data(w), "category": "ouvrier"}),
    "egestion:plan_trainee": Entry(
        EGESTION_OBJECT,
        lambda w: {**plan(w), "pk": w.plan_trainee.pk},
        post=lambda w: {**person_data(w), "category": "ouvrier"},
    ),
    "egestion:plan_trainee_remove": Entry(
        EGESTION_OBJECT, lambda w: {**plan(w), "pk": w.plan_trainee.pk}, post=lambda w: {}
    ),
    "egestion:plan_module": Entry(
        EGESTION_OBJECT,
        lambda w: {**plan(w), "pk": w.plan_module.pk},
        post=lambda w: {"title": "Module détourné", "hours": "7", "action": "save"},
    ),
    "egestion:plan_module_estimate": Entry(
        EGESTION_OBJECT, lambda w: {**plan(w), "pk": w.plan_module.pk}, get=False, post=lambda w: {"hours": "7"}
    ),
    "egestion:plan_module_delete": Entry(
        EGESTION_OBJECT, lambda w: {**plan(w), "pk": w.plan_module.pk}, post=lambda w: {}
    ),
    "egestion:plan_lookup": Entry(EGESTION_OBJECT, lambda w: {**plan(w), "kind": "stagiaire"}, query="?q=a"),
    "egestion:dossiers": Entry(EGESTION),
    "egestion:dossier_export": Entry(EGESTION, lambda w: {"fmt": "csv"}),
    "egestion:dossier": Entry(EGESTION_OBJECT, dossier),
    "egestion:dossier_tab": Entry(EGESTION_OBJECT, lambda w: {**dossier(w), "tab": "messages"}),
    "egestion:dossier_document_upload": Entry(
        EGESTION_OBJECT, dossier, get=False, post=lambda w: {"kind": "other", "fichiers": pdf()}
    ),
    "egestion:dossier_document": Entry(EGESTION_OBJECT, lambda w: {**dossier(w), "pk": w.issued_document.pk}),
    "egestion:dossier_message_new": Entry(
        EGESTION_OBJECT, dossier, post=lambda w: {"titre": "Bonjour", "contenu": "Un message de trop."}
    ),
    "egestion:dossier_message": Entry(EGESTION_OBJECT, lambda w: {**dossier(w), "pk": w.message.pk}),
    "egestion:dossier_message_unread": Entry(
        EGESTION_OBJECT, lambda w: {**dossier(w), "pk": w.message.pk}, get=False, post=lambda w: {}
    ),
    # Declaring a rupture of the world's accepted contract: the owner's POST lacks the signed agreement (refused, 400).
    "egestion:dossier_rupture": Entry(
        EGESTION_OBJECT,
        dossier,
        post=lambda w: {"date": "2027-02-14", "motif": "02", "initiative": "commun", "action": "transmettre"},
    ),
    # Avenants: the world's dossier is not an apprenticeship contract, so the owner is told why (409, not refused);
    # the other pages address an avenant of A's dossier.
    "egestion:avenant_new": Entry(EGESTION_OBJECT, dossier, post=lambda w: {"type": "36", "date_effet": "2027-03-01"}),
    "egestion:avenant": Entry(
        EGESTION_OBJECT, lambda w: {**dossier(w), "public_id": w.avenant.public_id}, post=lambda w: {}
    ),
    "egestion:avenant_pdf": Entry(EGESTION_OBJECT, lambda w: {**dossier(w), "public_id": w.avenant.public_id}),
    "egestion:avenant_lookup": Entry(
        EGESTION_OBJECT, lambda w: {**dossier(w), "public_id": w.avenant.public_id, "kind": "maitre1"}, query="?q=a"
    ),
    "egestion:avenant_document": Entry(
        EGESTION_OBJECT,
        lambda w: {**dossier(w), "public_id": w.avenant.public_id},
        get=False,
        post=lambda w: {"fichier": pdf()},
    ),
    "egestion:avenant_submit": Entry(
        EGESTION_OBJECT, lambda w: {**dossier(w), "public_id": w.avenant.public_id}, get=False, post=lambda w: {}
    ),
    "egestion:messages": Entry(EGESTION),
    "egestion:payments": Entry(EGESTION),
    "egestion:payment": Entry(EGESTION_OBJECT, lambda w: {"pk": w.company_payment.pk}),
    "egestion:payment_advice": Entry(EGESTION_OBJECT, lambda w: {"pk": w.company_payment.pk}),
    "egestion:establishments": Entry(EGESTION),
    "egestion:establishment": Entry(EGESTION_OBJECT, lambda w: {"pk": w.establishment_a.pk}),
    "egestion:bank_details_request": Entry(
        EGESTION_MANAGER_OBJECT,
        lambda w: {"pk": w.establishment_a.pk},
        post=lambda w: {
            "iban": "FR7630004008230001234567890",
            "bic": "BNPAFRPPXXX",
            "rib": pdf("rib.pdf"),
            "confirm": "on",
        },
    ),
    "egestion:establishment_document": Entry(
        EGESTION_OBJECT, lambda w: {"pk": w.establishment_a.pk, "document_pk": w.company_advice.pk}
    ),
    "egestion:contributions": Entry(EGESTION),
    "egestion:contribution_return": Entry(
        EGESTION,
        post=lambda w: {
            "annee": w.contribution_return.year,
            "etablissement": w.establishment_a.pk,
            "effectif": "3",
            "masse_salariale": "1000",
            "masse_salariale_cdd": "0",
        },
    ),
    "egestion:contribution_return_detail": Entry(EGESTION_OBJECT, lambda w: {"pk": w.contribution_return.pk}),
    "egestion:contribution_receipt": Entry(EGESTION_OBJECT, lambda w: {"pk": w.contribution_return.pk}),
    "egestion:contribution_payments": Entry(EGESTION),
    "egestion:users": Entry(EGESTION_MANAGER),
    # Mon compte → Accès API: the manager's keys (create: the secret shown once; revoke: confirm, then POST).
    "egestion:api_access": Entry(
        EGESTION_MANAGER,
        post=lambda w: {
            "name": "Intrus",
            "scope": "write",
            "establishments": [w.establishment_a.pk],
            "expires_on": "2099-01-01",
        },
    ),
    "egestion:api_key_revoke": Entry(
        EGESTION_MANAGER_OBJECT, lambda w: {"pk": w.company_api_key.pk}, post=lambda w: {}
    ),
    "egestion:user_invite": Entry(
        EGESTION_MANAGER,
        post=lambda w: {
            "civility": "MADAME",
            "last_name": "INVITEE",
            "first_name": "Anne",
            "email": "anne.invitee@exemple.fr",
            "establishments": [w.establishment_a.pk],
        },
    ),
    "egestion:user": Entry(EGESTION_MANAGER_OBJECT, lambda w: {"pk": w.managed_user.pk}),
    "egestion:user_establishments": Entry(
        EGESTION_MANAGER_OBJECT,
        lambda w: {"pk": w.managed_user.pk},
        get=False,
        post=lambda w: {"establishments": [w.establishment_b.pk]},
    ),
    "egestion:user_deactivate": Entry(EGESTION_MANAGER_OBJECT, lambda w: {"pk": w.managed_user.pk}, post=lambda w: {}),
    "egestion:user_reactivate": Entry(
        EGESTION_MANAGER_OBJECT, lambda w: {"pk": w.managed_user.pk}, get=False, post=lambda w: {}
    ),
    "egestion:user_transfer": Entry(
        EGESTION_MANAGER_OBJECT, lambda w: {"pk": w.managed_user.pk}, post=lambda w: {"confirm": "on"}
    ),
    # Webhooks ("Accès API"): the company's manager only; an endpoint of the owner company.
    "egestion:webhooks": Entry(EGESTION_MANAGER),
    "egestion:webhook_create": Entry(
        EGESTION_MANAGER, post=lambda w: {"url": "https://intrus.exemple.fr/h", "events": ["payment.recorded"]}
    ),
    "egestion:webhook": Entry(EGESTION_MANAGER_OBJECT, lambda w: {"pk": w.company_webhook.pk}),
    "egestion:webhook_disable": Entry(
        EGESTION_MANAGER_OBJECT, lambda w: {"pk": w.company_webhook.pk}, get=False, post=lambda w: {}
    ),
    "egestion:webhook_enable": Entry(
        EGESTION_MANAGER_OBJECT, lambda w: {"pk": w.company_webhook.pk}, get=False, post=lambda w: {}
    ),
    "egestion:webhook_delete": Entry(
        EGESTION_MANAGER_OBJECT, lambda w: {"pk": w.company_webhook.pk}, post=lambda w: {}
    ),
    "egestion:webhook_test": Entry(
        EGESTION_MANAGER_OBJECT, lambda w: {"pk": w.company_webhook.pk}, get=False, post=lambda w: {}
    ),
    # --- oGestion -------------------------------------------------------------------------------------------------
    "ogestion:home": Entry(OGESTION),
    "ogestion:help_page": Entry(OGESTION, lambda w: {"slug": "matrice-ogestion-page"}),
    "ogestion:help_pdf": Entry(OGESTION, lambda w: {"slug": "matrice-ogestion-pdf"}),
    "ogestion:terms": Entry(OGESTION),
    "ogestion:account": Entry(OGESTION, post=lambda w: {"mode": "none"}),
    "ogestion:api_access": Entry(
        OGESTION_REFERENT,
        post=lambda w: {
            "name": "Intrus",
            "scope": "write",
            "establishments": [w.provider_p1.pk],
            "expires_on": "2099-01-01",
        },
    ),
    "ogestion:api_key_revoke": Entry(
        OGESTION_REFERENT_OBJECT, lambda w: {"pk": w.provider_api_key.pk}, post=lambda w: {}
    ),
    "ogestion:dossiers": Entry(OGESTION),
    "ogestion:dossier": Entry(OGESTION_OBJECT, dossier),
    "ogestion:dossier_tab": Entry(OGESTION_OBJECT, lambda w: {**dossier(w), "tab": "documents"}),
    "ogestion:dossier_document": Entry(OGESTION_OBJECT, lambda w: {**dossier(w), "pk": w.issued_document.pk}),
    "ogestion:invoicing_billing": Entry(OGESTION_OBJECT, dossier),
    "ogestion:invoicing_deposit": Entry(
        OGESTION_OBJECT,
        dossier,
        post=lambda w: {
            "number": "F-1",
            "invoice_date": "2026-01-01",
            "period_start": "2026-01-01",
            "period_end": "2026-01-31",
            "amount": "100",
            "pdf": pdf("facture.pdf"),
        },
    ),
    "ogestion:payments": Entry(OGESTION),
    "ogestion:payment": Entry(OGESTION_OBJECT, lambda w: {"pk": w.provider_payment.pk}),
    "ogestion:payment_advice": Entry(OGESTION_OBJECT, lambda w: {"pk": w.provider_payment.pk}),
    "ogestion:establishments": Entry(OGESTION),
    "ogestion:establishment": Entry(OGESTION_OBJECT, lambda w: {"pk": w.provider_p1.pk}),
    "ogestion:establishment_document": Entry(
        OGESTION_OBJECT, lambda w: {"pk": w.provider_p1.pk, "document_pk": w.provider_advice.pk}
    ),
    "ogestion:bank_details_request": Entry(
        OGESTION_REFERENT_OBJECT,
        lambda w: {"pk": w.provider_p1.pk},
        post=lambda w: {
            "iban": "FR7630004008230001234567890",
            "bic": "BNPAFRPPXXX",
            "rib": pdf("rib.pdf"),
            "confirm": "on",
        },
    ),
    "ogestion:money": Entry(OGESTION_REFERENT),
    "ogestion:money_export": Entry(OGESTION_REFERENT, lambda w: {"fmt": "xlsx"}),
    "ogestion:users": Entry(OGESTION_REFERENT),
    "ogestion:user_persons": Entry(OGESTION_REFERENT),
    "ogestion:user_create": Entry(
        OGESTION_REFERENT,
        post=lambda w: {
            "civility": "MADAME",
            "last_name": "NOUVELLE",
            "first_name": "Lea",
            "email": "lea.nouvelle@exemple.fr",
            "establishments": [w.provider_p1.pk],
        },
    ),
    "ogestion:user": Entry(
        OGESTION_REFERENT_OBJECT,
        lambda w: {"pk": w.managed_provider_user.pk},
        post=lambda w: {"last_name": "RENOMME", "first_name": "Paul", "establishments": [w.provider_p1.pk]},
    ),
    "ogestion:user_resend_activation": Entry(
        OGESTION_REFERENT_OBJECT, lambda w: {"pk": w.managed_provider_user.pk}, get=False, post=lambda w: {}
    ),
    "ogestion:user_deactivate": Entry(
        OGESTION_REFERENT_OBJECT, lambda w: {"pk": w.managed_provider_user.pk}, post=lambda w: {}
    ),
    "ogestion:user_reactivate": Entry(
        OGESTION_REFERENT_OBJECT, lambda w: {"pk": w.managed_provider_user.pk}, get=False, post=lambda w: {}
    ),
    # Webhooks ("Accès API"): the provider's référents only; an endpoint of the owner provider.
    "ogestion:webhooks": Entry(OGESTION_REFERENT),
    "ogestion:webhook_create": Entry(
        OGESTION_REFERENT, post=lambda w: {"url": "https://intrus.exemple.fr/h", "events": ["payment.recorded"]}
    ),
    "ogestion:webhook": Entry(OGESTION_REFERENT_OBJECT, lambda w: {"pk": w.provider_webhook.pk}),
    "ogestion:webhook_disable": Entry(
        OGESTION_REFERENT_OBJECT, lambda w: {"pk": w.provider_webhook.pk}, get=False, post=lambda w: {}
    ),
    "ogestion:webhook_enable": Entry(
        OGESTION_REFERENT_OBJECT, lambda w: {"pk": w.provider_webhook.pk}, get=False, post=lambda w: {}
    ),
    "ogestion:webhook_delete": Entry(
        OGESTION_REFERENT_OBJECT, lambda w: {"pk": w.provider_webhook.pk}, post=lambda w: {}
    ),
    "ogestion:webhook_test": Entry(
        OGESTION_REFERENT_OBJECT, lambda w: {"pk": w.provider_webhook.pk}, get=False, post=lambda w: {}
    ),
    # --- Digit Invest ---------------------------------------------------------------------------------------------
    "invest:home": Entry(INVEST),
    "invest:terms": Entry(INVEST),
    "invest:account": Entry(ACCOUNT, notes="a redirect to oGestion's account page, where access is checked"),
    "invest:request_new": Entry(
        INVEST,
        post=lambda w: {
            "establishment": w.provider_p1.pk,
            "title": "Projet",
            "category": w.category.pk,
            "co_financing": "0",
            "lines-TOTAL_FORMS": "0",
            "lines-INITIAL_FORMS": "0",
        },
    ),
    "invest:request": Entry(
        INVEST_OBJECT,
        lambda w: {"pk": w.investment.pk},
        post=lambda w: {
            "title": "Projet détourné",
            "category": w.category.pk,
            "co_financing": "0",
            "lines-TOTAL_FORMS": "0",
            "lines-INITIAL_FORMS": "0",
        },
    ),
    "invest:request_submit": Entry(INVEST_OBJECT, lambda w: {"pk": w.investment.pk}, get=False, post=lambda w: {}),
    "invest:request_delete": Entry(INVEST_OBJECT, lambda w: {"pk": w.investment.pk}, get=False, post=lambda w: {}),
    "invest:quote_upload": Entry(
        INVEST_OBJECT, lambda w: {"pk": w.investment.pk}, get=False, post=lambda w: {"file": pdf("devis.pdf")}
    ),
    "invest:quote": Entry(INVEST_OBJECT, lambda w: {"pk": w.investment.pk, "quote_pk": w.quote.pk}),
    "invest:quote_delete": Entry(
        INVEST_OBJECT, lambda w: {"pk": w.investment.pk, "quote_pk": w.quote.pk}, get=False, post=lambda w: {}
    ),
}

# api/: keys, not sessions; every endpoint × a key of another organisation is in tests/api/test_scoping.py.
SKIPPED_PREFIXES = ("admin/", "static/", "media/", "__", "api/")


def portal_url_patterns():
    """(name, route) of every named URL pattern of the resolver, the admin and static files left out."""

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if route.startswith(SKIPPED_PREFIXES):
                    continue
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
                yield name or f"<unnamed {route}>", route

    return dict(walk(get_resolver().url_patterns))


PATTERNS = portal_url_patterns()


# --- the world, once for the module ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tables(world):
    return checked_tables()


def url_of(name, world):
    entry = MATRIX[name]
    return reverse(name, kwargs=entry.kwargs(world) if entry.kwargs else None) + entry.query


def log_in(client, world, persona):
    if persona.key != "anonymous":
        client.force_login(world.users[persona.key])


def is_login_redirect(response) -> bool:
    if response.status_code != 302:
        return False
    path = urlsplit(response["Location"]).path
    return path in ("/connexion/", "/comptes/login/") or path.endswith("/connexion/")


def describe(response) -> str:
    location = f" → {response['Location']}" if response.has_header("Location") else ""
    return f"{response.status_code}{location}"


# --- the tests ------------------------------------------------------------------------------------------------------


def test_every_url_pattern_is_in_the_matrix():
    missing = sorted(name for name in PATTERNS if name not in MATRIX)
    assert not missing, (
        "URL patterns without a row in tests/security/test_access_matrix.py MATRIX (say who may use them and how "
        f"to build their URL): {missing}"
    )


def test_every_persona_of_the_world_is_in_the_matrix(world):
    assert set(world.users) | {"anonymous"} == set(PERSONAS_BY_KEY)


def check_refused(client, world, tables, name, persona) -> list[str]:
    """GET (and POST with plausible data, for views that accept it) as a persona who must be refused: the login
    page or 403/404, and not one row of the database changed. Returns what went wrong."""
    entry = MATRIX[name]
    outcome = expected(persona, entry.audience)
    url = url_of(name, world)
    requests = []
    if entry.get:
        requests.append(("GET", lambda: client.get(url)))
    if entry.post and outcome != ALLOWED:
        requests.append(("POST", lambda: client.post(url, entry.post(world))))
    problems = []
    for method, send in requests:
        before = database_checksum(tables)
        response = send()
        changed = changed_tables(before, database_checksum(tables))
        where = f"{method} {url} as {persona.key}: {describe(response)}"
        if response.status_code >= 500:
            problems.append(where)
        elif outcome == LOGIN and not is_login_redirect(response):
            problems.append(f"{where}, expected the login page")
        elif outcome == DENIED and response.status_code not in (403, 404):
            problems.append(f"{where}, expected 403 or 404")
        elif (
            outcome == ALLOWED
            and entry.audience != PUBLIC  # public pages: a link with a bad token may answer 404 or 410
            and (response.status_code >= 400 or is_login_redirect(response))
        ):
            problems.append(f"{where}, expected the page")
        if changed and (outcome != ALLOWED or entry.audience == PUBLIC):  # reading a message marks it read
            problems.append(f"{where} changed {changed}")
    return problems


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_access_matrix(client, world, tables, name):
    """Every persona the matrix refuses is refused without a change; every other one gets the page (GET), so the
    matrix says exactly who is let in. The control comes first: the owner gets the page, so a refusal is about
    the persona, not about a URL built wrong."""
    assert name in MATRIX, f"{name} ({PATTERNS[name]}) is missing from MATRIX"
    entry = MATRIX[name]
    problems = []
    if entry.audience != PUBLIC and entry.controlled:
        owner = PERSONAS_BY_KEY[OWNER_OF[entry.audience]]
        client.force_login(world.users[owner.key])
        url = url_of(name, world)
        response = client.get(url) if entry.get else client.post(url, entry.post(world))
        # 400: the plausible POST data did not satisfy the form, which means the scope let the owner in.
        if response.status_code >= 500 or response.status_code in (401, 403, 404, 405) or is_login_redirect(response):
            problems.append(f"control: {url} as {owner.key}: {describe(response)}")
    for persona in PERSONAS:
        allowed = expected(persona, entry.audience) == ALLOWED and persona.key != "anonymous"
        # An object's other rightful users (a colleague on A) are as the owner's control: not asked again.
        if allowed and (
            entry.audience == PUBLIC or not entry.controlled or not entry.get or entry.audience.endswith("_object")
        ):
            continue
        client.logout()
        if persona.key != "anonymous":
            client.force_login(world.users[persona.key])
        problems += check_refused(client, world, tables, name, persona)
    assert not problems, "\n".join(problems)


def test_a_url_added_without_its_row_is_noticed(settings):
    settings.ROOT_URLCONF = "tests.security.urls_with_a_new_page"

    missing = [name for name in portal_url_patterns() if name not in MATRIX]

    assert missing == ["new_unlisted_page"]
