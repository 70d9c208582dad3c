"""DRF throttles per signed-in user and per anonymous address (issue 14, defect 9).

Rates come from ``settings.LEADHUB_RATES`` when each request is throttled (DRF's own classes
bind theirs at import, which a settings change would not reach), and
``LEADHUB_RATE_LIMITS=off`` lets every request through.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from qualification.ratelimit import limits_on


class _Configured:
    rate_name = ""

    def get_rate(self) -> str:
        return settings.LEADHUB_RATES[self.rate_name]

    def allow_request(self, request, view) -> bool:
        return not limits_on() or super().allow_request(request, view)


class UserThrottle(_Configured, UserRateThrottle):
    rate_name = "api_user"


class AnonThrottle(_Configured, AnonRateThrottle):
    rate_name = "api_anon"
