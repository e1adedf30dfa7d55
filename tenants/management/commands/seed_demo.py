from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tenants.demo import DEMO_LOGINS, DEMO_PASSWORD, STAFF_LOGIN, seed_demo


class Command(BaseCommand):
    help = "Create the demo workspace (Acme), its people and brand, unless already seeded."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--origin", default="http://127.0.0.1:8000")
        parser.add_argument("--allow-production", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError("seed_demo creates known passwords: refusing outside DEBUG.")
        created = seed_demo(origin=options["origin"])
        self.stdout.write("demo seeded" if created else "demo already seeded")
        self.stdout.write(f"demo logins (password: {DEMO_PASSWORD}):")
        for login in [*DEMO_LOGINS, STAFF_LOGIN]:
            self.stdout.write(f"  {login.email:<24} {login.role}")
