import time

from django.core.management.base import BaseCommand, CommandError

from referentials import importers
from referentials.importers import CFA_COLUMNS, DIPLOMA_COLUMNS, IDCC_COLUMNS, LINK_COLUMNS, RNCP_COLUMNS

MAX_SHOWN_REJECTIONS = 200  # per file


class Command(BaseCommand):
    help = (
        "Loads the referentials of the apprenticeship CERFA from the CSV files of the public open-data sources: "
        "CFAs, diplomas (BCN), RNCP certifications (France Compétences), RNCP <-> code diplôme links (kit "
        "apprentissage) and collective agreements (KALI). Idempotent upsert by code; invalid lines are rejected and "
        "listed with their line number and reason. Files: UTF-8 (BOM tolerated), ';' separator (',' or tab if the "
        "header uses it), header on the first line; other columns are ignored. See referentials/samples/README.md."
    )

    def add_arguments(self, parser):
        header = importers.expected_header
        parser.add_argument("--cfa", metavar="PATH", help=f"CFAs (référentiel des organismes), {header(CFA_COLUMNS)}")
        parser.add_argument(
            "--diplomas", metavar="PATH", help=f"diplomas (BCN N_FORMATION_DIPLOME), {header(DIPLOMA_COLUMNS)}"
        )
        parser.add_argument(
            "--rncp", metavar="PATH", help=f"RNCP certifications (France Compétences Standard), {header(RNCP_COLUMNS)}"
        )
        parser.add_argument(
            "--rncp-cfd",
            metavar="PATH",
            help=f"RNCP <-> code diplôme links (kit apprentissage), {header(LINK_COLUMNS)}; loaded last",
        )
        parser.add_argument("--idcc", metavar="PATH", help=f"collective agreements (KALI), {header(IDCC_COLUMNS)}")
        parser.add_argument(
            "--sample",
            action="store_true",
            help="load the sample files shipped in referentials/samples/ (for the referentials not given a file)",
        )
        parser.add_argument(
            "--generate",
            type=int,
            metavar="N",
            help="add N synthetic entries across the referentials for the benchmarks (own code ranges, idempotent)",
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed of --generate")

    def handle(self, *args, **options):
        paths = {name: options.get(name) for name in importers.LOADERS}
        if options["sample"]:
            for name, path in importers.sample_paths().items():
                paths[name] = paths[name] or path
        generate = options["generate"]
        if generate is not None and generate < 1:
            raise CommandError("--generate attend un nombre d'entrées positif.")
        if not any(paths.values()) and not generate:
            raise CommandError(
                "Rien à charger : indiquez --sample, --generate N ou au moins un fichier "
                "(--cfa, --diplomas, --rncp, --rncp-cfd, --idcc)."
            )
        started = time.monotonic()
        results = []
        for name, path in paths.items():
            if path:
                try:
                    results.append(importers.LOADERS[name](path))
                except (OSError, importers.FileFormatError) as exc:
                    raise CommandError(f"{path} : {exc}") from exc
                self.stdout.write(results[-1].summary())
        if generate:
            from referentials.synthetic import generate as generate_entries

            generate_entries(generate, seed=options["seed"], log=self.stdout.write)
        self.report(results)
        self.stdout.write(f"Référentiels chargés en {time.monotonic() - started:.1f} s.")

    def report(self, results):
        for result in results:
            for note in result.notes:
                self.stdout.write(self.style.WARNING(f"{result.path} : {note}"))
        rejected = [result for result in results if result.rejections]
        if not rejected:
            return
        total = sum(result.rejected for result in rejected)
        self.stdout.write(self.style.WARNING(f"\n{total} ligne(s) rejetée(s), non importée(s) :"))
        for result in rejected:
            self.stdout.write(f"  {result.path}")
            for rejection in result.rejections[:MAX_SHOWN_REJECTIONS]:
                self.stdout.write(f"    ligne {rejection.line} : {rejection.reason}")
            if result.rejected > MAX_SHOWN_REJECTIONS:
                self.stdout.write(f"    … et {result.rejected - MAX_SHOWN_REJECTIONS} autre(s)")
