"""The lead page and the SDR actions on a lead (claim, first touch, feedback, recycle, disqualify)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
