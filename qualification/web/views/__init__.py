"""Thin views, one module per area: foundation (overview, glossary, criteria), queues, leads."""

from qualification.web.views.foundation import criteria_list, glossary_detail, glossary_list, home

__all__ = ["criteria_list", "glossary_detail", "glossary_list", "home"]
