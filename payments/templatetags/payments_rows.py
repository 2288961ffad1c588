"""{% load payments_rows %}: the rows of the payments list and of a dossier's payment lines, written in Python
(payments.rows)."""

from django import template

from payments import rows

register = template.Library()


@register.simple_tag(takes_context=True)
def payment_rows(context, payments):
    """The rows, their links in the page's portal (the context processor's `portal_namespace`)."""
    return rows.payment_rows(payments, context["portal_namespace"])


@register.simple_tag
def dossier_line_rows(lines):
    return rows.dossier_line_rows(lines)
