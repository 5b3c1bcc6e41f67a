"""Follow the column of vertebral bodies from one found body to its neighbours, and to the CSF.

From a body (``vbqcore.roi.bodies.BodyFit``), the spine axis runs perpendicular to its
endplates. Sampling the slice along that axis, the intervertebral disc shows as the largest
departure from the body's marrow signal (bright on T2 in a healthy disc, dark when degenerated,
dark endplates on every sequence) and the next body as the return to it; the next body is then
grown from a seed half a body height past that return, and its own endplates give the next
axis, so a lordotic curve is followed body by body. The thecal sac lies behind the body (at
larger x when ``posterior`` is +1, the usual display with the patient facing left).
"""

from __future__ import annotations

import logging
import math

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from vbqcore.errors import RoiError
from vbqcore.roi.bodies import BodyFit, find_body, find_body_at_click
from vbqcore.roi.csf import CsfFit, find_csf

__all__ = ["next_body", "csf_behind"]

logger = logging.getLogger(__name__)


def _profile(
    image: npt.NDArray[np.float64],
    start: tuple[float, float],
    direction: tuple[float, float],
    across: tuple[float, float],
    distances: npt.NDArray[np.float64],
    half_width: float,
) -> npt.NDArray[np.float64]:
    """Mean of the image along ``direction`` from ``start`` (x, y), over a band ``across``."""
    offsets = np.linspace(-half_width, half_width, 7)
    xs = start[0] + distances[:, None] * direction[0] + offsets[None, :] * across[0]
    ys = start[1] + distances[:, None] * direction[1] + offsets[None, :] * across[1]
    # Pixel centres sit at +0.5: map_coordinates indexes pixel centres by integers.
    values = ndimage.map_coordinates(image, [ys - 0.5, xs - 0.5], order=1, mode="nearest")
    return np.asarray(values.mean(axis=1), dtype=float)


def next_body(
    image: npt.NDArray[np.float64],
    body: BodyFit,
    *,
    cranial: bool,
    spacing_mm: tuple[float, float] | None = None,
    label: str | None = None,
    gradient: npt.NDArray[np.float64] | None = None,
    posterior: int = 1,
) -> BodyFit:
    """The body above (``cranial``) or below ``body`` along the spine.

    Raises
    ------
    RoiError
        When no disc-then-body pattern is found within 2.5 body heights, or the region grown
        there is not a plausible neighbour (wrong place or size).
    """
    ax, ay = body.axis
    sign = -1.0 if cranial else 1.0
    direction = (sign * ax, sign * ay)
    across = (ay, -ax)
    step = 0.5
    distances = np.arange(0.0, 2.5 * body.height, step)
    profile = _profile(image, body.center, direction, across, distances, 0.2 * body.width)
    inside = profile[distances <= 0.3 * body.height]
    reference = float(np.median(inside))
    deviation = np.abs(profile - reference)
    window = (distances >= 0.35 * body.height) & (distances <= 1.4 * body.height)
    side = "above" if cranial else "below"
    where = f"{side} the body at x {body.center[0]:.0f}, y {body.center[1]:.0f}"
    if not window.any():
        raise RoiError(f"No room to look for the next body {where}.")
    k_sep = int(np.flatnonzero(window)[np.argmax(deviation[window])])
    peak = float(deviation[k_sep])
    back = np.flatnonzero((np.arange(len(distances)) > k_sep) & (deviation < 0.35 * peak))
    if peak < 0.05 or len(back) == 0:
        raise RoiError(
            f"No disc and next body found {where}: the signal along the spine does not change "
            "enough. Click that body yourself."
        )
    # Seeds across the expected next body; keep the plausible neighbour with the largest body.
    candidates: list[BodyFit] = []
    for fraction in (0.3, 0.45, 0.6, 0.75):
        d_seed = float(distances[back[0]]) + fraction * body.height
        x = body.center[0] + d_seed * direction[0]
        y = body.center[1] + d_seed * direction[1]
        seed = (int(math.floor(y)), int(math.floor(x)))
        if not (0 <= seed[0] < image.shape[0] and 0 <= seed[1] < image.shape[1]):
            continue
        try:
            found = find_body(
                image,
                seed,
                spacing_mm=spacing_mm,
                label=label,
                gradient=gradient,
                posterior=posterior,
            )
        except RoiError:
            continue
        gap = math.hypot(found.center[0] - body.center[0], found.center[1] - body.center[1])
        size = found.height / body.height
        if 0.6 * body.height <= gap <= 2.5 * body.height and 0.6 <= size <= 1.35:
            candidates.append(found)
    if not candidates:
        raise RoiError(
            f"No region {where} looks like the next vertebral body (a body of similar height "
            "one disc away). Click it yourself."
        )
    best = max(candidates, key=lambda fit: fit.region.area)
    # Complete it: probes around its centre reach marrow patches the first fill missed.
    centre = (int(math.floor(best.center[1])), int(math.floor(best.center[0])))
    try:
        whole = find_body_at_click(
            image,
            centre,
            spacing_mm=spacing_mm,
            label=label,
            gradient=gradient,
            posterior=posterior,
        )
    except RoiError:
        return best
    moved = math.hypot(whole.center[0] - best.center[0], whole.center[1] - best.center[1])
    plausible = 0.6 <= whole.height / body.height <= 1.35 and moved <= 0.35 * body.height
    return whole if plausible and whole.region.area >= best.region.area else best


