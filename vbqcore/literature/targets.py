"""What a published VBQ threshold predicts: target conditions and the three target groups."""

from __future__ import annotations

import logging
from enum import StrEnum

from vbqcore.errors import CutoffError

__all__ = ["Target", "TargetGroup", "parse_target"]

logger = logging.getLogger(__name__)


class TargetGroup(StrEnum):
    """What the clinician asks the VBQ: the three settings of the default-target choice."""

    FRACTURE_RISK = "fracture-risk"
    OSTEOPOROSIS_SCREENING = "osteoporosis-screening"
    SURGICAL_PLANNING = "surgical-planning"

    @property
    def label(self) -> str:
        return {
            TargetGroup.FRACTURE_RISK: "Fracture risk",
            TargetGroup.OSTEOPOROSIS_SCREENING: "Osteoporosis screening",
            TargetGroup.SURGICAL_PLANNING: "Surgical planning",
        }[self]


class Target(StrEnum):
    """The condition a threshold predicts."""

    OVCF = "ovcf"
    SUBSEQUENT_FRACTURE = "subsequent_fracture"
    OSTEOPOROSIS = "osteoporosis"
    REDUCED_BMD = "reduced_bmd"
    SCREW_LOOSENING = "screw_loosening"
    CAGE_SUBSIDENCE = "cage_subsidence"

    @property
    def label(self) -> str:
        return _TARGET_LABELS[self]

    @property
    def group(self) -> TargetGroup:
        if self in (Target.OVCF, Target.SUBSEQUENT_FRACTURE):
            return TargetGroup.FRACTURE_RISK
        if self in (Target.OSTEOPOROSIS, Target.REDUCED_BMD):
            return TargetGroup.OSTEOPOROSIS_SCREENING
        return TargetGroup.SURGICAL_PLANNING


_TARGET_LABELS = {
    Target.OVCF: "Osteoporotic vertebral compression fracture",
    Target.SUBSEQUENT_FRACTURE: "Subsequent vertebral fracture",
    Target.OSTEOPOROSIS: "Osteoporosis (DXA)",
    Target.REDUCED_BMD: "Reduced BMD (osteopenia or osteoporosis)",
    Target.SCREW_LOOSENING: "Pedicle screw loosening",
    Target.CAGE_SUBSIDENCE: "Cage subsidence",
}


def parse_target(text: str) -> Target | TargetGroup:
    """Read a target condition (``osteoporosis``) or a target group (``surgical-planning``)."""
    key = str(text).strip().lower().replace(" ", "-")
    for group in TargetGroup:
        if key == group.value:
            return group
    for target in Target:
        if key.replace("-", "_") == target.value:
            return target
    choices = ", ".join([g.value for g in TargetGroup] + [t.value for t in Target])
    raise CutoffError(f"target {text!r} is not known: use one of {choices}.")
