# Built concurrently: the dossiers table stays writable while the index builds on a large database.

from django.conf import settings
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("accounts", "0012_user_staff_by_name"),
        ("dossiers", "0015_employer_list_indexes_cover_filters_and_sorts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="dossier",
            index=models.Index(
                condition=models.Q(("scheme", "ALTE"), ("status__in", ("accepted", "terminated", "closed"))),
                fields=["provider_establishment"],
                include=("id",),
                name="dossier_provider_scheduled",
            ),
        ),
    ]
