from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


# The counters read the dossiers of the cutoff's month from these (messaging.selectors._company_totals); the user's
# new one also serves what the one it replaces served. Built without locking the tables' writers.
class Migration(migrations.Migration):
    atomic = False

    dependencies = [("messaging", "0003_scope_totals")]

    operations = [
        AddIndexConcurrently(
            model_name="threadcount",
            index=models.Index(
                fields=["establishment", "finished_on"], include=("messages",), name="thread_count_finished"
            ),
        ),
        AddIndexConcurrently(
            model_name="seencount",
            index=models.Index(
                fields=["user", "establishment", "finished_on"], include=("seen",), name="seen_count_user_finished"
            ),
        ),
        RemoveIndexConcurrently(model_name="seencount", name="seen_count_user_scope"),
    ]
