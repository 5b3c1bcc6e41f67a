"""Registry: the department's measured cases, kept in a database; search, relabel, export."""

import streamlit as st

from vbqapp.registry.browse import case_actions, case_list, reader_input
from vbqapp.registry.connection import current_settings, get_registry
from vbqapp.registry.transfer import audit_panel, export_button, import_panel
from vbqapp.routing import require_router
from vbqcore.errors import VbqError

require_router()

st.title("Registry")
st.caption(
    "Cases saved from the Case page (or imported), under pseudonymous case IDs: no patient "
    "name, ID or birth date is stored. For research use; the cut-offs come from one GE 1.5 T "
    "Chinese age/sex-matched cohort (Huang et al., Global Spine J 2026)."
)
try:
    settings = current_settings()
    st.caption(f"Database: `{settings.display_url}` (set VBQ_DATABASE_URL to change it)")
    registry = get_registry()
except VbqError as err:
    st.error(str(err), icon=":material/database_off:")
    st.stop()

try:
    reader_input()
    cases = case_list(registry)
    case_actions(registry, cases)
    st.divider()
    export_button(registry)
    import_panel(registry)
    audit_panel(registry)
except VbqError as err:
    st.error(str(err), icon=":material/error:")
