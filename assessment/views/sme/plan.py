"""The improvement plan page: choose actions, give each an owner, quarter, status and note, and see the
projected scores, levels and combined figures (docs/plan.md).

GET shows the page (members edit, officials of the jurisdiction read). A POST carries one change (`op`:
add, update, remove, up, down, by_quarter) and answers with a redirect, or, for the page script
(Accept: application/json), with JSON holding the re-rendered projection and rows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.actions import load_catalog
from assessment.economics import present as econ_present
from assessment.exceptions import DomainError
from assessment.models import Assessment, PlanAction
from assessment.permissions import (
    can_edit_plan,
    get_assessment_for_member,
    get_assessment_for_user,
)
from assessment.projection import active_codes, quarter_of, quarter_order, quarters_from
from assessment.selectors.plans import PlanInputs, PlanRows, plan_inputs, plan_rows
from assessment.selectors.rating import rating_schemes
from assessment.services import plans as services
from assessment.views import plan_context as present
from assessment.views.sme.common import report_url
from questionnaires.text import active_language, pick

OPS = ("add", "update", "remove", "up", "down", "by_quarter")
QUARTERS_AHEAD = 20  # five years of target quarters, the current one first


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _quarters(rows: PlanRows) -> list[str]:
    """The target quarters offered: from the current quarter to QUARTERS_AHEAD on, plus any stored one
    (an earlier or a later quarter stays shown and selectable), in time order."""
    offered = quarters_from(quarter_of(timezone.localdate()), QUARTERS_AHEAD)
    return sorted({*offered, *(row.quarter for row in rows.actions if row.quarter)})


def _projection_context(assessment: Assessment, rows: PlanRows, inputs: PlanInputs) -> dict[str, Any]:
    """The parts of the page a change redraws: the projection and the rows."""
    catalog = load_catalog()
    titles = {a.code: pick(a.title) for a in catalog.actions}
    # An action a later catalog no longer has stays listed but cannot be projected.
    projection = inputs.project([code for code in active_codes(rows.planned()) if code in titles])
    return {
        "assessment": assessment,
        "plan_revision": rows.revision,
        "projection": projection,
        "frameworks": present.framework_rows(projection, inputs.definitions, rating_schemes())
        if projection
        else [],
        "totals": present.totals(projection) if projection else None,
        "mac": econ_present.mac_geometry(projection, lang=active_language(), titles=titles)  # type: ignore[arg-type]
        if projection
        else None,
        "rows": present.action_rows(rows.actions, projection, catalog),
        "statuses": PlanAction.Status.choices,
        "quarters": _quarters(rows),
        "editable": True,
    }


def _page(request: HttpRequest, assessment: Assessment, *, status: int = 200, **extra: Any) -> HttpResponse:
    rows = plan_rows(assessment)
    inputs = plan_inputs(assessment)
    context = _projection_context(assessment, rows, inputs)
    context["editable"] = can_edit_plan(request.user, assessment)
    if context["editable"]:  # the picker is for members only
        context["picker"] = present.picker(
            inputs.recommendations(), load_catalog(), set(rows.codes), inputs.facts
        )
    context["report_url"] = report_url(assessment)
    context.update(extra)
    return render(request, "assessment/plan.html", context, status=status)


def _fragments(request: HttpRequest, assessment: Assessment, **extra: Any) -> dict[str, Any]:
    rows = plan_rows(assessment)
    context = _projection_context(assessment, rows, plan_inputs(assessment))
    return {
        "revision": rows.revision,
        "codes": rows.codes,
        "projection": render_to_string("assessment/_plan_projection.html", context, request),
        "rows": render_to_string("assessment/_plan_rows.html", {**context, **extra}, request),
    }


def _apply(request: HttpRequest, assessment: Assessment, op: str) -> str:
    """Carry out one change; the message to show. DomainError (PlanConflict) when refused."""
    post = request.POST
    code = post.get("code", "")
    user = request.user
    title = pick(load_catalog().get(code).title) if code in {a.code for a in load_catalog().actions} else ""
    if op == "add":
        services.plan_action_add(assessment=assessment, user=user, code=code)
        return _("已加入计划：%(title)s") % {"title": title}
    if op == "update":
        services.plan_action_update(
            assessment=assessment,
            user=user,
            code=code,
            values={name: post[name] for name in services.EDITABLE if name in post},
            seen_revision=_int(post.get("revision")),
        )
        return _("已保存：%(title)s") % {"title": title}
    if op == "remove":
        services.plan_action_remove(
            assessment=assessment, user=user, code=code, seen_revision=_int(post.get("revision"))
        )
        return _("已移出计划：%(title)s") % {"title": title}
    rows = plan_rows(assessment)
    order = rows.codes
    if op == "by_quarter":
        order = quarter_order(rows.planned())
    elif code in order:
        index = order.index(code)
        target = index - 1 if op == "up" else index + 1
        if 0 <= target < len(order):
            order[index], order[target] = order[target], order[index]
    services.plan_actions_reorder(assessment=assessment, user=user, codes=order)
    return _("已调整顺序。")


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        return None


def _conflict_data(error: DomainError) -> list[dict[str, Any]]:
    status_labels = dict(PlanAction.Status.choices)
    found = []
    for item in getattr(error, "conflicts", []):
        show = (lambda v: str(status_labels.get(v, v))) if item.field == "status" else (lambda v: v or "—")
        found.append(
            {
                "field": item.field,
                "label": item.label,
                "mine": item.mine,
                "theirs": item.theirs,
                "mine_text": show(item.mine),
                "theirs_text": show(item.theirs),
            }
        )
    return found


def assessment_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan of assessment `pk`: read by whoever may see the assessment, changed by its members."""
    if not request.user.is_authenticated:
        if request.method == "POST" and _wants_json(request):
            return JsonResponse(
                {"ok": False, "error": _("登录已过期，请重新登录。"), "login": True}, status=401
            )
        return redirect_to_login(request.get_full_path())
    if request.method == "GET":
        return _page(request, get_assessment_for_user(request.user, pk))
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    assessment = get_assessment_for_member(request.user, pk)
    op = request.POST.get("op", "")
    if op not in OPS:
        if _wants_json(request):
            return JsonResponse({"ok": False, "error": _("无法识别的操作。")}, status=400)
        messages.error(request, _("无法识别的操作。"))
        return redirect("assessment_plan", pk=assessment.pk)
    try:
        message = _apply(request, assessment, op)
    except DomainError as error:
        conflicts = _conflict_data(error)
        code = request.POST.get("code", "")
        if _wants_json(request):
            return JsonResponse(
                {
                    "ok": False,
                    "code": code,
                    "error": str(error.message),
                    "field": error.field,
                    "conflict": error.code == "conflict",
                    "conflicts": conflicts,
                    **_fragments(request, assessment),
                },
                status=409 if error.code == "conflict" else 200,
            )
        # Without the script: the page again, this person's values kept in the row and the error beside them.
        posted = {name: request.POST.get(name, "") for name in services.EDITABLE}
        return _page(
            request,
            assessment,
            error={"code": code, "message": str(error.message), "field": error.field, "conflicts": conflicts},
            posted=posted,
            status=409 if error.code == "conflict" else 400,
        )
    if _wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "code": request.POST.get("code", ""),
                "message": message,
                **_fragments(request, assessment),
            }
        )
    messages.success(request, message)
    anchor = f"#plan-{request.POST.get('code', '')}" if op in ("update", "up", "down") else ""
    return redirect(f"{redirect('assessment_plan', pk=assessment.pk).url}{anchor}")
