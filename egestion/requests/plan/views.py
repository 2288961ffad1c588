"""Faire une demande de prise en charge → Plan de développement des compétences.

The same drafts as the CERFA wizard (BROUILLONS tab, "Reprendre", deletion), the same documents step, transmission
and confirmation (egestion/requests/common.py, funding/transmission.py); the plan's own steps are here: the training,
its trainees, its modules (provider, dates, hours, costs, who follows them) with the funding estimate, then the
documents and the validation. The rules are in funding/plan.py. Every page works as plain forms with POST/redirect;
each button saves what the step's form holds first.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from common.forms import search_terms
from egestion.access import egestion_required
from egestion.requests import common
from egestion.requests.common import Step
from egestion.requests.plan import forms
from funding import plan, services
from funding.models import PlanTrainee, RequestKind


@dataclass
class PlanLookup(common.Lookup):
    """The wizard's look-up (same markup, htmx partial and "select" buttons) for a trainee or a provider."""

    person: bool = False

    @property
    def is_person(self) -> bool:
        return self.person


def lookup_url(draft, kind: str) -> str:
    return reverse("egestion:plan_lookup", kwargs={"public_id": draft.public_id, "kind": kind})


def trainee_lookup(request, draft, terms: str = "", searched: bool = False) -> PlanLookup:
    lookup = PlanLookup(
        "stagiaire",
        "Rechercher une personne de votre entreprise par son nom",
        lookup_url(draft, "stagiaire"),
        placeholder="Nom ou prénom",
        terms=terms,
        searched=searched,
        can_create=True,
        empty_message="Aucune personne de votre entreprise ne correspond : créez-la avec « Créer une personne ».",
        person=True,
    )
    if searched:
        lookup.results = common.person_lookup(common.scoped_persons(request, draft), "stagiaire", terms)
    return lookup


def provider_item(establishment) -> common.LookupItem:
    details = [
        f"SIRET {establishment.siret}",
        f"NDA {establishment.nda}" if establishment.nda else "",
        " ".join(filter(None, [establishment.postal_code, establishment.city])),
    ]
    return common.LookupItem(f"provider:{establishment.pk}", establishment.name, " · ".join(filter(None, details)))


def provider_lookup(draft, module=None, terms: str = "", searched: bool = False) -> PlanLookup:
    lookup = PlanLookup(
        "organisme",
        "Rechercher l'organisme de formation par SIRET, NDA ou nom",
        lookup_url(draft, "organisme"),
        placeholder="Ex. : 44813270400017, 11755555575 ou nom de l'organisme",
        terms=terms,
        searched=searched,
        empty_message=(
            "Aucun organisme du référentiel ne correspond : s'il n'y est pas, saisissez son SIRET ci-dessous."
        ),
    )
    if module is not None and module.provider_establishment_id:
        provider = module.provider_establishment
        lookup.selected = f"{provider.name} (SIRET {provider.siret})"
        lookup.clear_label = "Changer d'organisme"
    elif module is not None and module.provider_is_unknown:
        name = module.provider_name or "Organisme non référencé"
        lookup.selected = f"{name} (SIRET {module.provider_siret}) — non référencé : votre gestionnaire le vérifiera"
        lookup.clear_label = "Changer d'organisme"
    if searched:
        lookup.results = [provider_item(establishment) for establishment in plan.search_providers(terms)]
    return lookup


STEPS = (
    Step("formation", "La formation", intro="L'établissement choisi, puis la formation que suivront vos salariés."),
    Step(
        "stagiaires",
        "Les stagiaires",
        intro="Choisissez les stagiaires parmi les personnes de votre entreprise ou créez-les. Pour chacun : NIR, "
        "date de naissance et adresse complète sont obligatoires.",
    ),
    Step(
        "modules",
        "Les modules",
        intro="Un module par organisme de formation ou par session : ses dates, sa durée, ses coûts et ses stagiaires. "
        "L'estimation de la prise en charge se met à jour à chaque enregistrement.",
    ),
    Step("documents", "Documents", intro="Le devis et le programme de la formation sont obligatoires."),
    Step("transmettre", "Validation et transmission"),
)
STEPS_BY_SLUG = {step.slug: step for step in STEPS}
STEP_SLUGS = tuple(STEPS_BY_SLUG)
SAVED_STEPS_KEY = "plan_saved_steps"

plan_draft = common.draft_view(kind=RequestKind.PLAN)


def plan_url(draft, slug: str, anchor: str = "", **params) -> str:
    return common.with_query(
        reverse("egestion:plan_step", kwargs={"public_id": draft.public_id, "step": slug}), anchor, params
    )


