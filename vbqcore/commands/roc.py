"""``python -m vbqcore roc``: ROC/AUC with DeLong CIs, Youden cut-offs and pairwise DeLong tests."""

from __future__ import annotations

import argparse
import itertools
import logging
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from vbqcore.errors import CohortError, DegenerateInputWarning
from vbqcore.stats.delong import Direction, compare_aucs
from vbqcore.stats.proportions import ProportionCi
from vbqcore.stats.roc import CiMethod, roc_analysis
from vbqcore.tabular import read_table

__all__ = ["add_parser", "run"]

logger = logging.getLogger(__name__)

_DESCRIPTION = """\
ROC analysis of one or more scores against a two-class outcome, on the same patients: AUC with
DeLong SE and 95% CI (or a stratified bootstrap CI), the Youden-optimal cut-off with sensitivity
and specificity, and DeLong's test for every pair of scores. Rows missing the outcome or any
chosen score are dropped (listwise) and counted in "n_dropped", so every score and every
comparison uses the same patients. Prints JSON.
"""

#: Lines in a CSV before the first data row (the header), to turn row positions into line numbers.
_HEADER_LINES = 1


def add_parser(subparsers: Any) -> None:
    """Register ``roc`` on the ``python -m vbqcore`` sub-command parser."""
    p = subparsers.add_parser(
        "roc", help="ROC/AUC, DeLong CI and test, Youden cut-off", description=_DESCRIPTION
    )
    p.add_argument("data", metavar="DATA.csv", help="CSV with one row per patient")
    p.add_argument("--outcome", required=True, metavar="COL", help="column of the outcome")
    p.add_argument(
        "--positive",
        metavar="VALUE",
        help="outcome value of a case, as written in the CSV (default: the larger of two numbers)",
    )
    p.add_argument(
        "--score",
        required=True,
        action="append",
        dest="scores",
        metavar="COL",
        help="column of a score; repeat for several (each pair is compared)",
    )
    p.add_argument(
        "--direction",
        choices=[d.value for d in Direction],
        default=Direction.HIGHER.value,
        help="higher (default): higher scores point to a case; auto: pROC's median rule",
    )
    p.add_argument(
        "--bootstrap",
        type=int,
        metavar="N",
        help="use a stratified bootstrap CI of N replicates instead of DeLong's",
    )
    p.add_argument("--seed", type=int, help="seed of the bootstrap (default: drawn, reported)")
    p.add_argument("--confidence", type=float, default=0.95, help="CI level (default 0.95)")
    p.add_argument(
        "--proportion-ci",
        choices=[m.value for m in ProportionCi],
        default=ProportionCi.CLOPPER_PEARSON.value,
        help="CI of sensitivity and specificity (default clopper-pearson)",
    )
    p.add_argument("--curve", action="store_true", help="include the ROC curve points")
    p.add_argument("--out", metavar="FILE", help="write the JSON here instead of stdout")
    p.set_defaults(func=run)


def _read_table(path: str, outcome: str, scores: list[str]) -> pd.DataFrame:
    """The outcome (as text) and score columns of ``path``; exit-2 errors name what is wrong.

    Read by ``vbqcore.tabular.read_table``, as every other command and the cohort page do
    (CSV in UTF-8/UTF-16, comma/semicolon/tab, or .xlsx).
    """
    name = Path(path).name
    table = read_table(path)
    available = [str(c) for c in table.columns]
    for col in [outcome, *scores]:
        if col not in available:
            raise CohortError(
                f"{name}: no column {col!r}. Available columns: {', '.join(available)}."
            )
    out = table[[outcome, *scores]].copy()
    out[outcome] = out[outcome].map(_outcome_text)
    for col in scores:
        if out[col].isna().all():
            raise CohortError(
                f"{name}: score column {col!r} is blank in every row; choose the column that "
                "holds the scores."
            )
    return out


