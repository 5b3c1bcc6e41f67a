"""The paper layout of the reproduction: printed cells rebuilt from the per-figure checklist."""

from __future__ import annotations

import pandas as pd

from vbqcore.paper.reproduction_layout import paper_layout


def _report() -> pd.DataFrame:
    rows = [
        ("1", "BMI", "all", "mean (fracture)", "24.39", 24.391, True),
        ("1", "BMI", "all", "sd (fracture)", "4.31", 4.3095, True),
        ("1", "BMI", "all", "mean (control)", "25.12", 25.1205, True),
        ("1", "BMI", "all", "sd (control)", "4.92", 4.9197, True),
        ("1", "BMI", "all", "p", "0.308", 0.30749, True),
        ("1", "Male", "all", "n (fracture)", "15", 15.0, True),
        ("1", "Male", "all", "% (fracture)", "17.86", 17.857, False),
        ("3", "VBQ-T2", "all", "AUC", "0.70", 0.7013, True),
        ("3", "VBQ-T2", "all", "AUC 95% CI low (DeLong)", "0.62", 0.6201, True),
        ("3", "VBQ-T2", "all", "AUC 95% CI high (DeLong)", "0.78", 0.7825, True),
        ("3", "VBQ-T2", "all", "p", "< 0.001", 0.00001, None),
    ]
    columns = ["table", "variable", "subgroup", "statistic", "published_text", "computed"]
    return pd.DataFrame(rows, columns=[*columns, "passed"])


def test_table_one_cells() -> None:
    frame = paper_layout(_report(), "1")
    bmi = frame.set_index("Variable").loc["BMI"]
    assert bmi["Fracture · published"] == "24.39 ± 4.31"
    assert bmi["Fracture · reproduced"] == "24.39 ± 4.31"  # rounded as printed
    assert bmi["Control · reproduced"] == "25.12 ± 4.92"
    assert (bmi["P · published"], bmi["P · reproduced"]) == ("0.308", "0.307")
    assert bmi["Targets met"] == "5/5"
    male = frame.set_index("Variable").loc["Male"]
    assert male["Fracture · reproduced"] == "15 (17.86%)" and male["Targets met"] == "1/2"
    assert "Subgroup" not in frame.columns  # one subgroup only: no column for it


def test_auc_cells_and_small_p() -> None:
    frame = paper_layout(_report(), "3").set_index("Variable")
    assert frame.loc["VBQ-T2", "AUC (95% CI) · reproduced"] == "0.70 (0.62–0.78)"
    assert frame.loc["VBQ-T2", "P · reproduced"] == "<0.001"
    assert frame.loc["VBQ-T2", "Targets met"] == "3/3"
    assert list(paper_layout(_report(), "2").columns) == ["Variable"]  # nothing for table 2
