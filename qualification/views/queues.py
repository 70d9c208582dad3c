"""SDR queues: MQL, PQL, combined and mine (django-tables2 + django-filter)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
