"""The tracking plan's wire format: pure parsing and validation of Segment-style payloads."""
