"""Evidence uploads (issue 9, part 3), through the HTTP layer: size limit, types allow-listed by content,
random stored names outside the static root, downloads only through the authorising view with
Content-Disposition, and no other way to reach a stored file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.models import Assessment, Evidence
from tests.builders import PDF_BYTES, fill_draft


@pytest.fixture
def draft(frameworks_loaded, enterprise, sme_manager) -> Assessment:
    return fill_draft(enterprise=enterprise, user=sme_manager)


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ\x90\x00")
    return buffer.getvalue()


def _docx_carrying(name: str) -> bytes:
    """An Office Open XML archive with one more entry (e.g. a program)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        archive.writestr(name, b"MZ\x90\x00")
    return buffer.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def _upload(client, assessment: Assessment, name: str, content: bytes):
    return client.post(
        reverse("evidence_upload", args=[assessment.pk]),
        {"question": "", "file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, content",
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>"),  # HTML named .pdf
        ("photo.png", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),  # Windows executable named .png
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("sheet.xlsx", _zip()),  # a zip that is no Office document
        ("run.sh", b"#!/bin/sh\nrm -rf /\n"),
        ("page.html", b"<!doctype html><p>hi</p>"),
    ],
)
def test_it_refuses_uploads_whose_content_is_not_an_allowed_type(
    client, draft, sme_manager, media_root, name, content
):
    client.force_login(sme_manager)
    response = _upload(client, draft, name, content)
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    assert not any(p.is_file() for p in media_root.rglob("*")) if media_root.exists() else True


@pytest.mark.django_db
def test_it_refuses_uploads_over_the_size_limit_and_stores_nothing(
    client, draft, sme_manager, media_root, settings
):
    settings.EVIDENCE_MAX_BYTES = 2048
    client.force_login(sme_manager)
    _upload(client, draft, "big.pdf", PDF_BYTES + b"0" * 4096)
    assert not Evidence.objects.exists()
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))
    _upload(client, draft, "small.pdf", PDF_BYTES)
    assert Evidence.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("../../../etc/passwd.pdf", PDF_BYTES, "application/pdf"),
        (
            "C:\\Users\\王\\能源审计.docx",
            _docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("<img src=x onerror=alert(1)>.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image/png"),
    ],
)
def test_it_stores_allowed_files_under_a_random_name_outside_the_static_root(
    client, draft, sme_manager, media_root, name, content, content_type
):
    client.force_login(sme_manager)
    _upload(client, draft, name, content)
    evidence = Evidence.objects.get()
    assert evidence.content_type == content_type
    stored = Path(evidence.file.path).resolve()
    assert stored.is_relative_to(media_root.resolve())
    assert stored.read_bytes() == content
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    assert evidence.original_name == base
    # The stored name is random hex: nothing of the user's name reaches the file system.
    assert stored.name.isalnum() and len(stored.name) == 32
    assert base.rsplit(".", 1)[0] not in str(stored)
    static_roots = [
        Path(django_settings.STATIC_ROOT).resolve(),
        *(Path(p).resolve() for p in django_settings.STATICFILES_DIRS),
    ]
    assert not any(stored.is_relative_to(root) for root in static_roots)
    assert django_settings.MEDIA_URL in (None, "")


@pytest.mark.django_db
def test_it_serves_evidence_only_through_the_authorising_view(
    client,
    frameworks_loaded,
    enterprise,
    sme_manager,
    sme_contributor,
    other_manager,
    city_official,
    other_city_official,
    province_official,
    media_root,
):
    from assessment.services.assessments import assessment_submit, evidence_add
    from tests.builders import pdf_upload

    assessment = fill_draft(enterprise=enterprise, user=sme_manager)
    evidence = evidence_add(
        assessment=assessment, user=sme_manager, question_code="", upload=pdf_upload("能耗台账.pdf")
    )
    url = reverse("evidence_download", args=[assessment.pk, evidence.pk])

    def status(user) -> int:
        client.logout()
        if user is not None:
            client.force_login(user)
        return client.get(url).status_code

    assert status(None) == 302  # to the login page
    assert status(sme_manager) == 200
    assert status(sme_contributor) == 200
    assert status(other_manager) == 404
    assert status(city_official) == 404  # a draft: officials do not see it yet
    assessment_submit(assessment=assessment, user=sme_manager)
    assert status(city_official) == 200
    assert status(province_official) == 200
    assert status(other_city_official) == 404
    assert status(other_manager) == 404

    client.force_login(sme_manager)
    response = client.get(url)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.django_db
