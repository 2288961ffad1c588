from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import Establishment, Membership, Organisation, Person, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["establishment"]
    fields = ["establishment", "role", "is_active", "updated_by"]
    readonly_fields = ["updated_by"]


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
    inlines = [MembershipInline]


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
