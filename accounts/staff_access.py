"""Who sees what in the back office, beyond Django's per-model permissions (docs/backoffice-permissions.md):

- a *Responsable régional* sees region-bound data (dossiers, establishments, payments, messages, documents,
  requests…) only for the establishments of the regions on their staff profile: `RegionScopedAdminMixin` narrows
  every admin queryset (lists, change/delete/history pages, searches, autocompletes, exports, downloads);
- full IBANs, RIB files and message attachments follow the permissions of `backoffice.StaffProfile` that the roles
  give (superusers have them all); `Document.objects.for_staff_user` applies the last two.

The admin modules of every app use these; the rules live here once, low enough (accounts) for every app's admin to
import them: backoffice.roles grants these permissions and group, backoffice.StaffProfile holds the regions
(`user.staff_profile`) and declares the permissions.
"""

from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils.html import format_html

from common.formats import masked_iban
from common.prepared import PreparedQuery

REGIONAL_MANAGER = "Responsable régional"
# Permissions of backoffice.StaffProfile (granted by backoffice.roles): accounting handles payments and bank details;
# those who instruct dossiers read their threads.
FULL_IBAN = "backoffice.view_full_iban"
DOWNLOAD_RIB = "backoffice.download_rib"
DOWNLOAD_MESSAGE_ATTACHMENT = "backoffice.download_message_attachment"

# --- regions ---------------------------------------------------------------------------------------------------


def _regional_manager_group_of(user_id):
    return Group.objects.filter(user__id=user_id, name=REGIONAL_MANAGER).values_list("id")[:1]


_REGIONAL_MANAGER = PreparedQuery(_regional_manager_group_of, name="regional manager or not")  # every admin page


def limited_regions(user) -> list[str] | None:
    """The regions a staff user is limited to, or None when they see every region. A regional manager without a
    region on their profile sees nothing (rather than everything)."""
    if user.is_superuser or _REGIONAL_MANAGER.first(user.pk) is None:
        return None
    profile = getattr(user, "staff_profile", None)
    return list(profile.regions) if profile is not None else []


def request_limited_regions(request) -> list[str] | None:
    """limited_regions of the request's user, read once per request."""
    if not hasattr(request, "_limited_regions"):
        request._limited_regions = limited_regions(request.user)
    return request._limited_regions


class RegionScopedAdminMixin:
    """For a ModelAdmin (or an inline) of region-bound data: `region_lookups` are the paths from the model to an
    establishment's `region` (OR-ed: a document belongs to a dossier or to an establishment). Everything the admin
    reads goes through get_queryset, so a change page outside the region answers like a missing object."""

    region_lookups: tuple[str, ...] = ()

    def get_queryset(self, request):
        return self.in_regions(super().get_queryset(request), request_limited_regions(request))

    @classmethod
    def in_regions(cls, queryset, regions: list[str] | None):
        """`queryset` narrowed to what lies in `regions` (None: every region)."""
        if regions is None:
            return queryset
        query = Q(pk__in=[])
        for lookup in cls.region_lookups:
            query |= Q(**{f"{lookup}__in": regions})
        if any("__" in lookup and _is_many(queryset.model, lookup) for lookup in cls.region_lookups):
            # Through a one-to-many relation (an organisation's establishments): no duplicated rows.
            return queryset.filter(pk__in=queryset.model._default_manager.filter(query).values("pk"))
        return queryset.filter(query)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # What a regional manager links to (an organisation, an establishment, a dossier) is in their regions too.
        related = self.admin_site._registry.get(db_field.related_model)
        if request_limited_regions(request) is not None and isinstance(related, RegionScopedAdminMixin):
            kwargs.setdefault("queryset", related.get_queryset(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # ...and an establishment they edit stays in one of their regions.
        regions = request_limited_regions(request)
        if regions is not None and db_field.name == "region":
            kwargs["choices"] = [(value, label) for value, label in db_field.choices if value in regions]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


def _is_many(model, lookup: str) -> bool:
    for name in lookup.split("__")[:-1]:
        field = model._meta.get_field(name)
        if field.one_to_many or field.many_to_many:
            return True
        model = field.related_model
    return False


# --- IBAN ------------------------------------------------------------------------------------------------------


def sees_full_iban(user) -> bool:
    return user.has_perm(FULL_IBAN)


class MaskedIbanAdminMixin:
    """Shows the IBAN fields of `iban_fields` masked to staff without the full-IBAN permission: on the change page
    they are replaced by a read-only masked value, in the list by the masked column (`<field>_masked`), and they
    are taken out of the searched fields (a search by IBAN would confirm one)."""

    iban_fields: tuple[str, ...] = ()

    def _masks(self, request) -> bool:
        return not sees_full_iban(request.user)

    def _swap(self, request, names):
        if not self._masks(request):
            return names
        swapped = [f"{name}_masked" if name in self.iban_fields else name for name in names]
        return list(dict.fromkeys(swapped))  # a masked field already listed (read-only fields) appears once

    def get_list_display(self, request):
        return self._swap(request, super().get_list_display(request))

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if not self._masks(request):
            return fields
        return [name for name in fields if name.lstrip("=^@") not in self.iban_fields]

    def get_fields(self, request, obj=None):
        return self._swap(request, super().get_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        return [
            (title, {**options, "fields": self._swap(request, options["fields"])})
            for title, options in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self._masks(request):
            readonly += [f"{name}_masked" for name in self.iban_fields]
        return readonly

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if self._masks(request):
            exclude += list(self.iban_fields)
        return exclude or None


def masked_iban_display(field: str, label: str = "IBAN"):
    """The `<field>_masked` column/field of a MaskedIbanAdminMixin admin."""

    @admin.display(description=label)
    def display(self, obj):
        return format_html('<span class="mono">{}</span>', masked_iban(getattr(obj, field)))

    return display
