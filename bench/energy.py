"""Speed of the energy calculator; prints median timings.

    .venv/bin/python bench/energy.py [--repeat 200]

balance: one full energy_balance (every carrier, water, waste, land, with a previous year) from the
shipped factor file; outputs: energy_balance + calculator_outputs as the scoring engine calls it per
what-if; default_factors: reading the factor snapshot (cached file, deep copy). Figures go to
docs/performance.md under "## Energy calculator".
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = "sqlite://:memory:"

import django

django.setup()

from assessment.energy import calculator_outputs, energy_balance  # noqa: E402
from assessment.selectors.factors import default_factors  # noqa: E402

INPUTS = {
    "energy.grid_electricity_kwh": 1_000_000,
    "energy.green_power_kwh": 200_000,
    "energy.self_generated_renewable_kwh": 50_000,
    "energy.raw_coal_t": 500,
    "energy.coke_t": 10,
    "energy.natural_gas_m3": 120_000,
    "energy.lpg_t": 2,
    "energy.diesel_t": 10,
    "energy.gasoline_t": 5,
    "energy.fuel_oil_t": 4,
    "energy.steam_t": 1000,
    "energy.heat_gj": 500,
    "energy.biomass_t": 100,
    "energy.biomass_ncv_mj_per_kg": 15.91,
    "energy.output_value_10k": 5600,
    "energy.main_product_output": 12_000,
    "energy.main_product_unit": "t",
    "energy.water_intake_m3": 36_000,
    "energy.water_reused_m3": 120_000,
    "energy.solid_waste_generated_t": 300,
    "energy.solid_waste_utilised_t": 270,
    "energy.land_area_m2": 20_000,
    "energy.building_footprint_m2": 9_000,
    "energy.floor_area_m2": 16_000,
}


def median_ms(action: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    repeat = parser.parse_args().repeat
    factors = default_factors()
    previous = {**INPUTS, "energy.raw_coal_t": 600}
    figures = {
        "balance (with previous year)": median_ms(
            lambda: energy_balance(inputs=INPUTS, factors=factors, previous=previous), repeat
        ),
        "balance + calculator_outputs": median_ms(
            lambda: calculator_outputs(energy_balance(inputs=INPUTS, factors=factors)), repeat
        ),
        "default_factors": median_ms(default_factors, repeat),
    }
    for name, value in figures.items():
        print(f"{name:32s} {value:8.3f} ms (median of {repeat})")


if __name__ == "__main__":
    main()
