"""A synthetic sagittal lumbar spine: T12-L5 bodies with a cortical rim, discs and a thecal sac.

Bodies are rotated rectangles placed along a curve (``lordosis`` px of anterior bow over the
column, tilted with it), so the true outline, tilt and marrow value of every body are known, as
are the sac's outline and CSF value. Values are T2-like (bright CSF and, optionally, bright
discs) or T1-like (dark CSF, dark discs). The canal is at larger x (patient facing left).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from skimage import draw

LEVELS = ("T12", "L1", "L2", "L3", "L4", "L5")


@dataclass(frozen=True)
class SpinePhantom:
    """The image and the truth behind it (masks, body centres ``(x, y)``, tilts in degrees)."""

    pixels: npt.NDArray[np.float64]
    bodies: dict[str, npt.NDArray[np.bool_]]
    centers: dict[str, tuple[float, float]]
    tilts: dict[str, float]
    sac: npt.NDArray[np.bool_]
    marrow: float
    csf: float

    def seed(self, label: str) -> tuple[int, int]:
        """A click (row, col) near the middle of a body, or in the sac at L3 for ``CSF``."""
        if label == "CSF":
            rr, cc = np.nonzero(self.sac)
            row = int(round(self.centers["L3"][1]))
            cols = cc[rr == row]
            return row, int(cols.mean())
        x, y = self.centers[label]
        return int(y), int(x)


def _rect(cx: float, cy: float, w: float, h: float, angle: float, shape: tuple[int, int]):
    t = math.radians(angle)
    ux, uy = math.cos(t), math.sin(t)  # along the endplates
    vx, vy = -math.sin(t), math.cos(t)  # along the spine
    corners = [
        (cx + sx * w / 2 * ux + sy * h / 2 * vx, cy + sx * w / 2 * uy + sy * h / 2 * vy)
        for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))
    ]
    rr, cc = draw.polygon([p[1] - 0.5 for p in corners], [p[0] - 0.5 for p in corners], shape)
    mask = np.zeros(shape, dtype=bool)
    mask[rr, cc] = True
    return mask


def make_spine(
    *,
    size: int = 512,
    body_height: float = 44.0,
    body_depth: float = 60.0,
    disc_height: float = 14.0,
    lordosis: float = 0.0,
    tilt: float = 0.0,
    noise: float = 0.0,
    contrast: str = "T2",
    seed: int = 0,
    sacrum_turn: float | None = None,
) -> SpinePhantom:
    """Build the phantom.

    ``lordosis`` bows the column anteriorly (px at the middle of the column, relative to its
    ends); ``tilt`` adds a constant rotation (degrees, clockwise on screen) to the whole spine;
    ``noise`` is the SD of added Gaussian noise; ``contrast`` "T2" or "T1". ``sacrum_turn``
    (degrees) adds a sacrum below L5: the L5/S1 disc, then S1 (3/4 of L5's AP depth, 0.9 of its
    height) on an axis turned that much posteriorly, and S2 fused to it (no disc, a cortical
    line only); its centre is ``centers["S1"]``.
    """
    shape = (size, size)
    rng = np.random.default_rng(seed)
    marrow, csf = (100.0, 260.0) if contrast == "T2" else (200.0, 40.0)
    disc = 150.0 if contrast == "T2" else 70.0
    cortex, soft = 12.0, 55.0
    image = np.full(shape, soft)
    period = body_height + disc_height
    top = size / 2 - period * (len(LEVELS) - 1) / 2
    span = period * (len(LEVELS) - 1)
    bodies: dict[str, npt.NDArray[np.bool_]] = {}
    centers: dict[str, tuple[float, float]] = {}
    tilts: dict[str, float] = {}
    x_mid = size * 0.42
    t0 = math.radians(tilt)
    for i, level in enumerate(LEVELS):
        s = i * period - span / 2  # along the column, centred
        # Anterior bow: x shifts by -lordosis * (1 - (2s/span)^2); the body tilts with the curve.
        dx = -lordosis * (1 - (2 * s / span) ** 2) if span else 0.0
        slope = lordosis * 8 * s / span**2 if span else 0.0  # d(dx)/ds
        angle = -math.degrees(math.atan(slope)) + tilt
        # Rotate the column about the image centre by the global tilt.
        px, py = x_mid + dx, top + i * period
        cx = size / 2 + (px - size / 2) * math.cos(t0) - (py - size / 2) * math.sin(t0)
        cy = size / 2 + (px - size / 2) * math.sin(t0) + (py - size / 2) * math.cos(t0)
        outer = _rect(cx, cy, body_depth, body_height, angle, shape)
        inner = _rect(cx, cy, body_depth - 6, body_height - 6, angle, shape)
        image[outer] = cortex
        image[inner] = marrow
        # Disc below, between this body and the next.
        if i < len(LEVELS) - 1:
            dcx = cx - (period / 2) * math.sin(math.radians(angle))
            dcy = cy + (period / 2) * math.cos(math.radians(angle))
            disc_mask = _rect(dcx, dcy, body_depth * 0.9, disc_height - 2, angle, shape)
            image[disc_mask & ~outer] = disc
        bodies[level] = inner
        centers[level] = (cx, cy)
        tilts[level] = angle
    if sacrum_turn is not None:
        cx, cy = centers["L5"]
        a5 = math.radians(tilts["L5"])
        a1 = tilts["L5"] - sacrum_turn  # turned towards +x (the canal) going caudally
        r1 = math.radians(a1)
        dcx, dcy = cx - (period / 2) * math.sin(a5), cy + (period / 2) * math.cos(a5)
        s1x = dcx - (period / 2) * math.sin(r1)
        s1y = dcy + (period / 2) * math.cos(r1)
        h1, w1 = 0.9 * body_height, 0.75 * body_depth
        s2x = s1x - 0.9 * h1 * math.sin(r1)
        s2y = s1y + 0.9 * h1 * math.cos(r1)
        for x, y, w, h in ((s2x, s2y, 0.6 * body_depth, 0.8 * body_height), (s1x, s1y, w1, h1)):
            outer = _rect(x, y, w, h, a1, shape)
            image[outer] = cortex
            image[_rect(x, y, w - 6, h - 6, a1, shape)] = marrow
        disc_mask = _rect(
            dcx, dcy, body_depth * 0.8, disc_height - 2, (tilts["L5"] + a1) / 2, shape
        )
        image[disc_mask & (image != cortex) & (image != marrow)] = disc
        centers["S1"] = (s1x, s1y)
        tilts["S1"] = a1
    # Thecal sac: a band behind the bodies following their posterior walls.
    sac = np.zeros(shape, dtype=bool)
    wall = np.zeros(shape, dtype=bool)
    for level in LEVELS:
        cx, cy = centers[level]
        a = math.radians(tilts[level])
        off = body_depth / 2 + 8 + 11
        sx, sy = cx + off * math.cos(a), cy + off * math.sin(a)
        wall |= _rect(sx, sy, 30, period + 2, tilts[level], shape)
        sac |= _rect(sx, sy, 22, period + 2, tilts[level], shape)
    image[wall & ~sac] = cortex
    image[sac] = csf
    if noise > 0:
        image = image + rng.normal(0.0, noise, shape)
    return SpinePhantom(
        pixels=np.clip(image, 0, None),
        bodies=bodies,
        centers=centers,
        tilts=tilts,
        sac=sac,
        marrow=marrow,
        csf=csf,
    )
