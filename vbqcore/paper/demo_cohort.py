"""A synthetic age- and sex-matched cohort that reproduces Huang et al. 2026, Tables 1–4.

Not patient data. The paper's data are not public (Huang et al., Global Spine J
2026;16(1):162–170); this cohort is generated, deterministically from a seed, to match its
published summary statistics, so that the cohort pages open on something that behaves like the
study and ``python -m vbqcore reproduce`` can set every published figure beside the same figure
computed by vbqcore's own statistics. How each part is built:

* pairs (:func:`_pairs`): 84 fracture/control pairs of the same sex and age (69 women, 15 men),
  ages pinned to the published median and SPSS quartiles, MR dates July 2022–July 2024 with the
  two patients of a pair days apart and pairs of the same sex and age months apart, so that the
  paper's matching rule (:func:`vbqcore.stats.match_pairs`) pairs them as listed;
* VBQ scores (:mod:`vbqcore.paper.demo_scores`), redrawn until Table 4's multivariable pattern
  holds, and the per-level SIs behind them (:mod:`vbqcore.paper.demo_signals`); the score
  columns are then recomputed from the SIs by :func:`vbqcore.vbq.compute_vbq`, exactly as the
  ``score`` command computes them;
* fractured levels: 1–2 of T12–L5 per fracture patient, mostly around the thoracolumbar junction;
* DEXA (:mod:`vbqcore.paper.demo_dexa`): femoral neck for 34 vs 31 patients and L1–L4 for 19 vs 24,
  never both (84 − 31 and 84 − 29 patients had a DEXA report, as the paper's Discussion says);
* BMI: normal, with the published mean and SD per group.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import math
import warnings
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from vbqcore.anatomy import Level
from vbqcore.measurements import CaseMeasurements
from vbqcore.paper.demo_dexa import DEXA_COLUMNS, DEXA_SITES, dexa_column, dexa_design
from vbqcore.paper.demo_scores import SCORES, SEXES, Stratum, assign_scores, score_marginals
from vbqcore.paper.demo_signals import patient_signals, si_columns
from vbqcore.paper.published import Group, PublishedTables, Subgroup, load_published
from vbqcore.vbq import compute_vbq

__all__ = [
    "DEFAULT_SEED",
    "SOURCE",
    "DEMO_COLUMNS",
    "DEMO_COHORT_PATH",
    "generate_demo_cohort",
    "demo_cohort_csv",
    "write_demo_cohort",
    "read_demo_cohort",
    "load_demo_cohort",
]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

#: The seed of ``data/demo_cohort.csv``.
DEFAULT_SEED = 20260121
#: The ``source`` column of every row.
SOURCE = (
    "synthetic: generated to match published summary statistics of Huang et al., "
    "Global Spine J 2026;16(1):162–170; not patient data"
)
#: The committed demo cohort (repository checkout); :func:`load_demo_cohort` falls back to
#: generating it when the file is not there (an installed package).
DEMO_COHORT_PATH = Path(__file__).resolve().parents[2] / "data" / "demo_cohort.csv"

DEMO_COLUMNS: tuple[str, ...] = (
    "id",
    "pair_id",
    "group",
    "sex",
    "age",
    "bmi",
    "mr_date",
    *DEXA_COLUMNS,
    *si_columns(),
    "fractured",
    *SCORES,
    "source",
)

#: The study window (Huang et al., Methods: hospitalised July 2022 – July 2024).
_FIRST_DAY, _LAST_DAY = dt.date(2022, 7, 1), dt.date(2024, 7, 31)
#: Largest gap in days between the MR dates of a case and its control.
_PAIR_GAP_DAYS = 21
#: Inclusion: older than 55; the oldest age drawn.
_AGE_RANGE = (56, 90)
#: Fractured levels of the fracture group and how many patients have each (84 in all): OVCFs
#: cluster at the thoracolumbar junction; the paper excludes more than 2 fractured L1–L4 bodies.
_FRACTURE_PATTERNS: tuple[tuple[str, int], ...] = (
    ("L1", 22),
    ("T12", 16),
    ("L2", 12),
    ("L3", 8),
    ("L4", 6),
    ("L5", 4),
    ("T12;L1", 5),
    ("L1;L2", 4),
    ("L2;L3", 2),
    ("T12;L2", 1),
    ("L1;L3", 1),
    ("L3;L4", 1),
    ("L4;L5", 1),
    ("L1;L4", 1),
)
_MAX_ATTEMPTS = 200
#: Table 4 must show with a margin: VBQ-T2 p below the first, VBQ-T1 and VBQ-T2-STIR above the
#: second, in the multivariable model.
_P_KEEP, _P_DROP = 0.04, 0.10
_BMI_RANGE = (14.5, 40.0)
#: Rank correlation (latent) between BMD and VBQ-T1 within a stratum: fattier marrow, lower BMD.
_BMD_VBQ_CORRELATION = -0.3


def _pinned_ages(
    rng: np.random.Generator, tables: PublishedTables, n: int
) -> npt.NDArray[np.int64]:
    """``n`` whole-year ages whose SPSS median and quartiles are Table 1's (70.5, 67.25, 74.0).

    The order statistics a quartile reads are set to integers that give it (the smallest
    spread that works); the others come from a seeded template clipped between them.
    """
    age = tables.summary("age", Subgroup.ALL).values(Group.FRACTURE)
    template = np.sort(np.clip(np.rint(rng.normal(age["median"], 6.0, n)), *_AGE_RANGE))
    pins: dict[int, int] = {}
    for p, key in ((0.25, "q1"), (0.5, "median"), (0.75, "q3")):
        h = p * (n + 1)
        k, f = math.floor(h), h - math.floor(h)
        for spread in range(0, 6):
            low = age[key] - f * spread
            if abs(low - round(low)) < 1e-9:
                pins[k], pins[k + 1] = int(round(low)), int(round(low)) + spread
                break
    out = np.empty(n, dtype=np.int64)
    for i in range(1, n + 1):
        if i in pins:
            out[i - 1] = pins[i]
            continue
        below = [v for k, v in pins.items() if k < i]
        above = [v for k, v in pins.items() if k > i]
        low = max(below) if below else _AGE_RANGE[0]
        high = min(above) if above else _AGE_RANGE[1]
        out[i - 1] = int(np.clip(template[i - 1], low, high))
    return out


def _pairs(rng: np.random.Generator, tables: PublishedTables) -> pd.DataFrame:
    """One row per pair: ``pair_id``, ``sex``, ``age``, ``case_date``, ``control_date``."""
    n_pairs = tables.group_sizes[Group.FRACTURE]
    n_women = int(tables.summary("sex", Subgroup.ALL).values(Group.FRACTURE)["count"])
    sex = np.array(["F"] * n_pairs, dtype=object)
    sex[rng.choice(n_pairs, n_pairs - n_women, replace=False)] = "M"
    age = rng.permutation(_pinned_ages(rng, tables, n_pairs))
    pairs = pd.DataFrame({"pair_id": np.arange(1, n_pairs + 1), "sex": sex, "age": age})
    span = (_LAST_DAY - _FIRST_DAY).days
    case_day = np.zeros(n_pairs, dtype=np.int64)
    for _, members in pairs.groupby(["sex", "age"]).groups.items():
        idx = rng.permutation(np.asarray(members))
        slot = span / idx.size  # pairs of one stratum months apart: matching cannot swap them
        for s, i in enumerate(idx):
            start = s * slot + _PAIR_GAP_DAYS
            case_day[i] = int(start + rng.random() * (slot - 2 * _PAIR_GAP_DAYS))
    gap = rng.integers(-_PAIR_GAP_DAYS, _PAIR_GAP_DAYS + 1, n_pairs)
    control_day = np.clip(case_day + gap, 0, span)
    pairs["case_date"] = [_FIRST_DAY + dt.timedelta(days=int(d)) for d in case_day]
    pairs["control_date"] = [_FIRST_DAY + dt.timedelta(days=int(d)) for d in control_day]
    return pairs


def _logit_p(x: FloatArray, y: FloatArray) -> FloatArray:
    # Imported here: only generating the cohort fits a model, and statsmodels would slow every
    # import of this module (the app reads the demo CSV through it on a cold start).
    from statsmodels.discrete.discrete_model import Logit
    from statsmodels.tools.tools import add_constant

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = Logit(y, add_constant(x)).fit(disp=0)
    return np.asarray(fit.pvalues[1:], dtype=np.float64)


def _table4_holds(scores: Mapping[Stratum, FloatArray]) -> bool:
    """Table 4's pattern: VBQ-T2 significant next to VBQ-T1 and VBQ-T2-STIR, they are not."""
    x = np.vstack([scores[key] for key in sorted(scores)])
    y = np.concatenate(
        [np.full(scores[key].shape[0], key[0] == Group.FRACTURE) for key in sorted(scores)]
    )
    p = _logit_p(x[:, [0, 1, 3]], y.astype(np.float64))
    return bool(p[1] < _P_KEEP and p[0] > _P_DROP and p[2] > _P_DROP)


