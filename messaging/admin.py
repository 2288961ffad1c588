from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from accounts.staff_access import RegionScopedAdminMixin
from common.admin_helpers import KeptRecordAdminMixin
from common.forms import CleanTextFormMixin, MultipleFileField
from common.uploads import MAX_FILES_PER_MESSAGE, check_uploads
from dossiers.models import Dossier
from messaging import services
from messaging.models import Message, SenderSide
from messaging.selectors import staff_have_read


class UnreadFilter(admin.SimpleListFilter):
    title = "lecture"
    parameter_name = "lecture"

    def lookups(self, request, model_admin):
        return [("non-lus", "Messages d'entreprise non lus")]

    def queryset(self, request, queryset):
        if self.value() == "non-lus":
            return queryset.filter(sender_side=SenderSide.COMPANY).exclude(staff_have_read())
        return queryset


class ReplyForm(CleanTextFormMixin, forms.ModelForm):
    """A case manager's answer, with attachments checked like every upload of the portal (common.uploads)."""

    fichiers = MultipleFileField(
        label="Pièces jointes",
        help_text=f"PDF, JPEG ou PNG, {MAX_FILES_PER_MESSAGE} fichiers au plus ; l'entreprise les trouve avec le "
        "message et dans les documents émis du dossier.",
    )

    class Meta:
        model = Message
        fields = ["dossier", "title", "body"]

    def clean_fichiers(self):
        self.checked_files = check_uploads(self.cleaned_data["fichiers"])
        return self.cleaned_data["fichiers"]


@admin.register(Message)
class MessageAdmin(RegionScopedAdminMixin, KeptRecordAdminMixin, admin.ModelAdmin):
    """Case managers read the dossiers' threads and answer.

    A message added here is a case manager's answer: messaging.services.reply_as_case_manager writes it, as
    Constructys, signed by the staff user. "Répondre" on a message (or on the dossier's page) opens that form for
    its dossier. Company messages that no staff user has opened are shown in bold with a "Non lu" badge; opening one
    marks it read for the staff user. Messages are never edited nor deleted here (the thread is the record)."""

    list_display = ["title_with_state", "dossier", "sender_side", "author", "created_at", "reply_link"]
    list_filter = [UnreadFilter, "sender_side"]
    search_fields = ["title", "=dossier__number"]
    list_select_related = ["dossier", "author"]
    raw_id_fields = ["dossier", "author"]
    show_full_result_count = False
    region_lookups = ("dossier__employer_establishment__region",)

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(staff_read=staff_have_read())

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ReplyForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["dossier", "title", "body", "fichiers"]
        return ["dossier", "sender_side", "author", "title", "body", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["dossier", "sender_side", "author", "title", "body", "created_at"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        message = self.get_object(request, object_id)
        if message is not None and message.sender_side == SenderSide.COMPANY:
            services.mark_read(message, request.user)
            services.refresh_unread_company_messages(Dossier.objects.filter(pk=message.dossier_id))
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        message = services.reply_as_case_manager(
            form.cleaned_data["dossier"],
            request.user,
            form.cleaned_data["title"],
            form.cleaned_data["body"],
            files=getattr(form, "checked_files", []),
        )
        obj.pk = message.pk
        obj.sender_side, obj.author, obj.created_at = SenderSide.CONSTRUCTYS, request.user, message.created_at

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, f"Réponse envoyée sur le dossier {obj.dossier.number}.")
        # Back to the dossier the answer was written from, where the thread and its documents are.
        if request.user.has_perm("dossiers.view_dossier"):
            return HttpResponseRedirect(reverse("admin:dossiers_dossier_change", args=[obj.dossier_id]))
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description="titre", ordering="title")
    def title_with_state(self, message):
        if message.sender_side == SenderSide.COMPANY and not getattr(message, "staff_read", True):
            return format_html(
                '<strong class="unread">{}</strong> <span class="badge-unread">Non lu</span>', message.title
            )
        return message.title

    @admin.display(description="Répondre")
    def reply_link(self, message):
        if message.sender_side != SenderSide.COMPANY:
            return ""
        return format_html('<a href="{}">Répondre</a>', reply_url(message.dossier_id, message.title))


def reply_url(dossier_id, title="") -> str:
    query = {"dossier": dossier_id}
    if title:
        query["title"] = f"RE : {title}"[:200]
    return f"{reverse('admin:messaging_message_add')}?{urlencode(query)}"
