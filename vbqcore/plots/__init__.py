"""Plotly figures drawn from vbqcore result objects: they never compute a statistic themselves."""
