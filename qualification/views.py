"""Thin views: check the role, call a selector, render."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Criterion, GlossaryTerm


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "qualification/home.html", {})


@permission_required("qualification.view_glossaryterm", raise_exception=True)
def glossary_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "qualification/glossary_list.html", {"terms": GlossaryTerm.objects.all()}
    )


@permission_required("qualification.view_glossaryterm", raise_exception=True)
def glossary_detail(request: HttpRequest, slug: str) -> HttpResponse:
    term = get_object_or_404(GlossaryTerm, slug=slug)
    return render(request, "qualification/glossary_detail.html", {"term": term})


@permission_required("qualification.view_criterion", raise_exception=True)
def criteria_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "qualification/criteria_list.html", {"criteria": Criterion.objects.all()}
    )
