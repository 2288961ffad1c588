from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


# The filtered list's counters read the entries of the scheme filtered on only; the kept counters read the dossiers of
# the 6-year cutoff's month from a partial index of the finished ones. Built before the index they replace is dropped,
# without locking the table's writers.
class Migration(migrations.Migration):
    atomic = False

    dependencies = [("dossiers", "0017_dossier_totals")]

    operations = [
        AddIndexConcurrently(
            model_name="dossier",
            index=models.Index(
                fields=["employer_establishment", "scheme", "status", "end_date"],
                include=("id",),
                name="dossier_employer_scheme_counts",
            ),
        ),
        AddIndexConcurrently(
            model_name="dossier",
            index=models.Index(
                condition=models.Q(("status__in", ("refused", "closed", "cancelled"))),
                fields=["employer_establishment", "end_date"],
                name="dossier_employer_finished_on",
            ),
        ),
        RemoveIndexConcurrently(model_name="dossier", name="dossier_employer_counts"),
    ]
