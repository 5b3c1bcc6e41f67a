"""VBQ scores of the demo cohort: per-stratum values built to Tables 1–3, then given to patients.

Two steps, both deterministic:

1. :func:`score_marginals` builds, for each score and each group × sex stratum, the sorted values
   the stratum will hold. They are normal (VBQ-T1, -T2, -STIR) or shifted log-normal
   (VBQ-T2-STIR, right-skewed as its SD of 0.437 on a mean of 0.987 shows) quantiles, split at
   the published Youden cut-off into the published numbers of patients above and below it
   (Table 3), and scaled on each side of the cut-off so that each stratum's mean and SD are the
   published ones exactly (Table 1). The values nearest the cut-off are then moved just far
   enough that the cut-off is the one Youden optimum of the pooled groups (see
   :func:`_dominance_pass`). These values do not depend on the seed.
2. :func:`assign_scores` hands the values of a stratum to its patients through a Gaussian copula
   (seeded), so that VBQ-T1 and VBQ-T2-STIR carry their group difference only through their
   correlation with VBQ-T2 — the pattern of Table 4's multivariable model.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import optimize, stats

from vbqcore.paper.published import Group, PublishedTables, Subgroup

__all__ = [
    "SCORES",
    "SEXES",
    "Stratum",
    "ScoreShape",
    "SCORE_SHAPES",
    "COPULA",
    "RHO_RANGE",
    "STIR_GAP",
    "score_marginals",
    "assign_scores",
]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

#: The scores, as the cohort's columns name them, in the copula's order.
SCORES: tuple[str, ...] = ("vbq_t1", "vbq_t2", "vbq_stir", "vbq_t2_stir")
#: Sex values and the Table 1 block each one reads.
SEXES: Mapping[str, Subgroup] = {"F": Subgroup.FEMALE, "M": Subgroup.MALE}

#: A stratum: (group, sex), e.g. ("fracture", "F").
Stratum = tuple[str, str]


@dataclass(frozen=True)
class ScoreShape:
    """How one score's stratum values are shaped before scaling to the published moments.

    ``skew`` is the log-normal shape parameter per group (0 = normal quantiles); ``youden`` says
    whether Table 3 gives the score a cut-off to build in; ``gap`` is the smallest distance, in
    SDs of the control women, kept between a fracture and a control value next to each other
    around the cut-off, so that rounding the SIs cannot move the Youden optimum.
    """

    skew: Mapping[str, float]
    youden: bool
    gap: float = 0.005


#: VBQ-T2-STIR is right-skewed (a fracture SD of 0.437 on a mean of 0.987 while no value can
#: fall below VBQ-T2): log-normal quantiles with these shapes put its AUC at 0.644 (Table 2's
#: abstract figure) and its smallest values above the VBQ-T2 of the same stratum.
SCORE_SHAPES: Mapping[str, ScoreShape] = {
    "vbq_t1": ScoreShape({"fracture": 0.0, "control": 0.0}, youden=True),
    "vbq_t2": ScoreShape({"fracture": 0.0, "control": 0.0}, youden=True),
    "vbq_stir": ScoreShape({"fracture": 0.0, "control": 0.0}, youden=False),
    "vbq_t2_stir": ScoreShape({"fracture": 1.2, "control": 0.7}, youden=True),
}

#: Correlations of the latent normal variables behind (VBQ-T1, VBQ-T2, VBQ-STIR, VBQ-T2-STIR)
#: within a stratum. VBQ-T1 and VBQ-T2-STIR are correlated with VBQ-T2 and independent of each
#: other given VBQ-T2 (r13 = r12·r23, ...), so that VBQ-T2 alone keeps its effect when the three
#: enter one logistic model (Huang et al. 2026, Table 4).
_R12, _R23, _R2S = 0.72, 0.65, 0.30
COPULA: FloatArray = np.array(
    [
        [1.0, _R12, _R12 * _R2S, _R12 * _R23],
        [_R12, 1.0, _R2S, _R23],
        [_R12 * _R2S, _R2S, 1.0, _R23 * _R2S],
        [_R12 * _R23, _R23, _R23 * _R2S, 1.0],
    ]
)

#: Allowed CSF STIR/T2 SI ratio. VBQ-T2-STIR = (VBQ-T2 − ρ·VBQ-STIR)/(1 − ρ) with ρ that ratio,
#: so a patient's VBQ-T2-STIR must exceed their VBQ-T2 by enough for ρ to stay in this range.
RHO_RANGE: tuple[float, float] = (0.1, 0.95)
#: Smallest difference VBQ-T2 − VBQ-STIR of a patient.
STIR_GAP = 0.08

_MAX_PASSES = 200
_FORBIDDEN = 1e12


def _target(tables: PublishedTables, score: str, group: str, sex: str) -> tuple[float, float]:
    row = tables.summary(score, SEXES[sex])
    values = row.values(group)
    return values["mean"], values["sd"]


def _template(n: int, n_below: int, dist: Any, cut: float) -> FloatArray:
    """Quantiles of ``dist`` with exactly ``n_below`` values below ``cut``.

    The values below are the quantiles of ``dist`` truncated above at ``cut`` (plotting positions
    (i − 0.5)/n), the others those of ``dist`` truncated below at ``cut``.
    """
    p_cut = float(dist.cdf(cut))
    below = p_cut * (np.arange(1, n_below + 1) - 0.5) / n_below
    above = p_cut + (1.0 - p_cut) * (np.arange(1, n - n_below + 1) - 0.5) / (n - n_below)
    return np.sort(np.concatenate([dist.ppf(below), dist.ppf(above)]))


def _distribution(mean: float, sd: float, skew: float) -> Any:  # a frozen scipy distribution
    if skew == 0.0:
        return stats.norm(mean, sd)
    # A log-normal of shape ``skew`` moved and scaled to the wanted mean and SD.
    var = (math.exp(skew**2) - 1.0) * math.exp(skew**2)
    centre = math.exp(skew**2 / 2.0)
    scale = sd / math.sqrt(var)
    return stats.lognorm(skew, loc=mean - scale * centre, scale=scale)


def _side_scale(x: FloatArray, cut: float, mean: float, sd: float) -> FloatArray:
    """Scale the values below and above ``cut`` about it (a_lo, a_hi) to the exact mean and SD.

    Each value keeps its side of the cut-off. With u = cut − x below and v = x − cut above, the
    mean fixes a_hi·Σv − a_lo·Σu = n(mean − cut) and the SD fixes a_hi²Σv² + a_lo²Σu² =
    (n − 1)sd² + n(mean − cut)²: a quadratic in a_lo.
    """
    n = x.size
    below = x < cut
    u, v = cut - x[below], x[~below] - cut
    su, sv, su2, sv2 = float(u.sum()), float(v.sum()), float((u**2).sum()), float((v**2).sum())
    if su == 0.0 or sv == 0.0:
        raise ValueError(f"demo cohort: values on only one side of {cut} cannot be scaled about it")
    shift = n * (mean - cut)
    second = (n - 1) * sd**2 + n * (mean - cut) ** 2
    qa = (su / sv) ** 2 * sv2 + su2
    qb = 2.0 * shift * su / sv**2 * sv2
    qc = (shift / sv) ** 2 * sv2 - second
    disc = qb * qb - 4.0 * qa * qc
    a_lo = (-qb + math.sqrt(disc)) / (2.0 * qa) if disc >= 0 and qa > 0 else math.nan
    a_hi = (shift + a_lo * su) / sv
    if not (a_lo > 0 and a_hi > 0):
        raise ValueError(f"demo cohort: no scaling about {cut} gives mean {mean} and SD {sd}")
    return np.where(below, cut - a_lo * (cut - x), cut + a_hi * (x - cut))


def _dominance_pass(cells: dict[Stratum, FloatArray], cut: float, gap: float) -> bool:
    """Move values so that ``cut`` is the one Youden optimum; True if anything moved.

    For a threshold t above the cut-off, J(t) < J(cut) needs more fracture than control values in
    [cut, t); below it, more control than fracture values in [t, cut). With the values above the
    cut-off sorted upwards this holds when the (j + 1)-th fracture value lies below the j-th
    control value, for every j; below, mirrored. A control value breaking this is pushed up (a
    fracture value below the cut-off is pushed down) to ``gap`` beyond its bound.
    """
    moved = False
    fracture_above = np.sort(
        np.concatenate([x[x >= cut] for (g, _), x in cells.items() if g == Group.FRACTURE])
    )
    owners = [
        (float(v), key, i)
        for key, x in cells.items()
        if key[0] == Group.CONTROL
        for i, v in enumerate(x)
        if v >= cut
    ]
    for j, (v, key, i) in enumerate(sorted(owners)):
        bound = fracture_above[j + 1] + gap
        if v < bound:
            cells[key][i] = bound
            moved = True
    control_below = np.sort(
        np.concatenate([x[x < cut] for (g, _), x in cells.items() if g == Group.CONTROL])
    )[::-1]
    owners = [
        (float(v), key, i)
        for key, x in cells.items()
        if key[0] == Group.FRACTURE
        for i, v in enumerate(x)
        if v < cut
    ]
    for j, (v, key, i) in enumerate(sorted(owners, reverse=True)):
        bound = control_below[j + 1] - gap
        if v > bound:
            cells[key][i] = bound
            moved = True
    return moved


def _split(
    tables: PublishedTables, score: str, group: str, n_below: int, cut: float, skew: float
) -> dict[str, int]:
    """Share ``n_below`` between the sexes in proportion to each one's expected count below."""
    expected = {}
    for sex, sub in SEXES.items():
        mean, sd = _target(tables, score, group, sex)
        expected[sex] = float(_distribution(mean, sd, skew).cdf(cut)) * _stratum_size(tables, sub)
    women = round(n_below * expected["F"] / (expected["F"] + expected["M"]))
    women = min(max(women, 1), n_below - 1)
    return {"F": women, "M": n_below - women}


