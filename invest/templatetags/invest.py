"""{% load invest %} {{ amount|euros }} -> "87 518,50 €" (French grouping, two decimals)."""

from django import template

from common.formats import format_amount

register = template.Library()


@register.filter
def euros(value):
    return "" if value is None or value == "" else format_amount(value)
