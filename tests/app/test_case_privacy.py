"""AppTest: a screenshot (pixels may show identifiers) is flagged before export, and exported
images are blanked outside the ROIs by default; the export text never overclaims."""

from __future__ import annotations

from tests.app.test_case_page import draw, open_case_page, upload
from tests.case_helpers import phantom_rois
from tests.phantoms import phantom_png
from vbqcore.anatomy import Sequence
from vbqcore.roi.redaction import PixelExport


def test_screenshot_is_flagged_and_blanked_by_default() -> None:
    at = open_case_page()
    upload(at, [("t1.png", phantom_png(sequence=Sequence.T1))])
    draw(at, Sequence.T1, phantom_rois())
    assert any("T1: a screenshot" in w.value and "blanked" in w.value for w in at.warning)
    choice = next(r for r in at.radio if r.label.startswith("Pixels in exported images"))
    assert choice.value == PixelExport.BLANK_OUTSIDE_ROIS
    captions = " ".join(c.value for c in at.caption)
    assert "outside the region of the ROIs were blanked" in captions
    choice.set_value(PixelExport.AS_IS).run()
    captions = " ".join(c.value for c in at.caption)
    assert "not checked for burned-in text" in captions and "may show identifiers" in captions
    assert "de-identified" not in captions.lower()
