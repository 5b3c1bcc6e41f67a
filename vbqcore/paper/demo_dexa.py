"""DEXA results of the demo cohort: BMD, T- and Z-scores with Table 1's medians and quartiles.

For each site (femoral neck, L1–L4) and group, the values of the women and of the men are the
integer-grid solution (BMD in mg/cm², T/Z in tenths, as DEXA reports print them) of a small
mixed-integer programme (scipy's HiGHS ``milp``): stay as close as possible (L1) to a seeded
template while the SPSS weighted-average median and quartiles (position p·(n + 1)) of the women,
of the men and of both together equal Table 1's figures to their printed precision. Binary
variables choose how the women's and men's values interleave, since the quartiles of both
together depend on it.

The T-score template is the BMD solution on a sex-specific reference line (BMD = mean + SD·T)
fitted to the published BMD and T-score quartile pairs; the Z-score template is the T-score
solution moved by the published median difference. Within a stratum the three are given to
patients in the same order, as a DEXA report's BMD, T and Z are.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import sparse, stats
from scipy.optimize import Bounds, LinearConstraint, milp

from vbqcore.paper.published import Group, PublishedTables, Subgroup

__all__ = [
    "DEXA_SITES",
    "DEXA_MEASURES",
    "DEXA_COLUMNS",
    "DexaDesign",
    "dexa_column",
    "dexa_design",
    "weibull_positions",
]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

#: Sites as the column prefixes spell them, and their names in Table 1.
DEXA_SITES: Mapping[str, str] = {"fn": "Femoral neck", "l14": "L1-L4"}
#: Measures: BMD (g/cm²), T-score and Z-score (SD units), with the grid a report prints them on.
DEXA_MEASURES: Mapping[str, float] = {"bmd": 0.001, "t": 0.1, "z": 0.1}
#: Columns of the cohort file, e.g. ``fn_bmd``, ``l14_z``.
DEXA_COLUMNS: tuple[str, ...] = tuple(f"{s}_{m}" for s in DEXA_SITES for m in DEXA_MEASURES)

#: Largest distance from a printed quartile (2 decimals): BMD within 0.001 g/cm²; T/Z quartiles
#: of 0.1-grid values fall on 0.025 steps, so −2.375 must count for the printed −2.38.
_TOLERANCE: Mapping[str, float] = {"bmd": 0.001, "t": 0.005, "z": 0.005}
#: p values the draws must keep clear of 0.05 (significant below the first, not above the second).
_P_SIGNIFICANT, _P_NOT = 0.04, 0.07
_MAX_ATTEMPTS = 40
_SEX_BLOCKS: Mapping[str, Subgroup] = {"F": Subgroup.FEMALE, "M": Subgroup.MALE}
_QUARTILES = (0.5, 0.25, 0.75)
_STAT_KEYS = ("median", "q1", "q3")


def dexa_column(site: str, measure: str) -> str:
    """Column name of a site and measure: ``dexa_column("fn", "bmd") == "fn_bmd"``."""
    return f"{site}_{measure}"


@dataclass(frozen=True)
class DexaDesign:
    """Sorted values per (site, group, sex) and measure; patients per stratum and site."""

    values: Mapping[tuple[str, str, str], Mapping[str, FloatArray]]

    def count(self, site: str, group: str, sex: str) -> int:
        return int(self.values[(site, group, sex)]["bmd"].size)


def weibull_positions(n: int, p: float) -> dict[int, float]:
    """Weights of the 1-based order statistics in SPSS's weighted-average percentile.

    Position h = p·(n + 1), k = floor(h): the percentile is (1 − f)·x_k + f·x_(k+1) with f = h − k,
    clamped to x_1 and x_n (numpy ``percentile(..., method="weibull")``).
    """
    h = p * (n + 1)
    k = math.floor(h)
    f = h - k
    if k < 1:
        return {1: 1.0}
    if k >= n:
        return {n: 1.0}
    return {k: 1.0 - f, k + 1: f} if f > 0 else {k: 1.0}


def _targets(
    tables: PublishedTables, site: str, measure: str, group: str
) -> dict[str, tuple[float, ...]]:
    out = {}
    for sub in Subgroup:
        values = tables.summary(dexa_column(site, measure), sub).values(group)
        out[sub.value] = tuple(values[k] for k in _STAT_KEYS)
    return out


def _pinned_values(
    targets: Mapping[str, tuple[float, ...]],
    templates: tuple[FloatArray, FloatArray],
    unit: float,
    tol: float,
) -> tuple[FloatArray, FloatArray] | None:
    """Women's and men's sorted values on the ``unit`` grid with the target quartiles.

    ``targets`` maps "female", "male" and "all" to (median, q1, q3). Returns ``None`` when the
    programme has no solution. Variables: the values (integers), their L1 distances to the
    templates, b_ij = [man j <= woman i], and for every order statistic of the pooled values a
    quartile needs, which woman (z) or man (w) holds it and its value u.
    """
    t_f, t_m = (np.asarray(t, dtype=np.float64) / unit for t in templates)
    n_f, n_m = t_f.size, t_m.size
    n = n_f + n_m
    pins = {
        sub: [
            (weibull_positions(size, p), t) for p, t in zip(_QUARTILES, targets[sub], strict=True)
        ]
        for sub, size in (("female", n_f), ("male", n_m), ("all", n))
    }
    ks = sorted({k for weights, _ in pins["all"] for k in weights})
    template = np.concatenate([t_f, t_m])
    scale = max(abs(v) for s in targets.values() for v in s) / unit
    big = float(np.ptp(template) + 4.0 * scale + 50.0)

    n_var = 2 * n  # values x (women then men), distances d
    b = np.arange(n_var, n_var + n_f * n_m).reshape(n_f, n_m)
    n_var += n_f * n_m
    # Woman i (0-based) can only be the k-th smallest if k - n_m <= i + 1 <= k; man j likewise.
    z = {}
    w = {}
    u = {}
    for k in ks:
        for i in range(max(0, k - n_m - 1), min(n_f, k)):
            z[i, k] = n_var
            n_var += 1
        for j in range(max(0, k - n_f - 1), min(n_m, k)):
            w[j, k] = n_var
            n_var += 1
        u[k] = n_var
        n_var += 1

    r_idx: list[int] = []
    c_idx: list[int] = []
    vals: list[float] = []
    lo: list[float] = []
    hi: list[float] = []

    def add(coefs: Mapping[int, float], low: float, high: float) -> None:
        row = len(lo)
        for col, v in coefs.items():
            r_idx.append(row)
            c_idx.append(int(col))
            vals.append(float(v))
        lo.append(low)
        hi.append(high)

    for i in range(n_f - 1):
        add({i + 1: 1.0, i: -1.0}, 0.0, math.inf)
    for j in range(n_f, n - 1):
        add({j + 1: 1.0, j: -1.0}, 0.0, math.inf)
    for i in range(n):  # d_i >= |x_i - template_i|
        add({i: 1.0, n + i: -1.0}, -math.inf, float(template[i]))
        add({i: 1.0, n + i: 1.0}, float(template[i]), math.inf)
    for i in range(n_f):
        for j in range(n_m):
            add({n_f + j: 1.0, i: -1.0, b[i, j]: big}, -math.inf, big)  # b = 1 -> m_j <= f_i
            add({i: 1.0, n_f + j: -1.0, b[i, j]: -big}, -math.inf, -1.0)  # b = 0 -> m_j > f_i
            if i > 0:  # both sorted: b is monotone in i and in j (tightens the relaxation)
                add({b[i, j]: 1.0, b[i - 1, j]: -1.0}, 0.0, math.inf)
            if j > 0:
                add({b[i, j]: 1.0, b[i, j - 1]: -1.0}, -math.inf, 0.0)
    for k in ks:
        add(
            {
                **{v: 1.0 for (_, kk), v in z.items() if kk == k},
                **{v: 1.0 for (_, kk), v in w.items() if kk == k},
            },
            1.0,
            1.0,
        )
        for (i, kk), zi in z.items():  # woman i is k-th: (i + 1) + #men <= her = k, u = f_i
            if kk != k:
                continue
            men_below = {int(b[i, j]): 1.0 for j in range(n_m)}
            add({**men_below, zi: float(n)}, -math.inf, k - (i + 1) + n)
            add({**men_below, zi: -float(n)}, k - (i + 1) - n, math.inf)
            add({u[k]: 1.0, i: -1.0, zi: big}, -math.inf, big)
            add({i: 1.0, u[k]: -1.0, zi: big}, -math.inf, big)
        for (j, kk), wj in w.items():  # man j is k-th: (j + 1) + #women < him = k, u = m_j
            if kk != k:
                continue
            women_above = {int(b[i, j]): -1.0 for i in range(n_f)}
            add({**women_above, wj: float(n)}, -math.inf, k - (j + 1) - n_f + n)
            add({**women_above, wj: -float(n)}, k - (j + 1) - n_f - n, math.inf)
            add({u[k]: 1.0, n_f + j: -1.0, wj: big}, -math.inf, big)
            add({n_f + j: 1.0, u[k]: -1.0, wj: big}, -math.inf, big)
    for sub, base in (("female", 0), ("male", n_f)):
        for weights, target in pins[sub]:
            add({base + k - 1: v for k, v in weights.items()}, *_window(target, tol, unit))
    for weights, target in pins["all"]:
        add({u[k]: v for k, v in weights.items()}, *_window(target, tol, unit))

    matrix = sparse.csr_matrix((vals, (r_idx, c_idx)), shape=(len(lo), n_var))
    cost = np.zeros(n_var)
    cost[n : 2 * n] = 1.0
    integrality = np.ones(n_var, dtype=np.int64)
    integrality[n : 2 * n] = 0
    integrality[[u[k] for k in ks]] = 0
    lower = np.zeros(n_var)
    upper = np.ones(n_var)
    lower[:n] = -np.inf
    upper[: 2 * n] = np.inf
    for k in ks:
        lower[u[k]], upper[u[k]] = -np.inf, np.inf
    # A 30% optimality gap is plenty (the objective only keeps values near the template) and
    # keeps the solve fast; HiGHS is deterministic for a given problem.
    res = milp(
        cost,
        constraints=LinearConstraint(matrix, lo, hi),
        integrality=integrality,
        bounds=Bounds(lower, upper),
        options={"mip_rel_gap": 0.3},
    )
    if res.x is None:
        return None
    decimals = round(-math.log10(unit))
    values = np.round(np.round(res.x[:n]) * unit, decimals)
    return values[:n_f], values[n_f:]


def _window(target: float, tol: float, unit: float) -> tuple[float, float]:
    """Bounds, in grid units, of a quartile within ``tol`` of ``target``."""
    return (target - tol) / unit - 1e-6, (target + tol) / unit + 1e-6


def _quantile_template(
    rng: np.random.Generator, quartiles: tuple[float, ...], n: int
) -> FloatArray:
    """n values from the piecewise-linear quantile function through (median, q1, q3)."""
    median, q1, q3 = quartiles
    low = q1 - 1.6 * (median - q1) - 0.3 * (q3 - q1)
    high = q3 + 1.6 * (q3 - median) + 0.3 * (q3 - q1)
    positions = np.sort(rng.random(n)) * 0.9 + 0.05
    return np.sort(np.interp(positions, [0.0, 0.25, 0.5, 0.75, 1.0], [low, q1, median, q3, high]))


def _reference_line(tables: PublishedTables, site: str, sub: Subgroup) -> tuple[float, float]:
    """(mean, SD) of BMD = mean + SD·T, least squares over the published quartile pairs."""
    bmd, t = [], []
    for group in Group:
        b_row = tables.summary(dexa_column(site, "bmd"), sub).values(group)
        t_row = tables.summary(dexa_column(site, "t"), sub).values(group)
        bmd += [b_row[k] for k in _STAT_KEYS]
        t += [t_row[k] for k in _STAT_KEYS]
    slope, intercept = np.polyfit(np.asarray(t), np.asarray(bmd), 1)
    return float(intercept), float(slope)


def _mwu_p(a: FloatArray, b: FloatArray) -> float:
    ties = np.unique(np.concatenate([a, b])).size < a.size + b.size
    method: Literal["exact", "asymptotic"] = (
        "exact" if min(a.size, b.size) <= 8 and not ties else "asymptotic"
    )
    res = stats.mannwhitneyu(a, b, alternative="two-sided", method=method)
    return float(res.pvalue)


def _pattern_holds(
    tables: PublishedTables, site: str, values: Mapping[tuple[str, str], dict[str, FloatArray]]
) -> bool:
    """Every published p of the site is on the same side of 0.05, with a margin.

    A significant p the exact test cannot reach (3 vs 4 patients: p >= 2/35) is not checked.
    """
    for measure in DEXA_MEASURES:
        for sub in Subgroup:
            p_pub = tables.summary(dexa_column(site, measure), sub).p
            if p_pub is None:  # pragma: no cover - every DEXA row has a p
                continue
            samples = []
            for group in Group:
                parts = values[(group, measure)]
                if sub is Subgroup.ALL:
                    samples.append(np.concatenate([parts["F"], parts["M"]]))
                else:
                    samples.append(parts["F" if sub is Subgroup.FEMALE else "M"])
            n_a, n_b = samples[0].size, samples[1].size
            if p_pub.significant() and 2.0 / math.comb(n_a + n_b, n_a) >= 0.05:
                continue
            p = _mwu_p(samples[0], samples[1])
            if (p_pub.significant() and p >= _P_SIGNIFICANT) or (
                not p_pub.significant() and p <= _P_NOT
            ):
                return False
    return True


def _site_values(
    tables: PublishedTables, site: str, rng: np.random.Generator
) -> dict[tuple[str, str], dict[str, FloatArray]] | None:
    out: dict[tuple[str, str], dict[str, FloatArray]] = {}
    refs = {sex: _reference_line(tables, site, sub) for sex, sub in _SEX_BLOCKS.items()}
    for group in Group:
        bmd_targets = _targets(tables, site, "bmd", group)
        sizes = {
            sex: int((tables.summary(dexa_column(site, "bmd"), sub).n or {})[group])
            for sex, sub in _SEX_BLOCKS.items()
        }
        templates = tuple(
            _quantile_template(rng, bmd_targets[_SEX_BLOCKS[sex].value], sizes[sex])
            for sex in ("F", "M")
        )
        found = _pinned_values(bmd_targets, (templates[0], templates[1]), 0.001, _TOLERANCE["bmd"])
        if found is None:
            return None
        out[(group, "bmd")] = {"F": found[0], "M": found[1]}
        t_tmpl = tuple((out[(group, "bmd")][sex] - refs[sex][0]) / refs[sex][1] for sex in "FM")
        found = _pinned_values(
            _targets(tables, site, "t", group), (t_tmpl[0], t_tmpl[1]), 0.1, _TOLERANCE["t"]
        )
        if found is None:
            return None
        out[(group, "t")] = {"F": found[0], "M": found[1]}
        z_targets = _targets(tables, site, "z", group)
        t_targets = _targets(tables, site, "t", group)
        z_tmpl = tuple(
            out[(group, "t")][sex]
            + z_targets[_SEX_BLOCKS[sex].value][0]
            - t_targets[_SEX_BLOCKS[sex].value][0]
            for sex in "FM"
        )
        found = _pinned_values(z_targets, (z_tmpl[0], z_tmpl[1]), 0.1, _TOLERANCE["z"])
        if found is None:
            return None
        out[(group, "z")] = {"F": found[0], "M": found[1]}
    return out


def dexa_design(tables: PublishedTables, rng: np.random.Generator) -> DexaDesign:
    """Sorted BMD, T- and Z-scores for every site, group and sex.

    Templates are redrawn (from ``rng``) until each group's quartiles can be met and the
    Mann–Whitney p values of every Table 1 DEXA row fall on the published side of 0.05.

    Returns
    -------
    DexaDesign
        ``values[(site, group, sex)][measure]``: sorted arrays whose sizes are Table 1's n.
    """
    values: dict[tuple[str, str, str], dict[str, FloatArray]] = {}
    for site in DEXA_SITES:
        for attempt in range(_MAX_ATTEMPTS):
            found = _site_values(tables, site, rng)
            if found is not None and _pattern_holds(tables, site, found):
                logger.debug("DEXA %s: design found at attempt %d", site, attempt)
                break
        else:  # pragma: no cover - the published figures are met within a few attempts
            raise ValueError(f"demo cohort: no DEXA values for {site} match Table 1")
        for group in Group:
            for sex in "FM":
                values[(site, group, sex)] = {m: found[(group, m)][sex] for m in DEXA_MEASURES}
    return DexaDesign(values)
