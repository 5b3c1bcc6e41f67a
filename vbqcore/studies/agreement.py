"""Two observers' SI measurements per sequence and structure: Bland–Altman, ICC and a verdict."""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Sequence as Seq
from typing import Any

import numpy as np
import pandas as pd

from vbqcore.anatomy import CSF, Level, Sequence
from vbqcore.errors import StatsInputError
from vbqcore.stats.bland_altman import BlandAltmanResult, bland_altman
from vbqcore.stats.icc import IccKind, icc_wide
from vbqcore.studies.agreement_input import PairedMeasurements
from vbqcore.studies.agreement_results import (
    ACCEPTANCE_PERCENT,
    VERTEBRAE,
    AgreementStudy,
    GroupAgreement,
    Verdict,
)

__all__ = [
    "ACCEPTANCE_PERCENT",
    "VERTEBRAE",
    "AgreementStudy",
    "GroupAgreement",
    "Verdict",
    "analyse_agreement",
]

logger = logging.getLogger(__name__)

_SEQUENCE_ORDER = {s.value: i for i, s in enumerate(Sequence)}
_STRUCTURE_ORDER = {VERTEBRAE: 0, **{lv.value: 1 + lv.order for lv in Level}, CSF: 99}


def analyse_agreement(
    measurements: PairedMeasurements,
    *,
    acceptance: float = ACCEPTANCE_PERCENT,
    confidence: float = 0.95,
    split_levels: bool = False,
    icc_kinds: Seq[IccKind | str] = (IccKind.ICC2, IccKind.ICC3),
) -> AgreementStudy:
    """Bland–Altman (absolute and %), ICC and a verdict for each sequence × structure group.

    Parameters
    ----------
    measurements : PairedMeasurements
        From :func:`vbqcore.studies.agreement_input.read_observer_table`: reading a and b of each
        patient, sequence and structure.
    acceptance : float
        Largest acceptable disagreement, in % of the mean SI. 10 as in Huang et al. 2026.
    confidence : float
        Level of every confidence interval (bias, limits, ICC).
    split_levels : bool
        False (default): the vertebral bodies pooled into one group per sequence and the CSF in
        another, as the paper's Figures 3–5. True: one group per level.
    icc_kinds : sequence of IccKind
        ICC forms listed by :meth:`AgreementStudy.icc_table`; ICC(2,1) is absolute agreement of
        single readings, the usual inter-observer figure; ICC(3,1) ignores a constant offset.

    Returns
    -------
    AgreementStudy
        A group with fewer than 3 complete pairs (or one that cannot be analysed) gets
        ``Verdict.INSUFFICIENT`` and a note saying why; no exception is raised for it.

    Notes
    -----
    Pooling four levels per patient treats them as independent pairs, as the paper's pooled
    L1–L4 panels do; readings of one patient are correlated, so the confidence intervals are
    somewhat too narrow (Bland & Altman, J Biopharm Stat 2007;17:571–582, give the
    repeated-measures correction). The limits themselves are unaffected in expectation.
    """
    if not (math.isfinite(acceptance) and acceptance > 0):
        raise StatsInputError(f"acceptance must be a positive % (e.g. 10), got {acceptance!r}.")
    if not 0.0 < confidence < 1.0:
        raise StatsInputError(f"confidence must lie between 0 and 1, got {confidence!r}.")
    kinds = tuple(IccKind(k) for k in icc_kinds)
    frame = measurements.frame
    structure = frame["structure"]
    if not split_levels:
        structure = structure.where(structure == CSF, VERTEBRAE)
    keyed = frame.assign(group=structure)
    order = sorted(
        {(s, g) for s, g in zip(keyed["sequence"], keyed["group"], strict=True)},
        key=lambda k: (_SEQUENCE_ORDER.get(k[0], 99), _STRUCTURE_ORDER.get(k[1], 50)),
    )
    groups = []
    for seq, grp in order:
        subset = keyed[(keyed["sequence"] == seq) & (keyed["group"] == grp)]
        groups.append(
            _analyse_group(
                subset,
                Sequence(seq),
                grp,
                acceptance=acceptance,
                confidence=confidence,
                names=(measurements.label_a, measurements.label_b),
            )
        )
    logger.info("Agreement study: %d group(s) analysed.", len(groups))
    return AgreementStudy(
        label_a=measurements.label_a,
        label_b=measurements.label_b,
        acceptance=float(acceptance),
        confidence=confidence,
        split_levels=split_levels,
        icc_kinds=kinds,
        groups=tuple(groups),
    )


