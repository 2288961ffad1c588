"""{% load ogestion_rows %}: the rows of the oGestion dossier list and users list, written in Python
(ogestion.dossiers.rows, ogestion.users.rows)."""

from django import template

from ogestion.dossiers import rows
from ogestion.users import rows as users_rows

register = template.Library()


@register.simple_tag
def dossier_rows(dossiers):
    return rows.dossier_rows(dossiers)


@register.simple_tag
def user_rows(accounts):
    return users_rows.user_rows(accounts)
