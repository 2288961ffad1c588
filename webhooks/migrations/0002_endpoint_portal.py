"""An endpoint's portal: its creator's rights there say what it receives (WebhookEndpoint.reaching). Endpoints
registered before were registered in their organisation's portal: oGestion for a training provider, eGestion for a
company."""

from django.db import migrations, models


def portal_of_the_organisation(apps, schema_editor):
    WebhookEndpoint = apps.get_model("webhooks", "WebhookEndpoint")
    WebhookEndpoint.objects.filter(organisation__kind="provider").update(portal="ogestion")


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_endpoints_events_deliveries"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookendpoint",
            name="portal",
            field=models.CharField(
                choices=[("egestion", "eGestion"), ("ogestion", "oGestion")],
                default="egestion",
                max_length=10,
                verbose_name="portail",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(portal_of_the_organisation, migrations.RunPython.noop),
    ]
