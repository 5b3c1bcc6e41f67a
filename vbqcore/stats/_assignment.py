"""Optimal 1:1 assignment under several criteria ranked by priority (used by the matching)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

__all__ = ["lexicographic_assignment"]

logger = logging.getLogger(__name__)

_EXACT_SAFE = 2**53  # float64 holds every integer below this exactly


def lexicographic_assignment(
    tiers: Sequence[npt.NDArray[np.int64]], *, feasible: npt.NDArray[np.bool_] | None = None
) -> list[tuple[int, int]]:
    """Pairs (row, column) that best satisfy ``tiers`` in order of priority.

    Parameters
    ----------
    tiers : sequence of int arrays, each shape (n_rows, n_columns), values >= 0
        Costs of pairing row i with column j, most important first: any saving in one tier
        outweighs every saving in the tiers after it.
    feasible : bool array, shape (n_rows, n_columns), optional
        Pairs allowed at all; the first priority is then to form as many allowed pairs as
        possible. Forbidden pairs are never returned.

    Returns
    -------
    list of (row, column)
        Sorted by row; each row and column at most once.

    Notes
    -----
    One call of ``scipy.optimize.linear_sum_assignment`` on the tiers folded by place value:
    each weight exceeds the largest sum the lower tiers can reach over min(n_rows, n_columns)
    pairs, so the single minimum is the lexicographic one. Exact while that largest total stays
    below 2**53; beyond it the last tier is dropped (logged), which only loosens a tie-break.
    """
    stack = [np.asarray(t, dtype=np.int64) for t in tiers]
    if feasible is not None and not feasible.all():
        # A forbidden pair costs one unit of the top tier and nothing else: the solver must fill
        # every row (or column), and the filler pairs must not tilt the choice of real pairs.
        stack = [np.where(feasible, t, 0) for t in stack]
        stack.insert(0, (~feasible).astype(np.int64))
    if not stack or stack[0].size == 0:
        return []
    n_pairs = min(stack[0].shape)
    cost = _place_value(stack, n_pairs)
    rows, cols = linear_sum_assignment(cost)
    pairs = [(int(r), int(c)) for r, c in zip(rows, cols, strict=True)]
    if feasible is not None:
        pairs = [(r, c) for r, c in pairs if feasible[r, c]]
    return sorted(pairs)


def _place_value(tiers: list[npt.NDArray[np.int64]], n_pairs: int) -> npt.NDArray[np.float64]:
    while True:
        weights: list[int] = []
        bound = 0
        for tier in reversed(tiers):
            weight = bound + 1
            weights.append(weight)
            bound += weight * int(tier.max(initial=0)) * n_pairs
        if bound < _EXACT_SAFE or len(tiers) == 1:
            break
        logger.warning("Assignment too large for an exact last tie-break; dropping that tier.")
        tiers = tiers[:-1]
    cost = np.zeros(tiers[0].shape, dtype=np.float64)
    for weight, tier in zip(reversed(weights), tiers, strict=True):
        cost += float(weight) * tier.astype(np.float64)
    return cost
