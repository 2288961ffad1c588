"""common.admin_display: what the back office prints for a field's value."""

from django.apps import apps
from django.contrib.admin.templatetags import admin_list

from common.admin_display import shown_as_written


def test_a_text_field_said_shown_as_written_is_printed_as_it_is():
    """The dossier list skips display_for_field for these fields: it must have nothing to change on them."""
    said = [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False) and shown_as_written(field)
    ]
    assert any(field.name == "title" and field.model._meta.model_name == "dossier" for field in said)
    for field in said:
        for value in ("0556123401", "Coffrage & <b>étaiement</b>", "12,50"):
            assert admin_list.display_for_field(value, field, "-") == value, field


def test_phones_and_fields_with_choices_have_a_format_of_their_own():
    from accounts.models import User
    from dossiers.models import Dossier

    assert not shown_as_written(User._meta.get_field("phone"))
    assert not shown_as_written(Dossier._meta.get_field("status"))
    assert admin_list.display_for_field("0556123401", User._meta.get_field("phone"), "-") != "0556123401"