def _bmi(rng: np.random.Generator, tables: PublishedTables, n: int) -> dict[str, FloatArray]:
    """BMI per group with the published mean and SD (2 decimals), normal-looking."""
    row = tables.summary("bmi", Subgroup.ALL)
    for _ in range(_MAX_ATTEMPTS):
        out = {}
        for group in Group:
            z = rng.standard_normal(n)
            z = (z - z.mean()) / z.std(ddof=1)
            target = row.values(group)
            out[group.value] = np.round(target["mean"] + target["sd"] * z, 2)
        a, b = out[Group.FRACTURE], out[Group.CONTROL]
        fine = all(
            _BMI_RANGE[0] <= v.min() and v.max() <= _BMI_RANGE[1] and stats.shapiro(v).pvalue > 0.2
            for v in (a, b)
        )
        if fine and stats.levene(a, b, center="mean").pvalue > 0.2:
            return out
    raise ValueError("demo cohort: no BMI draw met Table 1")  # pragma: no cover


def _fractures(rng: np.random.Generator, n: int) -> list[str]:
    patterns = [text for text, count in _FRACTURE_PATTERNS for _ in range(count)]
    if len(patterns) != n:  # pragma: no cover - the table above sums to the group size
        raise ValueError(f"demo cohort: {len(patterns)} fracture patterns for {n} patients")
    return [patterns[i] for i in rng.permutation(n)]


