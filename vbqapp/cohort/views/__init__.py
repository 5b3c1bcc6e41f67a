"""One view a file of the cohort explorer: overview, distributions, ROC, subgroups, regression."""
