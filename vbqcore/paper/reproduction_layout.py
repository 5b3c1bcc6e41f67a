"""The reproduction laid out as the paper's Tables 1–4: one line per variable, published beside
reproduced (Huang et al., Global Spine J 2026;16(1):162–170).

:func:`vbqcore.paper.reproduction.reproduce` checks every printed figure on its own line (294
of them); :func:`paper_layout` folds those lines back into the cells the paper prints ("24.39 ±
4.31", "0.702 (0.624–0.781)", "15 (17.86%)"), each published cell beside the same cell computed
from the data, with the targets met on that line.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable

import pandas as pd

__all__ = ["paper_layout", "TABLE_TITLES"]

logger = logging.getLogger(__name__)

TABLE_TITLES = {
    "1": "Table 1. Characteristics of the fracture and control groups",
    "2": "Table 2. AUC of the VBQ scores",
    "3": "Table 3. Cut-offs, sensitivity and specificity",
    "4": "Table 4. Logistic regression",
}

_GROUPS = ("fracture", "control")
_NUMBER = re.compile(r"-?\d+(?:\.(\d+))?")

Cell = Callable[[dict[str, tuple[str, float | None]]], str]


def _decimals(text: str) -> int:
    found = _NUMBER.search(text)
    return len(found[1]) if found and found[1] else 0


def _value(stats: dict[str, tuple[str, float | None]], key: str, published: bool) -> str | None:
    if key not in stats:
        return None
    text, computed = stats[key]
    if published:
        return text
    if computed is None or not math.isfinite(computed):
        return "–"
    if key.startswith("p") and computed < 0.001:
        return "<0.001"
    return f"{computed:.{_decimals(text)}f}"


def _cells(stats: dict[str, tuple[str, float | None]], published: bool) -> dict[str, str]:
    """The printed cells of one line, from its statistics (published text or computed)."""

    def v(key: str) -> str | None:
        return _value(stats, key, published)

    out: dict[str, str] = {}
    for g in _GROUPS:
        if v(f"mean ({g})") is not None:
            out[g.capitalize()] = f"{v(f'mean ({g})')} ± {v(f'sd ({g})')}"
        elif v(f"median ({g})") is not None:
            out[g.capitalize()] = f"{v(f'median ({g})')} ({v(f'q1 ({g})')}, {v(f'q3 ({g})')})"
        elif v(f"% ({g})") is not None:
            out[g.capitalize()] = f"{v(f'n ({g})')} ({v(f'% ({g})')}%)"
        elif v(f"n ({g})") is not None:
            out[g.capitalize()] = f"n = {v(f'n ({g})')}"
    if v("p") is not None:
        out["P"] = str(v("p"))
    if v("AUC") is not None:
        low, high = v("AUC 95% CI low (DeLong)"), v("AUC 95% CI high (DeLong)")
        out["AUC (95% CI)"] = f"{v('AUC')} ({low}–{high})" if low is not None else str(v("AUC"))
    for key, name in (
        ("Youden cut-off", "Cut-off"),
        ("sensitivity %", "Sensitivity %"),
        ("specificity %", "Specificity %"),
    ):
        if v(key) is not None:
            out[name] = str(v(key))
    for model in ("univariable", "multivariable"):
        if v(f"OR ({model})") is not None:
            low, high = v(f"OR CI low ({model})"), v(f"OR CI high ({model})")
            out[f"{model.capitalize()} OR (95% CI)"] = f"{v(f'OR ({model})')} ({low}–{high})"
        if v(f"p ({model})") is not None:
            out[f"{model.capitalize()} P"] = str(v(f"p ({model})"))
    return out


def paper_layout(report: pd.DataFrame, table: str) -> pd.DataFrame:
    """One table of ``reproduce(...).to_frame()`` as the paper lays it out.

    Columns: Variable, Subgroup (when the table has several), then for each printed column its
    "published" and "reproduced" cell, and "Targets met" ("5/5") on that line.
    """
    part = report[report["table"].astype(str) == str(table)]
    if part.empty:
        return pd.DataFrame(columns=["Variable"])
    records: list[dict[str, str]] = []
    order: list[str] = []
    for (variable, subgroup), rows in part.groupby(["variable", "subgroup"], sort=False):
        stats = {
            str(r["statistic"]): (str(r["published_text"]), _float(r["computed"]))
            for _, r in rows.iterrows()
        }
        published, reproduced = _cells(stats, True), _cells(stats, False)
        record = {"Variable": str(variable), "Subgroup": str(subgroup)}
        for name in published:
            if name not in order:
                order.append(name)
            record[f"{name} · published"] = published[name]
            record[f"{name} · reproduced"] = reproduced.get(name, "")
        targeted = rows["passed"].notna()
        met = int(rows.loc[targeted, "passed"].astype(bool).sum())
        record["Targets met"] = f"{met}/{int(targeted.sum())}" if targeted.any() else "–"
        records.append(record)
    columns = ["Variable", "Subgroup"]
    for name in order:
        columns += [f"{name} · published", f"{name} · reproduced"]
    columns.append("Targets met")
    frame = pd.DataFrame.from_records(records, columns=columns).fillna("")
    if frame["Subgroup"].nunique() == 1:
        frame = frame.drop(columns="Subgroup")
    return frame


def _float(value: object) -> float | None:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out
