"""Helpers behind the detection CLI (scan, eval reports)."""
