"""UI-side helpers of the Streamlit app: page registry, session-state keys, cached vbqcore calls.

Everything scientific lives in ``vbqcore``; this package only arranges it for Streamlit.
"""
