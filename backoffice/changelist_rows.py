"""The rows of a back-office list, as Django's admin writes them (admin_list.items_for_result), with what does not
change from one row to the next (the column's field, its CSS classes, its choices, whether it links to the object)
worked out once per page instead of once per cell: at 50 rows and 11 columns, that per-cell work was most of the
dossier list's rendering. Used by the `fast_result_list` tag (backoffice_admin), which also writes the table around
them (admin/change_list_results.html) and the filters (admin/filter.html) in Python: 500 cells and a hundred filter
choices through the template engine were a fifth of the page. A list with editable columns (list_editable) keeps
Django's own rows, and a filter with a template of its own keeps it."""

import datetime

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import FieldIsAForeignKeyColumnName, _get_non_gfk_field, lookup_field
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.template.defaultfilters import capfirst
from django.template.loader import render_to_string
from django.urls import NoReverseMatch
from django.utils.encoding import iri_to_uri
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext

from common.admin_display import shown_as_written
from common.rows import text


def result_list(cl):
    """The context of admin/change_list_results.html, as admin_list.result_list builds it for a list without
    editable columns; each cell is its HTML, escaped but not marked safe (results_html marks the table once)."""
    headers = list(admin_list.result_headers(cl))
    columns = _columns(cl)
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": [admin_list.ResultList(None, [cell(result) for cell in columns]) for result in cl.result_list],
    }


