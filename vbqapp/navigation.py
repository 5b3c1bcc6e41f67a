"""The app's pages in one list, read by ``app.py`` (navigation) and the home page (links)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PageSpec", "PAGES"]


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the repository root, as st.Page wants it
    title: str
    icon: str
    summary: str  # one line for the home page
    heading: str  # the page's st.title, which tests wait for
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "pages/home.py",
        "Home",
        ":material/home:",
        "What VBQ is and how to use this tool.",
        "VBQ Dashboard",
        default=True,
    ),
    PageSpec(
        "pages/case.py",
        "Case",
        ":material/radiology:",
        "Upload a patient's T1, T2 and STIR slices, draw labelled ROIs, get the VBQ and a report.",
        "Case",
    ),
    PageSpec(
        "pages/cohort.py",
        "Cohort explorer",
        ":material/query_stats:",
        "Filter a cohort; Table 1, score distributions, ROC with cut-offs, regression, subgroups.",
        "Cohort explorer",
    ),
    PageSpec(
        "pages/reproduce.py",
        "Reproduce the paper",
        ":material/fact_check:",
        "Huang et al. 2026 Tables 1–4: published figures beside the synthetic demo cohort's.",
        "Reproduce the paper",
    ),
    PageSpec(
        "pages/agreement.py",
        "Observer agreement",
        ":material/compare_arrows:",
        "Bland–Altman (absolute and %) and ICC of two observers' or two sessions' SI readings.",
        "Observer agreement",
    ),
    PageSpec(
        "pages/matching.py",
        "Case–control matching",
        ":material/join_inner:",
        "1:1 sex- and age-matching of cases to controls, with the flow of counts (Figure 1).",
        "Case–control matching",
    ),
    PageSpec(
        "pages/cutoffs.py",
        "Cut-offs",
        ":material/menu_book:",
        "Published VBQ thresholds by target (osteoporosis, fracture, screw loosening, subsidence).",
        "Cut-offs",
    ),
    PageSpec(
        "pages/registry.py",
        "Registry",
        ":material/database:",
        "Measured cases kept in a database: search, relabel, export to the cohort explorer.",
        "Registry",
    ),
)