def _dexa(
    rng: np.random.Generator,
    tables: PublishedTables,
    patients: pd.DataFrame,
) -> pd.DataFrame:
    """DEXA columns: each patient gets femoral-neck values, L1–L4 values or none."""
    design = dexa_design(tables, rng)
    out = pd.DataFrame(index=patients.index, columns=list(DEXA_COLUMNS), dtype=np.float64)
    for group in Group:
        for sex in SEXES:
            members = patients.index[(patients["group"] == group) & (patients["sex"] == sex)]
            counts = {site: design.count(site, group, sex) for site in DEXA_SITES}
            chosen = rng.choice(members, sum(counts.values()), replace=False)
            start = 0
            for site, count in counts.items():
                who = np.asarray(chosen[start : start + count])
                start += count
                vbq = patients.loc[who, "vbq_t1"].to_numpy(dtype=np.float64)
                vbq_z = (vbq - vbq.mean()) / (vbq.std() or 1.0)
                r = _BMD_VBQ_CORRELATION
                latent = r * vbq_z + math.sqrt(1 - r * r) * rng.standard_normal(count)
                order = who[np.argsort(latent, kind="stable")]
                for measure, values in design.values[(site, group, sex)].items():
                    out.loc[order, dexa_column(site, measure)] = values
    return out


