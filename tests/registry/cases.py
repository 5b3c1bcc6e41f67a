"""The measured phantom case as the Case page's JSON export, for registry tests."""

from __future__ import annotations

from pathlib import Path

from tests.case_helpers import measured_case
from vbqcore.case.evaluation import evaluate_case
from vbqcore.case.io import case_to_json

__all__ = ["phantom_case_json"]


def phantom_case_json(folder: Path) -> str:
    """T1, T2 and STIR phantoms with L1-L4 + CSF ROIs on each, exported as case JSON."""
    case = measured_case(folder)
    return case_to_json(case, evaluate_case(case))
