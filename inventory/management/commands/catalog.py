"""``govcio catalog import FILE --unit CODE`` and ``govcio catalog export --unit CODE --format …``: the catalog
exchange of the pages from the command line, through the same services (the gate, the mapping, the audit) and
acting as a named user. Each prints "N created, M updated, K unchanged, J skipped" and exits non-zero with the
errors on bad input."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.management import acting_user, add_user_argument
from core.models import Unit
from inventory import dcat, dcat_validate, services
from inventory.dcat_plan import CLASSIFICATION, Options
from inventory.forms import DcatImportForm
from inventory.models import DataResource

FORMATS = ["auto", dcat.DATAJSON, dcat.JSONLD, dcat.TURTLE, dcat.RDFXML, dcat.PORTAL]


class Command(BaseCommand):
    help = "Import or export the data resource catalog (DCAT-US data.json, DCAT-AP JSON-LD, Turtle, RDF/XML)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import a catalog file into a unit.")
        imp.add_argument("file")
        imp.add_argument("--unit", required=True, help="Code of the unit whose resources the datasets become.")
        imp.add_argument("--format", default="auto", choices=FORMATS)
        imp.add_argument("--valid-only", action="store_true", help="Import the valid datasets, skip the others.")
        imp.add_argument("--classification", default="", help="Classification for new codes, e.g. 301001.")
        add_user_argument(imp, "the import")
        exp = sub.add_parser("export", help="Write a unit's catalog to standard output.")
        exp.add_argument("--unit", required=True)
        exp.add_argument("--format", default=dcat.DATAJSON, choices=list(dcat.FORMATS))
        add_user_argument(exp, "the export")
        exp.add_argument("--validate", action="store_true", help="Check the export against the published rules.")

    def handle(self, *args, **options):
        user = acting_user(options["user"])
        if options["action"] == "import":
            return self.do_import(user, options)
        return self.do_export(user, options)

    def do_import(self, user, options):
        units = DcatImportForm(user=user).fields["unit"].queryset
        unit = units.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"{options['unit']}: no unit where this user may import resources.")
        if options["classification"] and not CLASSIFICATION.match(options["classification"]):
            raise CommandError("A classification is 6 to 18 digits beginning with 1, 2 or 3.")
        try:
            with open(options["file"], "rb") as handle:
                plan = dcat.parse(
                    handle,
                    user=user,
                    fmt=options["format"],
                    options=Options(classification=options["classification"]),
                    name=options["file"],
                )
        except OSError as exc:
            raise CommandError(str(exc)) from None
        except dcat.DcatError as exc:
            raise CommandError(str(exc)) from None
        for report in plan.datasets:
            for problem in report.problems:
                self.stderr.write(f"#{report.number} {report.identifier or '—'}: {problem}")
        try:
            result = services.catalog_import(actor=user, unit=unit, plan=plan, valid_only=options["valid_only"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(str(result))

    def do_export(self, user, options):
        unit = Unit.objects.restrict(user, "view").filter(code=options["unit"]).first()
        if unit is None or not DataResource.objects.restrict(user, "export").exists():
            raise CommandError(f"{options['unit']}: no unit whose catalog this user may export.")
        resources = dcat.export_queryset(user, unit)
        count = resources.count()
        dcat.record_export(actor=user, fmt=options["format"], unit=unit, rows=count)
        title = f"Government information resource catalog · {unit.name}"
        pieces = []
        for piece in dcat.stream(options["format"], resources, user=user, title=title, publisher=unit):
            self.stdout.write(piece, ending="")
            if options["validate"]:
                pieces.append(piece)
        self.stderr.write(f"0 created, 0 updated, {count} unchanged, 0 skipped")
        if options["validate"]:
            validation = dcat_validate.validate(options["format"], "".join(pieces).encode("utf-8"))
            for problem in validation.problems:
                self.stderr.write(problem)
            if not validation.ok:
                raise CommandError(f"{validation.count} problems against the {validation.against}.")
