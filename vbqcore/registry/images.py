"""Images kept with a registry case, only when the user opts in for that case.

What is kept is the slice each sequence was measured on: its SIs (float64, so ROI statistics on
the re-opened case are the saved ones bit for bit), pixel spacing, display window, source and
the de-identified ``Protocol``. No file name, UID, date or patient attribute is stored.
"""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from vbqcore.anatomy import Sequence
from vbqcore.case.model import Case, CaseUpdate, load_series
from vbqcore.errors import RegistryError
from vbqcore.imaging.reading import Series
from vbqcore.imaging.slices import Protocol, Slice, SliceSource
from vbqcore.registry.database import Registry
from vbqcore.registry.schema import CaseRow, ImageRow

__all__ = [
    "CaseImage",
    "case_images",
    "encode_pixels",
    "decode_pixels",
    "write_images",
    "read_images",
    "stored_sequences",
    "attach_images",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class CaseImage:
    """The measured slice of one sequence."""

    sequence: Sequence
    slice: Slice


def case_images(case: Case) -> tuple[CaseImage, ...]:
    """The measured slice of every sequence with images, T1, T2, STIR order."""
    return tuple(
        CaseImage(seq, shown) for seq in case.loaded if (shown := case[seq].slice) is not None
    )


def encode_pixels(pixels: npt.NDArray[np.float64]) -> bytes:
    """A 2-D SI array as a zlib-compressed ``.npy`` (no pickle)."""
    buffer = io.BytesIO()
    np.save(buffer, np.ascontiguousarray(pixels, dtype=np.float64), allow_pickle=False)
    return zlib.compress(buffer.getvalue(), 6)


def decode_pixels(data: bytes, *, where: str) -> npt.NDArray[np.float64]:
    """The inverse of ``encode_pixels``; ``RegistryError`` naming ``where`` if damaged."""
    try:
        array = np.load(io.BytesIO(zlib.decompress(data)), allow_pickle=False)
    except (zlib.error, ValueError, OSError, EOFError) as err:
        raise RegistryError(f"The stored image of {where} is damaged ({err}).") from err
    if array.ndim != 2 or array.dtype != np.float64:
        raise RegistryError(f"The stored image of {where} is not a 2-D SI array.")
    array.flags.writeable = False
    out: npt.NDArray[np.float64] = array
    return out


def write_images(session: Session, case_pk: int, images: tuple[CaseImage, ...]) -> None:
    """Replace the stored images of a case (none given: none kept, the user opted out)."""
    session.execute(delete(ImageRow).where(ImageRow.case_pk == case_pk))
    for image in images:
        shown = image.slice
        spacing = shown.pixel_spacing_mm
        window = shown.window
        session.add(
            ImageRow(
                case_pk=case_pk,
                sequence=image.sequence.value,
                source=shown.source.value,
                pixels=encode_pixels(shown.pixels),
                spacing_row_mm=None if spacing is None else float(spacing[0]),
                spacing_col_mm=None if spacing is None else float(spacing[1]),
                window_center=None if window is None else float(window[0]),
                window_width=None if window is None else float(window[1]),
                protocol=json.dumps(shown.protocol.to_dict()),
            )
        )


def _protocol(raw: str) -> Protocol:
    data = json.loads(raw)
    data["sequence_guess"] = Sequence(data.get("sequence_guess") or "unknown")
    return Protocol(**{f.name: data.get(f.name) for f in dataclasses.fields(Protocol)})


def read_images(registry: Registry, case_id: str) -> tuple[CaseImage, ...]:
    """The images stored with a case (empty when the user did not opt in)."""
    with registry.session() as session:
        rows = session.scalars(
            select(ImageRow)
            .join(CaseRow, CaseRow.id == ImageRow.case_pk)
            .where(CaseRow.case_id == case_id)
            .order_by(ImageRow.id)
        ).all()
        out = []
        for row in rows:
            where = f"case {case_id} {row.sequence}"
            spacing = (
                None
                if row.spacing_row_mm is None or row.spacing_col_mm is None
                else (row.spacing_row_mm, row.spacing_col_mm)
            )
            window = (
                None
                if row.window_center is None or row.window_width is None
                else (row.window_center, row.window_width)
            )
            shown = Slice(
                decode_pixels(row.pixels, where=where),
                source=SliceSource(row.source),
                source_name=f"registry {case_id} {row.sequence}",
                protocol=_protocol(row.protocol),
                pixel_spacing_mm=spacing,
                window=window,
            )
            out.append(CaseImage(Sequence(row.sequence), shown))
        return tuple(out)


def stored_sequences(registry: Registry, case_id: str) -> tuple[Sequence, ...]:
    """Which sequences of a case have a stored image (without reading the pixels)."""
    with registry.session() as session:
        names = session.scalars(
            select(ImageRow.sequence)
            .join(CaseRow, CaseRow.id == ImageRow.case_pk)
            .where(CaseRow.case_id == case_id)
            .order_by(ImageRow.id)
        ).all()
    return tuple(Sequence(n) for n in names)


def attach_images(case: Case, images: tuple[CaseImage, ...]) -> CaseUpdate:
    """Load each stored slice as a one-slice series, keeping the sequence's ROIs on it."""
    warnings: list[str] = []
    for image in images:
        series = Series((image.slice,), 0, image.slice.protocol)
        update = load_series(case, image.sequence, series, keep_rois=True)
        case = update.case
        warnings.extend(f"{image.sequence.value}: {w}" for w in update.warnings)
    return CaseUpdate(case, tuple(warnings))
