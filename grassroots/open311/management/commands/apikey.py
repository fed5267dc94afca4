"""`grassroots apikey create NAME [--town CODE] [--user USERNAME] [--exact-locations]` |
`list` | `revoke NAME`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from grassroots.open311 import services
from grassroots.open311.models import ApiKey
from grassroots.open311.selectors import jurisdiction


class Command(BaseCommand):
    help = "Manage Open311 API keys (the key is printed once, only its hash is stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("name", nargs="?")
        parser.add_argument("--town", help="restrict to the town with this 12-digit code")
        parser.add_argument("--user", help="file cases as this user")
        parser.add_argument(
            "--exact-locations",
            action="store_true",
            help="show this client the exact position of cases filed at a household",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action, name = options["action"], options["name"]
        if action == "list":
            for key in ApiKey.objects.select_related("town", "user"):
                state = "active" if key.active else "revoked"
                self.stdout.write(f"{key.name}\t{key.prefix}…\t{key.town or '*'}\t{state}")
            return
        if not name:
            raise CommandError("give the key's NAME")
        if action == "revoke":
            key = ApiKey.objects.filter(name=name).first()
            if key is None:
                raise CommandError(f"no key named {name}")
            services.apikey_revoke(actor=None, key=key)
            self.stdout.write(f"revoked {name}")
            return
        if ApiKey.objects.filter(name=name).exists():
            raise CommandError(f"a key named {name} exists")
        town = user = None
        if options["town"]:
            town = jurisdiction(options["town"])
            if town is None:
                raise CommandError(f"no town with code {options['town']}")
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user {options['user']}")
        _key, raw = services.apikey_create(
            actor=None,
            name=name,
            town=town,
            user=user,
            exact_locations=options["exact_locations"],
        )
        self.stdout.write(raw)
