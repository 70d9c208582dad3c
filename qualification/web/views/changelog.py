"""The changelog every role reads, and the SDRs' "criteria changed" notice.

Sales should never find out from their queue that the rules moved: each publication is
listed with who, when, why, what changed in plain words and what it did to the queues,
and the queue pages carry a one-line notice until the SDR dismisses it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from qualification.models import CriteriaVersion, VersionStatus
from qualification.selectors.versions import changelog_list, publication_progress_read
from qualification.services.versions import notice_dismiss
from qualification.web.access import requires

VIEW_PERM = "qualification.view_criteriaversion"
KIND_LABELS = {"added": "New", "removed": "Removed", "changed": "Changed", "policy": "Policy"}


def change_rows(changes: list[list[Any]], keys: set[str] | None = None) -> list[dict[str, str]]:
    """Stored changes (``[kind, key, field, before, after, text]``) as labelled lines;
    with ``keys``, only the lines about those criteria (a glossary term's)."""
    return [
        {"kind": c[0], "label": KIND_LABELS.get(c[0], c[0].capitalize()), "text": c[5]}
        for c in changes or ()
        if keys is None or c[1] in keys
    ]


def changelog_entries(progress: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Each publication, newest first, with its lines, effect and how far it has applied."""
    entries = []
    for version in changelog_list():
        applying = None
        if version.rescore_finished_at is None and version.status == VersionStatus.PUBLISHED:
            applying = progress if progress and progress["version"].pk == version.pk else None
        effect = version.measured_effect()
        entries.append(
            {
                "version": version,
                "changes": change_rows(version.changes),
                "effect": [
                    {"queue": "MQL", **effect["mql"]},
                    {"queue": "PQL", **effect["pql"]},
                ],
                "has_effect": any(n for row in effect.values() for n in row.values()),
                "applying": applying,
                "unfinished": version.rescore_finished_at is None,
            }
        )
    return entries


@requires(VIEW_PERM)
def changes_page(request: HttpRequest) -> HttpResponse:
    """Every publication with who, when, why, what changed and its measured effect."""
    progress = publication_progress_read()
    context = {
        "entries": changelog_entries(progress),
        "publication_progress": progress,
        "publication_banner_inline": True,
    }
    return render(request, "qualification/versions/changes.html", context)


def _back(request: HttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("queue", kwargs={"scope": "all"})
    return HttpResponseRedirect(target)


@require_POST
@requires(VIEW_PERM)
def notice_dismiss_view(request: HttpRequest, version_id: int) -> HttpResponse:
    """The user has read the notice: htmx removes it in place, a plain form goes back."""
    version = get_object_or_404(
        CriteriaVersion.objects.exclude(status=VersionStatus.DRAFT), pk=version_id
    )
    notice_dismiss(user=request.user, version=version)
    if request.htmx:
        return HttpResponse("")
    messages.info(request, "Notice dismissed. The changelog keeps every change.")
    return _back(request)


urlpatterns: list[URLPattern] = [
    path("criteria/changes/", changes_page, name="criteria-changes"),
    path(
        "criteria/notice/<int:version_id>/dismiss/",
        notice_dismiss_view,
        name="criteria-notice-dismiss",
    ),
]
