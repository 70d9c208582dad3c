"""/api/ routes: leads, feedback, glossary, criteria and their versions and drafts, the
OpenAPI schema and its docs."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from qualification.api.rest import versions, views

router = SimpleRouter()
# Before "criteria": its detail route (criteria/{key}/) would otherwise take these.
router.register("criteria/versions", versions.VersionViewSet, basename="api-criteria-version")
router.register("criteria/drafts", versions.DraftViewSet, basename="api-criteria-draft")
router.register("leads", views.LeadViewSet, basename="api-lead")
router.register("glossary", views.GlossaryTermViewSet, basename="api-glossary")
router.register("criteria", views.CriterionViewSet, basename="api-criterion")

urlpatterns = [
    path("feedback/", views.FeedbackCreateView.as_view(), name="api-feedback"),
    # Any signed-in user (token or session) may read the schema: SERVE_PERMISSIONS.
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # A browser page, so anonymous visitors go to the login page rather than get a 401.
    # The split view serves Swagger UI's initializer as a script file (?script), not inline,
    # so the page passes the Content-Security-Policy.
    path(
        "docs/",
        login_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="api-schema", template_name="qualification/api_docs.html"
            )
        ),
        name="api-docs",
    ),
    path("", include(router.urls)),
]
