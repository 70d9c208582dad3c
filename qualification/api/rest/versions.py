"""API views for criteria governance: versions, drafts, their diff, preview and publication.

Thin like the other views: the services decide (roles, stale drafts, invalid drafts,
four-eyes) and raise plain-worded errors that ``exceptions.exception_handler`` turns into
403/409/400. The permissions checked here are the pages' (``RolePermission`` plus the
per-action ones below), so a token gets no more than its user's role.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from qualification.api.rest.errors import ErrorSerializer, error_response
from qualification.api.rest.version_serializers import (
    DiffSerializer,
    DraftCreateSerializer,
    PreviewSerializer,
    PublishSerializer,
    RebaseSerializer,
    StaleDraftSerializer,
    VersionSerializer,
    change_dicts,
)
from qualification.models import CriteriaVersion
from qualification.roles import Perm
from qualification.selectors.versions import (
    drafts_list,
    latest_preview_read,
    preview_is_current,
    versions_list,
)
from qualification.services.versions import (
    draft_approve,
    draft_changes,
    draft_create,
    draft_delete,
    draft_publish,
    draft_rebase,
    published_version_ensure,
)

PREVIEW_ADD = "qualification.add_criteriapreview"
PREVIEW_VIEW = "qualification.view_criteriapreview"

STALE = OpenApiResponse(
    StaleDraftSerializer, description="The draft is stale: another version was published."
)
REFUSED = OpenApiResponse(ErrorSerializer, description="The role does not allow it.")
NO_PREVIEW = error_response("No such draft, or the draft has no preview yet.")
INVALID = OpenApiResponse(
    ErrorSerializer,
    description='Bad input naming the field, or the draft\'s problems: {"criteria": '
    '[{"criterion", "field", "message"}], "policy": [{"field", "message"}]}.',
)


def _detail(version: CriteriaVersion, context: dict[str, Any]) -> dict[str, Any]:
    """A version with its content; a draft's changes are its live diff."""
    context = {**context, "with_content": True}
    if version.is_draft:
        context["draft_changes"] = {version.pk: draft_changes(version)}
    return VersionSerializer(version, context=context).data


class VersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Every criteria version: the published one, then drafts, then retired ones."""

    queryset = CriteriaVersion.objects.all()
    serializer_class = VersionSerializer

    def get_queryset(self) -> QuerySet[CriteriaVersion]:
        return versions_list()

    @extend_schema(responses=VersionSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(_detail(self.get_object(), self.get_serializer_context()))


class DraftViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Drafts: make one, see its diff, preview it, approve, publish or rebase it."""

    queryset = CriteriaVersion.objects.all()
    serializer_class = VersionSerializer
    # Beyond RolePermission's view/add of CriteriaVersion, per action (method → perms).
    action_permissions: ClassVar[dict[str, dict[str, tuple[str, ...]]]] = {
        "destroy": {"DELETE": (Perm.DRAFT_CRITERIA,)},
        "preview": {"GET": (PREVIEW_VIEW,), "POST": (PREVIEW_ADD,)},
        "approve": {"POST": (Perm.PUBLISH_CRITERIA,)},
        "publish": {"POST": (Perm.PUBLISH_CRITERIA,)},
    }

    @property
    def extra_permissions(self) -> dict[str, tuple[str, ...]]:
        return self.action_permissions.get(getattr(self, "action", "") or "", {})

    def get_queryset(self) -> QuerySet[CriteriaVersion]:
        # Actions find published versions too, so a draft published meanwhile gets the
        # service's "already published" (409), not a 404.
        if self.action in ("list", "retrieve"):
            return drafts_list()
        return versions_list()

    @extend_schema(responses=VersionSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(_detail(self.get_object(), self.get_serializer_context()))

    @extend_schema(
        request=DraftCreateSerializer,
        responses={201: VersionSerializer, 400: INVALID, 403: REFUSED},
    )
    def create(self, request: Request) -> Response:
        incoming = DraftCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        draft = draft_create(user=request.user, title=data["title"], source=data.get("source"))
        return Response(
            _detail(draft, self.get_serializer_context()), status=status.HTTP_201_CREATED
        )

    def perform_destroy(self, instance: CriteriaVersion) -> None:
        draft_delete(user=self.request.user, draft=instance)

    @extend_schema(responses=DiffSerializer)
    @action(detail=True, methods=["get"])
    def diff(self, request: Request, pk: str | None = None) -> Response:
        draft = self.get_object()
        published = published_version_ensure()
        body = {
            "draft": draft,
            "published": published,
            "stale": draft.is_draft and draft.base_id != published.pk,
            "changes": change_dicts(draft_changes(draft)),
        }
        return Response(DiffSerializer(body).data)

    @extend_schema(methods=["GET"], responses={200: PreviewSerializer, 404: NO_PREVIEW})
    @extend_schema(
        methods=["POST"],
        request=None,
        responses={202: PreviewSerializer, 400: INVALID, 403: REFUSED},
    )
    @action(detail=True, methods=["get", "post"])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        """GET: the latest preview (its progress, then figures and backtest); POST: start one."""
        draft = self.get_object()
        if request.method == "POST":
            # Imported when used: the preview service is an edge above this module.
            from qualification.services.previews import preview_request

            made = preview_request(user=request.user, draft=draft)
            body = PreviewSerializer(made, context={"current": True}).data
            return Response(body, status=status.HTTP_202_ACCEPTED)
        preview = latest_preview_read(draft)
        if preview is None:
            raise NotFound("This draft has no preview yet; POST here to start one.")
        current = preview_is_current(preview, draft)
        return Response(PreviewSerializer(preview, context={"current": current}).data)

    @extend_schema(request=None, responses={200: VersionSerializer, 400: INVALID, 403: REFUSED})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        draft = draft_approve(user=request.user, draft=self.get_object())
        return Response(VersionSerializer(draft, context=self.get_serializer_context()).data)

    @extend_schema(
        request=PublishSerializer,
        responses={200: VersionSerializer, 400: INVALID, 403: REFUSED, 409: STALE},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Publish with a note; every lead is rescored in the background (``rescore``)."""
        draft = self.get_object()
        incoming = PublishSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        version = draft_publish(
            user=request.user, draft=draft, note=incoming.validated_data["note"]
        )
        return Response(VersionSerializer(version, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: RebaseSerializer, 400: INVALID, 403: REFUSED})
    @action(detail=True, methods=["post"])
    def rebase(self, request: Request, pk: str | None = None) -> Response:
        """Move the draft onto the published version; lists the fields both sides changed."""
        draft = self.get_object()
        conflicts = draft_rebase(user=request.user, draft=draft)
        body = {
            "draft": draft,
            "conflicts": [{"key": c.key, "field": c.field, "text": c.text} for c in conflicts],
        }
        return Response(RebaseSerializer(body, context=self.get_serializer_context()).data)
