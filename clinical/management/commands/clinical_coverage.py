"""`python manage.py clinical_coverage [--gaps-only] [--fail-on-gaps]`

Every sellable medicine with the rules that can fire for it, gaps first (no maximum-dose rule; a missing or
unknown ATC code; no interaction or duplication rule). See clinical/coverage.py.
"""

from django.core.management.base import BaseCommand, CommandError

from clinical.coverage import coverage_of_products, sellable_products
from clinical.rule_table import Kind

COLUMNS = ((Kind.INTERACTION, "interactions"), (Kind.DUPLICATION, "duplication"), (Kind.MAX_DAILY_DOSE, "dose"),
           (Kind.AGE, "age"), (Kind.PREGNANCY, "pregnancy"), (Kind.CONDITION, "conditions"),
           (Kind.ALLERGY, "allergy"))


class Command(BaseCommand):
    help = "List every sellable medicine with the clinical rules that can fire for it, gaps first."

    def add_arguments(self, parser):
        parser.add_argument("--gaps-only", action="store_true", help="list only medicines with a gap")
        parser.add_argument("--fail-on-gaps", action="store_true", help="exit with an error when any has a gap")
        parser.add_argument("--rules", action="store_true", help="name the rules, not just count them")

    def handle(self, *args, gaps_only, fail_on_gaps, rules, **options):
        report = coverage_of_products(sellable_products())
        with_gaps = [item for item in report if item.gaps]
        for item in report:
            if gaps_only and not item.gaps:
                continue
            counts = ", ".join(f"{label} {len(item.rules[kind])}" for kind, label in COLUMNS)
            status = "GAP: " + "; ".join(item.gaps) if item.gaps else "covered"
            self.stdout.write(f"{item.name} [{item.atc_code or 'no ATC'}, {item.legal_category}] {status}. {counts}")
            if rules:
                for kind, label in COLUMNS:
                    if item.rules[kind]:
                        self.stdout.write(f"    {label}: {', '.join(item.rules[kind])}")
        self.stdout.write(f"{len(report)} medicines; {len(report) - len(with_gaps)} covered, "
                          f"{len(with_gaps)} with gaps.")
        if fail_on_gaps and with_gaps:
            raise CommandError(f"{len(with_gaps)} medicine(s) lack clinical coverage.")
