"""Huang et al. 2026: published tables, the synthetic demo cohort, the reproduction."""
