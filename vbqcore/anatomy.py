"""Named value sets shared by every module: vertebral levels, MR sequences, sex."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Level", "Sequence", "Sex", "CSF", "ROI_LABELS", "CORE_LEVELS", "parse_level"]


class Level(StrEnum):
    """A vertebral body that can carry an ROI, cranial to caudal.

    L1–L4 are the levels of the VBQ score; T12 and L5 are the substitutes for a fractured level
    (Huang et al., Global Spine J 2026;16(1):162–170, "Measuring VBQ Scores").
    """

    T12 = "T12"
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"
    L4 = "L4"
    L5 = "L5"

    @property
    def order(self) -> int:
        """Position from cranial (T12 = 0) to caudal (L5 = 5)."""
        return list(Level).index(self)


class Sequence(StrEnum):
    """The MR sequence a slice comes from; UNKNOWN when the header does not tell."""

    T1 = "T1"
    T2 = "T2"
    STIR = "STIR"
    UNKNOWN = "unknown"


class Sex(StrEnum):
    """Sex as the cohort and matching tables record it; :meth:`parse` reads every spelling."""

    F = "F"
    M = "M"

    @classmethod
    def parse(cls, value: object) -> Sex | None:
        """Read F/M, female/male, woman/man, women/men, w (German/Dutch tables) or 女/男, any case.

        ``None`` for a blank, missing or unrecognised value: the caller decides whether that is
        an error (a cohort's sex column) or an exclusion (a matching candidate without sex).

        >>> Sex.parse(" Women "), Sex.parse("男"), Sex.parse(""), Sex.parse("x")
        (<Sex.F: 'F'>, <Sex.M: 'M'>, None, None)
        """
        try:
            if value is None or value != value:  # None and NaN
                return None
        except TypeError:  # pd.NA: its comparison is NA, whose truth value is undefined
            return None
        return _SEX_WORDS.get(str(value).strip().casefold())


_SEX_WORDS: dict[str, Sex] = {
    "f": Sex.F, "female": Sex.F, "w": Sex.F, "woman": Sex.F, "women": Sex.F, "女": Sex.F,
    "m": Sex.M, "male": Sex.M, "man": Sex.M, "men": Sex.M, "男": Sex.M,
}  # fmt: skip


#: Label of the cerebrospinal-fluid ROI (the VBQ denominator, measured at L3 by default).
CSF = "CSF"

#: Levels whose mean makes the VBQ numerator when none is fractured.
CORE_LEVELS: tuple[Level, ...] = (Level.L1, Level.L2, Level.L3, Level.L4)

#: Every label an ROI may carry, in the order a user labels them down the spine.
ROI_LABELS: tuple[str, ...] = tuple(level.value for level in Level) + (CSF,)


def parse_level(name: str) -> Level:
    """Read a level name as users write it ("l3", " L3 ", "T12"); raise on anything else."""
    from vbqcore.errors import VbqInputError

    key = str(name).strip().upper()
    try:
        return Level(key)
    except ValueError as err:
        allowed = ", ".join(level.value for level in Level)
        message = f"Unknown vertebral level {name!r}: expected one of {allowed}."
        raise VbqInputError(message) from err
