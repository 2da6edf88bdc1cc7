"""Mentor Desk: an offline workbench for building a management mentoring program."""

__version__ = "0.1.0"
