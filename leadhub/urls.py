"""Top-level URLs: the admin, login/logout and the qualification app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

admin.site.site_header = "LeadHub administration"
admin.site.site_title = "LeadHub admin"
admin.site.index_title = "Criteria, glossary, SLAs and data"
admin.site.enable_nav_sidebar = False  # list pages need the width more than the menu


@login_not_required
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Resolved per request: in production the hashed name exists only after collectstatic."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


handler404 = "qualification.web.errors.not_found"
handler500 = "qualification.web.errors.server_error"

urlpatterns = [
    # Browsers ask for /favicon.ico on every page (the admin has no <link rel="icon">).
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("v1/", include("qualification.api.segment_urls")),
    path("api/", include("qualification.api.rest.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("qualification.urls")),
]
