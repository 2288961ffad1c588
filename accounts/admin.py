from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import AccountEvent, Consent, ConsentVersion, Establishment, Membership, Organisation, Person, User


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
class UserAdmin(DjangoUserAdmin):
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


class EstablishmentInline(admin.TabularInline):
    model = Establishment
    extra = 0
    fields = ["siret", "name", "postal_code", "city", "is_head_office"]
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siren", "member_number"]
    list_filter = ["kind"]
    search_fields = ["name", "siren", "member_number"]
    inlines = [EstablishmentInline]


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = ["name", "siret", "organisation", "postal_code", "city", "region", "uai", "nda"]
    list_filter = ["organisation__kind", "region", "is_head_office"]
    search_fields = ["name", "sign", "siret", "uai", "nda", "city", "postal_code"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "establishment", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "user__last_name", "establishment__siret", "establishment__name"]
    list_select_related = ["user", "establishment"]
    autocomplete_fields = ["user", "establishment"]
    readonly_fields = ["updated_by", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "birth_date", "organisation"]
    search_fields = ["last_name", "first_name", "nir", "email"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):
    """The account history, read-only: staff see who did what to which account and when."""

    list_display = ["created_at", "kind", "user", "actor", "organisation"]
    list_filter = ["kind"]
    search_fields = ["user__email", "user__last_name", "actor__email", "organisation__name", "organisation__siren"]
    list_select_related = ["user", "actor", "organisation"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConsentVersion)
class ConsentVersionAdmin(admin.ModelAdmin):
    list_display = ["kind", "version", "title", "published_at"]
    list_filter = ["kind"]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["user", "version", "accepted_at"]
    list_filter = ["version"]
    search_fields = ["user__email"]
    list_select_related = ["user", "version"]
    raw_id_fields = ["user"]
