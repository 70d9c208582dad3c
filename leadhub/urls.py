"""Top-level URLs: the admin, login/logout and the qualification app."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views import defaults

from qualification.api.segment import error as json_error

admin.site.site_header = "LeadHub administration"
admin.site.site_title = "LeadHub admin"
admin.site.index_title = "Criteria, glossary, SLAs and data"
admin.site.enable_nav_sidebar = False  # list pages need the width more than the menu


@login_not_required
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Resolved per request: in production the hashed name exists only after collectstatic."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A 404 under the APIs is JSON ``{code, message}`` like their other errors."""
    if request.path_info.startswith(("/api/", "/v1/")):
        return json_error(404, "not_found", f"{request.path}: no such API endpoint or object.")
    return defaults.page_not_found(request, exception)


handler404 = not_found

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
