"""One way to show user-supplied text in Streamlit: escaped, so it can never render as markdown.

Streamlit renders markdown (links, images, HTML-like directives, ``:red[...]`` colours,
``:material/...:`` icons, LaTeX between ``$``) in ``st.markdown``, ``st.caption``, ``st.error``
and friends, and in widget labels and radio options. A file name, a DICOM SeriesDescription, a
cohort column name or group value, an agreement column or an ROI label is typed by someone else:
shown raw, ``![x](https://evil/beacon.png)`` fetches an outside address and
``[Click to re-login](https://evil)`` becomes a link. Every such string goes through
``md_escape`` (or the whole message does, when it is plain prose).
"""

from __future__ import annotations

import re

__all__ = ["md_escape"]

# Every ASCII punctuation character may be backslash-escaped in CommonMark (spec 2.4), and an
# escaped character is always literal text: no emphasis, link, image, HTML, autolink or
# Streamlit directive can start from it. Newlines become spaces: a name is one line.
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def md_escape(text: object) -> str:
    """``text`` as literal characters in Streamlit markdown (labels, captions, alerts).

    >>> md_escape("![x](https://e.vil/b.png)")
    '\\\\!\\\\[x\\\\]\\\\(https\\\\:\\\\/\\\\/e\\\\.vil\\\\/b\\\\.png\\\\)'
    """
    flat = " ".join(str(text).splitlines())
    return _PUNCTUATION.sub(r"\\\1", flat)
