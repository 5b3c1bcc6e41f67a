"""The reproduction of Huang et al. 2026 Tables 1–4 on the demo cohort, and its command."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from sklearn.metrics import roc_auc_score

from tests.conftest import ROOT
from vbqcore.cli import main
from vbqcore.errors import CohortError
from vbqcore.paper.demo_cohort import read_demo_cohort
from vbqcore.paper.reproduction import REPORT_COLUMNS, ReproductionReport, reproduce

CSV = ROOT / "data" / "demo_cohort.csv"
TABLES_JSON = ROOT / "vbqcore" / "data" / "huang2026_tables.json"
SCORES = ("vbq_t1", "vbq_t2", "vbq_t2_stir")


@pytest.fixture(scope="module")
def cohort() -> pd.DataFrame:
    return read_demo_cohort(CSV)


@pytest.fixture(scope="module")
def report(cohort: pd.DataFrame) -> ReproductionReport:
    return reproduce(cohort)


def row(
    report: ReproductionReport, table: str, variable: str, statistic: str, subgroup: str = "all"
) -> Any:
    found = [
        r
        for r in report.rows
        if (r.table, r.variable, r.statistic, r.subgroup) == (table, variable, statistic, subgroup)
    ]
    assert len(found) == 1, (table, variable, statistic, subgroup)
    return found[0]


def test_every_target_is_met(report: ReproductionReport) -> None:
    missed = [
        f"{r.table} {r.variable} {r.subgroup} {r.statistic}: published {r.published}, "
        f"computed {r.computed} ({r.target})"
        for r in report.failures
    ]
    assert missed == []
    assert report.passed and report.n_targets > 250


def test_every_published_number_is_compared(report: ReproductionReport) -> None:
    # Walk the data file on its own (not through vbqcore.paper.published): every number in
    # Tables 1-4 must be the published value of some row, except the two-decimal AUCs of Table 2
    # (compared at three decimals, from the abstract) and the erratum's printed SD (target 0.579).
    doc = json.loads(TABLES_JSON.read_text(encoding="utf-8"))
    numbers: list[float] = []

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in ("auc", "erratum", "groups"):
                    walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, int | float) and not isinstance(node, bool):
            numbers.append(float(node))
        elif isinstance(node, str) and key == "p":
            numbers.append(float(node.lstrip("< ")))

    for table in ("table1", "table2", "table3", "table4"):
        walk(doc[table]["rows"])
    published = {r.published for r in report.rows if r.published is not None}
    assert [n for n in numbers if n not in published] == []
    keys = [(r.table, r.variable, r.subgroup, r.statistic) for r in report.rows]
    assert len(keys) == len(set(keys))


def test_aucs_match_scikit_learn(report: ReproductionReport, cohort: pd.DataFrame) -> None:
    y = cohort["group"] == "fracture"
    for label, col in (("VBQ-T1", "vbq_t1"), ("VBQ-T2", "vbq_t2"), ("VBQ-T2-STIR", "vbq_t2_stir")):
        assert row(report, "2", label, "AUC").computed == pytest.approx(
            roc_auc_score(y, cohort[col])
        )


def test_delong_ci_matches_textbook_delong(
    report: ReproductionReport, cohort: pd.DataFrame
) -> None:
    # DeLong, DeLong & Clarke-Pearson 1988 with the O(m*n) placement values.
    pos = cohort.loc[cohort["group"] == "fracture", "vbq_t2"].to_numpy()
    neg = cohort.loc[cohort["group"] == "control", "vbq_t2"].to_numpy()
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    auc = psi.mean()
    se = math.sqrt(
        psi.mean(axis=1).var(ddof=1) / pos.size + psi.mean(axis=0).var(ddof=1) / neg.size
    )
    z = stats.norm.ppf(0.975)
    assert row(report, "2", "VBQ-T2", "AUC 95% CI low (DeLong)").computed == pytest.approx(
        auc - z * se
    )
    assert row(report, "2", "VBQ-T2", "AUC 95% CI high (DeLong)").computed == pytest.approx(
        auc + z * se
    )


def test_youden_cutoff_matches_brute_force(
    report: ReproductionReport, cohort: pd.DataFrame
) -> None:
    for label, col in (("VBQ-T1", "vbq_t1"), ("VBQ-T2", "vbq_t2"), ("VBQ-T2-STIR", "vbq_t2_stir")):
        pos = cohort.loc[cohort["group"] == "fracture", col].to_numpy()
        neg = cohort.loc[cohort["group"] == "control", col].to_numpy()
        values = np.unique(np.concatenate([pos, neg]))
        j = [(pos >= t).mean() - (neg >= t).mean() for t in values]
        k = int(np.argmax(j))
        midpoint = (values[k - 1] + values[k]) / 2  # SPSS/pROC report the midpoint
        assert row(report, "3", label, "Youden cut-off").computed == pytest.approx(midpoint)
        assert row(report, "3", label, "sensitivity %").computed == pytest.approx(
            100 * (pos >= values[k]).mean()
        )


def test_table1_matches_scipy_and_numpy(report: ReproductionReport, cohort: pd.DataFrame) -> None:
    frac, ctrl = (cohort[cohort["group"] == g] for g in ("fracture", "control"))
    # t-test with pooled variance, as SPSS's "equal variances assumed" row.
    p = stats.ttest_ind(frac["vbq_t1"], ctrl["vbq_t1"], equal_var=True).pvalue
    assert row(report, "1", "VBQ-T1", "p").computed == pytest.approx(p)
    women = cohort[cohort["sex"] == "F"]
    sd = women.loc[women["group"] == "fracture", "vbq_t2_stir"].std(ddof=1)
    assert row(report, "1", "VBQ-T2-STIR", "sd (fracture)", "female").computed == pytest.approx(sd)
    bmd = frac["fn_bmd"].dropna()
    q1, median, q3 = np.percentile(bmd, [25, 50, 75], method="weibull")
    label = "Femoral neck BMD (g/cm²)"
    assert row(report, "1", label, "median (fracture)").computed == pytest.approx(median)
    assert row(report, "1", label, "q1 (fracture)").computed == pytest.approx(q1)
    assert row(report, "1", label, "q3 (fracture)").computed == pytest.approx(q3)
    u = stats.mannwhitneyu(bmd, ctrl["fn_bmd"].dropna(), alternative="two-sided")
    assert row(report, "1", label, "p").computed == pytest.approx(u.pvalue)


def test_table4_matches_statsmodels(report: ReproductionReport, cohort: pd.DataFrame) -> None:
    y = (cohort["group"] == "fracture").astype(float)
    fit = sm.Logit(y, sm.add_constant(cohort[["vbq_t1", "vbq_t2", "vbq_t2_stir"]])).fit(disp=0)
    assert row(report, "4", "VBQ-T2", "OR (multivariable)").computed == pytest.approx(
        math.exp(fit.params["vbq_t2"]), rel=1e-6
    )
    assert row(report, "4", "VBQ-T2", "p (multivariable)").computed == pytest.approx(
        fit.pvalues["vbq_t2"], rel=1e-6
    )
    # The paper's pattern: only VBQ-T2 significant in the multivariable model.
    assert fit.pvalues["vbq_t2"] < 0.05 < min(fit.pvalues["vbq_t1"], fit.pvalues["vbq_t2_stir"])


def test_erratum_and_unreachable_p_are_explained(report: ReproductionReport) -> None:
    sd = row(report, "1", "VBQ-T1", "sd (fracture)", "male")
    assert sd.published == 0.579 and sd.published_text == "0.79" and "cannot be right" in sd.note
    p = row(report, "1", "L1-L4 BMD (g/cm²)", "p", "male")
    assert p.target == "complete separation (U = 0)" and p.passed
    assert p.computed == pytest.approx(2 / 35)  # exact two-sided p of U = 0 with 3 vs 4


def test_a_broken_cohort_misses_targets(cohort: pd.DataFrame) -> None:
    broken = cohort.copy()
    broken["vbq_t2"] = broken["vbq_t2"].to_numpy()[np.random.default_rng(0).permutation(168)]
    result = reproduce(broken)
    assert not result.passed
    missed = {(r.table, r.variable, r.statistic) for r in result.failures}
    assert ("2", "VBQ-T2", "AUC") in missed and ("4", "VBQ-T2", "p (multivariable)") in missed


def test_bad_group_values_are_refused(cohort: pd.DataFrame) -> None:
    bad = cohort.assign(group=cohort["group"].replace({"control": "ctrl"}))
    with pytest.raises(CohortError, match="'fracture' and 'control'"):
        reproduce(bad)


def test_cli_text(capsys: pytest.CaptureFixture[str], report: ReproductionReport) -> None:
    assert main(["reproduce"]) == 0
    out = capsys.readouterr().out
    assert "synthetic demo cohort (not patient data)" in out
    assert f"{report.n_targets} of {report.n_targets} targets met: all targets met." in out
    assert out.count(" pass\n") == report.n_targets and "FAIL" not in out


def test_cli_json_and_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], report: ReproductionReport
) -> None:
    out_csv = tmp_path / "report.csv"
    assert main(["reproduce", "--json", "--csv", str(out_csv)]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["passed"] is True and payload["n_failed"] == 0
    assert len(payload["rows"]) == len(report.rows)
    table = pd.read_csv(out_csv)
    assert tuple(table.columns) == REPORT_COLUMNS and len(table) == len(report.rows)


@pytest.mark.filterwarnings("ignore::vbqcore.stats.DegenerateInputWarning")
def test_cli_exit_codes(
    tmp_path: Path, cohort: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = cohort.copy()
    broken["vbq_t1"] = broken["vbq_t1"].to_numpy()[::-1]
    path = tmp_path / "broken.csv"
    broken.to_csv(path, index=False)
    assert main(["reproduce", "--data", str(path)]) == 1  # a target missed
    assert "MISSED" in capsys.readouterr().out
    cohort.drop(columns=["bmi"]).to_csv(path, index=False)
    assert main(["reproduce", "--data", str(path)]) == 2  # bad input
    assert "'bmi'" in capsys.readouterr().err


def test_cli_subprocess() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vbqcore", "reproduce", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["passed"] is True


def test_demo_cohort_command_writes_the_committed_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo-cohort"]) == 0
    assert capsys.readouterr().out == CSV.read_text(encoding="utf-8")
