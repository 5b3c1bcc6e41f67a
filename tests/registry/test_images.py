"""Images stored with a case only on opt-in: SIs back bit for bit, the same scores on re-open."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from tests.case_helpers import measured_case
from vbqcore.case.evaluation import evaluate_case
from vbqcore.case.io import case_to_dict, read_case_json, restore_case
from vbqcore.case.model import new_case
from vbqcore.errors import RegistryError
from vbqcore.registry.database import Registry
from vbqcore.registry.images import (
    attach_images,
    case_images,
    decode_pixels,
    encode_pixels,
    read_images,
    stored_sequences,
)
from vbqcore.registry.records import record_from_case_json
from vbqcore.registry.schema import ImageRow
from vbqcore.registry.store import delete_case, get_case, save_case


def _count(registry: Registry) -> int:
    with registry.session() as session:
        return int(session.scalar(select(func.count()).select_from(ImageRow)) or 0)


def test_pixels_round_trip_exactly() -> None:
    rng = np.random.default_rng(7)
    pixels = rng.normal(500, 120, size=(37, 53))
    back = decode_pixels(encode_pixels(pixels), where="test")
    assert back.dtype == np.float64 and np.array_equal(back, pixels)
    with pytest.raises(RegistryError, match="stored image of case X T2 is damaged"):
        decode_pixels(b"not zlib", where="case X T2")


def test_opt_in_images_reopen_with_the_same_scores(registry: Registry, tmp_path: Path) -> None:
    case = measured_case(tmp_path)
    evaluation = evaluate_case(case)
    data = case_to_dict(case, evaluation)
    plain = record_from_case_json(data, case_id="NOIMG")
    save_case(registry, plain, actor="a")
    assert _count(registry) == 0 and read_images(registry, "NOIMG") == ()  # not opted in

    record = record_from_case_json(data, case_id="IMG", images=case_images(case))
    save_case(registry, record, actor="a")
    images = read_images(registry, "IMG")
    assert [s.value for s in stored_sequences(registry, "IMG")] == ["T1", "T2", "STIR"]
    assert stored_sequences(registry, "NOIMG") == ()
    assert [i.sequence.value for i in images] == ["T1", "T2", "STIR"]
    for image in images:
        shown = case[image.sequence].slice
        assert shown is not None
        assert np.array_equal(image.slice.pixels, shown.pixels)
        assert image.slice.pixel_spacing_mm == shown.pixel_spacing_mm
        # The coded protocol is kept; the free-text SeriesDescription is not stored (issue 13).
        assert image.slice.protocol == dataclasses.replace(shown.protocol, series_description=None)
        assert shown.protocol.series_description  # the phantom has one, so this can fail
        assert "PHANTOM" not in image.slice.source_name

    # Re-open: the ROIs from the case JSON, placed on the stored slices, give the same scores.
    stored = get_case(registry, "IMG")
    restored = restore_case(new_case(), read_case_json(stored.record.case_json or ""))
    reopened = attach_images(restored.case, images).case
    again = evaluate_case(reopened)
    assert again.result is not None and evaluation.result is not None
    assert again.result.to_dict()["vbq_t2"] == evaluation.result.to_dict()["vbq_t2"] == 0.55
    for name in ("vbq_t1", "vbq_stir", "vbq_t2_stir"):
        assert again.result.to_dict()[name] == evaluation.result.to_dict()[name]

    # Updating without the opt-in drops the images; deleting the case removes them too.
    save_case(registry, record, actor="a", expected_version=1)
    assert _count(registry) == 3
    save_case(registry, plain.__class__(**{**record.__dict__, "images": ()}), actor="a",
              expected_version=2)  # fmt: skip
    assert _count(registry) == 0
    save_case(registry, record, actor="a", expected_version=3)
    delete_case(registry, "IMG", actor="a")
    assert _count(registry) == 0
