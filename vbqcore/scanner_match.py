"""Whether a published cut-off applies to this scan: field strength and vendor compared with the
scanner the cut-off was derived on."""

from __future__ import annotations

import logging
import re

from vbqcore.cutoffs import Cutoff
from vbqcore.imaging.slices import Protocol

__all__ = ["cutoff_source", "scanner_warnings"]

logger = logging.getLogger(__name__)

#: Field strengths closer than this (tesla) count as the same.
_FIELD_TOLERANCE_T = 0.05


def _same_vendor(manufacturer: str, vendor: str) -> bool:
    words = re.findall(r"[a-z]+", manufacturer.lower())
    if vendor.lower() == "ge":
        return "ge" in words or "general electric" in " ".join(words)
    return vendor.lower() in manufacturer.lower()


def scanner_warnings(cutoff: Cutoff, protocol: Protocol | None) -> list[str]:
    """Warnings when the scan's field strength or vendor differs from (or cannot be compared
    with) the scanner the cut-off was derived on."""
    # Worded per source, not per threshold, so one source's cut-offs share one warning.
    derived = f"the cut-offs of {cutoff_source(cutoff)} were derived on {cutoff.scanner}"
    field = protocol.field_strength_t if protocol else None
    maker = (protocol.manufacturer or "").strip() if protocol else ""
    if field is None and not maker:
        return [f"Scanner unknown: {derived}; they may not apply to this scan."]
    out: list[str] = []
    if field is None:
        out.append(f"Field strength unknown: {derived}; they may not apply.")
    elif cutoff.field_strength_t is not None and (
        abs(field - cutoff.field_strength_t) > _FIELD_TOLERANCE_T
    ):
        out.append(
            f"Scan at {field:g} T, but {derived}: VBQ values differ between field strengths, "
            "so the cut-offs may not apply."
        )
    if not maker:
        out.append(f"Scanner vendor unknown: {derived}; they may not apply.")
    elif cutoff.scanner_vendor and not _same_vendor(maker, cutoff.scanner_vendor):
        out.append(
            f"Scanner vendor {maker} is not {cutoff.scanner_vendor}: {derived}; SIs depend "
            "on the vendor's sequences, so the cut-offs may not apply."
        )
    return out


def cutoff_source(cutoff: Cutoff) -> str:
    """``"Huang et al. 2026"``: how messages name the source of a cut-off."""
    author = cutoff.citation.split(" ", 1)[0].rstrip(",")
    year = re.search(r"\b(?:19|20)\d{2}\b", cutoff.citation)
    return f"{author} et al. {year.group(0) if year else ''}".strip()
