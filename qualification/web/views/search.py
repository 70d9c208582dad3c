"""Lead search: the results page behind the header's search box (``/search/?q=``).

Thin: the selector cleans the query and finds the leads; the template says what happened
(nothing typed, too long, nothing found, capped). Anyone who may open lead pages may search,
since every result links to one; the header shows the box only to them.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from qualification.core.search import EMPTY, MAX_QUERY_LENGTH, TOO_LONG
from qualification.roles import Perm
from qualification.selectors.search import lead_search
from qualification.web.access import requires


# The lead page's permission (views/leads.py): a result is only useful if it can be opened.
@requires(Perm.VIEW_LEADS)
def lead_search_page(request: HttpRequest) -> HttpResponse:
    """Matches for ``q``; an empty, overlong or unmatched query gets a page that says so."""
    raw = request.GET.get("q", "")
    results = lead_search(text=raw)
    problem = results.query.problem
    context = {
        "results": results,
        # The header box shows it again: the cleaned text, or the start of a refused one.
        "search_query": results.query.text or ("" if problem == EMPTY else raw[:MAX_QUERY_LENGTH]),
        "empty": problem == EMPTY,
        "too_long": problem == TOO_LONG,
        "max_length": MAX_QUERY_LENGTH,
    }
    status = 400 if problem == TOO_LONG else 200
    return render(request, "qualification/search/results.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("search/", lead_search_page, name="lead-search"),
]