def _analyse_group(
    subset: pd.DataFrame,
    sequence: Sequence,
    structure: str,
    *,
    acceptance: float,
    confidence: float,
    names: tuple[str, str],
) -> GroupAgreement:
    a = subset["a"].to_numpy(dtype=np.float64)
    b = subset["b"].to_numpy(dtype=np.float64)
    complete = ~(np.isnan(a) | np.isnan(b))
    n_pairs, n_incomplete = int(complete.sum()), int((~complete).sum())
    ids = subset.loc[complete, "patient"]
    n_patients = int(ids[ids != ""].nunique())
    label = f"{sequence.value} · {structure}"
    notes: list[str] = []
    if n_incomplete:
        notes.append(f"{n_incomplete} pair(s) with only one reading left out.")
    if n_pairs < 3:
        why = f"only {n_pairs} complete pair(s); at least 3 are needed for limits of agreement"
        return GroupAgreement(
            sequence, structure, n_pairs, n_patients, n_incomplete, None, None, None,
            Verdict.INSUFFICIENT, f"Cannot be judged: {why}.", tuple(notes),
        )  # fmt: skip
    a, b = a[complete], b[complete]
    results: dict[str, Any] = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for key, call in (
            ("absolute", lambda: bland_altman(a, b, confidence=confidence)),
            (
                "percent",
                lambda: bland_altman(
                    a, b, percent=True, confidence=confidence, acceptance=acceptance
                ),
            ),
            ("icc", lambda: icc_wide(np.column_stack([a, b]), confidence=confidence)),
        ):
            try:
                results[key] = call()
            except StatsInputError as err:
                results[key] = None
                notes.append(f"{key}: {err}")
    notes.extend(dict.fromkeys(str(w.message) for w in caught))
    percent: BlandAltmanResult | None = results["percent"]
    verdict, explanation = _verdict(percent, acceptance, names)
    logger.debug("Agreement %s: %s", label, verdict.value)
    return GroupAgreement(
        sequence, structure, n_pairs, n_patients, n_incomplete, results["absolute"], percent,
        results["icc"], verdict, explanation, tuple(notes),
    )  # fmt: skip


def _verdict(
    r: BlandAltmanResult | None, acceptance: float, names: tuple[str, str]
) -> tuple[Verdict, str]:
    """The verdict and its plain-words explanation from the % Bland–Altman result."""
    if r is None:
        return Verdict.INSUFFICIENT, "Cannot be judged: the % differences could not be computed."
    limits = f"{r.loa_low:+.1f}% to {r.loa_high:+.1f}% of the mean SI"
    if r.within_acceptance:
        verdict = Verdict.ACCEPTABLE
        text = (
            f"Acceptable: 95% of differences between {names[0]} and {names[1]} are expected "
            f"within {limits}, inside ±{acceptance:g}%."
        )
    else:
        verdict = Verdict.NOT_ACCEPTABLE
        beyond = [
            f"the {side} limit ({value:+.1f}%) lies beyond {sign}{acceptance:g}%"
            for side, value, sign, out in (
                ("lower", r.loa_low, "-", r.loa_low < -acceptance),
                ("upper", r.loa_high, "+", r.loa_high > acceptance),
            )
            if out
        ]
        text = f"Not acceptable: the limits of agreement run from {limits}; {' and '.join(beyond)}."
    uncertain = [
        f"the CI of the {side} limit ({ci[0]:+.1f}% to {ci[1]:+.1f}%) straddles {bound:+g}%"
        for side, ci in (("lower", r.loa_low_ci), ("upper", r.loa_high_ci))
        for bound in (-acceptance, acceptance)
        if ci[0] < bound < ci[1]
    ]
    if uncertain:
        text += f" Uncertain with n = {r.n}: {'; '.join(uncertain)}."
    if r.bias_ci[0] > 0 or r.bias_ci[1] < 0:
        higher = names[0] if r.bias > 0 else names[1]
        text += (
            f" {higher} reads higher on average by {abs(r.bias):.1f}% "
            f"({r.confidence:.0%} CI {r.bias_ci[0]:+.1f}% to {r.bias_ci[1]:+.1f}% for "
            f"{names[0]} − {names[1]})."
        )
    pb = r.proportional_bias
    if math.isfinite(pb.p) and pb.p < 0.05:
        text += (
            f" The difference changes with the SI level (proportional bias, p = {pb.p:.3f}), "
            "so one pair of limits describes it poorly."
        )
    return verdict, text
