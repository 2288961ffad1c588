"""{% load ogestion_rows %}: the rows of the oGestion dossier list, written in Python (ogestion.dossiers.rows)."""

from django import template

from ogestion.dossiers import rows

register = template.Library()


@register.simple_tag
def dossier_rows(dossiers):
    return rows.dossier_rows(dossiers)
