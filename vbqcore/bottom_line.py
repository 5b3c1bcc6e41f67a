"""The one sentence on top of the scores: what they say together, led by VBQ-T2, never stronger
than the evidence behind the cut-offs."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from vbqcore.uncertainty import Zone
from vbqcore.vbq import ScoreName

if TYPE_CHECKING:  # only for annotations: interpretation imports this module
    from vbqcore.interpretation import CutoffComparison

__all__ = ["LEAD_SCORE", "LEAD_REASON", "bottom_line"]

logger = logging.getLogger(__name__)

#: The score the bottom line leads with: in Huang et al., Global Spine J 2026;16(1):162-170
#: (Table 4), multivariable logistic regression kept VBQ-T2, not VBQ-T1 or VBQ-T2-STIR, as an
#: independent risk factor of OVCF.
LEAD_SCORE = ScoreName.VBQ_T2
LEAD_REASON = (
    "the only independent predictor of OVCF in the derivation study's multivariable analysis"
)

_PHRASE = {
    Zone.ABOVE: "above its {cut:g} cut-off",
    Zone.BELOW: "below its {cut:g} cut-off",
    Zone.BORDERLINE: "borderline at its {cut:g} cut-off",
}


def _first_per_score(comparisons: Iterable[CutoffComparison]) -> dict[ScoreName, CutoffComparison]:
    out: dict[ScoreName, CutoffComparison] = {}
    for c in comparisons:
        out.setdefault(c.score, c)
    return out


def _caveat(lead: CutoffComparison) -> str:
    auc = "" if lead.cutoff.auc is None else f"derivation-cohort AUC {lead.cutoff.auc:.2f}, "
    return (
        f"a research indication, not a diagnosis ({auc}one {lead.cutoff.scanner} cohort, not "
        "validated externally)"
    )


def bottom_line(
    comparisons: Sequence[CutoffComparison],
    *,
    computed: Iterable[ScoreName] = (),
    screenshot: bool = False,
) -> str:
    """One sentence combining the scores.

    Leads with VBQ-T2 (:data:`LEAD_REASON`) when it was compared with a cut-off, else with the
    first score that was; names each other score whose zone differs from the lead's; says when
    the lead's comparison carries warnings (another scanner or field strength, the median,
    substituted levels); ends with what the result is not. Screenshot-derived scores are never
    given a zone here.

    Parameters
    ----------
    comparisons : sequence of CutoffComparison
        The interpretation's comparisons (the first cut-off of each score is used).
    computed : iterable of ScoreName
        Every computed score, to say when VBQ-T2 is missing.
    screenshot : bool
        Whether any SI came from a screenshot.
    """
    first = _first_per_score(comparisons)
    readable = {s: c for s, c in first.items() if c.interpretable and c.zone is not None}
    if not first:
        return (
            "No published cut-off applies to the computed score(s): the values are shown for "
            "research use only."
        )
    if not readable:
        reason = "the SIs come from screenshots" if screenshot else "no score could be compared"
        return (
            "Not interpretable against the published cut-offs: "
            f"{reason} (display values, not scanner SIs); the ratios are shown for research use "
            "within these images only."
        )
    lead_name = LEAD_SCORE if LEAD_SCORE in readable else next(iter(readable))
    lead = readable[lead_name]
    assert lead.zone is not None and lead.interval is not None and lead.cutoff.value is not None
    head = (
        f"{lead_name.label} {lead.value:.3f} ({lead.interval.text()}) is "
        f"{_PHRASE[lead.zone].format(cut=lead.cutoff.value)}"
    )
    if lead_name is LEAD_SCORE:
        head += f" and leads, as {LEAD_REASON}"
    elif LEAD_SCORE in first:
        head += f"; {LEAD_SCORE.label}, {LEAD_REASON}, is not interpretable here"
    elif LEAD_SCORE not in set(computed):
        head += f"; {LEAD_SCORE.label}, {LEAD_REASON}, was not measured"
    others = [c for s, c in readable.items() if s is not lead_name]
    differ = [f"{c.score.label} ({c.zone}) disagrees" for c in others if c.zone is not lead.zone]
    agree = [f"{c.score.label} ({c.zone}) agrees" for c in others if c.zone is lead.zone]
    parts = [head, *differ, *agree]
    unread = [s.label for s, c in first.items() if s not in readable and s is not lead_name]
    if unread and lead_name is LEAD_SCORE:
        parts.append(" and ".join(unread) + " not interpretable (screenshot)")
    if lead.warnings:  # scanner, aggregate or levels differ from the derivation study
        parts.append(
            f"the {lead_name.label} comparison carries {len(lead.warnings)} warning(s) (scanner, "
            "method or levels differ from the derivation study), so it may not apply"
        )
    parts.append(_caveat(lead))
    return "; ".join(parts) + "."
