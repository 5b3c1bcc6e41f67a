"""Observer agreement and matching pages: their inputs and results panels."""
