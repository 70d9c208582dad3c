"""The criteria governance pages: versions and drafts, one draft, and its publication.

Thin like every view here: read through ``selectors.versions``, write through
``services.versions`` (and ``services.previews`` for a preview run). The services check
the roles and raise ``GovernanceError`` with a plain sentence; the views show it as a
message or an inline form error, never as a server error. Buttons are shown only to the
roles the services would let through, so a refusal is rare, and harmless when it happens.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from qualification.models import CriteriaVersion, Criterion, QualificationPolicy, VersionStatus
from qualification.roles import Perm
from qualification.selectors.versions import (
    latest_preview_read,
    publication_progress_read,
    versions_list,
)
from qualification.services.versions import (
    GovernanceError,
    StaleDraft,
    approval_is_current,
    draft_approve,
    draft_changes,
    draft_create,
    draft_delete,
    draft_problems,
    draft_publish,
    draft_rebase,
    four_eyes_required,
    published_version_ensure,
    rollback_draft_create,
)
from qualification.web.access import requires
from qualification.web.forms_versions import DraftCreateForm, PublishForm
from qualification.web.navigation import admin_url
from qualification.web.views import changelog
from qualification.web.views.version_preview import VIEW_PERM, preview_context
from qualification.web.views.version_preview import urlpatterns as preview_urlpatterns

_CONFLICTS = "criteria-rebase-conflicts-{}"


def banner_context() -> dict[str, Any]:
    """The publication banner, shown inline on these pages whatever the layout does."""
    return {"publication_progress": publication_progress_read(), "publication_banner_inline": True}


def _draft(draft_id: int) -> CriteriaVersion:
    return get_object_or_404(
        CriteriaVersion.objects.select_related("author", "base", "approved_by"),
        pk=draft_id,
        status=VersionStatus.DRAFT,
    )


def _refused(request: HttpRequest, exc: GovernanceError, to: str) -> HttpResponse:
    messages.error(request, str(exc))
    return redirect(to)


# --- the versions page -------------------------------------------------------------------


@requires(VIEW_PERM)
def versions_page(request: HttpRequest) -> HttpResponse:
    """The published version, the drafts in progress and the versions it replaced."""
    return _render_versions(request, DraftCreateForm())


def _render_versions(request: HttpRequest, form: DraftCreateForm, status: int = 200):
    published = published_version_ensure()
    versions = list(versions_list())
    drafts = [
        {
            "version": draft,
            # One query per draft: there are a handful, never hundreds.
            "preview": latest_preview_read(draft),
            "stale": draft.base_id != published.pk,
            "approved": approval_is_current(draft),
        }
        for draft in versions
        if draft.status == VersionStatus.DRAFT
    ]
    user = request.user
    context = {
        "published": published,
        "drafts": drafts,
        "retired": [v for v in versions if v.status == VersionStatus.RETIRED],
        "form": form,
        "focus_new": "new" in request.GET,  # "Make a draft" on the criteria page lands here
        "can_draft": user.has_perm(Perm.DRAFT_CRITERIA),
        "can_rollback": user.has_perm(Perm.PUBLISH_CRITERIA) and user.has_perm(Perm.DRAFT_CRITERIA),
        "four_eyes": four_eyes_required(),
        **banner_context(),
    }
    return render(request, "qualification/versions/versions.html", context, status=status)


@require_POST
@requires(VIEW_PERM)
def draft_new(request: HttpRequest) -> HttpResponse:
    """Copy the published version into a new draft and open it."""
    form = DraftCreateForm(request.POST)
    if not form.is_valid():
        return _render_versions(request, form, status=400)
    try:
        draft = draft_create(user=request.user, title=form.cleaned_data["title"])
    except GovernanceError as exc:
        return _refused(request, exc, reverse("criteria-versions"))
    base = draft.base.label if draft.base else "the published version"
    messages.success(
        request, f"Draft {draft.pk} made from {base}. Edit its criteria, then preview."
    )
    return redirect("criteria-draft", draft_id=draft.pk)


@require_POST
@requires(VIEW_PERM)
def version_rollback(request: HttpRequest, version_id: int) -> HttpResponse:
    """A draft holding an earlier version's rules: publishing it is the way back."""
    version = get_object_or_404(CriteriaVersion, pk=version_id)
    try:
        draft = rollback_draft_create(user=request.user, version=version)
    except GovernanceError as exc:
        return _refused(request, exc, reverse("criteria-versions"))
    messages.success(
        request, f"{draft.label} holds the rules of {version.label}. Check them, then publish."
    )
    return redirect("criteria-draft", draft_id=draft.pk)


# --- one draft -----------------------------------------------------------------------------


def _draft_rows(draft: CriteriaVersion) -> tuple[dict[str, int], dict[str, int], int | None]:
    """The draft's criteria (by name and by key) and policy ids, for the admin links."""
    rows = list(Criterion.objects.filter(version=draft).values_list("pk", "key", "name"))
    policy = QualificationPolicy.objects.filter(version=draft).values_list("pk", flat=True)
    return {n: pk for pk, _k, n in rows}, {k: pk for pk, k, _n in rows}, policy.first()


