"""Officials' plan analytics: the plans of the submissions in their jurisdiction, under the analytics
page's filters; counts, money and CO₂ by city, industry and size; the support channels; bounded reads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessment.selectors.review import SubmissionFilters
from reports.plan_analytics import plan_analytics
from tests.builders import make_planned
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory

MOTORS = "act.energy.efficient_motors"  # support: EPC, energy-efficiency loans, fiscal funds
GREEN_BODY = "act.mgmt.green_body"  # no money figures; support: SME service platforms
PV = "act.energy.rooftop_pv"
GREEN_POWER = "act.energy.green_power"  # support: green credit


@pytest.fixture
def plans(shipped_versions, enterprise, sme_manager, other_enterprise, other_manager):
    harbin = make_planned(
        shipped_versions,
        enterprise,
        sme_manager,
        [(MOTORS, "done"), (GREEN_BODY, "planned"), (PV, "dropped")],
    )
    qiqihar = make_planned(
        shipped_versions, other_enterprise, other_manager, [(MOTORS, "planned"), (GREEN_POWER, "in_progress")]
    )
    return harbin, qiqihar


def test_the_province_sees_every_city_s_plans(plans, province_official):
    data = plan_analytics(user=province_official, filters=SubmissionFilters(year=2025), lang="zh-hans")
    assert data.submissions == 2 and data.total.plans == 2
    assert data.total.counted == 4 and data.total.done == 1  # the dropped PV left out
    rows = {row.title: row for row in data.actions}
    motors = next(row for title, row in rows.items() if "电机" in title)
    assert (motors.planned, motors.done, motors.dropped) == (1, 1, 0)
    assert motors.figures.investment_wan > 0 and motors.figures.co2_avoided_t > 0
    pv = next(row for title, row in rows.items() if "光伏" in title)
    assert (pv.planned, pv.done, pv.dropped) == (0, 0, 1) and pv.figures.counted == 0
    assert [row.label for row in data.by_city] and {row.label for row in data.by_city} == {
        "哈尔滨市",
        "齐齐哈尔市",
    }
    assert sum(row.figures.investment_wan for row in data.by_city) == pytest.approx(data.total.investment_wan)
    assert sum(row.figures.counted for row in data.by_size) == 4
    assert sum(row.figures.co2_avoided_t for row in data.by_industry) == pytest.approx(
        data.total.co2_avoided_t
    )
    channels = {row.title: row for row in data.channels}
    assert channels["绿色信贷"].actions == 1 and channels["绿色信贷"].enterprises == 1  # PV dropped
    assert channels["能效贷款"].actions == 2 and channels["能效贷款"].enterprises == 2
    assert all(row.source.startswith("《") for row in data.channels)  # the policy document, cited


def test_a_city_official_sees_only_their_city(plans, city_official):
    data = plan_analytics(user=city_official, filters=SubmissionFilters(year=2025), lang="zh-hans")
    assert data.total.plans == 1 and [row.label for row in data.by_city] == ["哈尔滨市"]
    assert "绿色信贷" not in {row.title for row in data.channels}
    # Asking for another city gives nothing, as on the analytics page.
    other = plan_analytics(user=city_official, filters=SubmissionFilters(city="230200"), lang="zh-hans")
    assert other.empty


def test_the_analytics_filters_apply(plans, province_official):
    data = plan_analytics(user=province_official, filters=SubmissionFilters(industry="C34"), lang="zh-hans")
    assert data.total.plans == 1 and [row.label for row in data.by_city] == ["齐齐哈尔市"]


def test_the_reads_do_not_grow_with_the_number_of_plans(
    plans, shipped_versions, province_official, django_assert_max_num_queries
):
    filters = SubmissionFilters(year=2025)
    plan_analytics(user=province_official, filters=filters, lang="zh-hans")  # warm the catalog caches
    with django_assert_max_num_queries(7) as few:
        plan_analytics(user=province_official, filters=filters, lang="zh-hans")
    for index in range(3):
        enterprise = EnterpriseFactory(city_code="230600", industry_division="C34")
        user = UserFactory(username=f"m{index}")
        MembershipFactory(user=user, enterprise=enterprise, role="manager")
        make_planned(shipped_versions, enterprise, user, [(MOTORS, "done"), (GREEN_POWER, "planned")])
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = plan_analytics(user=province_official, filters=filters, lang="zh-hans")
    assert data.total.plans == 5


def test_the_analytics_page_shows_the_plans(client, plans, province_official, city_official):
    client.force_login(province_official)
    response = client.get(reverse("officials_analytics"), {"year": 2025})
    content = response.content.decode()
    assert 'id="plan-analytics"' in content and "措施所需的支持渠道" in content and "齐齐哈尔市" in content
    client.force_login(city_official)
    content = client.get(reverse("officials_analytics"), {"year": 2025}).content.decode()
    assert 'id="plan-analytics"' in content and "绿色信贷" not in content


def test_the_excel_export_has_a_plan_sheet(client, plans, province_official, city_official):
    import io

    from openpyxl import load_workbook

    client.force_login(province_official)
    response = client.get(reverse("officials_export", args=["xlsx"]), {"year": 2025})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook["改进计划"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[0] == "企业名称" and "支持渠道" in header
    assert len(body) == 5  # every action, the dropped one with its status and no figures
    by_action = {(row[0], row[7]): row for row in body}
    dropped = next(row for row in body if row[7] == "已放弃")
    assert dropped[10] in (None, "")
    done = next(row for row in body if row[7] == "已完成")
    assert done[10] > 0 and "能效贷款" in done[13]
    assert len(by_action) == 5
    client.force_login(city_official)
    response = client.get(reverse("officials_export", args=["xlsx"]), {"year": 2025})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    cities = {row[3] for row in list(workbook["改进计划"].iter_rows(values_only=True))[1:]}
    assert cities == {"哈尔滨市"}


@pytest.mark.parametrize(("lang", "heading"), [("zh-hans", "改进计划"), ("en", "Improvementplans")])
def test_the_regional_pdf_has_a_plan_section(plans, province_official, lang, heading):
    import io

    from pypdf import PdfReader

    from reports.regional import render_regional_pdf
    from reports.regional_data import build_regional_data

    data = build_regional_data(user=province_official, city_code="", year=2025, lang=lang)
    assert data.plan is not None and data.plan.total.plans == 2
    pages = PdfReader(io.BytesIO(render_regional_pdf(data))).pages
    text = "".join("".join(page.extract_text().split()) for page in pages)
    assert heading in text
    assert ("能效贷款" if lang == "zh-hans" else "Energy-efficiencyloans") in text
