"""Publish version 1 of the Digit Invest terms and the usual expense categories (staff edit both in the admin)."""

from django.db import migrations

TERMS = """Digit Invest est la plateforme de Constructys par laquelle les CFA transmettent leurs demandes de \
financement d'investissements dans le cadre de la campagne annuelle.

L'accès est réservé aux utilisateurs oGestion rattachés à un CFA. Vos identifiants sont personnels : ne les \
communiquez pas.

Vous vous engagez à transmettre des informations exactes et des devis authentiques. Les données des demandes sont \
traitées par Constructys pour instruire la campagne, dans le respect du RGPD."""

CATEGORIES = ["Équipements pédagogiques", "Équipements numériques", "Ingénierie pédagogique", "Locaux et aménagements"]


def publish(apps, schema_editor):
    TermsVersion = apps.get_model("invest", "TermsVersion")
    ExpenseCategory = apps.get_model("invest", "ExpenseCategory")
    TermsVersion.objects.get_or_create(
        version="1", defaults={"title": "Conditions générales d'utilisation de Digit Invest", "body": TERMS}
    )
    for position, name in enumerate(CATEGORIES, start=1):
        ExpenseCategory.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("invest", "0001_initial")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
