from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "make run's setup in one process: migrate (run it as the owner role), then seed the demo."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--origin", default="http://127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", origin=options["origin"], stdout=self.stdout)
