"""Changes of an accepted apprenticeship contract declared by the employer: "Déclarer une rupture".

The dossier is looked up like every dossier page (selectors.company_dossier: another company's dossier answers
404); a dossier that is not an accepted apprenticeship contract answers a page that says why. The rules are in
funding.ruptures; the view keeps the user's answers (a draft in the session, and on any refused POST) so that a
refused file or a wrong date loses nothing but the file itself.
"""

from django import forms
from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from common.forms import AccessibleForm
from dossiers.cerfa.codes import RUPTURE_DOCUMENTS, RUPTURE_INITIATIVE, RUPTURE_MOTIF
from egestion.access import egestion_required
from egestion.dossiers.views import _dossier_or_404
from funding import ruptures

SAVE, SUBMIT = "brouillon", "transmettre"


def _draft_key(dossier) -> str:
    return f"rupture-draft:{dossier.pk}"


class RuptureForm(AccessibleForm):
    date = forms.DateField(
        label="Date de la rupture",
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date de la rupture.", "invalid": "Saisissez une date valide."},
    )
    motif = forms.ChoiceField(
        label="Motif de la rupture",
        choices=[("", "Choisir le motif")] + RUPTURE_MOTIF.choices(),
        error_messages={"required": "Choisissez le motif de la rupture."},
    )
    initiative = forms.ChoiceField(
        label="Rupture à l'initiative de",
        choices=RUPTURE_INITIATIVE.choices(),
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez à l'initiative de qui le contrat est rompu."},
    )
    document = forms.FileField(
        label="Document signé",
        required=False,
        help_text="Obligatoire pour la plupart des motifs (convention de rupture, lettre de licenciement…). "
        "PDF, JPEG ou PNG, 10 Mo au plus.",
        widget=forms.ClearableFileInput({"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def draft_values(self) -> dict:
        return {name: self.data.get(name, "") for name in ("date", "motif", "initiative")}


def _not_possible(request, dossier, problem):
    return render(
        request, "egestion/dossiers/change_not_possible.html", {"dossier": dossier, "problem": problem}, status=409
    )


@egestion_required
@require_http_methods(["GET", "POST"])
def rupture_new(request, number):
    dossier = _dossier_or_404(request, number)
    if hasattr(dossier, "rupture"):
        # Already declared (a second click, a second tab): the same result as the first time.
        return redirect("egestion:dossier", number=dossier.number)
    problem = ruptures.contract_problem(dossier)
    if problem:
        return _not_possible(request, dossier, problem)
    key = _draft_key(dossier)
    if request.method == "GET":
        form = RuptureForm(initial=request.session.get(key, {}))
        return _render(request, dossier, form)
    form = RuptureForm(request.POST, request.FILES)
    request.session[key] = form.draft_values()  # nothing typed is lost, whatever happens next
    if request.POST.get("action") == SAVE:
        flash.success(request, "Votre brouillon de déclaration de rupture est enregistré.")
        return redirect("egestion:dossier_rupture", number=dossier.number)
    if form.is_valid():
        try:
            ruptures.declare_rupture(
                dossier,
                user=request.user,
                rupture_date=form.cleaned_data["date"],
                reason=form.cleaned_data["motif"],
                initiative=form.cleaned_data["initiative"],
                uploaded_file=form.cleaned_data.get("document"),
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    form.add_error(None if field == "__all__" else field, message)
        else:
            request.session.pop(key, None)
            flash.success(request, f"La rupture du contrat est transmise à Constructys : {dossier.status_label}.")
            return redirect("egestion:dossier", number=dossier.number)
    return _render(request, dossier, form, status=400)


def _render(request, dossier, form, status=200):
    return render(
        request,
        "egestion/dossiers/rupture.html",
        {
            "dossier": dossier,
            "form": form,
            "documents": [(RUPTURE_MOTIF.label(code), text) for code, text in RUPTURE_DOCUMENTS.items()],
            "practical": ruptures.practical_training_start(dossier),
        },
        status=status,
    )
