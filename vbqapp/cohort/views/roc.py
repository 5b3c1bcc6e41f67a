"""Cohort explorer, ROC: curves with AUC (95% CI), Youden points, a cut-off slider with its 2x2
table, DeLong comparisons, and a bootstrap CI on demand."""

from __future__ import annotations

import logging
import math

import pandas as pd
import streamlit as st

from vbqapp.cohort import cache
from vbqapp.cohort.context import ViewContext
from vbqapp.cohort.downloads import figure_block, table_block
from vbqapp.cohort.table_downloads import manuscript_table
from vbqapp.state import COHORT_BOOTSTRAP, COHORT_THRESHOLDS
from vbqapp.text import md_escape
from vbqcore.cohort.analysis import RocPanel, roc_panel
from vbqcore.cohort.table import PAPER_SCORES
from vbqcore.cutoffs import Cutoff, load_cutoffs
from vbqcore.plots.roc import roc_figure, threshold_figure
from vbqcore.stats import ConfusionResult, ProportionEstimate
from vbqcore.tables import publication_auc_table
from vbqcore.vbq import ScoreName

__all__ = ["show", "BOOTSTRAP_REPLICATES", "BOOTSTRAP_SEED"]

logger = logging.getLogger(__name__)

#: pROC's default number of replicates, and a fixed seed so that a click gives the same CI again.
BOOTSTRAP_REPLICATES = 2000
BOOTSTRAP_SEED = 2026
_KEEP_BOOTSTRAPS = 4


def _label(score: str) -> str:
    return ScoreName(score).label


def _published(score: str) -> Cutoff | None:
    usable = [c for c in load_cutoffs() if c.score.value == score and c.usable]
    return usable[0] if usable else None


def _step(low: float, high: float) -> tuple[float, int]:
    """Slider step (about a thousandth of the range, a power of ten) and its decimals."""
    span = max(high - low, 1e-9)
    decimals = max(0, 3 - math.floor(math.log10(span)))
    return 10.0**-decimals, decimals


def _choose(score: str, keep: float | None, widget: str, position: float) -> None:
    """A button: remember the cut-off for ``score`` (``keep`` None: follow the Youden cut-off)
    and move the slider to ``position``."""
    st.session_state.setdefault(COHORT_THRESHOLDS, {})[score] = keep
    st.session_state[widget] = position


def _slid(score: str, widget: str) -> None:
    """The slider moved: keep the user's value even when the filters change."""
    st.session_state.setdefault(COHORT_THRESHOLDS, {})[score] = float(st.session_state[widget])


def _ci(p: ProportionEstimate) -> str:
    if math.isnan(p.estimate):
        return "–"
    return f"{p.estimate:.3f} ({p.ci_low:.3f}–{p.ci_high:.3f})"


