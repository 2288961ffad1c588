"""The dossier page's form class, kept per set of rights (backoffice.site.KeptFormMixin): each role gets the form
Django would build for it (the same fields, widgets, choices and related links), a regional manager's establishments
stay in their regions, and a change of rights shows at once."""

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.contrib.auth.models import Permission
from django.test import RequestFactory

from accounts.models import Region, User
from backoffice import site
from dossiers.models import Dossier
from tests.factories import DossierFactory, EstablishmentFactory


def visit(user):
    request = RequestFactory().get("/admin/dossiers/dossier/")
    request.user = User.objects.get(pk=user.pk)  # each request reads the user and its permissions afresh
    return request


def dossier_admin():
    return admin.site.get_model_admin(Dossier)


def form_class(user, dossier, djangos=False):
    model_admin = dossier_admin()
    request = visit(user)
    fields = ModelAdmin.get_fields(model_admin, request, dossier)
    get_form = ModelAdmin.get_form if djangos else type(model_admin).get_form
    return get_form(model_admin, request, dossier, change=True, fields=fields)


def rendered(form_class, dossier):
    """Every field of a form of this class, as the page would write it (widgets, options, related links)."""
    form = form_class(instance=dossier)
    return {name: (type(form.fields[name]).__name__, str(form[name])) for name in form.fields}


@pytest.mark.parametrize("persona", ["case_manager", "regional_manager", "accountant", "administrator"])
def test_each_role_gets_the_form_django_would_build(request, persona):
    user = request.getfixturevalue(persona)
    dossier = DossierFactory(submitted=True)

    first = form_class(user, dossier)
    again = form_class(user, dossier)

    assert again is first  # kept
    assert rendered(first, dossier) == rendered(form_class(user, dossier, djangos=True), dossier)


def test_a_regional_manager_links_only_to_establishments_of_their_regions(regional_manager):
    from backoffice.models import StaffProfile

    StaffProfile.objects.filter(user=regional_manager).update(regions=[Region.BRE])
    dossier = DossierFactory(employer_establishment=EstablishmentFactory(region=Region.BRE))
    elsewhere = EstablishmentFactory(region=Region.OCC)
    form = form_class(regional_manager, dossier)

    posted = form(
        instance=dossier,
        data={"employer_establishment": elsewhere.pk, "title": dossier.title, "scheme": dossier.scheme},
    )

    assert not posted.is_valid()
    assert "employer_establishment" in posted.errors
    assert form_class(regional_manager, dossier) is form  # the same rights: the kept class
    StaffProfile.objects.filter(user=regional_manager).update(regions=[Region.BRE, Region.OCC])
    widened = form_class(regional_manager, dossier)
    assert widened is not form
    assert widened.base_fields["employer_establishment"].queryset.filter(pk=elsewhere.pk).exists()


def test_a_withdrawn_permission_shows_on_the_next_page(case_manager):
    dossier = DossierFactory(submitted=True)
    editable = form_class(case_manager, dossier)
    assert "title" in editable.base_fields

    change = Permission.objects.get(content_type__app_label="dossiers", codename="change_dossier")
    case_manager.groups.first().permissions.remove(change)

    read_only = form_class(case_manager, dossier)
    assert read_only is not editable
    assert "title" not in read_only.base_fields
    assert rendered(read_only, dossier) == rendered(form_class(case_manager, dossier, djangos=True), dossier)


def test_the_kept_classes_hold_no_request(case_manager):
    dossier = DossierFactory()
    form_class(case_manager, dossier)

    kept = list(site._KEPT_FORMS.values())
    assert kept
    for form in kept:
        assert form.formfield_callback is None and form._meta.formfield_callback is None
