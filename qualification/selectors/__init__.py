"""Reads: every query views, tables and tasks need, with a fixed number of queries."""
