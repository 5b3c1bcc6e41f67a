"""Per-level MR signal intensities (SIs) behind a demo patient's VBQ scores.

The SIs imitate ROI means on a 1.5 T GE scanner in arbitrary units: bone about 300–600 and CSF
about 80–150 on T1 (CSF darker than bone); CSF about 800–1500 and bone about 0.5–0.65 of it on
T2; bone about a third of the CSF on STIR. Each level scatters around the patient's mean; a
fractured body is oedematous (darker on T1, brighter on T2 and STIR). The SIs of the bodies a
score uses (L1–L4, a fractured one replaced by T12/L5 as :func:`vbqcore.vbq.select_levels`
decides) average exactly to the target score times the CSF SI, so the scores recomputed from
the SIs by :func:`vbqcore.vbq.compute_vbq` equal the targets up to the rounding of the SIs.

VBQ-T2-STIR follows from the others and the CSF SIs: with vT2 and vS the bodies' mean SI over the
CSF SI on T2 and on STIR, and ρ = CSF STIR SI / CSF T2 SI,
VBQ-T2-STIR = (vT2 − ρ·vS)/(1 − ρ). The CSF STIR SI is set to ρ·(CSF T2 SI) with the ρ that
gives the target (Huang et al., Global Spine J 2026;16(1):162–170, "Measuring VBQ Scores").
"""

from __future__ import annotations

import logging
from collections.abc import Collection

import numpy as np

from vbqcore.anatomy import Level
from vbqcore.vbq import select_levels

__all__ = ["SI_DECIMALS", "si_columns", "patient_signals"]

logger = logging.getLogger(__name__)

#: SIs are written with two decimals (an ROI mean of many pixels).
SI_DECIMALS = 2

_SEQUENCES = ("T1", "T2", "STIR")
_SITES = tuple(level.value for level in Level) + ("CSF",)

#: CSF SI on T1 and on T2: mean, SD and the range kept (arbitrary units, GE-like at 1.5 T).
_CSF_T1 = (110.0, 12.0, 70.0, 160.0)
_CSF_T2 = (1100.0, 120.0, 750.0, 1500.0)
#: Level-to-level scatter of the bodies' SI around the patient's mean (relative SD), and how much
#: of a body's T1 deviation it shares on T2 and on STIR (fat raises T1 and T2 SI, not STIR).
_SCATTER = 0.045
_SHARED_T2, _SHARED_STIR = 0.6, -0.2
#: Oedema of a fractured body: SI relative to the patient's mean body SI (uniform ranges).
_OEDEMA = {"T1": (0.55, 0.80), "T2": (1.15, 1.45), "STIR": (1.8, 2.8)}
#: A fractured body stays below the CSF on T2 and STIR (fraction of the CSF SI).
_BELOW_CSF = 0.95


def si_columns() -> tuple[str, ...]:
    """SI column names in file order: ``T1_T12 … T1_L5, T1_CSF, T2_T12 …, STIR_CSF``."""
    return tuple(f"{seq}_{site}" for seq in _SEQUENCES for site in _SITES)


def _csf(rng: np.random.Generator, spec: tuple[float, float, float, float]) -> float:
    mean, sd, low, high = spec
    return float(np.clip(rng.normal(mean, sd), low, high))


def patient_signals(
    scores: tuple[float, float, float, float],
    fractured: Collection[Level],
    rng: np.random.Generator,
) -> dict[str, float]:
    """SIs for one patient whose scores are ``(VBQ-T1, VBQ-T2, VBQ-STIR, VBQ-T2-STIR)``.

    Parameters
    ----------
    scores
        Target scores; VBQ-T2-STIR must exceed VBQ-T2, which must exceed VBQ-STIR.
    fractured
        Fractured bodies (0–2 of T12–L5).
    rng
        Source of the CSF SIs, the level scatter and the oedema.

    Returns
    -------
    dict
        ``{"T1_T12": SI, ..., "STIR_CSF": SI}``, every SI positive, rounded to
        :data:`SI_DECIMALS`.
    """
    vbq_t1, vbq_t2, vbq_stir, vbq_t2_stir = scores
    if not vbq_stir < vbq_t2 < vbq_t2_stir:
        raise ValueError("demo cohort: scores must satisfy VBQ-STIR < VBQ-T2 < VBQ-T2-STIR")
    broken = frozenset(fractured)
    used = select_levels(tuple(Level), broken).levels_used
    csf = {"T1": _csf(rng, _CSF_T1), "T2": _csf(rng, _CSF_T2)}
    rho = (vbq_t2_stir - vbq_t2) / (vbq_t2_stir - vbq_stir)
    csf["STIR"] = rho * csf["T2"]
    ratio = {"T1": vbq_t1, "T2": vbq_t2, "STIR": vbq_stir}

    base = rng.normal(0.0, _SCATTER, len(Level))
    deviation = {
        "T1": base,
        "T2": _SHARED_T2 * base + rng.normal(0.0, _SCATTER * 0.8, len(Level)),
        "STIR": _SHARED_STIR * base + rng.normal(0.0, _SCATTER, len(Level)),
    }
    oedema = {seq: rng.uniform(*_OEDEMA[seq], len(Level)) for seq in _SEQUENCES}
    used_idx = [level.order for level in used]
    out: dict[str, float] = {}
    for seq in _SEQUENCES:
        mean_si = ratio[seq] * csf[seq]
        dev = deviation[seq] - deviation[seq][used_idx].mean()  # the used bodies average exactly
        for level in Level:
            if level in broken:
                factor = float(oedema[seq][level.order])
                if seq != "T1":
                    factor = min(factor, _BELOW_CSF * csf[seq] / mean_si)
                si = mean_si * factor
            elif level in used:
                si = mean_si * (1.0 + dev[level.order])
            else:
                si = mean_si * (1.0 + deviation[seq][level.order])
            out[f"{seq}_{level.value}"] = round(si, SI_DECIMALS)
        out[f"{seq}_CSF"] = round(csf[seq], SI_DECIMALS)
    return out
