"""Table 1 as a paper prints it, and its Word / Excel documents (issue 12)."""

from __future__ import annotations

import doctest
import io

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook

from vbqcore.stats import compare_groups
from vbqcore.tables import publication_table_one, table_docx, table_xlsx
from vbqcore.tables import table_one as table_one_module

# R's sleep data as two groups (t-test), a skewed variable (Mann–Whitney) and sex (χ²).
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    skewed = [1, 1, 1, 2, 2, 2, 3, 3, 40, 90] + [2, 3, 3, 4, 4, 5, 5, 6, 70, 200]
    return pd.DataFrame(
        {
            "group": ["fracture"] * 10 + ["control"] * 10,
            "Extra sleep (h)": SLEEP_1 + SLEEP_2,
            "Days": skewed,
            "Sex": list("FFFFFFMMMM") + list("FFFFFFFMMM"),
            "BMD": [0.6, None, 0.7, 0.65, 0.7, 0.62, 0.58, None, 0.66, 0.71] + [0.8] * 10,
        }
    )


def test_doctests() -> None:
    assert doctest.testmod(table_one_module).failed == 0


def test_layout_as_a_paper_prints_it(table: pd.DataFrame) -> None:
    comparison = compare_groups(
        table,
        "group",
        ["Extra sleep (h)", "Days", "Sex", "BMD"],
        groups=["fracture", "control"],
        force={"Extra sleep (h)": "t-test", "Days": "mwu"},
    )
    pub = publication_table_one(comparison)
    frame = pub.to_frame()
    assert list(frame.columns) == [
        "Characteristic",
        "fracture (n = 10)",
        "control (n = 10)",
        "P value",
    ]
    cells = dict(zip(frame["Characteristic"], frame.itertuples(index=False), strict=True))
    # t-tested: mean ± SD (sleep group 1: mean 0.75, SD 1.789 by hand), p with letter a.
    sleep = cells["Extra sleep (h), mean ± SD"]
    assert sleep[1].startswith("0.75 ± 1.79") and sleep[3] == "0.079ᵃ"  # R: p-value = 0.07919
    # Mann–Whitney: median (Q1–Q3), letter b.
    days = cells["Days, median (IQR)"]
    assert "–" in days[1] and "," not in days[1] and days[3].endswith("ᵇ")
    # Counts: n (%) on level lines, sex spelled out; the test letter on the variable's line.
    assert cells["Sex, n (%)"][3][-1] in "ᶜᵈ"
    assert cells["   Women"][1] == "6 (60.0%)" and cells["   Men"][2] == "3 (30.0%)"
    # Missing values: n per group after the label, explained in a footnote.
    assert "BMD (n = 8/10), mean ± SD" in cells or "BMD (n = 8/10), median (IQR)" in cells
    assert any("patients with a value" in note for note in pub.footnotes)
    # No statistic noise anywhere, and only the tests used are footnoted, in letter order.
    text = frame.to_csv()
    for noise in ("chi2 =", "U =", "t =", "None", "nan"):
        assert noise not in text
    letters = [note[0] for note in pub.footnotes[1:] if note[0] in "ᵃᵇᶜᵈ"]
    assert letters == sorted(letters, key="ᵃᵇᶜᵈ".index) and letters[:2] == ["ᵃ", "ᵇ"]


def test_p_below_a_thousandth() -> None:
    df = pd.DataFrame({"g": ["a"] * 30 + ["b"] * 30, "x": list(range(30)) + list(range(50, 80))})
    pub = publication_table_one(compare_groups(df, "g", ["x"], groups=["a", "b"]))
    assert pub.rows[0][3] in ("<0.001ᵃ", "<0.001ᵇ")


def test_word_and_excel_documents(table: pd.DataFrame) -> None:
    comparison = compare_groups(
        table, "group", ["Extra sleep (h)", "Sex"], groups=["fracture", "control"]
    )
    pub = publication_table_one(comparison)
    frame = pub.to_frame()
    doc = Document(io.BytesIO(table_docx(frame, title=pub.title, footnotes=pub.footnotes)))
    assert doc.paragraphs[0].text == pub.title and doc.paragraphs[0].runs[0].bold
    grid = doc.tables[0]
    assert [c.text for c in grid.rows[0].cells] == list(frame.columns)
    assert [c.text for c in grid.rows[1].cells] == list(frame.iloc[0])
    assert len(grid.rows) == len(frame) + 1
    assert [p.text for p in doc.paragraphs[1:]] == list(pub.footnotes)

    book = load_workbook(io.BytesIO(table_xlsx(frame, title=pub.title, footnotes=pub.footnotes)))
    ws = book.active
    assert ws["A1"].value == pub.title and ws["A1"].font.bold
    assert [c.value for c in ws[3]] == list(frame.columns) and ws["A3"].font.bold
    assert [c.value or "" for c in ws[4]] == list(frame.iloc[0])
    assert ws.cell(row=3 + len(frame) + 2, column=1).value == pub.footnotes[0]
