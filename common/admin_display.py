"""French formats for the values the back office (Django admin) prints by itself, in its lists and on the read-only
fields of its pages: amounts "9 675,25 €", phones "05 56 12 34 01", file sizes "30,6 Ko". Dates follow the
project's format module (config/formats/fr/formats.py: 03/12/2026 17:20).

Django's admin prints a model field's value with `django.contrib.admin.utils.display_for_field`, which has no hook;
`install()` (CommonConfig.ready) puts `display_for_field` below in its place, in the two modules that call it, so
that every admin, present and future, prints the same formats without a display method per field."""

from django.contrib.admin import helpers, utils
from django.contrib.admin.templatetags import admin_list
from django.db import models
from django.utils import formats

from common.formats import format_amount, format_file_size, format_phone

_django_display_for_field = utils.display_for_field

# Decimal fields with two places are amounts in euros, except these (hours, quantities, percentages).
NOT_AMOUNTS = ("hours", "quantity")
NOT_AMOUNT_SUFFIXES = ("rate",)


def is_amount(field) -> bool:
    name = getattr(field, "name", "") or ""
    return (
        isinstance(field, models.DecimalField)
        and field.decimal_places == 2
        and name not in NOT_AMOUNTS
        and not name.endswith(NOT_AMOUNT_SUFFIXES)
    )


def display_for_field(value, field, empty_value_display, avoid_link=False):
    if value not in (None, "") and not getattr(field, "flatchoices", None):
        if is_amount(field):
            return format_amount(value)
        if isinstance(field, models.DecimalField):
            return formats.number_format(value, field.decimal_places, force_grouping=True)
        if isinstance(field, models.CharField) and field.name == "phone":
            return format_phone(value)
        if isinstance(field, models.IntegerField) and field.name == "size":
            return format_file_size(value)
    return _django_display_for_field(value, field, empty_value_display, avoid_link)


def shown_as_written(field) -> bool:
    """Whether display_for_field shows a non-empty text value of `field` exactly as it is (a long list may then skip
    the call for every cell): a text field without choices or a format of its own."""
    return type(field) in (models.CharField, models.TextField) and not field.choices and field.name != "phone"


def install() -> None:
    for module in (utils, helpers, admin_list):
        module.display_for_field = display_for_field
