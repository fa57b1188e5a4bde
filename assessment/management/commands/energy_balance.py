"""Compute the energy, carbon and resource indicators of a JSON file of energy.* inputs."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessment.energy import energy_balance
from assessment.models import FactorSet
from assessment.selectors.factors import default_factors, factor_snapshot


def _read_inputs(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}", returncode=2) from error
    except json.JSONDecodeError as error:
        raise CommandError(f"{path} is not valid JSON: {error}", returncode=2) from error
    if not isinstance(data, dict):
        raise CommandError(f"{path} must hold a JSON object of energy.* codes and values", returncode=2)
    return data


class Command(BaseCommand):
    help = (
        "Print the computed indicators and their derivation as JSON for a file of inputs keyed by the "
        "energy.* question codes (same fields as the form). Exit status 2 on invalid input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help='JSON object: {"energy.grid_electricity_kwh": 1000000, ...}')
        parser.add_argument("--previous", help="the previous year's inputs (same format), for trends")
        parser.add_argument(
            "--factor-set",
            type=int,
            help="id of a stored FactorSet (default: the shipped factor file, no database)",
        )
        parser.add_argument(
            "--lang", choices=["zh", "en"], help="only this language in messages (default both)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        inputs = _read_inputs(options["file"])
        previous = _read_inputs(options["previous"]) if options["previous"] else None
        if options["factor_set"] is not None:
            factor_set = FactorSet.objects.filter(pk=options["factor_set"]).first()
            if factor_set is None:
                raise CommandError(f"no factor set with id {options['factor_set']}", returncode=2)
            factors = factor_snapshot(factor_set)
        else:
            factors = default_factors()
        balance = energy_balance(inputs=inputs, factors=factors, previous=previous)
        result = balance.to_dict()
        if options["lang"]:
            result = _one_language(result, options["lang"])
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        if not balance.is_valid:
            lang = options["lang"] or "zh"
            messages = "; ".join(f"{e.field}: {e.message[lang]}" for e in balance.errors)
            raise CommandError(f"invalid input: {messages}", returncode=2)


def _one_language(value: Any, lang: str) -> Any:
    """Replace every {"zh", "en"} text by the chosen language."""
    if isinstance(value, dict):
        if set(value) == {"zh", "en"}:
            return value[lang]
        return {key: _one_language(item, lang) for key, item in value.items()}
    if isinstance(value, list):
        return [_one_language(item, lang) for item in value]
    return value
