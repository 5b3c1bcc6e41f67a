"""A small synthetic cohort table for the cohort-explorer tests (not the demo cohort).

Per-level SIs drawn from a seeded generator, fracture patients with fattier (brighter) marrow;
the score columns are computed from the SIs by ``vbqcore.vbq.compute_vbq`` row by row, exactly as
``python -m vbqcore score`` does, so the table is self-consistent.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vbqcore.measurements import CaseMeasurements
from vbqcore.vbq import ScoreName, compute_vbq

LEVELS = ("T12", "L1", "L2", "L3", "L4", "L5")
#: (mean SI of a body, SD, mean CSF SI) per sequence; cases' bodies are brighter by SHIFT.
SI_MODEL = {"T1": (400.0, 45.0, 100.0), "T2": (600.0, 60.0, 1100.0), "STIR": (80.0, 12.0, 400.0)}
SHIFT = {"T1": 30.0, "T2": 50.0, "STIR": 4.0}


def si_columns() -> list[str]:
    return [f"{seq}_{site}" for seq in SI_MODEL for site in (*LEVELS, "CSF")]


def make_table(n_per_group: int = 40, *, seed: int = 7) -> pd.DataFrame:
    """``2 * n_per_group`` rows: id, group, sex, age, bmi, site, fn_bmd (some blank), the SI
    columns, fractured, and vbq_t1 ... vbq_t2_stir computed from them."""
    rng = np.random.default_rng(seed)
    n = 2 * n_per_group
    group = np.array(["fracture"] * n_per_group + ["control"] * n_per_group)
    is_case = group == "fracture"
    table: dict[str, object] = {
        "id": [f"P{i:03d}" for i in range(n)],
        "group": group,
        "sex": rng.choice(["F", "M"], size=n, p=[0.7, 0.3]),
        "age": rng.integers(56, 90, size=n).astype(float),
        "bmi": np.round(rng.normal(25, 4, size=n), 1),
        "site": rng.choice(["north", "south", "east"], size=n),
    }
    bmd = np.round(rng.normal(0.75, 0.1, size=n) - 0.08 * is_case, 3)
    bmd[rng.random(n) < 0.3] = np.nan
    table["fn_bmd"] = bmd
    for seq, (mean, sd, csf) in SI_MODEL.items():
        for site in LEVELS:
            table[f"{seq}_{site}"] = np.round(rng.normal(mean, sd, n) + SHIFT[seq] * is_case, 2)
        table[f"{seq}_CSF"] = np.round(rng.normal(csf, csf * 0.08, n), 2)
    fractured = np.where(is_case, rng.choice(["L1", "L2;L3", "T12", "L4"], size=n), "")
    table["fractured"] = fractured
    df = pd.DataFrame(table)
    scores = {s.value: [] for s in ScoreName}
    for record in df[[*si_columns(), "fractured"]].to_dict("records"):
        result = compute_vbq(CaseMeasurements.from_flat(record))
        for s in ScoreName:
            scores[s.value].append(result.score(s))
    for name, values in scores.items():
        df[name] = values
    return df
