"""Registry page: export every case as CSV, import a CSV row by row, read the audit log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from vbqapp.registry.connection import reader
from vbqapp.registry.keys import REGISTRY_WIDGET_PREFIX
from vbqcore.errors import VbqError
from vbqcore.registry.database import Registry
from vbqcore.registry.store import audit_log
from vbqcore.registry.tables import export_csv, import_csv

__all__ = ["export_button", "import_panel", "audit_panel"]

_SKIP, _NOTHING = "Skip bad rows, import the rest", "Import nothing if any row is bad"


def _key(name: str) -> str:
    return f"{REGISTRY_WIDGET_PREFIX}{name}"


def export_button(registry: Registry) -> None:
    st.download_button(
        "Export all cases (CSV)",
        data=lambda: export_csv(registry),
        file_name="vbq-registry.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key=_key("export"),
        help="The score command's columns (T1_L1 … STIR_CSF, vbq_t1 … vbq_t2_stir) plus "
        "case_id, group, sex, age, BMI: ready for the cohort explorer.",
    )


def import_panel(registry: Registry) -> None:
    """Uploader, the bad-row choice and an Import button; the report stays shown."""
    with st.expander("Import cases from a CSV"):
        upload = st.file_uploader("CSV in the export's columns", type=["csv"], key=_key("import"))
        mode = st.radio("Rows with problems", [_SKIP, _NOTHING], key=_key("import_mode"))
        if st.button("Import", key=_key("import_go"), disabled=upload is None) and upload:
            try:
                text = upload.getvalue().decode("utf-8-sig")
                report = import_csv(
                    registry,
                    text,
                    actor=reader(),
                    skip_bad_rows=mode == _SKIP,
                    source=upload.name,
                )
            except UnicodeDecodeError:
                st.error(f"{upload.name} is not UTF-8 text; save it as CSV UTF-8 and try again.")
                return
            except VbqError as err:
                st.error(f"Nothing imported: {err}")
                return
            if report.committed:
                st.success(f"Imported {len(report.imported)} of {report.n_rows} row(s).")
            else:
                st.warning(f"Nothing imported ({report.n_rows} row(s) read).")
            for bad in report.errors:
                st.error(f"Row {bad.row} (line {bad.line}): {bad.message}")


def audit_panel(registry: Registry) -> None:
    with st.expander("Audit log (newest 200)"):
        entries = audit_log(registry, limit=200)
        if not entries:
            st.caption("Nothing yet.")
            return
        frame = pd.DataFrame([e.to_dict() for e in entries])
        frame["detail"] = frame["detail"].astype(str)
        st.dataframe(frame, hide_index=True, width="stretch")
