"""Speed of the scoring engine; prints median timings.

    .venv/bin/python bench/scoring.py [--repeat 500]

assessment: score_assessment over the three current frameworks (green factory 2025, generic clean
production 2025, SME digital 2024) read from the shipped definition files, with every question
answered (fixed pseudo-random answers, seed 2025) and the energy calculator's outputs given as a
mapping; compiled definitions are cached, as in the running app. Also: each framework alone, a what-if
simulate() with a baseline, and the one-off compile per definition. Budget: median ≤ 2 ms for the
assessment. Figures go to docs/performance.md under "## Scoring".
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = "sqlite://:memory:"

import django

django.setup()

from assessment.actions import load_catalog  # noqa: E402
from assessment.energy import calculator_outputs, energy_balance, energy_inputs_from_answers  # noqa: E402
from assessment.recommendations import recommend  # noqa: E402
from assessment.scoring import EnterpriseFacts, score_assessment, score_framework, simulate  # noqa: E402
from assessment.scoring import compiled as compiled_module  # noqa: E402
from assessment.selectors.factors import default_factors  # noqa: E402
from questionnaires.loader import resolved_definitions  # noqa: E402

DEMO_ANSWERS = Path(__file__).resolve().parent.parent / "reports" / "demo_answers.json"
FRAMEWORKS = [("green_factory", "2025"), ("clean_production_generic", "2025"), ("sme_digital", "2024")]


def answer(question: dict[str, Any], rng: random.Random) -> Any:
    kind = question["type"]
    if kind == "yesno":
        return rng.random() < 0.7
    if kind == "single":
        return rng.choice(question["options"])["code"]
    if kind == "multiple":
        plain = [o["code"] for o in question["options"] if not o.get("exclusive")]
        return rng.sample(plain, rng.randint(1, len(plain)))
    if kind == "level":
        return rng.randint(1, 4)
    if kind in ("number", "percentage"):
        low = question.get("min", 0)
        high = question.get("max", 100 if kind == "percentage" else low + 1000)
        return round(rng.uniform(low, high), 2)
    if kind == "products":
        return [{"name": "A", "share": 60}, {"name": "B", "share": 40}]
    if kind == "text":
        return "text"
    return None


def full_answers(definitions: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, float]]:
    rng = random.Random(2025)
    answers: dict[str, Any] = {}
    calculator: dict[str, float] = {}
    for definition in definitions:
        for question in definition["questions"]:
            if question["type"] == "computed":
                if question.get("calculator"):
                    calculator[question["calculator"]] = round(rng.uniform(0.05, 95), 3)
                continue
            value = answer(question, rng)
            if value is not None:
                answers.setdefault(question["code"], value)
    return answers, calculator


def median_ms(function: Callable[[], Any], repeat: int) -> tuple[float, float]:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=500)
    repeat = parser.parse_args().repeat
    by_key = {
        (d["framework"], d["version"]): d for d in resolved_definitions() if d.get("kind") == "framework"
    }
    definitions = [by_key[key] for key in FRAMEWORKS]
    answers, calculator = full_answers(definitions)
    indicators = sum(len(score_framework(definition=d, answers={}).indicators) for d in definitions)
    print(f"three frameworks, {len(answers)} answers, {indicators} indicators, repeat {repeat}")

    compile_times = []
    for definition in definitions:
        compiled_module._by_identity.clear()
        compiled_module._by_hash.clear()
        start = time.perf_counter()
        compiled_module.compile_definition(definition)
        compile_times.append((time.perf_counter() - start) * 1000)
    print(f"compile (once per content)      : {', '.join(f'{t:.2f}' for t in compile_times)} ms")

    def assessment() -> Any:
        return score_assessment(definitions=definitions, answers=answers, calculator=calculator)

    result = assessment()
    print(f"scores: {', '.join(f'{r.framework} {r.score:.2f}' for r in result.frameworks)}")
    median, p95 = median_ms(assessment, repeat)
    print(f"score_assessment (3 frameworks) : median {median:.3f} ms, p95 {p95:.3f} ms (budget 2 ms)")
    for definition in definitions:
        median, p95 = median_ms(
            lambda d=definition: score_framework(definition=d, answers=answers, calculator=calculator), repeat
        )
        print(f"  {definition['framework']:<29} : median {median:.3f} ms, p95 {p95:.3f} ms")
    code = next(q["code"] for q in definitions[0]["questions"] if q["type"] == "yesno")
    median, p95 = median_ms(
        lambda: simulate(
            definitions=definitions,
            answers=answers,
            changes={code: True},
            calculator=calculator,
            baseline=result,
        ),
        repeat,
    )
    print(f"simulate (one change, baseline) : median {median:.3f} ms, p95 {p95:.3f} ms")
    median, _ = median_ms(lambda: result.to_dict(), repeat)
    print(f"to_dict                         : median {median:.3f} ms")
    demo_answers, demo_outputs = demo_dairy()
    demo_result = score_assessment(
        definitions=definitions, answers=demo_answers, calculator=demo_outputs, allow_unknown=True
    )
    facts = EnterpriseFacts(industry="C14", size_class="small")
    catalog = load_catalog()
    count = len(
        recommend(
            definitions=definitions,
            answers=demo_answers,
            enterprise=facts,
            catalog=catalog,
            before=demo_result,
            calculator=demo_outputs,
        ).items
    )
    median, p95 = median_ms(
        lambda: recommend(
            definitions=definitions,
            answers=demo_answers,
            enterprise=facts,
            catalog=catalog,
            before=demo_result,
            calculator=demo_outputs,
        ),
        max(repeat // 20, 5),
    )
    print(f"recommend (demo dairy, {count} items): median {median:.1f} ms, p95 {p95:.1f} ms")


def demo_dairy() -> tuple[dict[str, Any], dict[str, float]]:
    """The demo dairy's answers (reports/demo_answers.json) and its energy calculator outputs."""
    answers = json.loads(DEMO_ANSWERS.read_text(encoding="utf-8"))["answers"]
    balance = energy_balance(inputs=energy_inputs_from_answers(answers), factors=default_factors())
    return answers, calculator_outputs(balance)


if __name__ == "__main__":
    main()
