"""Layout data of criteria governance: the publication banner and the SDR notice.

Both are read lazily: a page that does not show them never queries for them. The banner
is for those who change the rules (staff, ops) on every page and for everyone on the
criteria pages; the notice is read only where a template shows it (the queue pages).
``publication_progress_read`` answers with one indexed query while nothing is being
applied, so the banner costs next to nothing on an ordinary page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from qualification.core.governance import Change, diff_summary
from qualification.roles import Perm
from qualification.selectors.versions import criteria_notice_read, publication_progress_read

CRITERIA_PATH = "/criteria/"
NOTICE_CHANGES = 2  # how many changes the one-line notice names before "and N more"


def notice_read(user) -> dict[str, Any] | None:
    """The latest publication this user has not dismissed, with a one-line summary."""
    version = criteria_notice_read(user)
    if version is None:
        return None
    changes = [Change(*change) for change in version.changes or ()]
    return {"version": version, "summary": diff_summary(changes, limit=NOTICE_CHANGES)}


def banner_wanted(request: HttpRequest) -> bool:
    user = request.user
    return (
        request.path.startswith(CRITERIA_PATH)
        or user.is_staff
        or user.has_perm(Perm.PUBLISH_CRITERIA)
    )


def criteria_governance(request: HttpRequest) -> dict[str, Any]:
    """``publication_progress`` (None or the progress dict) and ``criteria_notice``."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context: dict[str, Any] = {
        "criteria_notice": SimpleLazyObject(lambda: notice_read(user)),
    }
    if banner_wanted(request):
        context["publication_progress"] = SimpleLazyObject(publication_progress_read)
    return context
