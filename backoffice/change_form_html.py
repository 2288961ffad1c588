"""A change page's fieldsets and tabular inlines, as Django's admin/includes/fieldset.html and
admin/edit_inline/tabular.html write them, in Python (issue 18).

On a dossier's page these two templates were half of the rendering: a dozen template variables and tags per field,
per cell and per hidden input. The form machinery stays Django's (bound fields, widgets, labels, readonly contents,
errors); only the templates' own markup is written here, with the same values escaped the same way.
tests/backoffice/test_change_form_html.py compares both ways (whitespace between tags aside) on the dossier page
as a case manager, a regional manager and an accountant see it, and with errors.
"""

from django.contrib.admin.templatetags.admin_modify import cell_count
from django.contrib.admin.utils import quote
from django.forms import HiddenInput
from django.template.defaultfilters import capfirst
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext

from common.widget_renderer import _as_string, _text

# The inline template written here; any other inline keeps its template.
TABULAR_TEMPLATES = frozenset({"admin/edit_inline/tabular.html"})


def _errors(error_list) -> str:
    """`{{ errors.as_ul }}`: nothing for no error (the template would still be rendered)."""
    return error_list.as_ul() if error_list else ""


def _hidden(bound_field) -> str:
    """`{{ bound_field }}` of a hidden input: written directly when Django would add no attribute of its own."""
    field = bound_field.field
    widget = field.widget
    if (
        type(widget) is not HiddenInput
        or widget.attrs
        or field.disabled
        or field.help_text
        or bound_field.errors
        or not bound_field.auto_id
    ):
        return str(bound_field)
    value = widget.format_value(bound_field.value())
    value = "" if value is None else f' value="{_as_string(value)}"'
    return f'<input type="hidden" name="{_text(bound_field.html_name)}"{value} id="{_text(bound_field.auto_id)}">'


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


# --- admin/edit_inline/tabular.html ---------------------------------------------------------------------------------


def tabular_inline(inline_admin_formset, *, last=False) -> str:
    formset = inline_admin_formset.formset
    prefix = _text(formset.prefix)
    management = formset.management_form
    collapsible = inline_admin_formset.is_collapsible
    opts = inline_admin_formset.opts
    title = opts.verbose_name if formset.max_num == 1 else opts.verbose_name_plural
    can_delete = formset.can_delete and inline_admin_formset.has_delete_permission
    parts = [
        f'<div class="js-inline-admin-formset inline-group" id="{prefix}-group"\n'
        f'     data-inline-type="tabular"\n'
        f'     data-inline-formset="{_text(inline_admin_formset.inline_formset_data())}">',
        f'<div class="tabular inline-related {"last-related" if last else ""}">',
        str(management) if management.errors else "".join(_hidden(field) for field in management),
        f'<fieldset class="module {_text(inline_admin_formset.classes)}" aria-labelledby="{prefix}-heading">',
        "<details><summary>" if collapsible else "",
        f'<h2 id="{prefix}-heading" class="inline-heading">\n{_text(capfirst(title))}\n</h2>',
        "</summary>" if collapsible else "",
        _errors(formset.non_form_errors()),
        '<table>\n<thead><tr>\n<th class="original"></th>',
        *(_header(field) for field in inline_admin_formset.fields()),
        f"<th>{gettext('Delete?') if can_delete else ''}</th>",
        "</tr></thead>\n<tbody>",
        *_rows(inline_admin_formset, prefix, can_delete),
        "</tbody>\n</table>",
        "</details>" if collapsible else "",
        "</fieldset>\n</div>\n</div>",
    ]
    return mark_safe("\n".join(parts))  # noqa: S308 (every value escaped as the template escapes it)


def _header(field) -> str:
    classes = f"column-{_text(field['name'])}"
    if field["required"]:
        classes += " required"
    widget = field["widget"]
    if widget["is_hidden"] if isinstance(widget, dict) else widget.is_hidden:
        classes += " hidden"
    help_text = field["help_text"]
    tooltip = ""
    if help_text:
        text = strip_tags(str(help_text))
        text = _text(mark_safe(text) if isinstance(help_text, SafeData) else text)  # noqa: S308 (striptags keeps safe)
        tooltip = (
            f'<img src="{_text(static("admin/img/icon-unknown.svg"))}" class="help help-tooltip" width="10" '
            f'height="10" alt="({text})" title="{text}">'
        )
    return f'<th class="{classes}">{_text(capfirst(field["label"]))}\n{tooltip}\n</th>'


def _rows(inline_admin_formset, prefix, can_delete):
    forms = list(inline_admin_formset)
    adds = inline_admin_formset.has_add_permission
    for index, inline_admin_form in enumerate(forms):
        empty = adds and index == len(forms) - 1
        form = inline_admin_form.form
        if form.non_field_errors():
            yield (
                f'<tr class="row-form-errors"><td colspan="{_text(cell_count(inline_admin_form))}">'
                f"{form.non_field_errors()}</td></tr>"
            )
        original = inline_admin_form.original
        has_original = bool(original or inline_admin_form.show_url)
        classes = "form-row " + ("has_original" if has_original else "") + (" empty-form" if empty else "")
        row_id = f"{prefix}-{'empty' if empty else index}"
        yield f'<tr class="{classes}"\n     id="{row_id}">\n<td class="original">'
        if has_original:
            yield f"<p>\n{_original(inline_admin_formset, inline_admin_form)}\n</p>"
        if inline_admin_form.needs_explicit_pk_field():
            yield _hidden(inline_admin_form.pk_field().field)
        fk_field = inline_admin_form.fk_field()
        if fk_field:
            yield _hidden(fk_field.field)
        yield "</td>"
        for fieldset in inline_admin_form:
            for line in fieldset:
                for field in line:
                    yield _cell(field)
        deletion = can_delete and original
        yield f'<td class="delete">{inline_admin_form.deletion_field().field if deletion else ""}</td>\n</tr>'


def _original(inline_admin_formset, inline_admin_form) -> str:
    parts = []
    original = inline_admin_form.original
    if original:
        parts.append(_text(original))
        inline = inline_admin_form.model_admin
        if inline.show_change_link and inline.has_registered_model:
            changes = inline_admin_formset.has_change_permission
            opts = inline.opts
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(original.pk)])
            parts.append(
                f'<a href="{_text(url)}" class="{"inlinechangelink" if changes else "inlineviewlink"}">'
                f"{gettext('Change') if changes else gettext('View')}</a>"
            )
    if inline_admin_form.show_url:
        parts.append(f'<a href="{_text(inline_admin_form.absolute_url)}">{gettext("View on site")}</a>')
    return "\n".join(parts)


def _cell(field) -> str:
    name = _name(field)
    classes = (f"field-{_text(name)}" if name else "") + (" hidden" if _attribute(field, "is_hidden") else "")
    if field.is_readonly:
        return f'<td class="{classes}">\n<p>{field.contents()}</p>\n</td>'
    return f'<td class="{classes}">\n{_errors(field.field.errors)}\n{field.field}\n</td>'
