"""Erase a person's personal data (RGPD right to erasure): the only way to do it. See backoffice/erasure.py.

    manage.py rgpd_erase_person 42 --reason "Demande du 02/12/2026, réf. DPO-2026-17" --operator dpo@constructys.fr
    manage.py rgpd_erase_person --user 7 --reason "…" --operator dpo@constructys.fr
    manage.py rgpd_erase_person 42 --user 7 --reason "…" --operator dpo@constructys.fr --apply

Without --apply nothing changes: the command prints what would be erased and what is kept (dry run). With it, the
erasure is made in one transaction and recorded (admin: Comptes › Effacements RGPD), with the operator — an active
Constructys staff account — and the reason.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Person, User
from backoffice.erasure import erase, erasure_plan


class Command(BaseCommand):
    help = "Efface les données personnelles d'une personne et/ou d'un compte (RGPD). Simulation sans --apply."

    def add_arguments(self, parser):
        parser.add_argument("person_id", nargs="?", type=int, help="Identifiant de la personne (accounts.Person).")
        parser.add_argument("--user", type=int, dest="user_id", help="Identifiant du compte utilisateur à anonymiser.")
        parser.add_argument("--reason", required=True, help="Motif : demande de la personne, date, référence DPO.")
        parser.add_argument("--operator", required=True, help="Adresse e-mail du membre de l'équipe qui efface.")
        parser.add_argument("--apply", action="store_true", help="Effacer vraiment (sinon : simulation).")

    def handle(self, *args, person_id=None, user_id=None, reason="", operator="", apply=False, **options):
        if person_id is None and user_id is None:
            raise CommandError("Indiquez l'identifiant de la personne et/ou --user.")
        if not " ".join(reason.split()):
            raise CommandError("Le motif (--reason) est obligatoire.")
        staff = User.objects.filter(email__iexact=operator, is_staff=True, is_active=True).first()
        if staff is None:
            raise CommandError(f"{operator} n'est pas un compte actif de l'équipe Constructys.")
        person = user = None
        if person_id is not None:
            person = Person.objects.select_related("organisation").filter(pk=person_id).first()
            if person is None:
                raise CommandError(f"Aucune personne n°{person_id}.")
            if person.erased_at:
                raise CommandError(f"La personne n°{person_id} a déjà été effacée le {person.erased_at:%d/%m/%Y}.")
        if user_id is not None:
            user = User.objects.filter(pk=user_id).first()
            if user is None:
                raise CommandError(f"Aucun compte n°{user_id}.")
        try:
            plan = erasure_plan(person=person, user=user)
            for line in plan.lines():
                self.stdout.write(line)
            if not apply:
                self.stdout.write(
                    self.style.WARNING("Simulation : rien n'a été modifié. Ajoutez --apply pour effacer.")
                )
                return
            record = erase(plan, operator=staff, reason=reason)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Effacement fait et enregistré (effacement RGPD n°{record.pk})."))
