"""{% load egestion_rows %}: the rows of the eGestion dossier list and of the message lists, written in Python
(egestion.dossiers.rows)."""

from django import template

from egestion.dossiers import rows

register = template.Library()


@register.simple_tag
def dossier_rows(dossiers):
    return rows.dossier_rows(dossiers)


@register.simple_tag
def message_rows(messages, show_dossier=False):
    return rows.message_rows(messages, show_dossier)
