"""A change page's fieldsets, as Django's admin/includes/fieldset.html writes them, in Python (issue 18).

On a dossier's page this template was a large part of the rendering: a dozen template variables and tags per field.
The form machinery stays Django's (bound fields, widgets, labels, readonly contents, errors); only the template's own
markup is written here, with the same values escaped the same way. tests/backoffice/test_change_form_html.py compares
both ways (whitespace between tags aside) on the dossier page as each back-office role sees it, and with errors.
"""

from django.utils.safestring import mark_safe

from common.widget_renderer import _text


def _errors(error_list) -> str:
    """`{{ errors.as_ul }}`: nothing for no error (the template would still be rendered)."""
    return error_list.as_ul() if error_list else ""


# --- admin/includes/fieldset.html -----------------------------------------------------------------------------------


def fieldset(fieldset, *, heading_level=2, prefix="fieldset", id_prefix=0, id_suffix=0) -> str:
    heading = f"{_text(prefix)}-{_text(id_prefix)}-{_text(id_suffix)}-heading"
    labelled = f' aria-labelledby="{heading}"' if fieldset.name else ""
    parts = [f'<fieldset class="module aligned {_text(fieldset.classes)}"{labelled}>']
    if fieldset.name:
        collapsible = fieldset.is_collapsible
        level = _text(heading_level or 2)
        parts.append(
            ("<details><summary>" if collapsible else "")
            + f'<h{level} id="{heading}" class="fieldset-heading">{_text(fieldset.name)}</h{level}>'
            + ("</summary>" if collapsible else "")
        )
    if fieldset.description:
        parts.append(f'<div class="description">{fieldset.description}</div>')
    parts.extend(_line(line) for line in fieldset)
    if fieldset.name and fieldset.is_collapsible:
        parts.append("</details>")
    parts.append("</fieldset>")
    return mark_safe("\n".join(parts))  # noqa: S308 (every value escaped as the template escapes it)


def _name(field) -> str:
    """`field.field.name`: a bound field's, or a readonly field's (a dict)."""
    return field.field["name"] if field.is_readonly else field.field.name


def _attribute(field, name):
    return field.field.get(name, "") if field.is_readonly else getattr(field.field, name)


def _line(line) -> str:
    fields = list(line)
    single = len(line.fields) == 1
    errors = (
        "\n".join(_errors(line.form[f].errors) for f in line.fields if f not in line.readonly_fields).strip("\n")
        if single
        else ""
    )
    classes = "form-row" + (" errors" if single and errors else "") + ("" if line.has_visible_field else " hidden")
    classes += "".join(f" field-{_text(_name(field))}" for field in fields if _name(field))
    parts = [f'<div class="{classes}">', errors if single else '<div class="flex-container form-multiline">']
    for field in fields:
        parts.append(_field(field, single))
    if not single:
        parts.append("</div>")
    parts.append("</div>")
    return "\n".join(parts)


def _field(field, single) -> str:
    parts = ["<div>"]
    if not single and not field.is_readonly:
        parts.append(_errors(field.field.errors))
    box = "flex-container"
    if not single:
        box += " fieldBox"
        if _name(field):
            box += f" field-{_text(_name(field))}"
        if not field.is_readonly and field.field.errors:
            box += " errors"
        if _attribute(field, "is_hidden"):
            box += " hidden"
    if field.is_checkbox:
        box += " checkbox-row"
        content = f"{field.field}{field.label_tag()}"
    elif field.is_readonly:
        content = f'{field.label_tag()}\n<div class="readonly">{field.contents()}</div>'
    else:
        content = f"{field.label_tag()}\n{field.field}"
    parts.append(f'<div class="{box}">\n{content}\n</div>')
    help_text = _attribute(field, "help_text")
    if help_text:
        hidden = " hidden" if _attribute(field, "is_hidden") else ""
        label_id = "" if field.is_readonly else field.field.id_for_label
        described = f' id="{_text(label_id)}_helptext"' if label_id else ""
        parts.append(f'<div class="help{hidden}"{described}>\n<div>{help_text}</div>\n</div>')
    parts.append("</div>")
    return "\n".join(parts)
