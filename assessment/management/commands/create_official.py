"""manage.py create_official USERNAME (--city CODE | --province) [--email E] [--name N] [--organisation O]."""

from __future__ import annotations

import getpass

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessment import reference
from assessment.exceptions import DomainError
from assessment.services.enterprises import official_create


class Command(BaseCommand):
    help = (
        "Create an official with a jurisdiction: one city (--city, GB/T 2260 code) or the whole province "
        "(--province). Without --password (and without a terminal to ask on) the account gets no usable "
        "password; the official then sets one through 'forgot password'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--city", help="city code, e.g. 230100 (哈尔滨市); see --list-cities")
        scope.add_argument("--province", action="store_true", help="province-wide jurisdiction")
        scope.add_argument("--list-cities", action="store_true", help="print the city codes and exit")
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="", help="display name")
        parser.add_argument("--organisation", default="")
        parser.add_argument(
            "--password", default=None, help="initial password (else prompted, if interactive)"
        )
        parser.add_argument("--no-input", action="store_true", help="never prompt")

    def handle(self, *args, **options) -> None:
        if options["list_cities"]:
            for city in reference.CITIES:
                self.stdout.write(f"{city.code}  {city.zh}  {city.en}")
            return
        password = options["password"]
        if password is None and not options["no_input"] and self.stdin_is_tty():
            password = getpass.getpass("Password (empty: none, use password reset): ") or None
        try:
            profile = official_create(
                username=options["username"],
                email=options["email"],
                password=password,
                city_code="" if options["province"] else options["city"],
                display_name=options["name"],
                organisation=options["organisation"],
            )
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        scope = reference.city_name(profile.city_code, "en")
        self.stdout.write(self.style.SUCCESS(f"Official {profile.user.username} created for {scope}."))

    @staticmethod
    def stdin_is_tty() -> bool:
        import sys

        return sys.stdin.isatty()
