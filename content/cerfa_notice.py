"""The sections of the portal's notice of the CERFA FA13 (templates/content/cerfa_notice.html) and the section each
step of the eGestion wizard opens ("La notice du CERFA est disponible pour aider à la saisie")."""

# (anchor, title), in the order of the form.
SECTIONS = (
    ("generalites", "Avant de commencer"),
    ("employeur", "L'employeur"),
    ("apprenti", "L'apprenti(e)"),
    ("representant-legal", "Le représentant légal"),
    ("maitre-apprentissage", "Le maître d'apprentissage"),
    ("contrat", "Le contrat"),
    ("remuneration", "La rémunération"),
    ("formation", "La formation"),
    ("signature", "Attestations et signature"),
    ("pieces", "Les pièces à joindre"),
    ("depot", "Le dépôt du contrat"),
)

# Wizard step slug (egestion.requests.apprenticeship.forms.STEPS) -> anchor of the notice.
STEP_SECTIONS = {
    "employeur": "employeur",
    "apprenti": "apprenti",
    "maitres": "maitre-apprentissage",
    "contrat": "contrat",
    "formation": "formation",
    "validation": "signature",
    "documents": "pieces",
    "transmettre": "depot",
}


def anchor_for_step(step_slug: str) -> str:
    return STEP_SECTIONS.get(step_slug, SECTIONS[0][0])
