"""Tables as a manuscript prints them: Table 1 layout, and Word/Excel documents of any table."""

from __future__ import annotations

from vbqcore.tables.auc_table import publication_auc_table
from vbqcore.tables.documents import table_docx, table_xlsx
from vbqcore.tables.table_one import PublicationTable, publication_p, publication_table_one

__all__ = [
    "PublicationTable",
    "publication_table_one",
    "publication_p",
    "publication_auc_table",
    "table_docx",
    "table_xlsx",
]
