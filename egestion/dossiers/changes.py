"""Changes of an accepted apprenticeship contract declared by the employer: "Déclarer une rupture".

The dossier is looked up like every dossier page (selectors.company_dossier: another company's dossier answers
404); a dossier that is not an accepted apprenticeship contract answers a page that says why. The rules are in
funding.ruptures; the view keeps the user's answers (a draft in the session, and on any refused POST) so that a
refused file or a wrong date loses nothing but the file itself.
"""

from django import forms
from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from common.forms import AccessibleForm
from dossiers.cerfa.codes import RUPTURE_DOCUMENTS, RUPTURE_INITIATIVE, RUPTURE_MOTIF
from dossiers.contract import contract_dates
from egestion.access import egestion_required
from egestion.dossiers.views import _dossier_or_404
from funding import ruptures

SAVE, SUBMIT = "brouillon", "transmettre"
# static/js/wizard.js sends the form a moment after each change with this header (as in the CERFA wizard): the
# draft is kept and the answer carries the checks of funding.ruptures for the fields being typed.
AUTOSAVE_HEADER = "X-Wizard-Autosave"


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bound in self:  # the error line is always there: wizard.js fills it while the user types
            described = [f"{bound.auto_id}_helptext"] if bound.field.help_text else []
            bound.field.widget.attrs["aria-describedby"] = " ".join([*described, f"{bound.auto_id}_error"])

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
    if request.headers.get(AUTOSAVE_HEADER):
        return _checks_while_typing(dossier, form)
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


def _checks_while_typing(dossier, form):
    """The answer wizard.js expects (the CERFA wizard's autosave answer): the draft is saved, and each field's
    messages; the signed document is checked on "Transmettre" only (a file is not sent while typing)."""
    form.is_valid()
    values = form.cleaned_data
    problems = ruptures.rupture_problems(
        dossier,
        rupture_date=values.get("date"),
        reason=values.get("motif") or "",
        initiative=values.get("initiative") or "",
        has_document=True,
    )
    errors = {name: list(messages) for name, messages in problems.items()}
    errors.update({name: list(messages) for name, messages in form.errors.items() if name in form.fields})
    return JsonResponse(
        {
            "saved": True,
            "message": f"Brouillon enregistré à {timezone.localtime():%H:%M}.",
            "conditions": {},
            "errors": errors,
            "warnings": {},
        }
    )


def _render(request, dossier, form, status=200):
    return render(
        request,
        "egestion/dossiers/rupture.html",
        {
            "dossier": dossier,
            "form": form,
            "documents": [(RUPTURE_MOTIF.label(code), text) for code, text in RUPTURE_DOCUMENTS.items()],
            "practical": ruptures.practical_training_start(dossier),
            "contract_dates": contract_dates(dossier),  # the contract's, not the training's
        },
        status=status,
    )
