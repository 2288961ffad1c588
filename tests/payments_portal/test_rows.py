"""The payment rows of both portals, written in Python (payments.rows), are cell for cell the HTML the template
wrote: escaping, the payment's and its remittance advice's links in the page's portal, no advice."""

import re

import pytest
from django.template import engines

from payments import rows
from payments.models import Payment
from tests.factories import DocumentFactory, PaymentFactory, ProviderEstablishmentFactory

HOSTILE = 'Coffrage & <b>étaiement</b> d\'Orléans "Sud"'
# The rows as templates/payments/payment_results.html wrote them before payments.rows: the reference.
ROW_TEMPLATE = """{% load portal %}
{% for payment in payments %}
  <tr>
    <td>{{ payment.paid_on|date:"d/m/Y" }}</td>
    <th scope="row" class="mono"><a href="{% portal_url 'payment' payment.pk %}">{{ payment.reference }}</a></th>
    <td>{% if payment.remittance_advice %}<a href="{% portal_url 'payment_advice' payment.pk %}" download><span>PDF<span class="visually-hidden"> avis de virement {{ payment.reference }}</span></span></a>{% else %}—{% endif %}</td>
    <td>{{ payment.beneficiary.name }}</td>
    <td class="mono">{{ payment.beneficiary.siret }}</td>
  </tr>
{% endfor %}"""  # noqa: E501


def cells(html):
    html = re.sub(r">\s+<", "><", str(html).strip())
    return [re.findall(r"<t[hd][ >].*?</t[hd]>", row) for row in re.findall(r"<tr[ >].*?</tr>", html)]


@pytest.mark.parametrize("portal", ["egestion", "ogestion"])
def test_the_payment_rows_are_the_templates_cell_for_cell(portal):
    establishment = ProviderEstablishmentFactory(name=HOSTILE)
    advised = PaymentFactory(beneficiary=establishment, reference="VIR<&>'1")
    advice = DocumentFactory(remittance_advice=True, establishment=establishment)
    Payment.objects.filter(pk=advised.pk).update(remittance_advice=advice)
    PaymentFactory(beneficiary=establishment)  # no remittance advice
    payments = list(
        Payment.objects.filter(beneficiary=establishment).select_related("beneficiary", "remittance_advice")
    )
    theirs = engines["django"].from_string(ROW_TEMPLATE).render({"payments": payments, "portal_namespace": portal})
    ours = rows.payment_rows(payments, portal)
    assert cells(ours) == cells(theirs)
    assert len(cells(ours)) == 2 and f"/{'egestion' if portal == 'egestion' else 'ogestion'}/" in ours
    assert "VIR&lt;&amp;&gt;&#x27;1" in ours and "&lt;b&gt;" in ours


# A dossier's payment lines as templates/portal/dossier_payments.html wrote them before payments.rows.
DOSSIER_LINE_TEMPLATE = """{% for line in payment_lines %}
  <tr>
    <th scope="row" class="mono">{{ line.payment.reference }}</th>
    {% with beneficiary=line.payment.beneficiary %}<td>{{ beneficiary.name }} ({{ beneficiary.siret }}) - {{ beneficiary.postal_code }} / {{ beneficiary.city }}</td>{% endwith %}
    <td class="mono">{{ line.invoice_number }}</td>
    <td>{{ line.period_start|date:"d/m/Y" }}</td>
    <td>{{ line.period_end|date:"d/m/Y" }}</td>
    <td>{{ line.get_scheme_display }}</td>
    <td>{{ line.payment.paid_on|date:"d/m/Y" }}</td>
    <td class="amount">{{ line.amount|floatformat:"2g" }}&nbsp;€</td>
    <td>{{ line.payment.get_mode_display }}</td>
    <td class="mono">{% if line.payment.iban_paid %}{% with end=line.payment.iban_paid|slice:"-4:" %}<span aria-label="IBAN se terminant par {{ end }}">•••• {{ end }}</span>{% endwith %}{% else %}—{% endif %}</td>
  </tr>
{% endfor %}"""  # noqa: E501


def test_a_dossiers_payment_lines_are_the_templates_cell_for_cell():
    """Escaping, dates, amounts with thousands, the scheme and the mode's labels, the IBAN's end or a dash."""
    from decimal import Decimal

    from payments import selectors
    from tests.factories import PaymentLineFactory

    establishment = ProviderEstablishmentFactory(name=HOSTILE, city="Saint-Jean-d'Angély <Sud>")
    first = PaymentLineFactory(
        payment=PaymentFactory(beneficiary=establishment, reference="VIR<&>'1"), amount=Decimal("12345.60")
    )
    PaymentLineFactory(
        payment=PaymentFactory(beneficiary=establishment, iban_paid=""), dossier=first.dossier, amount=Decimal("7")
    )
    lines = selectors.dossier_payment_lines(first.dossier)

    theirs = engines["django"].from_string(DOSSIER_LINE_TEMPLATE).render({"payment_lines": lines})
    ours = rows.dossier_line_rows(lines)

    assert len(lines) == 2 and cells(ours) == cells(theirs)
    assert "VIR&lt;&amp;&gt;&#x27;1" in ours and "&lt;b&gt;" in ours and "—" in ours and "•••• " in ours
    assert "12\xa0345,60&nbsp;€" in ours
