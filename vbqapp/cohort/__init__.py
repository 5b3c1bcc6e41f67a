"""Cohort explorer: data source, column mapping, filters, cached analyses and their views."""
