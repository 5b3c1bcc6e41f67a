"""One measured case: its model, evaluation into scores, JSON file and PDF report."""
