"""The lead page and the SDR actions on it (first touch, feedback, recycle, disqualify).

Thin: a form parses, a service writes, a selector reads. The actions differ only in their
form, service and message, so one view runs them all from ``LEAD_ACTIONS``. With htmx an
action answers with the actions panel (plus out-of-band updates of the stage and history),
without it a redirect back to the lead page with a message; both paths run the same service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from qualification.core.outreach import OutreachFacts, suggest
from qualification.core.vocabulary import SDR_WORKABLE_STAGES
from qualification.core.wording import key_words, sentence_case
from qualification.models.choices import SignalSource
from qualification.roles import Perm
from qualification.selectors.leads import breakdown_read, lead_page_read, lead_read
from qualification.selectors.learning_live import lead_likelihood_read
from qualification.selectors.sla import sla_policies_read
from qualification.services.lead_actions import (
    LeadChanged,
    NotYourLead,
    feedback_record,
    lead_disqualify,
    lead_first_touch,
    lead_recycle,
    may_work,
    owner_only_message,
    touch_claimed,
)
from qualification.web.access import requires
from qualification.web.forms import FeedbackForm, FirstTouchForm, LeadVersionForm, StageExitForm
from qualification.web.tables.queue import lead_clock_text


@dataclass(frozen=True)
class LeadAction:
    """One action on the lead page: the form that parses it, the service that does it."""

    name: str  # the URL segment ("leads/<id>/<name>/"), the form's prefix, the URL name's tail
    form_class: type[LeadVersionForm]
    service: Callable[..., Any]
    success: str | Callable[[Any, Any], str]  # or (service result, user) -> message

    def success_message(self, result: Any, user) -> str:
        return self.success(result, user) if callable(self.success) else self.success

    @property
    def form_key(self) -> str:
        """The template variable its form is shown as (``touch_form``...)."""
        return f"{self.name}_form"


def _touch_message(lead, user) -> str:
    """Says what the touch did: stopped the clock, how it stood, and any claim it made."""
    text = "First touch logged; the SLA clock has stopped"
    if lead.sla_met is True:
        text += " within the deadline"
    elif lead.sla_met is False:
        text += " after the deadline"
    text += "."
    if touch_claimed(lead, user):
        text += " The lead was unassigned, so you are now its owner."
    return text


# What feedback does, and nothing more: it is kept with the lead and moves its stage now;
# learning reads it later (services.recalibration), and what it suggests waits for ops.
FEEDBACK_SAVED = (
    "Feedback saved and kept with the lead; its stage follows from it. The next "
    "recalibration (weekly, or when ops run it) learns from it, and any point changes it "
    "suggests go to ops as a draft."
)

LEAD_ACTIONS: dict[str, LeadAction] = {
    action.name: action
    for action in (
        LeadAction("touch", FirstTouchForm, lead_first_touch, _touch_message),
        LeadAction(
            "feedback",
            FeedbackForm,
            feedback_record,
            FEEDBACK_SAVED,
        ),
        LeadAction("recycle", StageExitForm, lead_recycle, "Lead recycled to nurture."),
        LeadAction("disqualify", StageExitForm, lead_disqualify, "Lead disqualified."),
    )
}


def _forms(lead, **bound: LeadVersionForm) -> dict[str, LeadVersionForm]:
    """The action forms, each carrying the lead's version; ``bound`` replaces some."""
    initial = {"updated_at": lead.updated_at}
    forms: dict[str, LeadVersionForm] = {
        action.form_key: action.form_class(initial=initial, prefix=action.name)
        for action in LEAD_ACTIONS.values()
    }
    forms.update(bound)
    return forms


def _actions_context(request: HttpRequest, lead, **bound: LeadVersionForm) -> dict[str, Any]:
    user = request.user
    return {
        "lead": lead,
        "can_work": user.has_perm(Perm.WORK_QUEUE),
        # The first-touch button: on an unowned queue lead it also claims it (the service
        # does, and the copy says so).
        "touch_claims": lead.owner_id is None and lead.stage in SDR_WORKABLE_STAGES,
        # Every action is offered by the rule the services enforce; otherwise one line says
        # whose lead it is.
        "may_work": may_work(lead, user),
        "owner_only": ""
        if lead.owner_id is None
        else owner_only_message(lead, "log a touch or feedback, recycle or disqualify it"),
        "clock": lead_clock_text(lead, policies=sla_policies_read(), now=timezone.now()),
        **_forms(lead, **bound),
    }


def _suggestion(request: HttpRequest, page, breakdown: dict[str, Any], now: datetime):
    lead = page.lead
    facts = OutreachFacts(
        first_name=lead.first_name,
        account=lead.account.name if lead.account else "",
        sender=request.user.first_name or request.user.get_username(),
        pql_kind=lead.pql_kind,
        contributions=breakdown["contributions"],
        events=[(e.name, e.source, e.properties or {}) for e in page.events],
        teammates=page.account_lead_count or None,
        now=now,
        pql_seen_at=breakdown["qualification_seen_at"],
    )
    return suggest(facts, page.templates)


@requires(Perm.VIEW_LEADS)
def lead_detail(request: HttpRequest, lead_id: int) -> HttpResponse:
    """Everything an SDR needs before reaching out: why, what happened, what to say."""
    source = request.GET.get("source", "")
    source = source if source in SignalSource.values else ""
    page = lead_page_read(lead_id=lead_id, source=source)
    return _render_page(request, page, source=source)


def _render_page(
    request: HttpRequest, page, *, source: str = "", status: int = 200, **bound: LeadVersionForm
) -> HttpResponse:
    now = timezone.localtime()  # the viewer's zone: "today" is their today
    breakdown = breakdown_read(page.lead.breakdown, now=now)
    context = {
        "page": page,
        "breakdown": breakdown,
        "suggestion": _suggestion(request, page, breakdown, now),
        "source_label": sentence_case(key_words(page.lead.source)),
        "likelihood": lead_likelihood_read(lead=page.lead),
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


@require_POST
@requires(Perm.WORK_QUEUE)
def lead_action(request: HttpRequest, lead_id: int, action: str) -> HttpResponse:
    """Run one of ``LEAD_ACTIONS``: validate its form, call its service, and translate the
    service's refusals into messages or inline errors."""
    spec = LEAD_ACTIONS[action]
    lead_read(lead_id=lead_id)  # 404 for an unknown lead, before any form error
    form = spec.form_class(request.POST, prefix=spec.name)
    if not form.is_valid():
        return _respond(request, lead_id, ok=False, **{spec.form_key: form})
    data = {k: v for k, v in form.cleaned_data.items() if k != "updated_at"}
    try:
        result = spec.service(
            lead_id=lead_id,
            user=request.user,
            expected_updated_at=form.cleaned_data.get("updated_at"),
            **data,
        )
    except (LeadChanged, NotYourLead) as exc:
        messages.error(request, str(exc))
        return _respond(request, lead_id, ok=False)
    except ValidationError as exc:
        if not form.apply_service_error(exc):  # a refusal not tied to this form's fields
            messages.error(request, " ".join(exc.messages))
            return _respond(request, lead_id, ok=False)
        return _respond(request, lead_id, ok=False, **{spec.form_key: form})
    messages.success(request, spec.success_message(result, request.user))
    return _respond(request, lead_id, ok=True)


urlpatterns: list[URLPattern] = [
    path("leads/<int:lead_id>/", lead_detail, name="lead-detail"),
    *(
        path(f"leads/<int:lead_id>/{name}/", lead_action, {"action": name}, name=f"lead-{name}")
        for name in LEAD_ACTIONS
    ),
]