def test_it_does_not_serve_evidence_through_another_assessment_or_a_media_url(
    client, frameworks_loaded, enterprise, other_enterprise, sme_manager, other_manager, media_root
):
    from assessment.services.assessments import evidence_add
    from tests.builders import pdf_upload

    mine = fill_draft(enterprise=enterprise, user=sme_manager)
    theirs = fill_draft(enterprise=other_enterprise, user=other_manager)
    evidence = evidence_add(assessment=theirs, user=other_manager, question_code="", upload=pdf_upload())
    client.force_login(sme_manager)
    # Their evidence id under my assessment's URL.
    assert client.get(reverse("evidence_download", args=[mine.pk, evidence.pk])).status_code == 404
    # The stored path is not reachable as a URL.
    for prefix in ("/media/", "/static/", "/"):
        assert client.get(prefix + evidence.file.name).status_code == 404


@pytest.mark.django_db
def test_it_refuses_uploads_from_officials_and_other_enterprises(
    client, draft, other_manager, city_official, media_root
):
    for user, expected in ((other_manager, 404), (city_official, 404)):
        client.force_login(user)
        response = _upload(client, draft, "x.pdf", PDF_BYTES)
        assert response.status_code == expected
    assert not Evidence.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, content, stored_name",
    [
        ("setup.exe", PDF_BYTES, "setup.pdf"),  # a PDF called setup.exe
        ("update.zip", _docx(), "update.docx"),  # a Word file called update.zip
        ("能耗台账.JPG", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "能耗台账.png"),
        ("台账.xls", OLE, "台账.xls"),  # Office 97-2003 under one of its own names
        ("no-extension", PDF_BYTES, "no-extension.pdf"),
    ],
)
def test_it_stores_and_serves_evidence_under_a_name_matching_its_type(
    client, draft, sme_manager, media_root, name, content, stored_name
):
    client.force_login(sme_manager)
    _upload(client, draft, name, content)
    evidence = Evidence.objects.get()
    assert evidence.original_name == stored_name
    response = client.get(reverse("evidence_download", args=[draft.pk, evidence.pk]))
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    extension = stored_name.rsplit(".", 1)[-1]
    assert disposition.endswith((f'.{extension}"', f".{extension}"))  # filename="…" or filename*=utf-8''…


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, content",
    [
        ("installer.msi", OLE),  # an OLE container whose name says it is a program
        ("report.pdf", OLE),
        ("update.docx", _docx_carrying("payload.exe")),  # an Office file carrying a program
        ("update.zip", _docx_carrying("word/macros/run.vbs")),
    ],
)
def test_it_refuses_evidence_whose_name_or_content_cannot_be_made_safe(
    client, draft, sme_manager, media_root, name, content
):
    client.force_login(sme_manager)
    response = _upload(client, draft, name, content)
    assert response.status_code == 302
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_it_downloads_evidence_stored_under_an_older_mismatched_name_with_its_types_extension(
    client, draft, sme_manager, media_root
):
    client.force_login(sme_manager)
    _upload(client, draft, "a.pdf", PDF_BYTES)
    Evidence.objects.update(original_name="setup.exe")  # as stored before names followed the type
    evidence = Evidence.objects.get()
    response = client.get(reverse("evidence_download", args=[draft.pk, evidence.pk]))
    assert response.headers["Content-Disposition"] == 'attachment; filename="setup.pdf"'
    assert "private" in response.headers["Cache-Control"] and "no-store" in response.headers["Cache-Control"]
