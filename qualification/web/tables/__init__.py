"""django-tables2 tables (display only): the criteria list and the SDR queues."""

from qualification.web.tables.criteria import CriterionTable
from qualification.web.tables.queue import QueueTable

__all__ = ["CriterionTable", "QueueTable"]