def csf_behind(
    image: npt.NDArray[np.float64],
    body: BodyFit,
    *,
    posterior: int = 1,
    spacing_mm: tuple[float, float] | None = None,
    gradient: npt.NDArray[np.float64] | None = None,
) -> CsfFit:
    """The CSF in the thecal sac behind ``body`` (at its level).

    Samples lines parallel to the spine behind the body's posterior wall, up to 0.8 body
    depths away, and seeds the CSF finder where such a line is most uniform and most unlike
    marrow (bright on T2 and STIR, dark on T1): the sac is the widest band of lines that are
    uniform along the spine and at least half as unlike marrow as the most unlike line.
    """
    if posterior not in (1, -1):
        raise RoiError(f"posterior must be +1 or -1, got {posterior!r}.")
    t = math.radians(body.angle)
    out = (posterior * math.cos(t), posterior * math.sin(t))
    ax, ay = body.axis
    along = np.linspace(-0.3 * body.height, 0.3 * body.height, 13)
    reference = float(np.median(_profile(image, body.center, out, (ax, ay), np.zeros(1), 3.0)))
    offsets = np.arange(0.5 * body.width + 2.0, 1.3 * body.width, 1.0)
    if len(offsets) == 0:
        raise RoiError("No room behind the body to look for the CSF.")
    contrast = np.empty(len(offsets))
    spread = np.empty(len(offsets))
    for k, d in enumerate(offsets):
        px = body.center[0] + d * out[0]
        py = body.center[1] + d * out[1]
        line = _profile(image, (px, py), (ax, ay), out, along, 0.0)
        contrast[k] = abs(float(line.mean()) - reference)
        spread[k] = float(line.std())
    # The sac is the widest run of uniform lines clearly unlike marrow, not a thin dark wall.
    good = (contrast >= 0.5 * contrast.max()) & (spread <= 0.5 * contrast)
    labels, n = ndimage.label(good)
    if n == 0:
        raise RoiError("No CSF-like band found behind the body; click the CSF yourself.")
    widest = max(range(1, n + 1), key=lambda k: int((labels == k).sum()))
    d = float(np.median(offsets[labels == widest]))
    seed = (
        int(math.floor(body.center[1] + d * out[1])),
        int(math.floor(body.center[0] + d * out[0])),
    )
    if not (0 <= seed[0] < image.shape[0] and 0 <= seed[1] < image.shape[1]):
        raise RoiError("The CSF behind the body lies outside the image; click it yourself.")
    return find_csf(image, seed, spacing_mm=spacing_mm, gradient=gradient)