def generate_demo_cohort(*, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The synthetic matched cohort, one row per patient, in :data:`DEMO_COLUMNS` order.

    Parameters
    ----------
    seed : int
        Seed of every random draw. The same seed gives the same cohort (same numbers, same
        CSV bytes) on the pinned library versions; :data:`DEFAULT_SEED` gives
        ``data/demo_cohort.csv``. The score distributions (means, SDs, AUCs, Youden cut-offs)
        are built, not drawn, and are the same for every seed.

    Returns
    -------
    pandas.DataFrame
        168 rows, pairs in order (fracture patient, then control). SIs in arbitrary units,
        BMD in g/cm², BMI in kg/m², ages in years, ``mr_date`` ISO dates; missing DEXA as NaN.
    """
    tables = load_published()
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    rng_pairs, rng_scores, rng_fracture, rng_si, rng_dexa, rng_bmi = streams
    pairs = _pairs(rng_pairs, tables)
    n = len(pairs)
    strata = {(g.value, sex): int((pairs["sex"] == sex).sum()) for g in Group for sex in SEXES}
    marginals = score_marginals(tables)
    for attempt in range(_MAX_ATTEMPTS):
        scores = assign_scores(marginals, strata, rng_scores)
        if _table4_holds(scores):
            logger.debug("demo cohort: score assignment accepted at attempt %d", attempt)
            break
    else:  # pragma: no cover - the copula gives the pattern nearly always
        raise ValueError("demo cohort: no score assignment shows Table 4's pattern")

    fractures = _fractures(rng_fracture, n)
    rows = []
    taken = {key: 0 for key in strata}
    columns = ("pair_id", "sex", "age", "case_date", "control_date")
    for pair_id, sex, age, case_date, control_date in zip(
        *(pairs[c].tolist() for c in columns), strict=True
    ):
        for group, date in ((Group.FRACTURE, case_date), (Group.CONTROL, control_date)):
            key = (group.value, str(sex))
            target = scores[key][taken[key]]
            taken[key] += 1
            fractured = fractures[int(pair_id) - 1] if group is Group.FRACTURE else ""
            levels = [Level(v) for v in fractured.split(";") if v]
            four = (float(target[0]), float(target[1]), float(target[2]), float(target[3]))
            si = patient_signals(four, levels, rng_si)
            result = compute_vbq(CaseMeasurements.from_flat({**si, "fractured": fractured}))
            rows.append(
                {
                    "pair_id": int(pair_id),
                    "group": group.value,
                    "sex": str(sex),
                    "age": int(age),
                    "mr_date": date.isoformat(),
                    **si,
                    "fractured": fractured,
                    **{s: result.score(s) for s in SCORES},
                }
            )
    df = pd.DataFrame(rows)
    df.insert(0, "id", [f"DEMO-{i:03d}" for i in range(1, len(df) + 1)])
    bmi = _bmi(rng_bmi, tables, n)
    df["bmi"] = 0.0
    for group in Group:
        df.loc[df["group"] == group, "bmi"] = bmi[group.value][rng_bmi.permutation(n)]
    df = pd.concat([df, _dexa(rng_dexa, tables, df)], axis=1)
    df["source"] = SOURCE
    return df[list(DEMO_COLUMNS)]


def demo_cohort_csv(df: pd.DataFrame) -> str:
    """The cohort as CSV text: floats in shortest round-trip form, blank for missing, ``\\n``."""
    buffer = io.StringIO()
    df.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def write_demo_cohort(df: pd.DataFrame, path: str | Path) -> None:
    """Write :func:`demo_cohort_csv` to ``path`` (UTF-8)."""
    Path(path).write_text(demo_cohort_csv(df), encoding="utf-8", newline="")


def read_demo_cohort(path: str | Path) -> pd.DataFrame:
    """Read a cohort CSV written by :func:`write_demo_cohort` back with the same values.

    Floats come back bit for bit (pandas 3 parses the shortest round-trip form exactly; the
    tests check it). Text columns stay text, with ``fractured`` blank ("") for controls.
    """
    text_columns = {"id": str, "group": str, "sex": str, "mr_date": str, "fractured": str}
    df = pd.read_csv(path, dtype=text_columns, encoding="utf-8")
    if "fractured" in df.columns:
        df["fractured"] = df["fractured"].fillna("")
    return df


def load_demo_cohort(path: str | Path | None = None) -> pd.DataFrame:
    """The demo cohort: from ``path``, else ``data/demo_cohort.csv``, else freshly generated."""
    if path is not None:
        return read_demo_cohort(path)
    if DEMO_COHORT_PATH.is_file():
        return read_demo_cohort(DEMO_COHORT_PATH)
    logger.info("demo cohort file not found; generating it (seed %d)", DEFAULT_SEED)
    return generate_demo_cohort()
