from django.db import migrations
from django.utils import timezone

RGPD = """Je m'engage, en tant qu'utilisateur du portail Constructys, à :

- informer les salariés de mon entreprise que leurs informations personnelles sont transmises à Constructys pour l'exercice de ses missions de financement de la formation ;
- les inviter à consulter la politique de protection des données personnelles de Constructys (https://www.constructys.fr/rgpd/).

Je m'engage à ne pas divulguer les informations que Constructys met à ma disposition dans le portail.

Je m'engage enfin à garder mes identifiants pour moi seul et à ne jamais les communiquer à un tiers."""

CGU = """Le portail Constructys (eGestion, oGestion, Digit Invest) permet aux entreprises adhérentes et aux organismes de formation de déposer et de suivre leurs demandes de financement, d'échanger avec leur gestionnaire et de consulter leurs règlements.

L'accès est personnel : chaque utilisateur dispose de son propre identifiant et répond des actions faites avec lui. Le gestionnaire du compte (ou le référent de l'organisme) attribue et retire les accès de ses collègues.

Les informations saisies doivent être exactes et à jour. Les documents déposés doivent concerner le dossier auquel ils sont joints.

Constructys peut faire évoluer le portail et ces conditions ; une nouvelle version est présentée à la connexion suivante et doit être acceptée pour continuer.

J'ai pris connaissance des présentes conditions générales d'utilisation et déclare les accepter sans réserve."""


def create_first_versions(apps, schema_editor):
    ConsentVersion = apps.get_model("accounts", "ConsentVersion")
    now = timezone.now()
    ConsentVersion.objects.get_or_create(
        kind="rgpd",
        version="1",
        defaults={"title": "Règlement général sur la protection des données", "body": RGPD, "published_at": now},
    )
    ConsentVersion.objects.get_or_create(
        kind="cgu",
        version="1",
        defaults={"title": "Conditions générales d'utilisation", "body": CGU, "published_at": now},
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_account_events_tokens_consents")]

    operations = [migrations.RunPython(create_first_versions, migrations.RunPython.noop)]
