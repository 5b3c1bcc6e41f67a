"""Guess whether an MR series is T1-, T2-weighted or STIR from the few header facts that tell."""

from __future__ import annotations

import logging
import re

from vbqcore.anatomy import Sequence

__all__ = [
    "guess_sequence",
    "T1_MAX_TR_MS",
    "T1_MAX_TE_MS",
    "T2_MIN_TR_MS",
    "T2_MIN_TE_MS",
    "STIR_TI_RANGE_MS",
]

logger = logging.getLogger(__name__)

#: T1 weighting: short TR and TE (spin-echo T1 of the lumbar spine: TR 400-800 ms, TE 8-20 ms).
T1_MAX_TR_MS = 1000.0
T1_MAX_TE_MS = 30.0
#: T2 weighting: long TR and long TE (fast spin-echo T2: TR 2500-5000 ms, TE 80-120 ms).
T2_MIN_TR_MS = 1500.0
T2_MIN_TE_MS = 60.0
#: STIR nulls fat with TI = ln(2) x T1(fat): about 140-170 ms at 1.5 T and 200-250 ms at 3 T
#: (T1 of fat about 250 ms at 1.5 T, 380 ms at 3 T). A range wide enough for both field strengths
#: and narrow enough to exclude FLAIR (TI 800-2500 ms).
STIR_TI_RANGE_MS = (80.0, 300.0)
#: T1-FLAIR (used for sagittal spine T1 on some scanners): TI 600-1200 ms with a short TE.
_T1_FLAIR_TI_RANGE_MS = (500.0, 1300.0)

# Keywords in SeriesDescription, matched as tokens so "T12" or "LT1X" are not read as "T1".
_STIR_WORDS = re.compile(r"(?<![A-Z0-9])(STIR|TIRM|T2[ _-]?IR)(?![A-Z])")
_T1_WORDS = re.compile(r"(?<![A-Z0-9])T1(?![0-9])")
_T2_WORDS = re.compile(r"(?<![A-Z0-9])T2(?![0-9])")


def guess_sequence(
    *,
    series_description: str | None = None,
    scanning_sequence: str | None = None,
    tr_ms: float | None = None,
    te_ms: float | None = None,
    ti_ms: float | None = None,
    field_strength_t: float | None = None,
) -> Sequence:
    """Guess the weighting of an MR series; ``Sequence.UNKNOWN`` when the facts do not tell.

    Rules, in order (description keywords win when present, because the technologist named the
    series; the timing rules are the textbook definitions):

    1. ``series_description`` contains STIR, TIRM or "T2 IR" -> STIR; else exactly one of the
       tokens T1 / T2 -> that weighting.
    2. Inversion recovery (``scanning_sequence`` contains IR, or no scanning sequence but a TI)
       with TI in ``STIR_TI_RANGE_MS`` (80-300 ms) -> STIR; IR with TI 500-1300 ms and
       TE < 30 ms (T1-FLAIR) -> T1.
    3. TR < 1000 ms and TE < 30 ms -> T1; TR >= 1500 ms and TE > 60 ms -> T2.
    4. Otherwise (proton density, gradient echo with no description, missing TR/TE) -> UNKNOWN.

    Parameters
    ----------
    series_description : str, optional
        DICOM SeriesDescription (0008,103E), e.g. "SAG T2 FSE".
    scanning_sequence : str, optional
        DICOM ScanningSequence (0018,0020), values joined by a backslash, e.g. "SE\\IR".
    tr_ms, te_ms, ti_ms : float, optional
        Repetition, echo and inversion times in ms.
    field_strength_t : float, optional
        Main field in tesla. Only used to narrow the STIR TI range: 80-220 ms at <= 2 T,
        150-300 ms above (fat's T1 lengthens with field strength).

    Examples
    --------
    >>> guess_sequence(series_description="Sag STIR")
    <Sequence.STIR: 'STIR'>
    >>> guess_sequence(tr_ms=500, te_ms=12)
    <Sequence.T1: 'T1'>
    """
    if series_description:
        text = series_description.upper()
        if _STIR_WORDS.search(text):
            return Sequence.STIR
        has_t1 = bool(_T1_WORDS.search(text))
        has_t2 = bool(_T2_WORDS.search(text))
        if has_t1 != has_t2:
            return Sequence.T1 if has_t1 else Sequence.T2

    scanning = (scanning_sequence or "").upper()
    is_ir = "IR" in re.split(r"[\\/ ,]+", scanning) if scanning else ti_ms is not None
    if is_ir and ti_ms is not None and ti_ms > 0:
        low, high = _stir_range(field_strength_t)
        if low <= ti_ms <= high:
            return Sequence.STIR
        flair_low, flair_high = _T1_FLAIR_TI_RANGE_MS
        if flair_low <= ti_ms <= flair_high and te_ms is not None and te_ms < T1_MAX_TE_MS:
            return Sequence.T1

    if tr_ms is not None and te_ms is not None and tr_ms > 0 and te_ms > 0:
        if tr_ms < T1_MAX_TR_MS and te_ms < T1_MAX_TE_MS:
            return Sequence.T1
        if tr_ms >= T2_MIN_TR_MS and te_ms > T2_MIN_TE_MS:
            return Sequence.T2
    return Sequence.UNKNOWN


def _stir_range(field_strength_t: float | None) -> tuple[float, float]:
    low, high = STIR_TI_RANGE_MS
    if field_strength_t is None or field_strength_t <= 0:
        return low, high
    if field_strength_t <= 2.0:
        return low, 220.0
    return 150.0, high
