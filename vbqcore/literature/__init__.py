"""Published VBQ thresholds as a curated, cited library, and a measured case against them.

``targets`` (what a threshold predicts), ``entries`` (one published threshold), ``library``
(the data file ``vbqcore/data/cutoff_library.json``), ``zones`` (below / borderline / above),
``applicability`` (which thresholds a case can use), ``reading`` (the result); ``frame``
(the library as a table) is imported on its own: ``python -m vbqcore score`` need not load
pandas.
"""

from vbqcore.literature.applicability import read_literature
from vbqcore.literature.entries import LibraryEntry, ScoreDefinition
from vbqcore.literature.library import load_library, select_entries
from vbqcore.literature.reading import LiteratureComparison, LiteratureReading
from vbqcore.literature.targets import Target, TargetGroup, parse_target
from vbqcore.literature.zones import FieldMatch, Zone, zone_for

__all__ = [
    "Target",
    "TargetGroup",
    "parse_target",
    "ScoreDefinition",
    "LibraryEntry",
    "load_library",
    "select_entries",
    "Zone",
    "FieldMatch",
    "zone_for",
    "LiteratureComparison",
    "LiteratureReading",
    "read_literature",
]