def resume_url(draft) -> str:
    return plan_url(draft, draft.current_step if draft.current_step in STEPS_BY_SLUG else STEP_SLUGS[0])


def _neighbour(slug: str, offset: int) -> str | None:
    index = STEP_SLUGS.index(slug) + offset
    return STEP_SLUGS[index] if 0 <= index < len(STEP_SLUGS) else None


def saved_steps(draft) -> list[str]:
    saved = (draft.data or {}).get(SAVED_STEPS_KEY) or []
    return saved if isinstance(saved, list) else []


# --- a new request -----------------------------------------------------------------------------------------------


@egestion_required
@require_http_methods(["GET", "POST"])
def plan_new(request):
    """ "+" → Plan de développement des compétences: the establishment, then "Suivant" creates the draft."""
    return common.new_request(
        request,
        kind=RequestKind.PLAN,
        initial_data=lambda establishment: {},
        first_url=lambda draft: plan_url(draft, STEP_SLUGS[0]),
        error="Sélectionnez l'établissement pour lequel la demande de prise en charge est faite.",
    )


# --- the steps ----------------------------------------------------------------------------------------------------


def step_context(request, draft, step, *, content=None, extra=None) -> dict:
    """What every step shows: the steps with their state, the error summary of this step (once saved, or asked
    for with ?verifier=1), the training's title. A constant number of queries whatever the number of modules and
    trainees."""
    content = content if content is not None else plan.load_plan(draft)
    documents = list(draft.documents.all())
    problems = plan.plan_problems(draft, content, documents=documents)
    saved = saved_steps(draft)
    show_errors = step.slug in saved or bool(request.GET.get("verifier"))
    summary = [(p.label, p.message, p.anchor) for p in problems if p.section == step.slug] if show_errors else []
    steps = [
        {
            "step": other,
            "current": other.slug == step.slug,
            "saved": other.slug in saved,
            "incomplete": other.slug in saved and any(p.section == other.slug for p in problems),
        }
        for other in STEPS
    ]
    problems_by_anchor = {}
    for problem in problems:
        problems_by_anchor.setdefault(problem.anchor, []).append(problem.message)
    for trainee in content.trainees:
        trainee.module_count = len(content.modules_of(trainee))
        trainee.problems = problems_by_anchor.get(f"stagiaire-{trainee.pk}", [])
    for position, module in enumerate(content.modules, start=1):
        module.label = plan.module_label(module, position)
        module.trainee_list = content.trainees_of(module)
        module.problems = problems_by_anchor.get(f"module-{module.pk}", [])
    context = {
        "draft": draft,
        "step": step,
        "steps": steps,
        "step_number": STEP_SLUGS.index(step.slug) + 1,
        "step_count": len(STEPS),
        "previous_step": _neighbour(step.slug, -1),
        "next_step": _neighbour(step.slug, 1),
        "summary": summary,
        "show_errors": show_errors,
        "problems_by_anchor": problems_by_anchor,
        "all_problems": problems,
        "apprentice": plan.training_title(draft.data),
        "content": content,
        "estimate": plan.estimate_plan(draft, content),
        "active_menu": "requests",
    }
    if step.slug == "documents":
        context.update(common.documents_context(draft, (extra or {}).get("upload_errors"), documents=documents))
    elif step.slug == "transmettre":
        context["problems"] = problems_context(draft, problems)
    if extra:
        context.update(extra)
    return context


def _mark_saved(draft, slug: str, going_to: str):
    values = {}
    if slug not in saved_steps(draft):
        values[SAVED_STEPS_KEY] = [*saved_steps(draft), slug]
    return services.save_draft(draft, values, step=going_to or slug)


def _navigate(request, draft, step, action: str):
    """Précédent / Suivant / a step of the stepper / SAUVEGARDER, once the step's own work is done."""
    verb, _, argument = action.partition(":")
    target = {
        "next": _neighbour(step.slug, 1),
        "previous": _neighbour(step.slug, -1),
        "goto": argument if argument in STEPS_BY_SLUG else None,
    }.get(verb)
    _mark_saved(draft, step.slug, target or step.slug)
    if target:
        return redirect(plan_url(draft, target))
    messages.success(request, "Brouillon enregistré.")
    return redirect(plan_url(draft, step.slug))


def template_of(step) -> str:
    if step.slug in ("documents", "transmettre"):
        return f"egestion/requests/step_{step.slug}.html"
    return f"egestion/requests/plan/step_{step.slug}.html"


