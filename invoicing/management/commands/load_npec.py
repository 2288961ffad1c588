from django.core.management.base import BaseCommand, CommandError

from invoicing import importers
from referentials.importers import FileFormatError, expected_header

MAX_SHOWN_REJECTIONS = 200


class Command(BaseCommand):
    help = (
        "Loads the NPEC referential (certification × IDCC -> annual amount, with its applicability date) from the "
        "CSV export of France compétences' open-data file. Idempotent upsert by (certification, IDCC, "
        "applicability date); invalid lines are rejected and listed with their line number and reason. "
        f"Columns: {expected_header(importers.NPEC_COLUMNS)}. See invoicing/samples/README.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="the CSV file")
        parser.add_argument("--sample", action="store_true", help="load invoicing/samples/npec.csv")

    def handle(self, *args, **options):
        path = options["path"] or (importers.SAMPLE_FILE if options["sample"] else None)
        if not path:
            raise CommandError("Rien à charger : indiquez un fichier ou --sample.")
        try:
            result = importers.load_npec(path)
        except (OSError, FileFormatError) as exc:
            raise CommandError(f"{path} : {exc}") from exc
        self.stdout.write(result.summary())
        for note in result.notes:
            self.stdout.write(self.style.WARNING(f"{result.path} : {note}"))
        for rejection in result.rejections[:MAX_SHOWN_REJECTIONS]:
            self.stdout.write(self.style.WARNING(f"ligne {rejection.line} : {rejection.reason}"))
