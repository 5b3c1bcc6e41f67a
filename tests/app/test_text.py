"""vbqapp.text.md_escape: user text can never start a markdown construct, prose stays as is."""

from __future__ import annotations

import pytest

from vbqapp.text import md_escape

WJ = "\u2060"  # WORD JOINER: splits autolink literals, invisible


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("![b](x.png)", r"\!\[b\](x.png)"),  # image: no "![", no "]("
        ("[login](evil/x)", r"\[login\](evil/x)"),
        ("https://e.vil/a", f"https:{WJ}//e.vil/a"),
        ("see www.e.vil", f"see www{WJ}.e.vil"),
        ("a@e.vil", f"a{WJ}@e.vil"),
        ("<img src=x>", r"\<img src=x>"),
        ("**b** _i_ `c` $x$ ~~s~~", r"\*\*b\*\* \_i\_ \`c\` \$x\$ \~\~s\~\~"),
        (":red[x] :material/home:", r":red\[x\] \:material/home:"),
        ("# h", r"\# h"),
        ("- item", r"\- item"),
        ("1. item", r"1\. item"),
        ("two\nlines", "two lines"),
        # Prose and names are left as written:
        ("file 1 (0 bytes): vbq_t2 < 3, L1-L4", "file 1 (0 bytes): vbq_t2 < 3, L1-L4"),
        ("T2_L1 = 560.5", "T2_L1 = 560.5"),
    ],
)
def test_md_escape(raw: str, escaped: str) -> None:
    assert md_escape(raw) == escaped
