"""Cohort tables: mapping columns, filters, table scores, analyses, subgroups."""
