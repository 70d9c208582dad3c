"""django-tables2 tables (display only): the criteria list and the SDR queues, both built on
``base.BaseTable`` (the shared Meta) and ``base.CellColumn`` (template-drawn cells)."""

from qualification.web.tables.criteria import CriterionTable
from qualification.web.tables.queue import QueueTable

__all__ = ["CriterionTable", "QueueTable"]
