"""Hostile query strings (issue 9, part 6, for GET parameters): every GET page of the application that a
persona may open answers hostile parameters (NUL characters, huge numbers, negative or junk pages,
markup, 10 kB strings, impossible dates, unknown sort keys) without a server error."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.test_authorisation_matrix import APP_CASES, _client_for, build_url
from tests.test_authorisation_matrix import world as world

HOSTILE = {
    "year": ["abc", "-1", "9" * 400, "２０２５", "2025\x00"],
    "page": ["-1", "0", "abc", "99999999999999999999", "1e9"],
    "city": ["<script>", "230100\x00", "x" * 10000],
    "industry": ["\x00", "C14' OR '1'='1", "%"],
    "size": ["\x00", "huge"],
    "status": ["[]", "draft\x00"],
    "framework": ["\x00", "../../etc/passwd", "x" * 10000],
    "level": ["\x00", "<b>"],
    "sort": ["'; DROP TABLE assessment_assessment; --", "-", "--score", "\x00"],
    "q": ["%", "_", "\x00", "x" * 10000, "😀" * 100],
    "lang": ["x" * 5000, "\x00", "en-xx"],
    "since": ["2026-02-30T10:00:00", "\x00"],
    "section": ["../../", "\x00"],
}


def _variants() -> list[dict[str, str]]:
    variants = [{name: values[0] for name, values in HOSTILE.items()}]
    for index in range(1, max(len(v) for v in HOSTILE.values())):
        variants.append({name: values[index] for name, values in HOSTILE.items() if index < len(values)})
    return variants


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["M", "Y", "P", "S"])
def test_it_never_fails_on_hostile_query_parameters(request, world, persona):
    client = _client_for(persona, request)
    failures = []
    for case in APP_CASES:
        if case.method != "GET" or case.expected[persona] != 200:
            continue
        url = build_url(case, world)
        for params in _variants():
            response = client.get(url, params)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            if response.status_code >= 500:
                failures.append(f"{case.name}@{case.target or '-'} {sorted(params)}: {response.status_code}")
    assert failures == []


@pytest.mark.django_db
def test_it_never_fails_on_nul_characters_in_posted_text(request, world):
    """PostgreSQL refuses NUL characters in text; every POST of the matrix with its data NUL-laced must
    answer without a server error, for the persona allowed to make it."""
    failures = []
    for persona in ("M", "Y"):
        client = _client_for(persona, request)
        for case in APP_CASES:
            if (
                case.method != "POST"
                or case.expected[persona] >= 400
                or case.name in ("logout", "set_language")
            ):
                continue
            data = {
                key: (value + "\x00x" if isinstance(value, str) else value)
                for key, value in case.data.items()
            }
            data.update(
                {
                    "text": "意见\x00",
                    "note": "\x00",
                    "reason": "理由\x00",
                    "question": "dig24.q.devices_networked",
                    "value": "1\x00",
                    "email": "a\x00@example.com",
                    "name": "企业\x00",
                }
            )
            with transaction.atomic():
                response = client.post(build_url(case, world), data)
                transaction.set_rollback(True)
            if response.status_code >= 500:
                failures.append(f"{persona} {case.name}@{case.target or '-'}: {response.status_code}")
    assert failures == []
