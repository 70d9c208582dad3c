"""API views: thin. Filters are parsed here, writes go through the services, and every
list reads a fixed number of queries whatever the page holds.

DRF marks its views ``login_required = False``, so LoginRequiredMiddleware leaves them to
DRF's own authentication (token or session) and a token client gets a JSON 401/403, not
a redirect to the login page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from qualification.api.rest.errors import parameter_error
from qualification.api.rest.serializers import (
    CriterionSerializer,
    FeedbackCreateSerializer,
    FeedbackSerializer,
    GlossaryTermSerializer,
    LeadDetailSerializer,
    LeadSerializer,
)
from qualification.core.params import INT_MAX, ParameterError, storable_moment, whole_number
from qualification.models import CriteriaVersion, Criterion, Feedback, GlossaryTerm, Lead
from qualification.models.choices import LifecycleStage, Queue, Tier
from qualification.roles import Perm
from qualification.selectors.criteria import criterion_list
from qualification.selectors.leads import LeadFilters, lead_list
from qualification.services.lead_actions import feedback_record


def _choice(params: dict[str, str], name: str, allowed: list[str]) -> str | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    if value not in allowed:
        raise ValidationError({name: [f"Choose one of: {', '.join(allowed)}."]})
    return value


def _tier(value: str | None) -> int | None:
    """A tier by number (4) or name (hot): scripts use either."""
    if value in (None, ""):
        return None
    by_name = {label.lower(): number for number, label in Tier.choices}
    if value.lower() in by_name:
        return by_name[value.lower()]
    try:
        number = whole_number(value, name="tier", maximum=max(Tier.values))
    except ParameterError:
        number = None
    if number in Tier.values:
        return number
    names = ", ".join(f"{n} or {label.lower()}" for n, label in Tier.choices)
    raise ValidationError({"tier": [f"Choose one of: {names}."]})


def _owner(value: str | None, user) -> dict[str, Any]:
    """The owner filter as ``LeadFilters`` fields: a user id, "me" or "none" (unowned)."""
    if value in (None, ""):
        return {}
    if value == "me":
        return {"owner_id": user.pk}
    if value == "none":
        return {"unowned": True}
    try:
        # auth's user ids are PostgreSQL integers.
        return {"owner_id": whole_number(value, name="owner", minimum=1, maximum=INT_MAX)}
    except ParameterError:
        raise ValidationError(
            {"owner": [f'Give a user id (1 to {INT_MAX}), "me" or "none".']}
        ) from None


def _updated_since(value: str | None) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        when = parse_datetime(value)
    except ValueError:
        when = None
    if when is None:
        raise ValidationError(
            {"updated_since": ["Give an ISO 8601 date and time, e.g. 2026-01-31T09:00:00Z."]}
        )
    if timezone.is_naive(when):
        when = timezone.make_aware(when, timezone.get_current_timezone())
    try:
        return storable_moment(when, name="updated_since")
    except ParameterError as error:
        raise parameter_error(error) from None


LEAD_FILTERS = [
    OpenApiParameter("queue", str, enum=Queue.values, description="Leads in this queue."),
    OpenApiParameter("tier", str, description="1-4 or cold, cool, warm, hot."),
    OpenApiParameter("stage", str, enum=LifecycleStage.values),
    OpenApiParameter("owner", str, description='A user id, "me" or "none" (unowned).'),
    OpenApiParameter(
        "updated_since",
        OpenApiTypes.DATETIME,
        description="Only leads changed at or after this time (ISO 8601).",
    ),
]


@extend_schema_view(list=extend_schema(parameters=LEAD_FILTERS))
class LeadViewSet(viewsets.ReadOnlyModelViewSet):
    """Leads in queue priority order (tier, score, latest signal), with their reasons."""

    queryset = Lead.objects.select_related("account", "owner")

    def get_serializer_class(self):
        return LeadDetailSerializer if self.action == "retrieve" else LeadSerializer

    def get_queryset(self) -> QuerySet[Lead]:
        if self.action == "list":
            leads = lead_list(filters=self._filters(self.request))
        else:
            leads = super().get_queryset()
        # The number of the version each score was computed with, in the same query.
        return leads.annotate(criteria_version_number=F("criteria_version__number"))

    def _filters(self, request: Request) -> LeadFilters:
        """Parse every filter up front; a bad value is a 400 naming the parameter."""
        params = request.query_params
        queue = _choice(params, "queue", Queue.values)
        stage = _choice(params, "stage", LifecycleStage.values)
        tier = _tier(params.get("tier"))
        owner = _owner(params.get("owner"), request.user)
        since = _updated_since(params.get("updated_since"))
        return LeadFilters(
            queues=(queue,) if queue else (),
            stages=(stage,) if stage else (),
            tier=tier,
            updated_since=since,
            **owner,
        )


class FeedbackCreateView(GenericAPIView):
    """Record what sales learned about a lead (same rules as the lead page)."""

    permission_model = Feedback
    extra_permissions: ClassVar[dict[str, tuple[str, ...]]] = {"POST": (Perm.WORK_QUEUE,)}
    serializer_class = FeedbackCreateSerializer

    @extend_schema(request=FeedbackCreateSerializer, responses={201: FeedbackSerializer})
    def post(self, request: Request) -> Response:
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        feedback = feedback_record(
            lead_id=data["lead_id"],
            user=request.user,
            outcome=data["outcome"],
            reason=data.get("reason", ""),
            note=data.get("note", ""),
        )
        return Response(FeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)


class GlossaryTermViewSet(viewsets.ReadOnlyModelViewSet):
    """The shared glossary, with the keys of the criteria that implement each term."""

    # Only the published version's criteria: every version holds its own row per key.
    queryset = GlossaryTerm.objects.prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.published().order_by("key"))
    ).order_by("term")
    serializer_class = GlossaryTermSerializer
    lookup_field = "slug"


VERSION_PARAMETER = OpenApiParameter(
    "version",
    int,
    description="A criteria version's id (a draft or an earlier version); default: published.",
)


@extend_schema_view(
    list=extend_schema(parameters=[VERSION_PARAMETER]),
    retrieve=extend_schema(parameters=[VERSION_PARAMETER]),
)
class CriterionViewSet(viewsets.ReadOnlyModelViewSet):
    """Scoring criteria of the published version (or ``?version=ID``), active and inactive
    (``is_active`` says which)."""

    queryset = Criterion.objects.all()
    serializer_class = CriterionSerializer
    lookup_field = "key"

    def get_queryset(self) -> QuerySet[Criterion]:
        raw = self.request.query_params.get("version")
        try:
            version = whole_number(raw, name="version", minimum=1)
        except ParameterError as error:
            raise parameter_error(error) from None
        if version is None:
            criteria = criterion_list()
        elif CriteriaVersion.objects.filter(pk=version).exists():
            criteria = Criterion.objects.filter(version_id=version).select_related("glossary_term")
        else:
            raise ValidationError({"version": [f"No criteria version with id {version}."]})
        return criteria.order_by("kind", "-points", "name", "pk")