def _stratum_size(tables: PublishedTables, sub: Subgroup) -> int:
    """Patients per group in a sex block (Table 1: 69 women and 15 men in each group)."""
    women = int(tables.summary("sex", Subgroup.ALL).values(Group.FRACTURE)["count"])
    return women if sub is Subgroup.FEMALE else tables.group_sizes[Group.FRACTURE] - women


def score_marginals(tables: PublishedTables) -> dict[str, dict[Stratum, FloatArray]]:
    """The sorted values of every score in every (group, sex) stratum.

    Returns
    -------
    dict
        ``{score: {(group, sex): sorted values}}``; each stratum has the published mean and SD
        exactly (Table 1, with its erratum) and, for scores of Table 3, the published numbers of
        fracture patients at or above and controls below the cut-off, which is the only
        Youden-optimal threshold of the pooled groups.
    """
    out: dict[str, dict[Stratum, FloatArray]] = {}
    cutoffs = {row.variable: row for row in tables.table3}
    n_group = tables.group_sizes[Group.FRACTURE]
    for score in SCORES:
        shape = SCORE_SHAPES[score]
        cells: dict[Stratum, FloatArray] = {}
        if not shape.youden:
            for group in Group:
                for sex, sub in SEXES.items():
                    mean, sd = _target(tables, score, group, sex)
                    n = _stratum_size(tables, sub)
                    z = stats.norm.ppf((np.arange(1, n + 1) - 0.5) / n)
                    cells[(group, sex)] = mean + sd * (z - z.mean()) / z.std(ddof=1)
            out[score] = cells
            continue
        row = cutoffs[score]
        cut = row.cutoff
        below = {
            Group.FRACTURE: n_group - round(row.sensitivity * n_group / 100.0),
            Group.CONTROL: round(row.specificity * tables.group_sizes[Group.CONTROL] / 100.0),
        }
        for group in Group:
            skew = shape.skew[group]
            split = _split(tables, score, group, below[group], cut, skew)
            for sex, sub in SEXES.items():
                mean, sd = _target(tables, score, group, sex)
                dist = _distribution(mean, sd, skew)
                template = _template(_stratum_size(tables, sub), split[sex], dist, cut)
                cells[(group, sex)] = _side_scale(template, cut, mean, sd)
        gap = shape.gap * _target(tables, score, Group.CONTROL, "F")[1]
        for _ in range(_MAX_PASSES):
            if not _dominance_pass(cells, cut, gap):
                break
            for (arm, sex), x in cells.items():
                mean, sd = _target(tables, score, arm, sex)
                cells[(arm, sex)] = _side_scale(np.sort(x), cut, mean, sd)
        else:  # pragma: no cover - the published figures converge in a few passes
            raise ValueError(f"demo cohort: {score} values did not settle around {cut}")
        out[score] = {key: np.sort(x) for key, x in cells.items()}
    return out


