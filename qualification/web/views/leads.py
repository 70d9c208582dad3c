"""The lead page and the SDR actions on it (first touch, feedback, recycle, disqualify).

Thin: a form parses, a service writes, a selector reads. With htmx an action answers with
the actions panel (plus out-of-band updates of the stage and history), without it a
redirect back to the lead page with a message; both paths run the same service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, URLPattern, path, resolve
from django.views.decorators.http import require_POST

from qualification.core.outreach import OutreachFacts, suggest
from qualification.models.choices import SignalSource
from qualification.roles import Perm
from qualification.selectors.leads import breakdown_read, lead_page_read, lead_read
from qualification.services.lead_actions import (
    LeadChanged,
    feedback_record,
    lead_disqualify,
    lead_first_touch,
    lead_recycle,
)
from qualification.web.forms import FeedbackForm, FirstTouchForm, LeadVersionForm, StageExitForm


def _claim_url(lead_id: int) -> str | None:
    """The queues' claim endpoint, when that part of the app is installed."""
    url = f"/queues/claim/{lead_id}/"
    try:
        resolve(url)
    except Resolver404:
        return None
    return url


def _forms(lead, **bound: LeadVersionForm) -> dict[str, LeadVersionForm]:
    """The action forms, each carrying the lead's version; ``bound`` replaces some."""
    initial = {"updated_at": lead.updated_at}
    forms: dict[str, LeadVersionForm] = {
        "touch_form": FirstTouchForm(initial=initial, prefix="touch"),
        "feedback_form": FeedbackForm(initial=initial, prefix="feedback"),
        "recycle_form": StageExitForm(initial=initial, prefix="recycle"),
        "disqualify_form": StageExitForm(initial=initial, prefix="disqualify"),
    }
    forms.update(bound)
    return forms


def _actions_context(request: HttpRequest, lead, **bound: LeadVersionForm) -> dict[str, Any]:
    return {
        "lead": lead,
        "can_work": request.user.has_perm(Perm.WORK_QUEUE),
        "claim_url": _claim_url(lead.pk) if lead.owner_id is None else None,
        **_forms(lead, **bound),
    }


def _suggestion(request: HttpRequest, page, breakdown: dict[str, Any]):
    lead = page.lead
    facts = OutreachFacts(
        first_name=lead.first_name,
        account=lead.account.name if lead.account else "",
        sender=request.user.first_name or request.user.get_username(),
        pql_kind=lead.pql_kind,
        contributions=breakdown["contributions"],
        events=[(e.name, e.source, e.properties or {}) for e in page.events],
        teammates=page.account_lead_count or None,
    )
    return suggest(facts, page.templates)


@permission_required("qualification.view_lead", raise_exception=True)
def lead_detail(request: HttpRequest, lead_id: int) -> HttpResponse:
    """Everything an SDR needs before reaching out: why, what happened, what to say."""
    source = request.GET.get("source", "")
    source = source if source in SignalSource.values else ""
    page = lead_page_read(lead_id=lead_id, source=source)
    return _render_page(request, page, source=source)


def _render_page(
    request: HttpRequest, page, *, source: str = "", status: int = 200, **bound: LeadVersionForm
) -> HttpResponse:
    breakdown = breakdown_read(page.lead.breakdown)
    context = {
        "page": page,
        "breakdown": breakdown,
        "suggestion": _suggestion(request, page, breakdown),
        "source": source,
        "sources": SignalSource.choices,
        **_actions_context(request, page.lead, **bound),
    }
    return render(request, "qualification/leads/detail.html", context, status=status)


def _respond(
    request: HttpRequest, lead_id: int, *, ok: bool, **bound: LeadVersionForm
) -> HttpResponse:
    """The answer to an action: a fragment for htmx, else a redirect (or the page with errors)."""
    if request.htmx:
        page = lead_page_read(lead_id=lead_id)
        context = {"page": page, "oob": ok, **_actions_context(request, page.lead, **bound)}
        return render(request, "qualification/leads/_action_response.html", context)
    if ok or not bound:
        return redirect("lead-detail", lead_id=lead_id)
    return _render_page(request, lead_page_read(lead_id=lead_id), status=400, **bound)


def _run_action(
    request: HttpRequest,
    lead_id: int,
    *,
    form: LeadVersionForm,
    form_key: str,
    action: Callable[..., Any],
    success: str,
) -> HttpResponse:
    """Validate, call the service, and translate its refusals into messages or inline errors."""
    if not request.user.has_perm(Perm.WORK_QUEUE):
        raise PermissionDenied("Only SDRs and managers can work leads.")
    lead_read(lead_id=lead_id)  # 404 for an unknown lead, before any form error
    if not form.is_valid():
        return _respond(request, lead_id, ok=False, **{form_key: form})
    data = {k: v for k, v in form.cleaned_data.items() if k != "updated_at"}
    try:
        action(
            lead_id=lead_id,
            user=request.user,
            expected_updated_at=form.cleaned_data.get("updated_at"),
            **data,
        )
    except LeadChanged as exc:
        messages.error(request, str(exc))
        return _respond(request, lead_id, ok=False)
    except ValidationError as exc:
        if not form.apply_service_error(exc):  # a refusal not tied to this form's fields
            messages.error(request, " ".join(exc.messages))
            return _respond(request, lead_id, ok=False)
        return _respond(request, lead_id, ok=False, **{form_key: form})
    messages.success(request, success)
    return _respond(request, lead_id, ok=True)


@require_POST
def lead_touch(request: HttpRequest, lead_id: int) -> HttpResponse:
    """Log the first touch: the SLA clock stops."""
    form = FirstTouchForm(request.POST, prefix="touch")
    return _run_action(
        request,
        lead_id,
        form=form,
        form_key="touch_form",
        action=lead_first_touch,
        success="First touch logged; the SLA clock has stopped.",
    )


@require_POST
def lead_feedback(request: HttpRequest, lead_id: int) -> HttpResponse:
    """Log what sales learned; the stage follows from the outcome."""
    form = FeedbackForm(request.POST, prefix="feedback")
    return _run_action(
        request,
        lead_id,
        form=form,
        form_key="feedback_form",
        action=feedback_record,
        success="Feedback saved. Thank you: it re-weights the criteria.",
    )


@require_POST
def lead_recycle_view(request: HttpRequest, lead_id: int) -> HttpResponse:
    """Back to nurture, with a reason."""
    form = StageExitForm(request.POST, prefix="recycle")
    return _run_action(
        request,
        lead_id,
        form=form,
        form_key="recycle_form",
        action=lead_recycle,
        success="Lead recycled to nurture.",
    )


@require_POST
def lead_disqualify_view(request: HttpRequest, lead_id: int) -> HttpResponse:
    """Out of the funnel, with a reason."""
    form = StageExitForm(request.POST, prefix="disqualify")
    return _run_action(
        request,
        lead_id,
        form=form,
        form_key="disqualify_form",
        action=lead_disqualify,
        success="Lead disqualified.",
    )


urlpatterns: list[URLPattern] = [
    path("leads/<int:lead_id>/", lead_detail, name="lead-detail"),
    path("leads/<int:lead_id>/touch/", lead_touch, name="lead-touch"),
    path("leads/<int:lead_id>/feedback/", lead_feedback, name="lead-feedback"),
    path("leads/<int:lead_id>/recycle/", lead_recycle_view, name="lead-recycle"),
    path("leads/<int:lead_id>/disqualify/", lead_disqualify_view, name="lead-disqualify"),
]
