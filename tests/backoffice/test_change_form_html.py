"""A dossier's page writes its fieldsets in Python (backoffice.change_form_html): the same HTML as Django's
admin/includes/fieldset.html (whitespace between tags aside), for each back-office role, with errors, and a page that
still saves."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from backoffice import change_form_html
from tests.backoffice.conftest import company_message
from tests.factories import DocumentFactory, DossierFactory, EnrolmentFactory, PaymentLineFactory


def normalised(html):
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


def rich_dossier():
    dossier = DossierFactory(submitted=True, title="Coffrage & <b>étaiement</b> d'Orléans")
    for _ in range(2):
        EnrolmentFactory(dossier=dossier)
        DocumentFactory(dossier=dossier)
        company_message(dossier, body="Première ligne\n<script>alert(1)</script> & suite")
        PaymentLineFactory(dossier=dossier, payment__beneficiary=dossier.provider_establishment)
    return dossier


def assert_written_as_django_writes(context):
    fieldsets = list(context["adminform"])
    assert fieldsets
    for index, fieldset in enumerate(fieldsets):
        djangos = render_to_string(
            "admin/includes/fieldset.html",
            {"fieldset": fieldset, "heading_level": 2, "prefix": "fieldset", "id_prefix": 0, "id_suffix": index},
        )
        assert normalised(change_form_html.fieldset(fieldset, id_suffix=index)) == normalised(djangos)


@pytest.mark.parametrize("persona", ["case_manager", "regional_manager", "accountant", "administrator"])
def test_the_dossier_page_is_written_as_djangos_templates_write_it(request, staff_client, persona):
    dossier = rich_dossier()
    response = staff_client(request.getfixturevalue(persona)).get(
        reverse("admin:dossiers_dossier_change", args=[dossier.pk])
    )

    assert response.status_code == 200
    assert_written_as_django_writes(response.context)
    assert "Coffrage &amp; &lt;b&gt;étaiement&lt;/b&gt; d&#x27;Orléans" in response.text
    assert "<script>alert" not in response.text
    if 'id="messages-group"' in response.text:  # accounting does not read the thread
        assert "&lt;script&gt;" in response.text


def test_errors_are_written_as_djangos_templates_write_them(staff_client, case_manager):
    dossier = rich_dossier()
    client = staff_client(case_manager)
    url = reverse("admin:dossiers_dossier_change", args=[dossier.pk])
    page = client.get(url)
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    data.update(
        {
            "title": "",  # required
            "scheme": "inconnu",
            "employer_establishment": dossier.employer_establishment_id,
        }
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["errors"]
    assert 'class="errorlist' in response.text
    assert_written_as_django_writes(response.context)


def test_the_page_written_in_python_is_the_page_served(staff_client, case_manager):
    dossier = rich_dossier()
    response = staff_client(case_manager).get(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))

    text = normalised(response.text)
    for index, fieldset in enumerate(response.context["adminform"]):
        assert normalised(change_form_html.fieldset(fieldset, id_suffix=index)) in text
    assert response.context["inline_admin_formsets"] == []  # the lists are not formsets (backoffice.dossier_panels)


@pytest.mark.parametrize("persona", ["case_manager", "accountant"])
def test_the_dossier_form_has_the_fields_django_would_read_from_a_form(rf, request, persona):
    """DossierAdmin keeps its field names per process instead of building a form to read them."""
    from django.contrib import admin
    from django.contrib.admin import ModelAdmin

    from dossiers.models import Dossier

    visit = rf.get("/admin/dossiers/dossier/")
    visit.user = request.getfixturevalue(persona)
    dossier_admin = admin.site.get_model_admin(Dossier)
    for obj in (None, DossierFactory()):
        for _ in range(2):  # computed, then kept
            assert dossier_admin.get_fields(visit, obj) == ModelAdmin.get_fields(dossier_admin, visit, obj)


def test_the_case_managers_offered_are_read_on_every_view(staff_client, case_manager, accountant):
    """The select's options and the list's filter come from a query prepared once per process: the same users as
    the field's queryset, and a case manager added since the last view is offered at once."""
    from backoffice.roles import CASE_MANAGER
    from tests.factories import staff_user

    dossier = DossierFactory(case_manager=case_manager)
    client = staff_client(case_manager)
    url = reverse("admin:dossiers_dossier_change", args=[dossier.pk])
    client.get(url)
    client.get(reverse("admin:dossiers_dossier_changelist"))
    newcomer = staff_user(CASE_MANAGER, first_name="Noé", last_name="Arrivant", email="noe@constructys.fr")

    page = client.get(url)
    listing = client.get(reverse("admin:dossiers_dossier_changelist"))

    field = page.context["adminform"].form["case_manager"]
    options = re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', str(field))
    queryset = field.field.queryset
    assert [(value, label) for value, _, label in options] == [("", "---------")] + [
        (str(user.pk), str(user)) for user in queryset
    ]
    assert (str(case_manager.pk), " selected") in [(value, selected) for value, selected, _ in options]
    assert newcomer in queryset and accountant not in queryset
    assert f"gestionnaire={newcomer.pk}" in listing.text and f"gestionnaire={accountant.pk}" not in listing.text


@pytest.mark.parametrize("persona", ["case_manager", "regional_manager"])
def test_the_establishments_read_with_the_dossier_are_the_options_djangos_query_gives(request, staff_client, persona):
    """The employer's and the training body's selects show the establishments read with the dossier, as
    Django's query for the selected value would show them; a regional manager's (region-scoped) selects keep
    Django's query."""
    dossier = rich_dossier()
    page = staff_client(request.getfixturevalue(persona)).get(
        reverse("admin:dossiers_dossier_change", args=[dossier.pk])
    )

    form = page.context["adminform"].form
    for name in ("employer_establishment", "provider_establishment"):
        bound = form[name]
        ours = str(bound)
        widget = bound.field.widget.widget
        known, widget.known = widget.known, None
        assert ours == str(bound)  # Django's query
        assert known is not None
        assert bool(widget.choices.queryset.query.has_filters()) == (persona == "regional_manager")
        establishment = getattr(dossier, name)
        assert f'<option value="{establishment.pk}" selected>{establishment}</option>' in ours.replace("&#x27;", "'")


def test_each_inline_builds_its_empty_form_once(staff_client, case_manager):
    dossier = rich_dossier()
    page = staff_client(case_manager).get(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))

    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        assert formset.empty_form is formset.empty_form
        assert formset.empty_form.prefix == f"{formset.prefix}-__prefix__"