def _outcome_text(value: Any) -> Any:
    """Outcome cells as the CSV wrote them: 1.0 read from a numeric column is "1" again."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _numeric_scores(table: pd.DataFrame, col: str, file_name: str) -> npt.NDArray[np.float64]:
    raw = table[col]
    values = pd.to_numeric(raw, errors="coerce")
    bad = np.flatnonzero(values.isna().to_numpy() & raw.notna().to_numpy())
    if bad.size:
        lines = ", ".join(str(int(i) + _HEADER_LINES + 1) for i in bad[:10])
        examples = ", ".join(repr(raw.iloc[i]) for i in bad[:3])
        raise CohortError(
            f"{file_name}: column {col!r} must be numeric, but lines {lines} are not ({examples})."
        )
    return values.to_numpy(dtype=np.float64, na_value=np.nan)


def _outcome(
    labels: npt.NDArray[Any], positive: str | None, col: str, file_name: str
) -> tuple[npt.NDArray[Any], Any, str]:
    """The outcome array and positive label to pass on, and the positive label as reported."""
    distinct = sorted(set(labels.tolist()))
    shown = ", ".join(repr(v) for v in distinct)
    if len(distinct) != 2:
        raise CohortError(
            f"{file_name}: column {col!r} must have exactly two values (case/control) among the "
            f"rows analysed, but has {len(distinct)}: {shown}."
        )
    if positive is not None:
        wanted = positive.strip()
        if wanted in distinct:
            return labels, wanted, wanted
        try:  # "1" given, "1.0" written: compare as numbers
            as_number = float(wanted)
            match = [v for v in distinct if _float_or_none(v) == as_number]
        except ValueError:
            match = []
        if len(match) == 1:
            return labels, match[0], match[0]
        raise CohortError(
            f"{file_name}: --positive {positive!r} is not a value of column {col!r} "
            f"(values: {shown})."
        )
    numbers = [_float_or_none(v) for v in labels.tolist()]
    if any(v is None for v in numbers):
        raise CohortError(
            f"{file_name}: column {col!r} has labels {shown}: "
            "say which one marks a case with --positive VALUE."
        )
    y = np.asarray(numbers, dtype=np.float64)
    return y, None, max(distinct, key=float)


def _float_or_none(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def run(args: argparse.Namespace) -> int:
    """Run the analysis described by ``args`` and print (or write) its JSON; return 0."""
    from vbqcore.commands._output import emit_json

    scores: list[str] = list(dict.fromkeys(args.scores))
    file_name = Path(args.data).name
    table = _read_table(args.data, args.outcome, scores)
    numeric = {col: _numeric_scores(table, col, file_name) for col in scores}
    outcome_text = table[args.outcome].str.strip()
    keep = outcome_text.notna().to_numpy() & (outcome_text != "").to_numpy()
    for values in numeric.values():
        keep &= ~np.isnan(values)
    n_dropped = int((~keep).sum())
    if n_dropped:
        logger.info("%s: dropped %d rows with a missing outcome or score", file_name, n_dropped)
    labels = outcome_text.to_numpy(dtype=object)[keep]
    y, positive, positive_label = _outcome(labels, args.positive, args.outcome, file_name)
    used = {col: values[keep] for col, values in numeric.items()}
    method = CiMethod.BOOTSTRAP if args.bootstrap is not None else CiMethod.DELONG
    seed: int | None = args.seed  # when None the first analysis draws one; the rest reuse it

    notes: list[str] = []
    results: dict[str, dict[str, Any]] = {}
    directions: dict[str, str] = {}
    n_pos = n_neg = 0
    for col in scores:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DegenerateInputWarning)
            res = roc_analysis(
                y,
                used[col],
                positive=positive,
                direction=args.direction,
                ci_method=method,
                n_bootstrap=args.bootstrap if args.bootstrap is not None else 2000,
                seed=seed,
                confidence=args.confidence,
                proportion_ci=args.proportion_ci,
            )
        notes.extend(f"{col}: {w.message}" for w in caught)
        n_pos, n_neg, seed = res.n_pos, res.n_neg, res.seed
        directions[col] = res.direction
        entry = res.to_dict(curve=args.curve)
        for key in ("n_pos", "n_neg", "ci_method", "confidence", "proportion_ci", "seed"):
            entry.pop(key)
        if method is CiMethod.DELONG:
            entry.pop("n_bootstrap")
        results[col] = entry

    comparisons: list[dict[str, Any]] = []
    for a, b in itertools.combinations(scores, 2):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DegenerateInputWarning)
            cmp = compare_aucs(
                y,
                used[a],
                used[b],
                positive=positive,
                direction=(directions[a], directions[b]),
                confidence=args.confidence,
            )
        notes.extend(f"{a} vs {b}: {w.message}" for w in caught)
        detail = cmp.to_dict()
        for key in ("n_pos", "n_neg", "direction_a", "direction_b", "confidence"):
            detail.pop(key)
        comparisons.append({"a": a, "b": b, **detail})

    payload: dict[str, Any] = {
        "n_pos": n_pos,
        "n_neg": n_neg,
        "n_dropped": n_dropped,
        "outcome": args.outcome,
        "positive": positive_label,
        "ci_method": method.value,
        "confidence": args.confidence,
        "proportion_ci": args.proportion_ci,
        "scores": results,
        "comparisons": comparisons,
        "warnings": notes,
    }
    if method is CiMethod.BOOTSTRAP:
        payload["seed"] = seed
    emit_json(payload, args.out)
    return 0
