"""Data behind the ROC/DeLong reference values of the tests, with where each value comes from.

``HANLEY_MCNEIL_1982``: the published CT rating table of Hanley & McNeil, Radiology
1982;143:29-36 (Table 1): 58 normal and 51 abnormal patients rated 1 (definitely normal) to 5
(definitely abnormal). A published table, safe to ship.

``SMALL_Y``/``SMALL_A``/``SMALL_B``: 40 synthetic patients made for these tests (numpy seed
20260101, rounded so that scores tie), VBQ-T2-like (A) and VBQ-T1-like (B). Their reference values
were computed with R 4.2.2 and pROC 1.18.0 (Debian r-cran-proc), by the calls quoted next to
each value in the tests, on exactly these numbers.
"""

from __future__ import annotations

import numpy as np

__all__ = ["HANLEY_MCNEIL_1982", "hanley_mcneil_data", "SMALL_Y", "SMALL_A", "SMALL_B"]

#: Rating 1..5 -> (normal count, abnormal count), Hanley & McNeil 1982 Table 1.
HANLEY_MCNEIL_1982 = {1: (33, 3), 2: (6, 2), 3: (6, 2), 4: (11, 11), 5: (2, 33)}


def hanley_mcneil_data() -> tuple[np.ndarray, np.ndarray]:
    """(abnormal?, rating) per patient, 109 patients."""
    ratings = np.array(list(HANLEY_MCNEIL_1982), dtype=float)
    normal = np.array([c[0] for c in HANLEY_MCNEIL_1982.values()])
    abnormal = np.array([c[1] for c in HANLEY_MCNEIL_1982.values()])
    score = np.concatenate([np.repeat(ratings, normal), np.repeat(ratings, abnormal)])
    y = np.concatenate([np.zeros(normal.sum(), bool), np.ones(abnormal.sum(), bool)])
    return y, score


# fmt: off
SMALL_Y = np.array([0,0,0,0,1,0,0,0,0,0,0,1,1,1,0,1,1,1,1,1,1,0,0,0,0,1,1,0,0,0,1,1,1,1,0,1,0,0,
                    0,1])
SMALL_A = np.array([0.47,0.50,0.55,0.60,0.58,0.54,0.64,0.60,0.55,0.51,0.51,0.57,0.54,0.62,0.59,
                    0.65,0.53,0.59,0.56,0.74,0.67,0.44,0.63,0.61,0.57,0.67,0.67,0.55,0.59,0.52,
                    0.59,0.61,0.64,0.60,0.55,0.63,0.45,0.57,0.61,0.67])
SMALL_B = np.array([4.5,3.7,4.4,4.6,4.7,3.8,4.3,3.8,3.6,4.5,4.4,5.2,5.2,4.1,3.9,5.2,3.9,4.6,4.2,
                    4.1,4.4,4.7,4.1,4.0,3.7,4.2,4.4,4.0,5.0,3.9,5.0,3.9,4.2,3.5,4.3,3.8,4.7,3.7,
                    4.4,4.8])
# fmt: on