@requires(VIEW_PERM)
def draft_page(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Everything about one draft: what is wrong, what it changes, its effect, publishing."""
    form = PublishForm(autofocus="publish" in request.GET)
    return _render_draft(request, _draft(draft_id), form)


def _render_draft(
    request: HttpRequest, draft: CriteriaVersion, form: PublishForm, status: int = 200
) -> HttpResponse:
    user = request.user
    published = published_version_ensure()
    by_name, by_key, policy_id = _draft_rows(draft)
    can_edit = user.is_staff and user.has_perm("qualification.change_criterion")

    def edit_link(pk: int | None) -> str | None:
        return admin_url("qualification_criterion_change", pk) if can_edit and pk else None

    problems = [
        {
            "problem": problem,
            "url": (
                admin_url("qualification_qualificationpolicy_change", policy_id)
                if problem.where == "Policy" and policy_id and can_edit
                else edit_link(by_name.get(problem.where))
            ),
        }
        for problem in draft_problems(draft)
    ]
    changes = [
        {**row, "url": edit_link(by_key.get(change[1]))}
        for change in draft_changes(draft)
        for row in changelog.change_rows([change])
    ]
    is_publisher = user.has_perm(Perm.PUBLISH_CRITERIA)
    context = {
        "draft": draft,
        "published": published,
        "stale": draft.base_id != published.pk,
        "conflicts": request.session.pop(_CONFLICTS.format(draft.pk), None),
        "problems": problems,
        "changes": changes,
        "criteria_admin_url": (
            admin_url("qualification_criterion_changelist") + f"?version__id__exact={draft.pk}"
            if can_edit
            else None
        ),
        "policy_admin_url": (
            admin_url("qualification_qualificationpolicy_change", policy_id)
            if policy_id
            and user.is_staff
            and user.has_perm("qualification.change_qualificationpolicy")
            else None
        ),
        "four_eyes": four_eyes_required(),
        "approved": approval_is_current(draft),
        "can_rebase": user.has_perm(Perm.DRAFT_CRITERIA),
        "can_publish": is_publisher,
        "can_approve": is_publisher and draft.author_id != user.pk,
        "can_delete": is_publisher or draft.author_id == user.pk,
        "form": form,
        **preview_context(request, draft),
        **banner_context(),
    }
    return render(request, "qualification/versions/draft.html", context, status=status)


@require_POST
@requires(VIEW_PERM)
def draft_rebase_view(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Move a stale draft onto the published version; the page then lists the conflicts."""
    draft = _draft(draft_id)
    back = reverse("criteria-draft", args=[draft.pk])
    try:
        conflicts = draft_rebase(user=request.user, draft=draft)
    except GovernanceError as exc:
        return _refused(request, exc, back)
    draft.refresh_from_db()
    if conflicts:
        request.session[_CONFLICTS.format(draft.pk)] = [c.text for c in conflicts]
    label = draft.base.label if draft.base else "the published version"
    messages.success(request, f"Rebased onto {label}. Check the changes, then publish again.")
    return redirect(back)


@require_POST
@requires(VIEW_PERM)
def draft_approve_view(request: HttpRequest, draft_id: int) -> HttpResponse:
    """A second ops user approves the draft as it stands (four-eyes rule)."""
    draft = _draft(draft_id)
    back = reverse("criteria-draft", args=[draft.pk])
    try:
        draft_approve(user=request.user, draft=draft)
    except GovernanceError as exc:
        return _refused(request, exc, back)
    messages.success(request, "Draft approved; it can be published now.")
    return redirect(back)


@require_POST
@requires(VIEW_PERM)
def draft_publish_view(request: HttpRequest, draft_id: int) -> HttpResponse:
    """Publish with a note; the request returns at once while the rescore runs behind it."""
    draft = _draft(draft_id)
    form = PublishForm(request.POST, autofocus=True)
    if not form.is_valid():
        return _render_draft(request, draft, form, status=400)
    try:
        version = draft_publish(user=request.user, draft=draft, note=form.cleaned_data["note"])
    except StaleDraft as exc:
        messages.error(request, str(exc))
        return _render_draft(request, _draft(draft_id), form, status=409)
    except GovernanceError as exc:
        messages.error(request, str(exc))
        return _render_draft(request, _draft(draft_id), form, status=400)
    total = version.rescore_total
    text = f"{version.label} published"
    if total:
        text += f"; rescoring {total:,} lead{'s' if total != 1 else ''} in the background"
    messages.success(request, text + ".")
    return redirect(reverse("criteria-changes") + f"#version-{version.number}")


@require_POST
@requires(VIEW_PERM)
def draft_delete_view(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(draft_id)
    label = f"Draft {draft.pk} ({draft.title})"
    try:
        draft_delete(user=request.user, draft=draft)
    except GovernanceError as exc:
        return _refused(request, exc, reverse("criteria-draft", args=[draft_id]))
    messages.success(request, f"{label} deleted.")
    return redirect("criteria-versions")


@requires(VIEW_PERM)
def publication_progress(request: HttpRequest) -> HttpResponse:
    """The publication banner alone, polled by htmx until the rescore has finished."""
    context = {"publication_progress": publication_progress_read(), "publication_polled": True}
    return render(request, "qualification/_publication_banner.html", context)


urlpatterns: list[URLPattern] = [
    path("criteria/versions/", versions_page, name="criteria-versions"),
    path("criteria/drafts/new/", draft_new, name="criteria-draft-new"),
    path("criteria/drafts/<int:draft_id>/", draft_page, name="criteria-draft"),
    path("criteria/drafts/<int:draft_id>/rebase/", draft_rebase_view, name="criteria-draft-rebase"),
    path(
        "criteria/drafts/<int:draft_id>/approve/", draft_approve_view, name="criteria-draft-approve"
    ),
    path(
        "criteria/drafts/<int:draft_id>/publish/", draft_publish_view, name="criteria-draft-publish"
    ),
    path("criteria/drafts/<int:draft_id>/delete/", draft_delete_view, name="criteria-draft-delete"),
    path(
        "criteria/versions/<int:version_id>/rollback/",
        version_rollback,
        name="criteria-version-rollback",
    ),
    path("criteria/publication/", publication_progress, name="criteria-publication-progress"),
    *preview_urlpatterns,
    *changelog.urlpatterns,
]
