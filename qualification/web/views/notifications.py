"""Placeholder: filled in by the notifications work (routes are included from qualification/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
