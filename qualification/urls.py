from django.urls import path

from qualification.web import views
from qualification.web.views import (
    dashboard,
    health,
    leads,
    notifications,
    queue_tools,
    queues,
    saved_views,
    versions,
)
from qualification.web.views import search as search_views

urlpatterns = [
    path("", views.home, name="home"),
    path("glossary/", views.glossary_list, name="glossary-list"),
    path("glossary/<slug:slug>/", views.glossary_detail, name="glossary-detail"),
    path("criteria/", views.criteria_list, name="criteria-list"),
    *queues.urlpatterns,
    *queue_tools.urlpatterns,
    *saved_views.urlpatterns,
    *leads.urlpatterns,
    *search_views.urlpatterns,
    *versions.urlpatterns,
    *health.urlpatterns,
    *dashboard.urlpatterns,
    *notifications.urlpatterns,
]
