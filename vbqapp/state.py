"""Session-state keys, in one place so pages never collide or misspell them.

Page-only keys carry the page's prefix (``case_``, ``cohort_``, ``agree_``, ``match_``).
"""

from __future__ import annotations

__all__ = ["ACKNOWLEDGED_RESEARCH_USE"]

#: The user has read the research-use notice on the home page.
ACKNOWLEDGED_RESEARCH_USE = "acknowledged_research_use"
