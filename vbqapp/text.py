"""One way to show user-supplied text in Streamlit: escaped, so it can never render as markdown.

Streamlit renders markdown (links, images, autolinks, emphasis, code, LaTeX between ``$``,
``:red[...]`` colours, ``:material/...:`` icons) in ``st.markdown``, ``st.caption``, ``st.error``
and friends, and in widget labels. A file name, a DICOM SeriesDescription, a cohort column name
or group value, an agreement column or an ROI label is typed by someone else: shown raw,
``![x](https://evil/beacon.png)`` fetches an outside address and ``[Click to re-login](https://
evil)`` becomes a link. Every such string goes through ``md_escape`` (or the whole message does,
when it is plain prose).

Only what can start a markdown construct is escaped (CommonMark 0.31 §2.4: a backslash before
ASCII punctuation makes it literal), so ordinary prose such as ``file 1 (0 bytes): vbq_t2 < 3``
reads, and tests, exactly as written.
"""

from __future__ import annotations

import re

__all__ = ["md_escape"]

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"([\\`*\[\]$~|{}!])"), r"\\\1"),  # code, emphasis, links/images, math, strike
    (re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])"), r"\\_"),  # _emphasis_, not vbq_t2
    (re.compile(r"<(?=[A-Za-z/!?])"), r"\\<"),  # <tag> and <https://autolink>, not "p < 0.05"
    # GFM autolink literals (https://x, www.x, name@host) are found in the text *after*
    # escapes are resolved, so a backslash cannot stop them (checked in Chromium,
    # tests/browser/test_hostile_browser.py): an invisible WORD JOINER (U+2060) splits them.
    (re.compile(r":(?=//)"), ":\u2060"),
    (re.compile(r"(?i)\b(www)\."), "\\1\u2060."),
    (re.compile(r"(?<=\w)@(?=\w)"), "\u2060@"),
    (re.compile(r":(?=[A-Za-z][\w/-]*:)"), r"\\:"),  # :material/icon: and :smile: shortcodes
    (re.compile(r"^(\s*)([#>+\-=])"), r"\1\\\2"),  # a heading, quote or list at the start
    (re.compile(r"^(\s*\d+)([.)])"), r"\1\\\2"),  # "1." / "1)" ordered list at the start
)


def md_escape(text: object) -> str:
    """``text`` as literal characters in Streamlit markdown (labels, captions, alerts).

    Newlines become spaces (a name is one line, so no block construct can start mid-text).

    >>> md_escape("![x](e.vil/b.png) in vbq_t2")
    '\\\\!\\\\[x\\\\](e.vil/b.png) in vbq_t2'
    """
    out = " ".join(str(text).splitlines())
    for pattern, replacement in _RULES:
        out = pattern.sub(replacement, out)
    return out
