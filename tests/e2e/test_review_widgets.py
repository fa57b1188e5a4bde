"""Browser: an official validates a multiple-choice answer by ticking the options by their labels."""

from __future__ import annotations

import pytest

from assessment.models import Assessment
from tests.builders import make_submitted
from tests.e2e.test_journey import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
AREAS = "dig24.q.data_collection_areas"


def test_an_official_sets_a_validated_multiple_choice_value_through_its_checkboxes(
    live_server, shipped_versions, enterprise, sme_manager, province_official, new_context, console_errors
):
    assessment = make_submitted(shipped_versions, enterprise=enterprise, submitted_by=sme_manager)
    base = live_server.url
    page = new_context().new_page()
    login(page, base, province_official.username)
    page.goto(f"{base}/review/{assessment.pk}/")
    row = page.locator(f'[id="q-{AREAS}"]')
    row.locator("summary", has_text="意见 / 核定").click()
    validate = row.locator("form", has=page.locator('input[name="code"]'))
    # The options are offered by their labels, as on the enterprise's form.
    validate.get_by_label("生产管控").check()
    validate.get_by_label("质量管理").check()
    validate.get_by_label("财务管理").uncheck()
    validate.get_by_label("仓储物流").uncheck()
    validate.locator('textarea[name="reason"]').fill("现场核实：财务与仓储数据仍为手工录入")
    validate.get_by_role("button", name="保存核定值").click()
    page.wait_for_load_state()
    assert "核定值已保存" in page.content()
    assessment = Assessment.objects.get(pk=assessment.pk)
    value = assessment.validated_answers.get(question_code=AREAS).value
    assert sorted(value) == ["production_control", "quality"]
    row = page.locator(f'[id="q-{AREAS}"]')
    assert "生产管控" in row.inner_text() and "质量管理" in row.inner_text()
    # Opened again, the widget shows the validated value.
    row.locator("summary", has_text="意见 / 核定").click()
    assert row.get_by_label("生产管控").is_checked()
    assert not row.get_by_label("财务管理").is_checked()
    assert console_errors == []
