"""One-click ROI suggestions: seeds (a label and a clicked pixel) in, labelled ROIs out.

A body seed (T12, L1 ... L5) gives an ROI in the central part of that vertebral body
(``vbqcore.roi.bodies``); a CSF seed a narrow strip in the thecal sac (``vbqcore.roi.csf``).
With ``follow``, one body seed proposes L1-L4 and the CSF at L3 by walking the column of bodies
(``vbqcore.roi.column``). Every ROI comes with a ``confidence`` in [0, 1] and plain
``warnings``: these are suggestions for the reader to check, move or delete, never measurements
accepted silently. Seeds are ``(row, col)`` image pixels; ROIs use the ``measure`` command's
format (x = column, y = row, origin at the top-left corner of the image).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from skimage import filters

from vbqcore.anatomy import CSF, ROI_LABELS, Level
from vbqcore.errors import RoiError
from vbqcore.imaging.slices import Slice
from vbqcore.roi.bodies import BodyFit, find_body_at_click
from vbqcore.roi.column import csf_behind, next_body
from vbqcore.roi.csf import MIN_CSF_PIXELS, CsfFit, find_csf
from vbqcore.roi.regions import normalise
from vbqcore.roi.shapes import RectRoi, roi_mask

__all__ = ["Seed", "Suggestion", "suggest_rois", "CLEAR_EDGE", "MAX_CV"]

logger = logging.getLogger(__name__)

#: Peripheral contrast (normalised units per px) from which an outline counts as clear.
CLEAR_EDGE = 0.05
#: Coefficient of variation above which an ROI's signal is too heterogeneous to trust.
MAX_CV = 0.25
_SEED_RE = re.compile(r"^\s*([A-Za-z0-9]+)\s*=\s*(-?\d+)\s*,\s*(-?\d+)\s*$")
_CORE = tuple(level.value for level in (Level.L1, Level.L2, Level.L3, Level.L4))


@dataclass(frozen=True)
class Seed:
    """A click: the intended label and the pixel ``(row, col)`` clicked."""

    label: str
    row: int
    col: int

    def __post_init__(self) -> None:
        if self.label not in ROI_LABELS:
            raise RoiError(
                f"Seed label {self.label!r} is not one of {', '.join(ROI_LABELS)}; "
                "write it like L3=120,88."
            )

    @classmethod
    def parse(cls, text: str) -> Seed:
        """Read ``LABEL=ROW,COL`` (e.g. ``L3=212,140``); the label is case-insensitive."""
        match = _SEED_RE.match(text)
        if match is None:
            raise RoiError(
                f"Seed {text!r} is not LABEL=ROW,COL (e.g. L3=212,140 or CSF=215,188, image "
                "pixels, row first)."
            )
        label = match.group(1).upper()
        return cls(label, int(match.group(2)), int(match.group(3)))

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "row": self.row, "col": self.col}


@dataclass(frozen=True)
class Suggestion:
    """A suggested ROI with its confidence and warnings.

    ``seed`` is the click it came from, ``None`` when it was found by following the column.
    ``to_dict`` gives the ``measure`` ROI format plus ``confidence``, ``warnings``, ``seed``
    and ``suggested`` (always true: the reader has not accepted it yet).
    """

    roi: RectRoi
    confidence: float
    warnings: tuple[str, ...]
    seed: Seed | None = None

    def to_dict(self) -> dict[str, Any]:
        out = self.roi.to_dict()
        out.update(
            confidence=round(self.confidence, 3),
            warnings=list(self.warnings),
            seed=None if self.seed is None else [self.seed.row, self.seed.col],
            suggested=True,
        )
        return out


def _iv(image: Slice, seeds: Sequence[Seed]) -> None:
    """Every seed on the image, and at most one per label."""
    rows, cols = image.shape
    seen: set[str] = set()
    for seed in seeds:
        if not (0 <= seed.row < rows and 0 <= seed.col < cols):
            raise RoiError(
                f"Seed {seed.label}={seed.row},{seed.col} is outside the image, which has rows "
                f"0 to {rows - 1} and columns 0 to {cols - 1} (row first)."
            )
        if seed.label in seen:
            raise RoiError(f"Two seeds for {seed.label}; give one click per label.")
        seen.add(seed.label)
    if not seeds:
        raise RoiError("No seed given; click inside a vertebral body or the CSF.")


def _signal_warnings(values: np.ndarray, label: str) -> tuple[float, list[str]]:
    mean = float(values.mean())
    cv = float(values.std(ddof=1) / mean) if len(values) > 1 and mean > 0 else float("nan")
    notes = []
    if not cv <= MAX_CV:
        notes.append(
            f"{label}: the signal inside is heterogeneous (CV {cv:.2f}); check for a "
            "haemangioma, the basivertebral vein, a Schmorl node or a disc inside the ROI."
        )
    return cv, notes


def _body_suggestion(fit: BodyFit, image: Slice, seed: Seed | None) -> Suggestion:
    label = fit.roi.label or "body"
    mask = roi_mask(fit.roi, image.shape)
    cv, notes = _signal_warnings(image.pixels[mask], label)
    if fit.inside < 0.9:
        notes.append(
            f"{label}: only {100 * fit.inside:.0f}% of the ROI lies inside the body found; "
            "move it inside the body."
        )
    if fit.region.contrast < CLEAR_EDGE:
        notes.append(f"{label}: the body's outline is faint; check the ROI sits on the body.")
    if abs(fit.angle) > 30:
        notes.append(f"{label}: the body is tilted {fit.angle:.0f} degrees; check the ROI.")
    confidence = _confidence(fit.inside, fit.region.contrast, cv)
    return Suggestion(fit.roi, confidence, tuple(notes), seed)


def _csf_suggestion(fit: CsfFit, image: Slice, seed: Seed | None) -> Suggestion:
    mask = roi_mask(fit.roi, image.shape)
    cv, notes = _signal_warnings(image.pixels[mask], CSF)
    n = int(mask.sum())
    if n < 2 * MIN_CSF_PIXELS:
        notes.append(
            f"CSF: the ROI has only {n} pixels; zoom in, or measure the CSF at L2 or L4 where "
            "the sac is wider."
        )
    confidence = _confidence(fit.inside, fit.region.contrast, cv)
    return Suggestion(fit.roi, confidence, tuple(notes), seed)


def _confidence(inside: float, contrast: float, cv: float) -> float:
    """Product of: ROI inside the structure, outline clarity, and signal homogeneity.

    Homogeneity is 1 up to ``MAX_CV``; a heterogeneous ROI (flagged) gets at most 0.6, falling
    to 0 at twice ``MAX_CV`` above it.
    """
    clarity = min(1.0, contrast / CLEAR_EDGE)
    homogeneity = 1.0 if cv <= MAX_CV else max(0.0, 0.6 * (1.0 - (cv - MAX_CV) / (2 * MAX_CV)))
    if cv != cv:  # NaN: a one-pixel ROI
        homogeneity = 0.0
    return float(max(0.0, min(1.0, inside)) * clarity * homogeneity)


def suggest_rois(
    image: Slice,
    seeds: Sequence[Seed],
    *,
    follow: bool = False,
    posterior: int = 1,
) -> list[Suggestion]:
    """Suggested ROIs for the seeds on one sagittal slice.

    Parameters
    ----------
    image : Slice
        The (mid-sagittal) slice.
    seeds : sequence of Seed
        One click per label, inside the intended body or the CSF.
    follow : bool
        From the first body seed, also propose the other L1-L4 bodies (following the column)
        and, when no CSF seed is given, the CSF behind L3. Levels that cannot be followed are
        left out with a warning on the seed's suggestion.
    posterior : {1, -1}
        +1 when the spinal canal lies at larger x than the bodies (the usual display).

    Returns
    -------
    list of Suggestion
        In cranio-caudal order of labels (T12 ... L5, then CSF).

    Raises
    ------
    RoiError
        A seed outside the image, an unknown label, or no structure found around a seed.
    """
    _iv(image, seeds)
    g = normalise(image.pixels)
    grad = filters.sobel(g)
    spacing = image.pixel_spacing_mm
    found: dict[str, Suggestion] = {}
    fits: dict[str, BodyFit] = {}
    for seed in seeds:
        where = (seed.row, seed.col)
        if seed.label == CSF:
            fit_csf = find_csf(g, where, spacing_mm=spacing, gradient=grad)
            found[CSF] = _csf_suggestion(fit_csf, image, seed)
        else:
            fit = find_body_at_click(
                g,
                where,
                spacing_mm=spacing,
                label=seed.label,
                gradient=grad,
                posterior=posterior,
            )
            fits[seed.label] = fit
            found[seed.label] = _body_suggestion(fit, image, seed)
    if follow and fits:
        _follow(image, g, grad, fits, found, posterior)
    order = {label: i for i, label in enumerate(ROI_LABELS)}
    return [found[k] for k in sorted(found, key=order.__getitem__)]


def _follow(
    image: Slice,
    g: np.ndarray,
    grad: np.ndarray,
    fits: dict[str, BodyFit],
    found: dict[str, Suggestion],
    posterior: int,
) -> None:
    levels = [level.value for level in Level]
    start = next(iter(fits))
    problems: list[str] = []
    lo, hi = levels.index(Level.L1.value), levels.index(Level.L4.value)
    i0 = levels.index(start)
    for step in (-1, 1):
        current = fits[start]
        i = i0 + step
        while min(lo, i0) <= i <= max(hi, i0) and 0 <= i < len(levels):
            label = levels[i]
            if label in fits:
                current = fits[label]
                i += step
                continue
            try:
                current = next_body(
                    g,
                    current,
                    cranial=step < 0,
                    spacing_mm=image.pixel_spacing_mm,
                    label=label,
                    gradient=grad,
                    posterior=posterior,
                )
            except RoiError as err:
                problems.append(f"{label} not proposed: {err}")
                break
            fits[label] = current
            if label in _CORE:
                found[label] = _body_suggestion(current, image, None)
            i += step
    if CSF not in found and Level.L3.value in fits:
        try:
            fit_csf = csf_behind(
                g,
                fits[Level.L3.value],
                posterior=posterior,
                spacing_mm=image.pixel_spacing_mm,
                gradient=grad,
            )
            found[CSF] = _csf_suggestion(fit_csf, image, None)
        except RoiError as err:
            problems.append(f"CSF not proposed: {err}")
    if problems:
        first = found[start]
        found[start] = Suggestion(
            first.roi, first.confidence, first.warnings + tuple(problems), first.seed
        )
