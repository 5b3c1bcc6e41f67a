"""The published figures of Huang et al. 2026 as data: spot checks and the erratum."""

from __future__ import annotations

import math

import pytest

from vbqcore.paper.published import PValue, Subgroup, load_published


def test_spot_checks_against_the_paper() -> None:
    tables = load_published()
    # Table 1, VBQ-T2 (all): 0.601 ± 0.076 vs 0.548 ± 0.075, P < 0.001.
    t2 = tables.summary("vbq_t2")
    assert t2.fracture == {"mean": 0.601, "sd": 0.076} and t2.control == {
        "mean": 0.548,
        "sd": 0.075,
    }
    assert t2.p is not None and t2.p.below and t2.p.printed == "< 0.001"
    # Table 1, L1-L4 BMD (women): n = 16 vs 20, 0.76 (0.67, 1.00) vs 0.88 (0.82, 0.99), P 0.301.
    bmd = tables.summary("l14_bmd", Subgroup.FEMALE)
    assert bmd.n == {"fracture": 16, "control": 20}
    assert bmd.fracture == {"median": 0.76, "q1": 0.67, "q3": 1.00}
    assert bmd.p is not None and not bmd.p.significant()
    # Table 2: VBQ-T2 AUC 0.70 (0.62, 0.78), abstract 0.697. Table 3: VBQ-T2 0.555, 76.2, 59.3.
    auc = {r.variable: r for r in tables.table2}["vbq_t2"]
    assert (auc.auc, auc.auc_abstract, auc.ci_low, auc.ci_high) == (0.70, 0.697, 0.62, 0.78)
    cut = {r.variable: r for r in tables.table3}["vbq_t2"]
    assert (cut.cutoff, cut.sensitivity, cut.specificity) == (0.555, 76.2, 59.3)
    # Table 4: VBQ-STIR has no multivariable entry; VBQ-T2 multivariable OR 4478.438, P 0.020.
    logit = {r.variable: r for r in tables.table4}
    assert logit["vbq_stir"].multivariable is None
    multi = logit["vbq_t2"].multivariable
    assert multi is not None and multi.odds_ratio == 4478.438 and multi.p.value == 0.020
    assert tables.multivariable_predictors == ("vbq_t1", "vbq_t2", "vbq_t2_stir")
    assert len(tables.table1) == 34 and tables.group_sizes == {"fracture": 84, "control": 84}


def test_erratum_male_vbq_t1_sd() -> None:
    tables = load_published()
    male = tables.summary("vbq_t1", Subgroup.MALE)
    assert male.erratum is not None and male.erratum.printed == 0.79
    assert male.fracture["sd"] == male.erratum.used == 0.579
    women = tables.summary("vbq_t1", Subgroup.FEMALE).fracture
    overall = tables.summary("vbq_t1").fracture

    def pooled_sd(sd_men: float) -> float:
        # Hand formula: total SS = within-sex SS + between-sex SS, over n - 1 = 83.
        mean = (69 * women["mean"] + 15 * male.fracture["mean"]) / 84
        ss = 68 * women["sd"] ** 2 + 14 * sd_men**2
        ss += 69 * (women["mean"] - mean) ** 2 + 15 * (male.fracture["mean"] - mean) ** 2
        return math.sqrt(ss / 83)

    assert pooled_sd(0.79) == pytest.approx(0.642, abs=0.001)  # not the printed 0.603
    assert pooled_sd(0.579) == pytest.approx(overall["sd"], abs=0.001)


@pytest.mark.parametrize(
    ("text", "value", "below", "significant"),
    [("0.308", 0.308, False, False), ("< 0.001", 0.001, True, True), ("0.01", 0.01, False, True)],
)
def test_p_value_parsing(text: str, value: float, below: bool, significant: bool) -> None:
    p = PValue.parse(text)
    assert (p.value, p.below, p.significant(), p.printed) == (value, below, significant, text)


def test_unknown_row() -> None:
    with pytest.raises(KeyError, match="no row for 'bmi' in subgroup 'male'"):
        load_published().summary("bmi", Subgroup.MALE)
