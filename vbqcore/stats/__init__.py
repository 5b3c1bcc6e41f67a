"""Statistics of the paper's Methods: ROC/DeLong, group comparison, logistic regression,
observer agreement and age/sex matching, on plain numpy/pandas inputs."""

from __future__ import annotations

__all__: list[str] = []