@plan_draft
@require_http_methods(["GET", "POST"])
def plan_step(request, draft, step):
    step = STEPS_BY_SLUG[step]
    handler = STEP_HANDLERS.get(step.slug)
    if request.method == "POST" and handler is not None:
        response = handler(request, draft, step)
        if response is not None:
            return response
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    if request.method == "POST":
        return _navigate(request, draft, step, action)
    return render(
        request, template_of(step), step_context(request, draft, step, extra=_step_extra(request, draft, step))
    )


def _step_extra(request, draft, step) -> dict:
    if step.slug == "formation":
        return {"form": forms.TrainingForm(data_values=draft.data)}
    if step.slug == "stagiaires":
        searched = request.GET.get("recherche") == "stagiaire"
        return {"lookup": trainee_lookup(request, draft, search_terms(request.GET.get("q", "")), searched)}
    return {}


def _formation_post(request, draft, step):
    form = forms.TrainingForm(request.POST, data_values=draft.data)
    if not form.is_valid():
        context = step_context(request, draft, step, extra={"form": form})
        return render(request, template_of(step), context, status=400)
    services.save_draft(draft, form.draft_values(), step=step.slug)
    return None


def _stagiaires_post(request, draft, step):
    verb = request.POST.get("action", "").partition(":")[0]
    if verb == "search":
        terms = search_terms(request.POST.get("q_stagiaire", ""))
        return redirect(plan_url(draft, step.slug, "lookup-stagiaire", recherche="stagiaire", q=terms))
    if verb == "new-person":
        return redirect("egestion:plan_trainee_new", public_id=draft.public_id)
    selected = request.POST.get("select", "")
    if selected:
        prefix, _, pk = selected.rpartition(":")
        if prefix != "person:stagiaire":
            raise Http404
        person = get_object_or_404(common.scoped_persons(request, draft), pk=pk if pk.isdecimal() else 0)
        trainee = plan.add_trainee(draft, person)
        messages.success(request, f"{person} est ajouté(e) aux stagiaires de la demande.")
        return redirect(plan_url(draft, step.slug, f"stagiaire-{trainee.pk}"))
    return None


def _modules_post(request, draft, step):
    if request.POST.get("action") == "add-module":
        module = plan.add_module(draft)
        return redirect(module_url(draft, module))
    return None


def _documents_post(request, draft, step):
    action = request.POST.get("action", "")
    if action.startswith("remove-document:"):
        common.remove_document(request, draft, action)
        return redirect(plan_url(draft, step.slug))
    errors = common.handle_documents(request, draft)
    if errors:
        context = step_context(request, draft, step, extra={"upload_errors": errors})
        return render(request, template_of(step), context, status=400)
    if action == "upload":
        return redirect(plan_url(draft, step.slug))
    return None


def _transmettre_post(request, draft, step):
    if request.POST.get("action") != "transmit":
        return None
    return common.transmit(
        request,
        draft,
        lambda errors: render(
            request,
            template_of(step),
            step_context(request, draft, step, extra={"transmit_errors": errors}),
            status=400,
        ),
    )


STEP_HANDLERS = {
    "formation": _formation_post,
    "stagiaires": _stagiaires_post,
    "modules": _modules_post,
    "documents": _documents_post,
    "transmettre": _transmettre_post,
}


def problems_context(draft, problems) -> list[dict]:
    """Everything that prevents the transmission (plan.plan_problems()), with a link to the step and block to
    correct (the shape of the CERFA's problems, for the shared transmission step)."""
    grouped: dict[tuple, dict] = {}
    for problem in problems:
        key = (problem.section, problem.anchor, problem.label)
        if key not in grouped:
            grouped[key] = {
                "label": problem.label,
                "messages": [],
                "url": plan_url(draft, problem.section, problem.anchor, verifier=1),
                "step": STEPS_BY_SLUG[problem.section].title,
            }
        grouped[key]["messages"].append(problem.message)
    return list(grouped.values())


# --- trainees -----------------------------------------------------------------------------------------------------


def _trainee_page(request, draft, form, trainee=None, status=200):
    content_problems = []
    if trainee is not None:
        content_problems = [message for _field, message in plan.trainee_problems(trainee, today=timezone.localdate())]
    context = {
        "draft": draft,
        "form": form,
        "trainee": trainee,
        "trainee_problems": content_problems,
        "back_url": plan_url(draft, "stagiaires"),
        "active_menu": "requests",
    }
    return render(request, "egestion/requests/plan/trainee_form.html", context, status=status)