def _rho(t2: FloatArray, stir: FloatArray, t2_stir: FloatArray) -> FloatArray:
    """CSF STIR/T2 SI ratio that makes (t2 − ρ·stir)/(1 − ρ) equal ``t2_stir``."""
    return np.asarray((t2_stir - t2) / (t2_stir - stir), dtype=np.float64)


def _redeal(
    values: FloatArray, latent: FloatArray, col: int, allowed: npt.NDArray[np.bool_]
) -> FloatArray:
    """Re-deal column ``col`` of a stratum so that patient i only gets a value j where
    ``allowed[i, j]``, as close as possible (least squares in ranks) to the copula's deal
    (``scipy.optimize.linear_sum_assignment``)."""
    pool = values[:, col]
    wanted = np.argsort(np.argsort(latent[:, col], kind="stable"), kind="stable")
    have = np.argsort(np.argsort(pool, kind="stable"), kind="stable")
    cost = np.where(allowed, (wanted[:, None] - have[None, :]) ** 2, _FORBIDDEN).astype(float)
    rows, cols = optimize.linear_sum_assignment(cost)
    if np.any(cost[rows, cols] >= _FORBIDDEN):
        raise ValueError("demo cohort: the scores of a stratum cannot be dealt consistently")
    out = values.copy()
    out[rows, col] = pool[cols]
    return out


