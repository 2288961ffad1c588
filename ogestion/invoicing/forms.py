from django import forms

from common.forms import AccessibleForm, AmountField
from invoicing.models import AttachmentKind

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
UPLOAD_HELP = "PDF, JPEG ou PNG, 10 Mo au plus."


class InvoiceForm(AccessibleForm):
    """The invoice a provider deposits; what is checked against the schedule is in invoicing.services."""

    number = forms.CharField(label="N° de facture", max_length=40)
    invoice_date = forms.DateField(label="Date de la facture", widget=DATE_INPUT)
    period_start = forms.DateField(label="Période facturée : du", widget=DATE_INPUT)
    period_end = forms.DateField(label="au", widget=DATE_INPUT)
    amount = AmountField(label="Montant TTC (€)", max_digits=12, decimal_places=2, min_value=0)
    pdf = forms.FileField(label="La facture (PDF, 10 Mo au plus)")
    attachment_start = forms.FileField(
        label=AttachmentKind.START_CERTIFICATE.label, required=False, help_text=UPLOAD_HELP
    )
    attachment_completion = forms.FileField(
        label=AttachmentKind.COMPLETION_CERTIFICATE.label, required=False, help_text=UPLOAD_HELP
    )
    attachment_participation = forms.FileField(
        label=AttachmentKind.PARTICIPATION_INVOICE.label, required=False, help_text=UPLOAD_HELP
    )

    def attachments(self) -> dict:
        return {
            kind: self.cleaned_data.get(f"attachment_{kind}")
            for kind in (
                AttachmentKind.START_CERTIFICATE,
                AttachmentKind.COMPLETION_CERTIFICATE,
                AttachmentKind.PARTICIPATION_INVOICE,
            )
        }
