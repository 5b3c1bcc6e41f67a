"""The sacrum below the lumbar column, as a proposal for the level anchor (L5 above the L5/S1
disc), which the reader confirms: never applied silently.

Method (image pixels; ``posterior`` as in ``vbqcore.roi.labels``): from a body, walk the column
caudally body by body with the one-click engine (``vbqcore.roi.column.next_body``: a disc then
a body of similar height). The lumbar column runs nearly straight from one body to the next
(lordosis turns it by ~5-10 degrees per level), while the lumbosacral junction turns it sharply
backwards: the sacral promontory juts forward and S1 sits behind and below L5 along the sacral
slope (lumbosacral angle; sacral slope ~40 degrees against ~0-15 for the lumbar endplates;
Legaye et al., Eur Spine J 1998;7:99-103). S1 is also smaller in AP depth than L5 (the sacral
body narrows caudally). So the first body reached by a step that turns **posteriorly** by at
least ``SACRAL_TURN_DEG`` (15) from the step before, and whose AP width is at most
``SACRAL_WIDTH_RATIO`` (0.85) of the body above it, is proposed as S1, and the body above it
as L5. When the walk stops before such a body (the slice ends, the signal gives no disc-body
pattern, a transitional vertebra), no sacrum is proposed and the reader anchors the levels
by hand.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

from skimage import filters

from vbqcore.anatomy import Level
from vbqcore.errors import RoiError
from vbqcore.imaging.slices import Slice
from vbqcore.roi.bodies import BodyFit, find_body_at_click
from vbqcore.roi.column import next_body
from vbqcore.roi.geometry import roi_center
from vbqcore.roi.levels import vertical_order
from vbqcore.roi.regions import normalise
from vbqcore.roi.shapes import Roi

__all__ = [
    "SACRAL_TURN_DEG",
    "SACRAL_WIDTH_RATIO",
    "MAX_STEPS",
    "SacrumProposal",
    "find_sacrum",
    "propose_anchor_from_sacrum",
]

logger = logging.getLogger(__name__)

#: A posterior turn of the column of at least this many degrees between two body-to-body steps.
SACRAL_TURN_DEG = 15.0
#: S1's AP width is at most this share of the body above (L5).
SACRAL_WIDTH_RATIO = 0.85
#: Bodies walked caudally at most (from T12: L1-L5 and S1).
MAX_STEPS = 6


@dataclass(frozen=True)
class SacrumProposal:
    """L5 and S1 as found (centres ``(x, y)`` px), the turn and the width ratio that told them
    apart, the mean body-to-body spacing of the lumbar steps walked (px) and the number of
    bodies walked from the start."""

    l5_center: tuple[float, float]
    s1_center: tuple[float, float]
    turn_deg: float
    width_ratio: float
    spacing_px: float
    steps: int

    @property
    def disc_center(self) -> tuple[float, float]:
        """Midpoint between the L5 and S1 centres (on or near the L5/S1 disc)."""
        return (
            (self.l5_center[0] + self.s1_center[0]) / 2,
            (self.l5_center[1] + self.s1_center[1]) / 2,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "l5_center": list(self.l5_center),
            "s1_center": list(self.s1_center),
            "disc_center": list(self.disc_center),
            "turn_deg": self.turn_deg,
            "width_ratio": self.width_ratio,
            "spacing_px": self.spacing_px,
            "steps": self.steps,
        }


def _step(a: BodyFit, b: BodyFit) -> tuple[float, float]:
    return b.center[0] - a.center[0], b.center[1] - a.center[1]


def _posterior_turn(d1: tuple[float, float], d2: tuple[float, float], posterior: int) -> float:
    """Signed angle (degrees) from step ``d1`` to step ``d2``, positive towards the canal."""
    cross = d1[0] * d2[1] - d1[1] * d2[0]
    dot = d1[0] * d2[0] + d1[1] * d2[1]
    # Going caudally (+y), a turn towards +x has a negative cross product in image axes.
    return -posterior * math.degrees(math.atan2(cross, dot))


def find_sacrum(
    image: Slice, start: tuple[int, int], *, posterior: int = 1
) -> SacrumProposal | None:
    """Walk caudally from the body at ``start`` (row, col) and find L5 and S1, or ``None``.

    Raises
    ------
    RoiError
        When no vertebral body is found at ``start`` (the reader's ROI is not on a body).
    """
    if posterior not in (1, -1):
        raise RoiError(f"posterior must be +1 or -1, got {posterior!r}.")
    g = normalise(image.pixels)
    grad = filters.sobel(g)  # once for every body grown on the walk
    spacing = image.pixel_spacing_mm
    body = find_body_at_click(g, start, spacing_mm=spacing, gradient=grad, posterior=posterior)
    walked = [body]
    for _ in range(MAX_STEPS):
        try:
            walked.append(
                next_body(
                    g,
                    walked[-1],
                    cranial=False,
                    spacing_mm=spacing,
                    gradient=grad,
                    posterior=posterior,
                )
            )
        except RoiError as err:
            logger.info("sacrum: walk stopped after %d bodies (%s)", len(walked), err)
            break
        if len(walked) < 3:
            continue
        above, l5, s1 = walked[-3], walked[-2], walked[-1]
        turn = _posterior_turn(_step(above, l5), _step(l5, s1), posterior)
        ratio = s1.width / l5.width if l5.width > 0 else float("nan")
        if turn >= SACRAL_TURN_DEG and ratio <= SACRAL_WIDTH_RATIO:
            lumbar = [
                math.hypot(*_step(a, b)) for a, b in zip(walked[:-2], walked[1:-1], strict=True)
            ]
            return SacrumProposal(
                l5_center=l5.center,
                s1_center=s1.center,
                turn_deg=turn,
                width_ratio=ratio,
                spacing_px=sum(lumbar) / len(lumbar),
                steps=len(walked) - 1,
            )
    return None


def propose_anchor_from_sacrum(
    image: Slice, rois: tuple[Roi, ...] | list[Roi], *, posterior: int = 1
) -> tuple[int, Level, SacrumProposal] | None:
    """The anchor the sacrum gives: (index of the lowest body ROI, its level, the proposal).

    The walk starts at the lowest body ROI's centre; that ROI is ``L5`` minus the number of
    lumbar steps walked to reach L5 (so an ROI on L3 is L3 when two bodies lie between it and
    the sacrum). ``None`` when no sacrum is found, or when the count would go above T12.

    Raises
    ------
    RoiError
        When there is no body ROI, or none is found under the lowest one.
    """
    order = vertical_order(rois)
    if not order:
        raise RoiError(
            "Draw at least one vertebral-body ROI (not the CSF) before proposing the levels "
            "from the sacrum."
        )
    lowest = order[-1]
    x, y = roi_center(rois[lowest])
    try:
        proposal = find_sacrum(image, (int(math.floor(y)), int(math.floor(x))), posterior=posterior)
    except RoiError as err:
        raise RoiError(
            f"No vertebral body found under ROI #{lowest + 1}, the lowest body ROI: "
            f"{err} Move it onto the body, then ask again."
        ) from err
    if proposal is None:
        return None
    levels = tuple(Level)
    index = levels.index(Level.L5) - (proposal.steps - 1)
    if index < 0:
        return None
    return lowest, levels[index], proposal
