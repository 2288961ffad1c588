"""The eGestion dossier list's rows and headers and the message rows, written in Python (egestion.dossiers.rows),
are cell for cell the HTML the templates wrote: escaping, links, dates in Paris time, empty values, unread marks."""

import datetime
import re

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse

from common import rows as common_rows
from dossiers.models import Dossier, DossierStatus
from dossiers.selectors import company_list_rows
from egestion.dossiers import rows
from egestion.dossiers.views import COLUMNS
from messaging import selectors as messaging_selectors
from messaging.models import Message, MessageRead, SenderSide
from tests.factories import DossierFactory, EstablishmentFactory, MessageFactory, ProviderEstablishmentFactory
from tests.harness import reference_sort_headers

# The rows as the templates wrote them before egestion.dossiers.rows (templates/egestion/dossiers/results.html and
# message_rows.html): the reference of the HTML.
DOSSIER_ROW_TEMPLATE = """{% load portal %}{% url_pattern "egestion:dossier" as dossier_url %}
{% for dossier in dossiers %}
  <tr>
    <th scope="row" class="mono"><a href="{{ dossier_url|fill:dossier.number }}">{{ dossier.number }}</a></th>
    <td class="mono" data-label="N° de demande">{{ dossier.request_number }}</td>
    <td data-label="Dispo formation">{{ dossier.scheme }}</td>
    <td class="mono" data-label="SIRET">{{ dossier.employer_establishment.siret }}</td>
    <td data-label="CP">{{ dossier.employer_establishment.postal_code }}</td>
    <td data-label="Ville">{{ dossier.employer_establishment.city }}</td>
    <td data-label="Du">{{ dossier.start_date|date:"d/m/Y" }}</td>
    <td data-label="Au">{{ dossier.end_date|date:"d/m/Y" }}</td>
    <td data-label="État">{{ dossier.status_label }}</td>
    <td data-label="Organisme de formation">{{ dossier.provider_establishment.name|default:"—" }}</td>
  </tr>
{% endfor %}"""

MESSAGE_ROW_TEMPLATE = """{% load portal %}
{% url_pattern "egestion:dossier_tab" 2 as tab_url %}{% url_pattern "egestion:dossier_message" 2 as message_url %}
{% for message in thread %}
  <tr class="message-row{% if not message.is_read %} message-row--unread{% endif %}">
    <td data-label="Date">{{ message.created_at|date:"d/m/Y" }}</td>
    {% if show_dossier %}<td class="mono" data-label="Dossier">
      <a href="{{ tab_url|fill:message.dossier.number|fill:"messages" }}">{{ message.dossier.number }}</a>
    </td>{% endif %}
    <th scope="row"><a href="{{ message_url|fill:message.dossier.number|fill:message.pk }}">{{ message.title }}</a>
      {% if not message.is_read %}<span class="visually-hidden"> (non lu)</span>{% endif %}</th>
    <td data-label="Message">{{ message.body|truncatechars:60 }}</td>
    <td data-label="Envoyé par">{{ message.get_sender_side_display }}</td>
  </tr>
{% endfor %}"""

HOSTILE = 'Coffrage & <b>étaiement</b> d\'Orléans "Sud"'


def cells(html):
    """Each row's cells, whitespace between tags dropped: [[cell, ...], ...]."""
    html = re.sub(r">\s+<", "><", str(html).strip())
    return [re.findall(r"<t[hd][ >].*?</t[hd]>", row) for row in re.findall(r"<tr[ >].*?</tr>", html)]


def template_output(source, **context):
    return engines["django"].from_string(source).render(context)


@pytest.fixture
def listed_dossiers():
    """Dossiers with everything a row can show: HTML in the names, no provider, a blank city, a broken contract."""
    employer = EstablishmentFactory(name=HOSTILE, city=HOSTILE, postal_code="")
    provider = ProviderEstablishmentFactory(name=HOSTILE)
    DossierFactory(
        number="99&3'1.01",
        request_number="<R&D>",
        employer_establishment=employer,
        provider_establishment=provider,
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2027, 2, 14),
    )
    DossierFactory(employer_establishment=employer, provider_establishment=None, terminated=True)
    DossierFactory(provider_establishment=ProviderEstablishmentFactory(name=""), status=DossierStatus.CLOSED)
    return list(Dossier.objects.select_related("employer_establishment", "provider_establishment").order_by("id"))


