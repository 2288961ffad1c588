"""The password rules of both portals, each unmet rule named in the error."""

import re

from django.core.exceptions import ValidationError

SPECIAL_CHARACTERS = "@#%&*+<>~!;_-?$£€=/\\.,:()[]{}|^'\""
MIN_LENGTH = 12
MAX_LENGTH = 50

RULES = [
    ("lowercase", "au moins une minuscule", lambda p: re.search(r"[a-zà-ÿ]", p)),
    ("uppercase", "au moins une majuscule", lambda p: re.search(r"[A-ZÀ-Þ]", p)),
    ("digit", "au moins un chiffre", lambda p: re.search(r"\d", p)),
    (
        "special",
        "au moins un caractère spécial (@#%&*+<>~!;_-? …)",
        lambda p: any(char in SPECIAL_CHARACTERS for char in p),
    ),
    ("length", f"entre {MIN_LENGTH} et {MAX_LENGTH} caractères", lambda p: MIN_LENGTH <= len(p) <= MAX_LENGTH),
]


class ComplexityValidator:
    """12 to 50 characters with a lowercase, an uppercase, a digit and a special character."""

    def validate(self, password, user=None):
        unmet = [
            ValidationError(f"Le mot de passe doit contenir {label}.", code=code)
            for code, label, ok in RULES
            if not ok(password)
        ]
        if unmet:
            raise ValidationError(unmet)

    def get_help_text(self):
        return "Le mot de passe doit contenir : " + ", ".join(label for _, label, _ in RULES) + "."


def password_rules():
    """The rules as a list, for the checklist shown next to password fields."""
    return [label for _, label, _ in RULES]
