"""The package's import rules, checked on the source: what ruff's per-file ignores cannot express.

ruff's TID251 bans Streamlit in ``vbqcore`` and the private ``vbqcore.stats._*`` modules outside
``vbqcore.stats``; the per-file ignore that lets ``vbqcore/stats`` use its own private modules also
lifts the Streamlit ban there, so both rules are checked here on every module by walking its AST.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = sorted((ROOT / "vbqcore").rglob("*.py"))
OUTSIDE_STATS = sorted(
    p
    for folder in ("vbqcore", "vbqapp", "pages", "benchmarks")
    for p in (ROOT / folder).rglob("*.py")
    if "stats" not in p.relative_to(ROOT).parts[:2]
) + [ROOT / "app.py"]


def _imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(ROOT)))
def test_vbqcore_never_imports_streamlit(path: Path) -> None:
    bad = [m for m in _imported_modules(path) if m.split(".")[0].startswith("streamlit")]
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("path", OUTSIDE_STATS, ids=lambda p: str(p.relative_to(ROOT)))
def test_private_stats_modules_stay_inside_stats(path: Path) -> None:
    bad = [m for m in _imported_modules(path) if m.startswith("vbqcore.stats._")]
    assert not bad, f"{path.relative_to(ROOT)} imports private {bad}"


def test_the_checks_see_the_package() -> None:
    # A glob that matched nothing would make the tests above pass vacuously.
    assert len(CORE) > 50 and any(p.parts[-2] == "stats" for p in CORE)
    assert ROOT / "vbqcore" / "stats" / "roc.py" not in OUTSIDE_STATS
    assert ROOT / "vbqcore" / "cohort" / "scores.py" in OUTSIDE_STATS