def _confusion_frames(conf: ConfusionResult, ctx: ViewContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    pos, neg = ctx.cohort.groups
    matrix = pd.DataFrame(
        {
            "": ["Test positive", "Test negative", "Total"],
            pos: [conf.tp, conf.fn, conf.tp + conf.fn],
            neg: [conf.fp, conf.tn, conf.fp + conf.tn],
        }
    )
    rows = [
        ("Sensitivity", conf.sensitivity),
        ("Specificity", conf.specificity),
        ("PPV", conf.ppv),
        ("NPV", conf.npv),
    ]
    metrics = pd.DataFrame(
        {
            "Measure": [name for name, _ in rows],
            "Estimate (95% CI)": [_ci(p) for _, p in rows],
            "k / n": [f"{p.k} / {p.n}" for _, p in rows],
        }
    )
    return matrix, metrics


def _bootstrap(ctx: ViewContext, scores: tuple[str, ...]) -> RocPanel:
    bar = st.progress(0.0, text="Bootstrapping…")

    def tick(done: int, total: int) -> None:
        bar.progress(done / total, text=f"Bootstrapping… {done:,} of {total:,} replicates")

    result = roc_panel(
        ctx.frame(),
        ctx.cohort,
        scores,
        ci_method="bootstrap",
        n_bootstrap=BOOTSTRAP_REPLICATES,
        seed=BOOTSTRAP_SEED,
        progress=tick,
    )
    bar.empty()
    return result


def _threshold_controls(ctx: ViewContext, panel: RocPanel, scores: list[str]) -> tuple[str, float]:
    """Score and cut-off. The slider starts at the Youden cut-off of the patients shown and
    follows it when the filters change, until the user picks a value (slider or "Published")."""
    default = ScoreName.VBQ_T2.value if ScoreName.VBQ_T2.value in scores else scores[0]
    score = st.selectbox(
        "Score", scores, index=scores.index(default), format_func=_label, key="cohort_thr_score"
    )
    result = panel.results[ScoreName(score)]
    hist = cache.histogram_for(ctx.key, score, ctx.cohort)
    low, high = float(hist.edges[0]), float(hist.edges[-1])
    step, decimals = _step(low, high)
    youden = result.cutoff if math.isfinite(result.cutoff) else (low + high) / 2

    def clamp(value: float) -> float:
        return min(max(value, low), high)

    # The range is part of the key: a slider whose bounds change is a new widget in Streamlit.
    widget = f"cohort_thr_{score}_{low:.6g}_{high:.6g}"
    chosen = st.session_state.get(COHORT_THRESHOLDS, {}).get(score)
    if widget not in st.session_state:
        st.session_state[widget] = clamp(youden if chosen is None else chosen)
    published = _published(score)
    left, right = st.columns(2)
    left.button(
        f"Youden {youden:.{decimals}f}",
        key=f"cohort_thr_youden_{score}",
        on_click=_choose,
        args=(score, None, widget, clamp(youden)),
        help="The cut-off that maximises sensitivity + specificity − 1 in these patients.",
    )
    if published is not None and published.value is not None:
        right.button(
            f"Published {published.value:g}",
            key=f"cohort_thr_pub_{score}",
            on_click=_choose,
            args=(score, published.value, widget, clamp(published.value)),
            help=f"{published.citation}; {published.scanner}.",
        )
    threshold = st.slider(
        "Cut-off (a score at or above it tests positive)",
        low,
        high,
        step=step,
        format=f"%.{decimals}f",
        key=widget,
        on_change=_slid,
        args=(score, widget),
    )
    return score, float(threshold)


def _patient_line(ctx: ViewContext, score: str, threshold: float) -> None:
    value = ctx.patient.get(score)
    if value is None:
        return
    verdict = "positive" if value >= threshold else "negative"
    sign = "≥" if value >= threshold else "<"
    st.markdown(
        f"**This patient** (Case page): {_label(score)} {value:.3f} {sign} cut-off "
        f"{threshold:.3f}: test **{verdict}**."
    )


def show(ctx: ViewContext) -> None:
    cohort = ctx.cohort
    options = [s.value for s in cohort.scores]
    default = [s.value for s in PAPER_SCORES if s in cohort.scores] or options
    scores = st.multiselect(
        "Scores to overlay", options, default=default, format_func=_label, key="cohort_roc_scores"
    )
    if not scores:
        st.info("Choose at least one score.")
        return
    panel = cache.roc_for(ctx.key, tuple(scores), cohort)
    store: dict[object, RocPanel] = st.session_state.setdefault(COHORT_BOOTSTRAP, {})
    boot_key = (ctx.key, tuple(scores))
    shown = store.get(boot_key, panel)
    figure_col, side = st.columns([3, 2], gap="medium")
    with side:
        st.markdown("**Cut-off**")
        score, threshold = _threshold_controls(ctx, shown, scores)
        conf = cache.confusion_for(ctx.key, score, threshold, cohort)
        matrix, metrics = _confusion_frames(conf, ctx)
        table_block(matrix, file_name=ctx.file_name(f"confusion_{score}", "csv"), key="cohort_cm")
        table_block(metrics, file_name=ctx.file_name(f"accuracy_{score}", "csv"), key="cohort_acc")
        st.caption("Exact (Clopper–Pearson) 95% CIs; PPV and NPV at this sample's prevalence.")
        _patient_line(ctx, score, threshold)
    with figure_col:
        patient = None
        if score in ctx.patient:
            point = cache.confusion_for(ctx.key, score, ctx.patient[score], cohort)
            patient = ("this patient", point)
        fig = roc_figure(shown, cutoff=(f"cut-off {threshold:.3g}", conf), patient=patient)
        figure_block(fig, file_name=ctx.file_name("roc", "png"), key="cohort_roc")
        _ci_controls(ctx, tuple(scores), shown is not panel, shown, store, boot_key)
    hist = cache.histogram_for(ctx.key, score, cohort)
    st.markdown(f"**{_label(score)} by group, with the cut-off**")
    figure_block(
        threshold_figure(hist, threshold=threshold, patient=ctx.patient.get(score)),
        file_name=ctx.file_name(f"threshold_{score}", "png"),
        key="cohort_thr_fig",
    )
    st.subheader("AUC and Youden cut-off per score")
    pub = publication_auc_table(shown)
    manuscript_table(
        pub.to_frame(),
        title=pub.title,
        footnotes=pub.footnotes,
        file_stem=ctx.file_name("auc", "csv").removesuffix(".csv"),
        key="cohort_auc",
    )
    with st.expander("All ROC figures (SE, Youden J, CI method)"):
        table_block(
            shown.to_frame(), file_name=ctx.file_name("auc_details", "csv"), key="cohort_aucd"
        )
    if len(scores) > 1:
        st.subheader("DeLong comparison of the AUCs")
        table_block(
            panel.comparisons_frame(), file_name=ctx.file_name("delong", "csv"), key="cohort_delong"
        )
    for note in shown.warnings:
        st.caption(md_escape(note))


def _ci_controls(
    ctx: ViewContext,
    scores: tuple[str, ...],
    bootstrapped: bool,
    shown: RocPanel,
    store: dict[object, RocPanel],
    boot_key: object,
) -> None:
    first = shown.results[shown.scores[0]]
    used = f"{shown.n_used} patients ({first.n_pos} {md_escape(ctx.cohort.positive)}, "
    used += f"{first.n_neg} {md_escape(ctx.cohort.negative)})"
    if shown.n_dropped:
        used += f"; {shown.n_dropped} without every chosen score left out"
    if bootstrapped:
        st.caption(
            f"{used}. 95% CIs: stratified bootstrap, {first.n_bootstrap:,} replicates, "
            f"seed {first.seed} (`python -m vbqcore roc --bootstrap {first.n_bootstrap} "
            f"--seed {first.seed}` gives the same)."
        )
        if st.button("Back to DeLong CIs", key="cohort_roc_delong"):
            store.pop(boot_key, None)
            st.rerun()
        return
    st.caption(f"{used}. 95% CIs: DeLong. Diamonds: Youden cut-offs.")
    if st.button(
        f"Bootstrap 95% CIs ({BOOTSTRAP_REPLICATES:,} replicates)",
        key="cohort_roc_boot",
        icon=":material/refresh:",
    ):
        result = _bootstrap(ctx, scores)
        while len(store) >= _KEEP_BOOTSTRAPS:
            store.pop(next(iter(store)))
        store[boot_key] = result
        st.rerun()
