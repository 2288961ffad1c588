"""Small pieces the back-office admins share: read-only inlines and read-only journals (lists nobody edits), and the
extra pages an admin adds to its URLs, and the confirmation page of a case manager's decision."""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from common.forms import CleanTextFormMixin


class ReadOnlyInline(admin.TabularInline):
    """Lines shown on the parent's page, never added, changed or deleted there."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    """A journal (status changes, account events, the history of changes): listed and opened, never edited nor
    deleted, superusers included."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def admin_page(model_admin, route: str, view, name: str):
    """An extra page of `model_admin` (behind the admin's login and staff check), for its get_urls()."""
    return path(route, model_admin.admin_site.admin_view(view), name=name)


class KeptRecordAdminMixin:
    """A record that is kept (a message, a received document, a payment…): never deleted from the admin, superusers
    included; no delete page, no delete action. Removing a person's data goes through the audited RGPD erasure
    command only."""

    def has_delete_permission(self, request, obj=None):
        return False


class DecisionForm(CleanTextFormMixin, forms.Form):
    """The confirmation of a decision; with `note_label`, the note the company reads (the missing documents, the
    refusal's reason) is required."""

    def __init__(self, *args, note_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if note_label:
            self.fields["note"] = forms.CharField(
                label=note_label,
                widget=forms.Textarea(attrs={"class": "instruction-note", "rows": 6}),
                error_messages={"required": "Ce champ est obligatoire."},
            )


def decision_page(
    model_admin,
    request,
    original,
    *,
    label: str,
    note_label: str,
    allowed: bool,
    decide: Callable[[str], object],
    done_message: Callable[[], str],
    template: str,
    title: str,
    **context,
):
    """The confirmation page of a decision on `original` (a dossier's change of status, an avenant's decision): on a
    valid POST, `decide(note)` (a ValidationError is shown on the page), then back to the object's page with
    `done_message()`; `template` extends admin/decision_page.html."""
    form = DecisionForm(request.POST if request.method == "POST" else None, note_label=note_label)
    change_url = reverse(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_change", args=[original.pk])
    if request.method == "POST" and form.is_valid():
        try:
            decide(form.cleaned_data.get("note", ""))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            model_admin.message_user(request, done_message(), messages.SUCCESS)
            return redirect(change_url)
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "opts": model_admin.opts,
            "original": original,
            "label": label,
            "form": form,
            "change_url": change_url,
            "allowed": allowed,
            **context,
        },
    )
