"""URLs of the Segment-compatible tracking API, mounted at ``/v1/``."""

from django.urls import path

from qualification.api.segment import VIEWS

urlpatterns = [path(endpoint, view, name=f"segment-{endpoint}") for endpoint, view in VIEWS.items()]