def _consistent(values: FloatArray, latent: FloatArray) -> FloatArray:
    """Make every patient's scores physically consistent, changing the copula's deal least.

    VBQ-STIR must stay :data:`STIR_GAP` below VBQ-T2 (the bodies are darker relative to CSF on
    STIR than on T2); then VBQ-T2-STIR must give a ρ = (t2_stir − t2)/(t2_stir − stir) in
    :data:`RHO_RANGE`.
    """
    t2 = values[:, 1]
    out = _redeal(values, latent, 2, values[None, :, 2] <= t2[:, None] - STIR_GAP)
    stir, pool = out[:, 2], out[:, 3]
    rho = (pool[None, :] - t2[:, None]) / (pool[None, :] - stir[:, None])
    return _redeal(out, latent, 3, (rho >= RHO_RANGE[0]) & (rho <= RHO_RANGE[1]))


def assign_scores(
    marginals: Mapping[str, Mapping[Stratum, FloatArray]],
    strata: Mapping[Stratum, int],
    rng: np.random.Generator,
) -> dict[Stratum, FloatArray]:
    """Give each patient of a stratum one value of each score.

    Parameters
    ----------
    marginals
        From :func:`score_marginals`.
    strata
        Number of patients per (group, sex) stratum, in the order patients are listed.
    rng
        Source of the latent normal variables (:data:`COPULA`).

    Returns
    -------
    dict
        ``{(group, sex): array (n, 4)}``: the scores in :data:`SCORES` order, row i for the
        stratum's i-th patient. Every stratum keeps exactly its marginal values.
    """
    chol = np.linalg.cholesky(COPULA)
    out: dict[Stratum, FloatArray] = {}
    for key, n in strata.items():
        latent = rng.standard_normal((n, len(SCORES))) @ chol.T
        columns = []
        for j, score in enumerate(SCORES):
            ranks = np.argsort(np.argsort(latent[:, j], kind="stable"), kind="stable")
            columns.append(np.asarray(marginals[score][key])[ranks])
        out[key] = _consistent(np.column_stack(columns), latent)
    return out