@plan_draft
@require_http_methods(["GET", "POST"])
def plan_trainee_new(request, draft):
    """ "Créer un stagiaire": a new person of the company, trainee of the request."""
    form = forms.TraineeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        trainee = plan.create_trainee(
            draft,
            person_values=form.person_values(),
            job_title=form.cleaned_data["job_title"],
            category=form.cleaned_data["category"],
        )
        messages.success(request, f"{trainee.person} est créé(e) et ajouté(e) aux stagiaires de la demande.")
        return redirect(plan_url(draft, "stagiaires", f"stagiaire-{trainee.pk}"))
    return _trainee_page(request, draft, form, status=400 if form.errors else 200)


@plan_draft
@require_http_methods(["GET", "POST"])
def plan_trainee_edit(request, draft, pk):
    trainee = get_object_or_404(PlanTrainee.objects.select_related("person"), pk=pk, request=draft)
    form = forms.TraineeForm(request.POST or None, trainee=trainee)
    if request.method == "POST" and form.is_valid():
        plan.save_trainee(
            trainee,
            person_values=form.person_values(),
            job_title=form.cleaned_data["job_title"],
            category=form.cleaned_data["category"],
        )
        messages.success(request, f"Les informations de {trainee.person} sont enregistrées.")
        return redirect(plan_url(draft, "stagiaires", f"stagiaire-{trainee.pk}"))
    return _trainee_page(request, draft, form, trainee, status=400 if form.errors else 200)


@plan_draft
@require_http_methods(["GET", "POST"])
def plan_trainee_remove(request, draft, pk):
    trainee = get_object_or_404(PlanTrainee.objects.select_related("person"), pk=pk, request=draft)
    if request.method == "POST":
        plan.remove_trainee(trainee)
        messages.success(request, f"{trainee.person} a été retiré(e) de la demande et de ses modules.")
        return redirect(plan_url(draft, "stagiaires"))
    context = {
        "draft": draft,
        "title": f"Retirer {trainee.person} de la demande ?",
        "text": "Le stagiaire est retiré de la demande et des modules qu'il suivait ; la personne reste dans les "
        "salariés de votre entreprise.",
        "confirm_label": "Retirer le stagiaire",
        "back_url": plan_url(draft, "stagiaires"),
        "active_menu": "requests",
    }
    return render(request, "egestion/requests/plan/confirm.html", context)


# --- modules ------------------------------------------------------------------------------------------------------


def module_url(draft, module, anchor: str = "", **params) -> str:
    return common.with_query(
        reverse("egestion:plan_module", kwargs={"public_id": draft.public_id, "pk": module.pk}), anchor, params
    )


def _module_page(request, draft, module, form, content, *, provider_form=None, status=200):
    searched = request.GET.get("recherche") == "organisme"
    position = next((i for i, other in enumerate(content.modules, start=1) if other.pk == module.pk), 1)
    estimate = plan.estimate_plan(draft, content)
    context = {
        "draft": draft,
        "module": module,
        "position": position,
        "label": plan.module_label(module, position),
        "form": form,
        "provider_form": provider_form or forms.UnknownProviderForm(),
        "lookup": provider_lookup(draft, module, search_terms(request.GET.get("q", "")), searched),
        "module_problems": [
            message
            for _field, message in plan.module_problems(
                module, content.trainees_of(module), plan.training_dates(draft.data)
            )
        ],
        "line": next((line for line in estimate.modules if line.module.pk == module.pk), None),
        "estimate_url": reverse(
            "egestion:plan_module_estimate", kwargs={"public_id": draft.public_id, "pk": module.pk}
        ),
        "estimate": estimate,
        "back_url": plan_url(draft, "modules", f"module-{module.pk}"),
        "active_menu": "requests",
    }
    return render(request, "egestion/requests/plan/module.html", context, status=status)


def _load_module(draft, pk):
    content = plan.load_plan(draft)
    module = next((module for module in content.modules if module.pk == pk), None)
    if module is None:
        raise Http404("Ce module n'appartient pas à cette demande.")
    module.request = draft
    return module, content


