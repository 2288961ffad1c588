"""The staff roles of the back office, as Django groups with their permissions.

`ensure_roles()` creates or updates the groups so that they hold exactly the permissions below; it runs after every
`migrate` (so a fresh database has them) and from `manage.py setup_roles`. A staff user gets a role by being put in
its group (Utilisateurs > groupes); superusers have every permission.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

CASE_MANAGER = "Gestionnaire de dossiers"
REGIONAL_MANAGER = "Responsable régional"
ACCOUNTING = "Comptabilité"
ADMINISTRATOR = "Administrateur"


def _crud(app_model: str, *actions: str) -> list[str]:
    app, model = app_model.split(".")
    return [f"{app}.{action}_{model}" for action in actions]


VIEW, CHANGE, ADD, DELETE = "view", "change", "add", "delete"

_READ_REGISTRIES = [
    *_crud("accounts.organisation", VIEW),
    *_crud("accounts.establishment", VIEW),
    *_crud("accounts.person", VIEW),
]

_CASE_MANAGER = [
    *_crud("dossiers.dossier", VIEW, CHANGE),
    "dossiers.instruct_dossier",
    *_crud("dossiers.enrolment", VIEW, ADD, CHANGE),
    *_crud("dossiers.document", VIEW, ADD),
    *_crud("dossiers.dossierstatuschange", VIEW),
    *_crud("messaging.message", VIEW, ADD),
    *_crud("payments.payment", VIEW),
    *_crud("payments.paymentline", VIEW),
    *_READ_REGISTRIES,
    *_crud("accounts.person", ADD, CHANGE),
    *_crud("funding.fundingrequest", VIEW),
    *_crud("invest.campaign", VIEW),
    *_crud("invest.investmentrequest", VIEW, CHANGE),  # Digit Invest: review and decide
    *_crud("content.advisor", VIEW),
    *_crud("content.announcement", VIEW),
    *_crud("admin.logentry", VIEW),
]

_REGIONAL_MANAGER = [
    *_CASE_MANAGER,
    "dossiers.close_dossier",
    *_crud("accounts.organisation", CHANGE),
    *_crud("accounts.establishment", CHANGE),
    *_crud("content.advisor", ADD, CHANGE, DELETE),
    *_crud("content.announcement", ADD, CHANGE, DELETE),
    *_crud("backoffice.importrun", VIEW),
    *_crud("invest.campaign", ADD, CHANGE),
]

_ACCOUNTING = [
    *_crud("dossiers.dossier", VIEW),
    "dossiers.close_dossier",
    *_crud("dossiers.document", VIEW),
    *_crud("dossiers.dossierstatuschange", VIEW),
    *_crud("payments.payment", VIEW, ADD, CHANGE),
    *_crud("payments.paymentline", VIEW, ADD, CHANGE, DELETE),
    *_READ_REGISTRIES,
    *_crud("accounts.establishment", CHANGE),  # bank details
    *_crud("banking.bankdetailsrequest", VIEW, ADD, CHANGE),  # enter (signed RIB received), refuse new bank details
    "banking.validate_bankdetailsrequest",  # four eyes: accounting only (not Administrateur), never the author
    *_crud("banking.bankdetailschange", VIEW),
    *_crud("contributions.contributionrate", VIEW, ADD, CHANGE),
    *_crud("contributions.contributionreturn", VIEW),
    *_crud("contributions.contributionpayment", VIEW, ADD, CHANGE),
    *_crud("admin.logentry", VIEW),
]

# Everything of the project's own apps, the staff accounts and the imports.
ADMINISTRATOR_APPS = [
    "accounts",
    "dossiers",
    "messaging",
    "payments",
    "funding",
    "referentials",
    "content",
    "backoffice",
    "banking",
    "contributions",
    "invest",
    "digests",
]

ROLES: dict[str, list[str]] = {
    CASE_MANAGER: _CASE_MANAGER,
    REGIONAL_MANAGER: _REGIONAL_MANAGER,
    ACCOUNTING: _ACCOUNTING,
}


def _permissions(codes: list[str]):
    query = Q(pk__in=[])
    for code in codes:
        app, codename = code.split(".")
        query |= Q(content_type__app_label=app, codename=codename)
    found = Permission.objects.filter(query)
    return list(found)


def ensure_roles() -> dict[str, Group]:
    """Create or update the four groups; returns them by name."""
    groups = {}
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(codes))
        groups[name] = group
    administrator, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    administrator.permissions.set(
        Permission.objects.filter(
            Q(content_type__app_label__in=ADMINISTRATOR_APPS)
            | Q(content_type__app_label="auth", content_type__model="group")
            | Q(content_type__app_label="admin")
        ).exclude(content_type__app_label="banking", codename="validate_bankdetailsrequest")
    )
    groups[ADMINISTRATOR] = administrator
    return groups


def ensure_roles_after_migrate(sender=None, using="default", **kwargs):
    # The permissions of every app are created by an earlier post_migrate receiver (django.contrib.auth's,
    # connected first since "auth" comes before "backoffice" in INSTALLED_APPS).
    ensure_roles()
