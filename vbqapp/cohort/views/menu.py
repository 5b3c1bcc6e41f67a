"""The cohort explorer's views by name; each view's module is imported when it is first shown,
so a cold start pays only for the first view (Overview), not for ROC, regression and plots."""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vbqapp.cohort.context import ViewContext

__all__ = ["VIEWS", "DEFAULT_VIEW", "view_modules", "show_view"]

logger = logging.getLogger(__name__)

#: View name (as the segmented control shows it) -> module in ``vbqapp.cohort.views``.
_MODULES: dict[str, str] = {
    "Overview": "overview",
    "Distributions": "distributions",
    "ROC": "roc",
    "Regression": "regression",
    "Subgroups": "subgroups",
}
VIEWS: tuple[str, ...] = tuple(_MODULES)
DEFAULT_VIEW = "Overview"


def view_modules() -> tuple[str, ...]:
    """Dotted names of every view's module (what the background warm-up imports)."""
    return tuple(f"{__package__}.{module}" for module in _MODULES.values())


def show_view(name: str, ctx: ViewContext) -> None:
    """Draw view ``name`` (an unknown name, e.g. from an edited URL, shows the Overview)."""
    module = _MODULES.get(name, _MODULES[DEFAULT_VIEW])
    importlib.import_module(f"{__package__}.{module}").show(ctx)
