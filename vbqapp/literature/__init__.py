"""Streamlit side of the cut-off library: the default-target setting shared by two pages."""
