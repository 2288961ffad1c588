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


class SubrogationInvoiceForm(AccessibleForm):
    """The invoice of a dossier paid by subrogation (skills plan...): the attendance certificate always comes with
    it (invoicing.subrogation)."""

    number = InvoiceForm.base_fields["number"]
    invoice_date = InvoiceForm.base_fields["invoice_date"]
    period_start = InvoiceForm.base_fields["period_start"]
    period_end = InvoiceForm.base_fields["period_end"]
    amount = InvoiceForm.base_fields["amount"]
    pdf = InvoiceForm.base_fields["pdf"]
    attachment_attendance = forms.FileField(
        label=AttachmentKind.ATTENDANCE_CERTIFICATE.label,
        required=False,  # its absence is refused with the rule's message (invoicing.subrogation.refusals)
        help_text="Les heures de formation suivies sur la période facturée. " + UPLOAD_HELP,
    )

    def attachments(self) -> dict:
        return {AttachmentKind.ATTENDANCE_CERTIFICATE: self.cleaned_data.get("attachment_attendance")}
