"""The oGestion dossier list's rows and headers, written in Python (ogestion.dossiers.rows, common.rows), are cell
for cell the HTML the template wrote: escaping, the latest funding agreement's link, trainees, empty values."""

import re

from django.db.models import Prefetch
from django.template import engines
from django.test import RequestFactory

from accounts import services
from common import rows as common_rows
from dossiers.models import Document, DocumentDirection, DocumentKind, Dossier, Enrolment
from dossiers.selectors import provider_list_rows
from ogestion.dossiers import rows
from ogestion.dossiers.views import COLUMNS
from ogestion.users import rows as users_rows
from tests.factories import (
    DocumentFactory,
    DossierFactory,
    EnrolmentFactory,
    EstablishmentFactory,
    MembershipFactory,
    PersonFactory,
    ProviderEstablishmentFactory,
    UserFactory,
)
from tests.harness import reference_sort_headers

HOSTILE = 'Coffrage & <b>étaiement</b> d\'Orléans "Sud"'
# The rows as templates/ogestion/dossiers/results.html wrote them before ogestion.dossiers.rows: the reference.
ROW_TEMPLATE = """{% load portal %}
{% url_pattern "ogestion:dossier" as dossier_url %}{% url_pattern "ogestion:dossier_document" 2 as document_url %}
{% for dossier in dossiers %}
  <tr>
    <th scope="row" class="mono"><a href="{{ dossier_url|fill:dossier.number }}">{{ dossier.number }}</a></th>
    <td data-label="Raison sociale de l'entreprise">{{ dossier.employer_establishment.name }}</td>
    <td data-label="Accord">{% for agreement in dossier.funding_agreements|slice:":1" %}<a href="{{ document_url|fill:dossier.number|fill:agreement.pk }}" download><span>Accord<span class="visually-hidden"> du dossier {{ dossier.number }}</span></span></a>{% empty %}—{% endfor %}</td>
    <td data-label="Nom du stagiaire">{% for enrolment in dossier.enrolments.all %}{{ enrolment.person.last_name|upper }} {{ enrolment.person.first_name }}{% if not forloop.last %}, {% endif %}{% empty %}—{% endfor %}</td>
    <td data-label="Dispositif">{{ dossier.scheme }}</td>
  </tr>
{% endfor %}"""  # noqa: E501


def cells(html):
    html = re.sub(r">\s+<", "><", str(html).strip())
    return [re.findall(r"<t[hd][ >].*?</t[hd]>", row) for row in re.findall(r"<tr[ >].*?</tr>", html)]


def test_the_dossier_rows_are_the_templates_cell_for_cell():
    provider = ProviderEstablishmentFactory()
    employer = EstablishmentFactory(name=HOSTILE)
    with_everything = DossierFactory(
        number="77&1'2.01", employer_establishment=employer, provider_establishment=provider
    )
    DocumentFactory(dossier=with_everything)
    DocumentFactory(dossier=with_everything)  # two agreements: the latest one only
    for last_name, first_name in (("d'Arc <i>", "Jeanne & Cie"), ("Ñúñez", "Élodie")):
        person = PersonFactory(organisation=employer.organisation, last_name=last_name, first_name=first_name)
        EnrolmentFactory(dossier=with_everything, person=person)
    DossierFactory(employer_establishment=employer, provider_establishment=provider)  # no agreement, no trainee
    agreements = Document.objects.filter(
        direction=DocumentDirection.ISSUED, kind=DocumentKind.FUNDING_AGREEMENT
    ).order_by("-uploaded_at", "-id")
    dossiers = list(
        Dossier.objects.filter(employer_establishment=employer)
        .select_related("employer_establishment")
        .prefetch_related(
            Prefetch("enrolments", queryset=Enrolment.objects.select_related("person")),
            Prefetch("documents", queryset=agreements, to_attr="funding_agreements"),
        )
        .order_by("number")
    )
    theirs = engines["django"].from_string(ROW_TEMPLATE).render({"dossiers": dossiers})
    # The page's rows as the list reads them: by id, in the list's order.
    ours = rows.dossier_rows(provider_list_rows([dossier.pk for dossier in dossiers]))
    assert cells(ours) == cells(theirs)
    assert len(cells(ours)) == 2 and "&lt;b&gt;" in ours and "JEANNE" not in ours and "D&#x27;ARC" in ours
    latest = Document.objects.filter(dossier=with_everything).latest("uploaded_at", "id")
    assert ours.count(" download>") == 1 and f"/{latest.pk}/" in ours  # the latest agreement, the other row has none


def test_the_headers_with_and_without_a_sort_are_the_templates():
    for query, sort in (("", "-du"), ("tri=entreprise&onglet=soldes&page=2", "entreprise"), ("tri=-numero", "-numero")):
        request = RequestFactory().get(f"/ogestion/dossiers/?{query}")
        theirs = reference_sort_headers(COLUMNS, sort, request, "dossier-results")
        ours = common_rows.sort_headers(COLUMNS, sort, request.GET, "dossier-results")
        assert cells(f"<tr>{ours}</tr>") == cells(f"<tr>{theirs}</tr>")
        assert len(cells(f"<tr>{ours}</tr>")[0]) == len(COLUMNS)


# The rows as templates/ogestion/users/list.html wrote them before ogestion.users.rows: the reference.
USER_ROW_TEMPLATE = """{% load portal %}
{% url_pattern "ogestion:user" as user_url %}
{% for account in accounts %}
  <tr>
    <th scope="row"><a href="{{ user_url|fill:account.pk }}">{{ account.last_name|upper }} {{ account.first_name }}{% if not account.last_name and not account.first_name %}{{ account.email }}{% endif %}</a></th>
    <td>
      {% if account.is_active_here %}
        <span class="yesno"><span class="yesno__box" aria-hidden="true"></span><span class="visually-hidden">Non</span></span>
      {% else %}
        <span class="yesno yesno--yes"><span class="yesno__box" aria-hidden="true">{% icon "check" size=14 %}</span><span class="visually-hidden">Oui</span></span>
      {% endif %}
    </td>
    <td class="mono">{{ account.email }}</td>
  </tr>
{% endfor %}"""  # noqa: E501


def test_the_user_rows_are_the_templates_cell_for_cell():
    site = ProviderEstablishmentFactory()
    MembershipFactory(
        establishment=site, user=UserFactory(last_name="d'Arc <i>", first_name="Jeanne & Cie", email="j&a@cfa.fr")
    )
    MembershipFactory(establishment=site, user=UserFactory(last_name="", first_name="", email="sans.nom@cfa.fr"))
    MembershipFactory(establishment=site, is_active=False, user=UserFactory(last_name="Ñúñez", first_name="Élodie"))
    accounts = list(services.users_of_organisations([site.organisation]))

    theirs = engines["django"].from_string(USER_ROW_TEMPLATE).render({"accounts": accounts})
    ours = users_rows.user_rows(accounts)

    assert cells(ours) == cells(theirs)
    assert len(cells(ours)) == 3 and "D&#x27;ARC &lt;I&gt; Jeanne &amp; Cie" in ours and ours.count("yesno--yes") == 1
    assert "> sans.nom@cfa.fr</a>" in ours  # no name: the address