@plan_draft
@require_http_methods(["GET", "POST"])
def plan_module(request, draft, pk):
    """A module: provider (registry look-up by SIRET, NDA or name, or an unknown one by SIRET), dates, hours,
    costs and trainees. Every button saves the form first."""
    module, content = _load_module(draft, pk)
    if request.method == "GET":
        form = forms.ModuleForm(instance=module, trainees=content.trainees, selected=content.trainees_of(module))
        return _module_page(request, draft, module, form, content)

    form = forms.ModuleForm(
        request.POST, instance=module, trainees=content.trainees, selected=content.trainees_of(module)
    )
    if not form.is_valid():
        return _module_page(request, draft, module, form, content, status=400)
    plan.save_module(module, values=form.module_values(), trainees=form.cleaned_data["trainees"])
    verb, _, argument = request.POST.get("action", "save").partition(":")
    if request.POST.get("select"):
        verb, _, argument = request.POST["select"].partition(":")
    if verb == "search":
        terms = search_terms(request.POST.get("q_organisme", ""))
        return redirect(module_url(draft, module, "lookup-organisme", recherche="organisme", q=terms))
    if verb == "provider":
        establishment = get_object_or_404(plan.provider_establishments(), pk=argument if argument.isdecimal() else 0)
        plan.choose_provider(module, establishment)
        messages.success(
            request, f"Organisme de formation choisi : {establishment.name} (SIRET {establishment.siret})."
        )
        return redirect(module_url(draft, module, "lookup-organisme"))
    if verb == "provider-siret":
        provider_form = forms.UnknownProviderForm(request.POST)
        if provider_form.is_valid():
            try:
                plan.choose_provider(
                    module, None, siret=provider_form.cleaned_data["siret"], name=provider_form.cleaned_data["name"]
                )
            except ValidationError as error:
                provider_form.add_error("siret", error)
        if provider_form.errors:
            module, content = _load_module(draft, pk)
            form = forms.ModuleForm(instance=module, trainees=content.trainees, selected=content.trainees_of(module))
            return _module_page(request, draft, module, form, content, provider_form=provider_form, status=400)
        module.refresh_from_db(fields=["provider_establishment", "provider_siret"])
        if module.provider_is_unknown:
            messages.warning(
                request,
                "Cet organisme n'est pas dans le référentiel : il est enregistré avec son SIRET et sera vérifié par "
                "votre gestionnaire Constructys.",
            )
        else:
            messages.success(request, "Cet organisme est dans le référentiel : il a été choisi.")
        return redirect(module_url(draft, module, "lookup-organisme"))
    if verb == "clear":
        plan.choose_provider(module, None)  # no establishment, no SIRET: none chosen
        return redirect(module_url(draft, module, "lookup-organisme"))
    messages.success(request, "Le module est enregistré.")
    if verb == "stay":
        return redirect(module_url(draft, module))
    return redirect(plan_url(draft, "modules", f"module-{module.pk}"))


@plan_draft
@require_http_methods(["GET", "POST"])
def plan_module_delete(request, draft, pk):
    module, _content = _load_module(draft, pk)
    if request.method == "POST":
        plan.delete_module(module)
        messages.success(request, "Le module a été supprimé.")
        return redirect(plan_url(draft, "modules"))
    context = {
        "draft": draft,
        "title": f"Supprimer le module « {module.title} » ?" if module.title else "Supprimer ce module ?",
        "text": "Le module, ses coûts et la liste de ses stagiaires sont supprimés ; les stagiaires restent dans la "
        "demande.",
        "confirm_label": "Supprimer le module",
        "back_url": plan_url(draft, "modules", f"module-{module.pk}"),
        "active_menu": "requests",
    }
    return render(request, "egestion/requests/plan/confirm.html", context)


@plan_draft
def plan_lookup(request, draft, kind):
    """The results of a look-up (trainee, provider) as the htmx partial; without JavaScript, the search button of
    the page's form is used instead."""
    terms = search_terms(request.GET.get("q") or request.GET.get(f"q_{kind}") or "")
    if kind not in ("stagiaire", "organisme"):
        raise Http404
    if not request.headers.get("HX-Request"):
        slug = "stagiaires" if kind == "stagiaire" else "modules"
        return redirect(plan_url(draft, slug, f"lookup-{kind}", recherche=kind, q=terms))
    lookup = (
        trainee_lookup(request, draft, terms, True)
        if kind == "stagiaire"
        else provider_lookup(draft, None, terms, True)
    )
    return render(request, "egestion/requests/includes/lookup_results.html", {"lookup": lookup})


@plan_draft
@require_http_methods(["POST"])
def plan_module_estimate(request, draft, pk):
    """htmx: the module's estimate from the form as it is being filled (nothing saved); a value the form refuses
    leaves the last estimate shown."""
    module, content = _load_module(draft, pk)
    form = forms.ModuleForm(
        request.POST, instance=module, trainees=content.trainees, selected=content.trainees_of(module)
    )
    if form.is_valid():  # the module (not saved) and its trainees as typed
        content.module_trainees[module.pk] = form.cleaned_data["trainees"]
    else:
        module, content = _load_module(draft, pk)
    estimate = plan.estimate_plan(draft, content)
    line = next((line for line in estimate.modules if line.module.pk == module.pk), None)
    return render(
        request, "egestion/requests/plan/module_estimate.html", {"line": line, "draft": draft, "module": module}
    )
