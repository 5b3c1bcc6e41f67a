"""Study workflows: observer agreement and age/sex matching, from input table to results."""