def results_html(cl):
    """What `{% result_list cl %}` writes (admin/change_list_results.html), whitespace between tags aside."""
    if cl.formset:
        return render_to_string("admin/change_list_results.html", admin_list.result_list(cl))
    context = result_list(cl)
    if not context["results"]:
        return ""
    headers = "".join(_header(header, context["num_sorted_fields"]) for header in context["result_headers"])
    rows = "".join(f"<tr>{''.join(row)}</tr>" for row in context["results"])
    return mark_safe(  # noqa: S308 (headers and cells escaped as they were built)
        f'<div class="results"><table id="result_list"><thead><tr>{headers}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


def _header(header, num_sorted_fields):
    text = conditional_escape(capfirst(header["text"]))
    sort_options = ""
    if header["sortable"] and header["sort_priority"] > 0:
        priority = ""
        if num_sorted_fields > 1:
            title = gettext("Sorting priority: %(priority_number)s") % {"priority_number": header["sort_priority"]}
            priority = f'<span class="sortpriority" title="{title}">{header["sort_priority"]}</span>'
        direction = "ascending" if header["ascending"] else "descending"
        sort_options = (
            f'<div class="sortoptions"><a class="sortremove" href="{conditional_escape(header["url_remove"])}" '
            f'title="{gettext("Remove from sorting")}"></a>{priority}'
            f'<a href="{conditional_escape(header["url_toggle"])}" class="toggle {direction}" '
            f'title="{gettext("Toggle sorting")}"></a></div>'
        )
    if header["sortable"]:
        shown = f'<a href="{conditional_escape(header["url_primary"])}">{text}</a>'
    else:
        shown = f"<span>{text}</span>"
    return (
        f'<th scope="col"{header["class_attrib"]}>{sort_options}<div class="text">{shown}</div>'
        f'<div class="clear"></div></th>'
    )


SELECTED = ' class="selected"'


def filter_html(cl, spec):
    """What `{% admin_list_filter cl spec %}` writes with admin/filter.html, whitespace between tags aside."""
    if spec.template != "admin/filter.html":
        return admin_list.admin_list_filter(cl, spec)
    choices = "".join(
        f"<li{SELECTED if choice['selected'] else ''}>"
        f'<a href="{_escaped(iri_to_uri(choice["query_string"]))}">{_escaped(choice["display"])}'
        "</a></li>"
        for choice in spec.choices(cl)
    )
    title = conditional_escape(spec.title)
    summary = gettext(" By %(filter_title)s ") % {"filter_title": title}
    return mark_safe(  # noqa: S308 (every value escaped above)
        f'<details data-filter-title="{title}" open><summary>{summary}</summary><ul>{choices}</ul></details>'
    )


def _columns(cl):
    columns, first = [], True
    for index, name in enumerate(cl.list_display):
        if cl.list_display_links is None:
            link = False
        else:
            link = (first and not cl.list_display_links) or name in cl.list_display_links
        columns.append(_column(cl, index, name, link, "th" if link and first else "td"))
        first = first and not link
    return columns


def _model_field(opts, name):
    """The field lookup_field reads for `name`, or None for a method, a property or a callable."""
    if callable(name):
        return None
    try:
        return _get_non_gfk_field(opts, name)
    except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
        return None


def _column(cl, index, name, link, tag):
    model_admin = cl.model_admin
    empty = model_admin.get_empty_value_display()
    field = _model_field(cl.lookup_opts, name)
    base_classes = [f"field-{admin_list._coerce_field_name(name, index)}"]

    if field is not None and not field.auto_created:
        classes = base_classes + (
            ["nowrap"] if isinstance(field, (models.DateField, models.TimeField, models.ForeignKey)) else []
        )
        row_class = _class_attribute(classes)
        if isinstance(field.remote_field, models.ManyToOneRel):

            def represent(result):
                related = getattr(result, field.name)
                return empty if related is None else related

        elif getattr(field, "flatchoices", None):
            labels = dict(field.flatchoices)

            def represent(result):
                return labels.get(_blank_to_empty(getattr(result, name)), empty)

        elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            shown = {}  # a date reads the same all page long (a list sorted by date repeats it)

            def represent(result):
                value = getattr(result, name)
                if value not in shown:
                    shown[value] = admin_list.display_for_field(value, field, empty, avoid_link=link)
                return shown[value]

        elif shown_as_written(field):

            def represent(result):
                value = getattr(result, name)
                if isinstance(value, str) and value.strip():
                    return value
                return admin_list.display_for_field(_blank_to_empty(value), field, empty, avoid_link=link)

        else:

            def represent(result):
                value = _blank_to_empty(getattr(result, name))
                return admin_list.display_for_field(value, field, empty, avoid_link=link)

        return _cell(cl, tag if link else "td", row_class, represent, link)

    if name == "action_checkbox" and _is_djangos_checkbox(model_admin):
        return _action_checkbox_cell()

    # A method of the admin or a callable: found once, as lookup_field would.
    method = None
    if field is None and (callable(name) or (hasattr(model_admin, name) and name != "__str__")):
        method = name if callable(name) else getattr(model_admin, name)

    classes = ["action-checkbox"] if name == "action_checkbox" else base_classes
    row_class, dated_row_class = _class_attribute(classes), _class_attribute([*classes, "nowrap"])

    def represent_other(result):
        """A method, property or callable, as items_for_result does: what it shows and the cell's class."""
        try:
            if method is not None:
                attr, value = method, method(result)
            else:
                _, attr, value = lookup_field(name, result, model_admin)
        except ObjectDoesNotExist:
            return empty, _class_attribute(base_classes)
        value = _blank_to_empty(value)
        boolean = getattr(attr, "boolean", False)
        if isinstance(attr, property) and hasattr(attr, "fget"):
            boolean = getattr(attr.fget, "boolean", False)
        if isinstance(value, str) and value and not boolean:
            shown = value  # what display_for_value returns for a string, without its checks
        else:
            shown = admin_list.display_for_value(value, getattr(attr, "empty_value_display", empty), boolean)
        return shown, dated_row_class if isinstance(value, (datetime.date, datetime.time)) else row_class

    def cell(result):
        shown, cell_class = represent_other(result)
        return _wrap(cl, tag if link else "td", cell_class, shown, link, result)

    return cell


def _is_djangos_checkbox(model_admin):
    return type(model_admin).action_checkbox is admin.ModelAdmin.action_checkbox


def _action_checkbox_cell():
    """The bulk actions' checkbox of each row, as ModelAdmin.action_checkbox writes it with Django's CheckboxInput;
    its translated label is read once per page instead of once per row."""
    label = gettext("Select this object for an action - {}")

    def cell(result):
        return (
            f'<td class="action-checkbox"><input type="checkbox" name="{helpers.ACTION_CHECKBOX_NAME}" '
            f'value="{text(result.pk)}" class="action-select" aria-label="{label.format(text(result))}"></td>'
        )

    return cell


def _cell(cl, tag, row_class, represent, link):
    def cell(result):
        return _wrap(cl, tag, row_class, represent(result), link, result)

    return cell


def _wrap(cl, tag, row_class, shown, link, result):
    if link:
        try:
            url = _linked_url(cl, result)
        except NoReverseMatch:
            pass
        else:
            popup = ""
            if cl.is_popup:
                value = result.serializable_value(str(cl.to_field) if cl.to_field else cl.lookup_opts.pk.attname)
                popup = format_html(' data-popup-opener="{}"', value)
            # format_html('<a href="{}"{}>{}</a>', url, popup, shown), written directly: it runs for every row.
            shown = SafeString(f'<a href="{_escaped(url)}"{popup}>{_escaped(shown)}</a>')
    return f"<{tag}{row_class}>{_escaped(shown)}</{tag}>"


def _escaped(value):
    """conditional_escape, without the lazy-string checks of its wrappers: it runs for every cell."""
    if isinstance(value, SafeData):
        return value
    if isinstance(value, str):
        return text(value)  # what django.utils.html.escape does, without its lazy-string wrapper
    return conditional_escape(value)


def _linked_url(cl, result):
    """The row's link with the list's filters kept; a ChangeList may work it out once per page
    (`linked_url_for_result`, backoffice.dossier_admin.DossierChangeList)."""
    linked = getattr(cl, "linked_url_for_result", None)
    if linked is not None:
        return linked(result)
    return add_preserved_filters(
        {"preserved_filters": cl.preserved_filters, "opts": cl.opts}, cl.url_for_result(result)
    )


def _class_attribute(classes):
    return ' class="{}"'.format(" ".join(classes))  # CSS class names of the columns


def _blank_to_empty(value):
    return "" if isinstance(value, str) and value.strip() == "" else value
