"""One module per schema revision, oldest first: v0001 (first schema), v0002, ..."""
