"""Persons existing before Person.establishment get one where it can be told: the employer establishment of their
first enrolment, else of the first skills-plan request they are a trainee of, else the only establishment of their
organisation. The others stay without one (visible to users who see the whole company, see PersonQuerySet)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    Person = apps.get_model("accounts", "Person")
    Establishment = apps.get_model("accounts", "Establishment")
    Enrolment = apps.get_model("dossiers", "Enrolment")
    PlanTrainee = apps.get_model("funding", "PlanTrainee")
    missing = Person.objects.filter(establishment__isnull=True)
    missing.update(
        establishment_id=Subquery(
            Enrolment.objects.filter(person_id=OuterRef("pk"))
            .order_by("pk")
            .values("dossier__employer_establishment_id")[:1]
        )
    )
    missing.update(
        establishment_id=Subquery(
            PlanTrainee.objects.filter(person_id=OuterRef("pk"))
            .order_by("pk")
            .values("request__employer_establishment_id")[:1]
        )
    )
    single = {}
    for organisation_id, pk in Establishment.objects.values_list("organisation_id", "pk"):
        single[organisation_id] = None if organisation_id in single else pk
    for organisation_id, pk in single.items():
        if pk is not None:
            missing.filter(organisation_id=organisation_id).update(establishment_id=pk)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_person_establishment_invitations_erasures"),
        ("dossiers", "0001_initial"),
        ("funding", "0003_plan_modules_trainees_rules"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
