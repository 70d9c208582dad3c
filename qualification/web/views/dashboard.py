"""Placeholder: filled in by the dashboard work (routes are included from qualification/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
