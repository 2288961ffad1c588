"""The staff roles of the back office, as Django groups with their permissions.

`ensure_roles()` creates or updates the groups so that they hold exactly the permissions below; it runs after every
`migrate` (so a fresh database has them) and from `manage.py setup_roles`. A staff user gets a role by being put in
its group (superusers only: Utilisateurs > groupes); superusers have every permission. Each group holds what its job
needs and nothing more: docs/backoffice-permissions.md says what and why.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

# Who sees full IBANs, opens RIBs and message attachments (permissions of backoffice.StaffProfile), and the regional
# managers' group: declared in accounts.staff_access, where the admin of every app reads them.
from accounts.staff_access import DOWNLOAD_MESSAGE_ATTACHMENT, DOWNLOAD_RIB, FULL_IBAN, REGIONAL_MANAGER

CASE_MANAGER = "Gestionnaire de dossiers"
ACCOUNTING = "Comptabilité"
ADMINISTRATOR = "Administrateur"


def _crud(app_model: str, *actions: str) -> list[str]:
    app, model = app_model.split(".")
    return [f"{app}.{action}_{model}" for action in actions]


VIEW, CHANGE, ADD, DELETE = "view", "change", "add", "delete"

# docs/backoffice-permissions.md is the table these lists follow (tests/security/test_admin_matrix.py checks the
# admin against it). What nobody may do (delete a message, a consent, a journal…) is refused by the admins
# themselves, whatever the permissions.

_CASE_MANAGER = [
    *_crud("dossiers.dossier", VIEW, CHANGE),
    "dossiers.instruct_dossier",
    *_crud("dossiers.enrolment", VIEW, ADD, CHANGE),
    *_crud("dossiers.document", VIEW, ADD),
    *_crud("dossiers.dossierstatuschange", VIEW),
    *_crud("messaging.message", VIEW, ADD),
    DOWNLOAD_MESSAGE_ATTACHMENT,
    *_crud("payments.payment", VIEW),
    *_crud("payments.paymentline", VIEW),
    *_crud("accounts.organisation", VIEW),
    *_crud("accounts.establishment", VIEW),
    *_crud("accounts.person", VIEW, ADD, CHANGE),
    *_crud("funding.fundingrequest", VIEW),
    *_crud("funding.fundingrule", VIEW),
    *_crud("funding.contractrupture", VIEW, CHANGE),  # "prise en compte" only (funding.admin)
    *_crud("referentials.trainingcentre", VIEW),
    *_crud("referentials.diploma", VIEW),
    *_crud("referentials.rncpcertification", VIEW),
    *_crud("referentials.collectiveagreement", VIEW),
    *_crud("invoicing.npecamount", VIEW),  # what a contract is funded at
    *_crud("invoicing.paymentrule", VIEW),
    *_crud("invoicing.contractterms", VIEW, ADD, CHANGE),  # the contract's dates, rupture, flags
    *_crud("invoicing.subrogation", VIEW, ADD, CHANGE),  # who Constructys pays directly, up to what
    *_crud("invoicing.invoice", VIEW),
    *_crud("invest.campaign", VIEW),
    *_crud("invest.investmentrequest", VIEW, CHANGE),  # Digit Invest: review and decide
    *_crud("content.advisor", VIEW),
    *_crud("content.announcement", VIEW),
    *_crud("content.helpresource", VIEW),
    *_crud("admin.logentry", VIEW),
]

# A case manager's job in their regions, plus closing dossiers, the registries of their regions and the portal
# content; not the global history (it lists every region's objects).
_REGIONAL_MANAGER = [
    *[code for code in _CASE_MANAGER if code != "admin.view_logentry"],
    "dossiers.close_dossier",
    *_crud("accounts.organisation", CHANGE),
    *_crud("accounts.establishment", CHANGE),
    *_crud("content.advisor", ADD, CHANGE, DELETE),
    *_crud("content.announcement", ADD, CHANGE, DELETE),
    *_crud("content.helpresource", ADD, CHANGE, DELETE),
    *_crud("backoffice.importrun", VIEW),
]

_ACCOUNTING = [
    *_crud("dossiers.dossier", VIEW),
    "dossiers.close_dossier",
    *_crud("dossiers.document", VIEW),
    *_crud("dossiers.dossierstatuschange", VIEW),
    *_crud("funding.contractrupture", VIEW),  # a rupture ends what is paid
    *_crud("payments.payment", VIEW, ADD, CHANGE),
    *_crud("payments.paymentline", VIEW, ADD, CHANGE, DELETE),
    *_crud("accounts.organisation", VIEW),
    *_crud("accounts.establishment", VIEW),
    *_crud("banking.bankdetailsrequest", VIEW, ADD, CHANGE),  # enter (signed RIB received), refuse new bank details
    "banking.validate_bankdetailsrequest",  # four eyes: accounting only (not Administrateur), never the author
    *_crud("banking.bankdetailschange", VIEW),
    FULL_IBAN,
    DOWNLOAD_RIB,
    *_crud("contributions.contributionrate", VIEW, ADD, CHANGE),
    *_crud("contributions.contributionreturn", VIEW),
    *_crud("contributions.contributionpayment", VIEW, ADD, CHANGE),
    *_crud("invoicing.npecamount", VIEW, ADD, CHANGE),  # the amounts and calendars accounting pays CFAs by
    *_crud("invoicing.paymentrule", VIEW, ADD, CHANGE),
    *_crud("invoicing.contractterms", VIEW, ADD, CHANGE),
    *_crud("invoicing.subrogation", VIEW, ADD, CHANGE),
    *_crud("invoicing.invoice", VIEW, CHANGE),
    "invoicing.review_invoice",  # validate or reject the CFAs' invoices
    *_crud("admin.logentry", VIEW),
]

# Portal accounts, registries, content and settings; never staff status, superuser status, groups or permissions
# (superusers only, accounts.admin enforces it), nor bank details and payments (accounting's).
_ADMINISTRATOR = [
    *_crud("accounts.user", VIEW, ADD, CHANGE),
    *_crud("accounts.organisation", VIEW, ADD, CHANGE),
    *_crud("accounts.establishment", VIEW, ADD, CHANGE),
    *_crud("accounts.membership", VIEW, ADD, CHANGE),
    *_crud("accounts.person", VIEW, ADD, CHANGE),
    *_crud("accounts.accountevent", VIEW),
    *_crud("api.apikey", VIEW),  # who gave which software access to which establishments
    *_crud("accounts.consentversion", VIEW, ADD, CHANGE),
    *_crud("accounts.consent", VIEW),
    *_crud("accounts.invitation", VIEW),
    *_crud("accounts.personaldataerasure", VIEW),
    *_crud("dossiers.dossier", VIEW, ADD, CHANGE),
    "dossiers.instruct_dossier",
    "dossiers.close_dossier",
    *_crud("dossiers.enrolment", VIEW, ADD, CHANGE),
    *_crud("dossiers.document", VIEW, ADD),
    *_crud("dossiers.dossierstatuschange", VIEW),
    *_crud("messaging.message", VIEW, ADD),
    DOWNLOAD_MESSAGE_ATTACHMENT,
    *_crud("payments.payment", VIEW),
    *_crud("payments.paymentline", VIEW),
    *_crud("funding.fundingrequest", VIEW, DELETE),  # drafts only (funding.admin)
    *_crud("funding.contractrupture", VIEW, CHANGE),
    *_crud("funding.fundingrule", VIEW, ADD, CHANGE, DELETE),
    *_crud("referentials.trainingcentre", VIEW, CHANGE),
    *_crud("referentials.diploma", VIEW, CHANGE),
    *_crud("referentials.rncpcertification", VIEW, CHANGE),
    *_crud("referentials.collectiveagreement", VIEW, CHANGE),
    *_crud("invoicing.npecamount", VIEW, ADD, CHANGE),
    *_crud("invoicing.paymentrule", VIEW, ADD, CHANGE),
    *_crud("invoicing.contractterms", VIEW),
    *_crud("invoicing.subrogation", VIEW),
    *_crud("invoicing.invoice", VIEW),
    *_crud("contributions.contributionrate", VIEW),
    *_crud("contributions.contributionreturn", VIEW),
    *_crud("contributions.contributionpayment", VIEW),
    *_crud("digests.digest", VIEW),
    *_crud("digests.digestpreference", VIEW, ADD, CHANGE, DELETE),
    *_crud("outbox.outgoingemail", VIEW),
    "outbox.resend_outgoingemail",  # an email that failed goes out again once the SMTP server is back
    *_crud("invest.termsversion", VIEW, ADD, CHANGE),
    *_crud("invest.termsacceptance", VIEW),
    *_crud("invest.expensecategory", VIEW, ADD, CHANGE, DELETE),
    *_crud("invest.campaign", VIEW, ADD, CHANGE),
    *_crud("invest.investmentrequest", VIEW, CHANGE),
    *_crud("content.advisor", VIEW, ADD, CHANGE, DELETE),
    *_crud("content.announcement", VIEW, ADD, CHANGE, DELETE),
    *_crud("content.helpresource", VIEW, ADD, CHANGE, DELETE),
    *_crud("backoffice.importrun", VIEW, ADD),
    *_crud("backoffice.staffprofile", VIEW, ADD, CHANGE, DELETE),
    *_crud("admin.logentry", VIEW),
    *_crud("webhooks.webhookendpoint", VIEW),  # read-only: organisations manage them in their portal
    *_crud("webhooks.webhookdelivery", VIEW),
]

ROLES: dict[str, list[str]] = {
    CASE_MANAGER: _CASE_MANAGER,
    REGIONAL_MANAGER: _REGIONAL_MANAGER,
    ACCOUNTING: _ACCOUNTING,
    ADMINISTRATOR: _ADMINISTRATOR,
}


def _permissions(codes: list[str]):
    query = Q(pk__in=[])
    for code in codes:
        app, codename = code.split(".")
        query |= Q(content_type__app_label=app, codename=codename)
    found = Permission.objects.filter(query)
    return list(found)


def ensure_roles() -> dict[str, Group]:
    """Create or update the four groups so that each holds exactly its permissions; returns them by name."""
    groups = {}
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(codes))
        groups[name] = group
    return groups


def ensure_roles_after_migrate(sender=None, using="default", **kwargs):
    # The permissions of every app are created by an earlier post_migrate receiver (django.contrib.auth's,
    # connected first since "auth" comes before "backoffice" in INSTALLED_APPS).
    ensure_roles()
