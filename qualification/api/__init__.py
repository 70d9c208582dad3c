"""Edges for machines: the Segment-compatible tracking API."""