def test_the_dossier_rows_are_the_templates_cell_for_cell(listed_dossiers):
    # The page's rows as the list reads them: by id, in the list's order.
    ours = cells(rows.dossier_rows(company_list_rows([dossier.pk for dossier in listed_dossiers])))
    theirs = cells(template_output(DOSSIER_ROW_TEMPLATE, dossiers=listed_dossiers))
    assert len(ours) == 3 and all(len(row) == 10 for row in ours)
    assert ours == theirs
    assert "Coffrage &amp; &lt;b&gt;étaiement&lt;/b&gt; d&#x27;Orléans &quot;Sud&quot;" in ours[0][5]
    assert ours[1][8].startswith('<td data-label="État">Rompu le ') and ours[1][9].endswith(">—</td>")


@pytest.mark.parametrize(
    ("query", "sort"),
    [
        ("", "-du"),
        ("tri=ville&page=3", "ville"),
        ("tri=-ville&dispositif=PLAN&createur=Lef%C3%A8vre+%26+fils&etablissement=4&etablissement=5", "-ville"),
    ],
)
def test_the_sort_headers_are_the_templates_cell_for_cell(query, sort):
    request = RequestFactory().get(f"/egestion/dossiers/?{query}")
    theirs = reference_sort_headers(COLUMNS, sort, request, "dossier-results")
    ours = common_rows.sort_headers(COLUMNS, sort, request.GET, "dossier-results")
    assert cells(f"<tr>{ours}</tr>") == cells(f"<tr>{theirs}</tr>")
    assert len(cells(f"<tr>{ours}</tr>")[0]) == len(COLUMNS)


@pytest.fixture
def thread(company_user, establishment):
    dossier = DossierFactory(number="99&3'1.02", employer_establishment=establishment)
    MessageFactory(dossier=dossier, title=HOSTILE, body=HOSTILE * 3)
    read = MessageFactory(dossier=dossier, from_company=True, body="Court.")
    MessageRead.objects.create(message=read, user=company_user)
    # Accents written as combining characters, which truncatechars does not count; exactly 60 and 61 characters.
    MessageFactory(dossier=dossier, body="Pie\u0300ce manquante, de\u0301claration " * 4)
    MessageFactory(dossier=dossier, body="x" * 60)
    MessageFactory(dossier=dossier, body="y" * 61)
    late = MessageFactory(dossier=dossier, sender_side=SenderSide.COMPANY, body="")
    # 23:30 UTC on 31 December is already the next day (and year) in Paris.
    Message.objects.filter(pk=late.pk).update(created_at=datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC))
    return list(messaging_selectors.dossier_thread(dossier, company_user))


@pytest.mark.parametrize("show_dossier", [True, False])
def test_the_message_rows_are_the_templates_cell_for_cell(thread, show_dossier):
    ours = cells(rows.message_rows(thread, show_dossier))
    theirs = cells(template_output(MESSAGE_ROW_TEMPLATE, thread=thread, show_dossier=show_dossier))
    assert len(ours) == 6 and ours == theirs
    # The row's own tag too (the unread class).
    ours_tr = re.findall(r"<tr[^>]*>", str(rows.message_rows(thread, show_dossier)))
    assert ours_tr == re.findall(r"<tr[^>]*>", template_output(MESSAGE_ROW_TEMPLATE, thread=thread, show_dossier=True))
    assert sum("message-row--unread" in tr for tr in ours_tr) == 5
    assert any('<td data-label="Date">01/01/2027</td>' in row for row in ours)


def test_the_list_and_the_messagerie_show_these_rows(client, company_user, thread):
    client.force_login(company_user)
    listing = client.get(reverse("egestion:dossiers"), {"tri": "ville"})
    messagerie = client.get(reverse("egestion:messages"))

    shown = cells(listing.content.decode())
    assert (
        shown[0]
        == cells(f"<tr>{common_rows.sort_headers(COLUMNS, 'ville', listing.wsgi_request.GET, 'dossier-results')}</tr>")[
            0
        ]
    )
    assert shown[1:] == cells(rows.dossier_rows(listing.context["page"].object_list))
    assert "99&amp;3&#x27;1.02" in shown[1][0]
    assert cells(messagerie.content.decode())[1:] == cells(rows.message_rows(thread, show_dossier=True))
