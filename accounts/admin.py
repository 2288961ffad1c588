from allauth.mfa.models import Authenticator
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from accounts import services, staff_mfa
from accounts.admin_forms import CreateReferentForm, PortalAccountCreationForm
from accounts.models import (
    AccountEvent,
    Consent,
    ConsentVersion,
    Establishment,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Person,
    PersonalDataErasure,
    Portal,
    Role,
    User,
)
from accounts.staff_access import MaskedIbanAdminMixin, RegionScopedAdminMixin, masked_iban_display
from common.admin_helpers import KeptRecordAdminMixin, ReadOnlyAdminMixin, admin_page

# Who may give access to the back office or widen it: superusers only (docs/backoffice-permissions.md).
ACCESS_FIELDS = ["is_staff", "is_superuser", "groups", "user_permissions"]
PORTAL_ACCOUNT_HELP = (
    "Le compte est créé sans mot de passe : son titulaire le crée depuis l'e-mail d'activation (action « Renvoyer "
    "l'e-mail d'activation »)."
)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["establishment"]
    fields = ["establishment", "role", "is_active", "updated_by"]
    readonly_fields = ["updated_by"]


class AccountEventInline(admin.TabularInline):
    model = AccountEvent
    fk_name = "user"
    fields = ["created_at", "kind", "actor", "organisation", "details"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(KeptRecordAdminMixin, DjangoUserAdmin):
    """Only superusers grant or change staff status, superuser status, groups and permissions, and only they change
    a staff account (its email or password would hand its rights over); others see those read-only. Accounts are
    deactivated, never deleted here."""

    ordering = ["email"]
    list_display = ["email", "last_name", "first_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "last_name", "first_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["civility", "last_name", "first_name", "function", "phone"]}),
        ("Accès", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    inlines = [MembershipInline, AccountEventInline]
    actions = ["resend_activation_email", "send_totp_enrolment_link"]

    @admin.display(description="mot de passe créé", boolean=True)
    def password_created(self, obj):
        return obj.has_usable_password()

    def get_list_display(self, request):
        return [*super().get_list_display(request), "password_created"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ACCESS_FIELDS  # read-only fields are not in the form: a forged POST changes nothing
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and (obj.is_staff or obj.is_superuser) and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    # Only the owner of an account knows its password: other staff create accounts without one and never set one.
    def get_fieldsets(self, request, obj=None):
        if obj is None and not request.user.is_superuser:
            return [(None, {"fields": ["email"], "description": PORTAL_ACCOUNT_HELP})]
        return super().get_fieldsets(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and not request.user.is_superuser:
            kwargs["form"] = PortalAccountCreationForm
        return super().get_form(request, obj, **kwargs)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.action(description="Renvoyer l'e-mail d'activation", permissions=["change"])
    def resend_activation_email(self, request, queryset):
        """A new "Créer mon mot de passe" link for each selected account that has no password yet (the previous
        link stops working); accounts with a password, deactivated ones and staff are skipped."""
        sent, skipped = [], []
        for user in queryset.order_by("email"):
            if user.is_staff:
                skipped.append(user.email)
                continue
            try:
                services.resend_password_link(actor=request.user, user=user)
            except ValidationError:
                skipped.append(user.email)
            else:
                sent.append(user.email)
        if sent:
            self.message_user(
                request,
                # "(s)" kept while tests/ogestion/test_admin.py (being moved) expects it: counted() after the move.
                f"E-mail d'activation renvoyé à {len(sent)} utilisateur(s) : {', '.join(sent)}.",
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                f"Pas d'e-mail pour {', '.join(skipped)} : mot de passe déjà créé, compte désactivé ou équipe "
                "Constructys.",
                messages.WARNING,
            )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A new staff account (or one made staff) sets up its second factor through an emailed link only.
        if (not change or "is_staff" in form.changed_data) and staff_mfa.needs_enrolment(obj):
            staff_mfa.send_enrolment_link(obj, actor=request.user)
            self.message_user(
                request, f"Lien d'activation de la double authentification envoyé à {obj.email}.", messages.SUCCESS
            )

    @admin.action(description="Envoyer le lien d'activation de la double authentification", permissions=["change"])
    def send_totp_enrolment_link(self, request, queryset):
        """A new link (valid 24 hours, single use; the previous one stops working) for each selected staff account
        that has no authenticator app yet."""
        sent, skipped = [], []
        for user in queryset.order_by("email"):
            if staff_mfa.needs_enrolment(user):
                staff_mfa.send_enrolment_link(user, actor=request.user)
                sent.append(user.email)
            else:
                skipped.append(user.email)
        if sent:
            self.message_user(request, f"Lien envoyé à {', '.join(sent)}.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"Pas de lien pour {', '.join(skipped)} : double authentification déjà activée, compte désactivé "
                "ou hors équipe Constructys.",
                messages.WARNING,
            )


class EstablishmentInline(RegionScopedAdminMixin, admin.TabularInline):
    model = Establishment
    extra = 0
    fields = ["siret", "name", "postal_code", "city", "is_head_office"]
    show_change_link = True
    region_lookups = ("region",)


@admin.register(Organisation)
class OrganisationAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    """A training provider's page has a "Créer un référent" button (templates/admin/accounts/organisation/): staff
    create its first oGestion référent, who then manages the other users in oGestion."""

    list_display = ["name", "kind", "siren", "member_number"]
    list_filter = ["kind"]
    search_fields = ["name", "siren", "member_number"]
    inlines = [EstablishmentInline]
    show_full_result_count = False
    region_lookups = ("establishments__region",)

    def get_urls(self):
        return [
            admin_page(
                self,
                "<path:object_id>/creer-referent/",
                self.create_referent_view,
                "accounts_organisation_create_referent",
            ),
            *super().get_urls(),
        ]

    def create_referent_view(self, request, object_id):
        organisation = self.get_object(request, unquote(object_id))
        if organisation is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if (
            organisation.kind != OrganisationKind.PROVIDER
            or not self.has_change_permission(request, organisation)
            or not request.user.has_perm("accounts.add_user")
        ):
            raise PermissionDenied
        form = CreateReferentForm(request.POST or None, organisation=organisation)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                user = services.add_user(
                    actor=request.user,
                    organisation=organisation,
                    portal=Portal.OGESTION,
                    email=data["email"],
                    establishments=data["establishments"],
                    role=Role.PROVIDER_REFERENT,
                    civility=data["civility"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if user.has_usable_password():
                    message = f"{user} ({user.email}) est référent de {organisation} ; il a été prévenu par e-mail."
                else:
                    message = (
                        f"{user} ({user.email}) est référent de {organisation} : l'e-mail d'activation lui a été "
                        "envoyé."
                    )
                self.message_user(request, message, messages.SUCCESS)
                return redirect(reverse("admin:accounts_organisation_change", args=[organisation.pk]))
        referents = User.objects.filter(
            pk__in=Membership.objects.filter(
                establishment__organisation=organisation, role=Role.PROVIDER_REFERENT
            ).values("user_id")
        ).order_by("last_name", "first_name")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Créer un référent — {organisation}",
            "opts": self.opts,
            "original": organisation,
            "form": form,
            "referents": referents,
            "hours": settings.ACCOUNT_TOKEN_HOURS,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/accounts/organisation/create_referent.html", context)


@admin.register(Establishment)
class EstablishmentAdmin(RegionScopedAdminMixin, MaskedIbanAdminMixin, admin.ModelAdmin):
    list_display = ["name", "siret", "organisation", "postal_code", "city", "region", "uai", "nda"]
    list_filter = ["organisation__kind", "region", "is_head_office"]
    search_fields = ["name", "sign", "siret", "uai", "nda", "city", "postal_code"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    show_full_result_count = False
    region_lookups = ("region",)
    iban_fields = ("iban",)
    iban_masked = masked_iban_display("iban")
    # Bank details change only through a validated bank-details request (banking), for superusers too.
    readonly_fields = ["iban", "bic"]


@admin.register(Membership)
class MembershipAdmin(RegionScopedAdminMixin, KeptRecordAdminMixin, admin.ModelAdmin):
    list_display = ["user", "establishment", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "user__last_name", "establishment__siret", "establishment__name"]
    list_select_related = ["user", "establishment"]
    autocomplete_fields = ["user", "establishment"]
    readonly_fields = ["updated_by", "created_at", "updated_at"]
    region_lookups = ("establishment__region",)

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Person)
class PersonAdmin(RegionScopedAdminMixin, KeptRecordAdminMixin, admin.ModelAdmin):
    list_display = ["last_name", "first_name", "birth_date", "organisation"]
    search_fields = ["last_name", "first_name", "nir", "email"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation", "establishment"]
    readonly_fields = ["erased_at"]
    show_full_result_count = False
    region_lookups = ("organisation__establishments__region",)


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The account history, read-only: staff see who did what to which account and when."""

    list_display = ["created_at", "kind", "user", "actor", "organisation"]
    list_filter = ["kind"]
    search_fields = ["user__email", "user__last_name", "actor__email", "organisation__name", "organisation__siren"]
    list_select_related = ["user", "actor", "organisation"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(ConsentVersion)
class ConsentVersionAdmin(KeptRecordAdminMixin, admin.ModelAdmin):
    list_display = ["kind", "version", "title", "published_at"]
    list_filter = ["kind"]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The proof that a user accepted a version of the RGPD or CGU: read-only, never deleted."""

    list_display = ["user", "version", "accepted_at"]
    list_filter = ["version"]
    search_fields = ["user__email"]
    list_select_related = ["user", "version"]
    raw_id_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Invitations sent from the portals (accounts/invitations.py), read-only: who invited which address where."""

    list_display = ["created_at", "email", "organisation", "portal", "role", "status", "deliverable", "expires_at"]
    list_filter = ["portal", "status", "deliverable"]
    search_fields = ["email", "organisation__name", "invited_by__email"]
    list_select_related = ["organisation"]
    exclude = ["token_hash"]
    show_full_result_count = False


@admin.register(PersonalDataErasure)
class PersonalDataErasureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit of RGPD erasures (manage.py rgpd_erase_person), read-only."""

    list_display = ["created_at", "operator", "person", "user", "reason"]
    list_select_related = ["operator", "person", "user"]


# --- allauth's second factors, in French ------------------------------------------------------------------------
# allauth names its app "MFA" and its model "authenticator" (no verbose_name to translate). The names are set on the
# model's options here rather than in a Meta (which would be allauth's migration): Django's migrations read the
# declared Meta only, so nothing changes there.
django_apps.get_app_config("mfa").verbose_name = "Double authentification"
Authenticator._meta.verbose_name = "moyen de double authentification"
Authenticator._meta.verbose_name_plural = "moyens de double authentification"

if admin.site.is_registered(Authenticator):
    admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """A staff member's authenticator app and recovery codes (superusers only, docs/backoffice-permissions.md): a
    superuser removes a lost one so that its owner enrols again."""

    LABELS = {
        "user": "compte",
        "type": "type",
        "data": "données",
        "created_at": "créé le",
        "last_used_at": "dernière utilisation",
    }

    raw_id_fields = ["user"]
    list_display = ["account", "type", "created", "last_used"]
    list_filter = ["type"]
    list_select_related = ["user"]
    search_fields = ["user__email"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        return super().get_form(request, obj, change, labels=self.LABELS, **kwargs)

    @admin.display(description="compte", ordering="user__email")
    def account(self, authenticator):
        return authenticator.user.email

    @admin.display(description="créé le", ordering="created_at")
    def created(self, authenticator):
        return authenticator.created_at

    @admin.display(description="dernière utilisation", ordering="last_used_at")
    def last_used(self, authenticator):
        return authenticator.last_used_at
