"""ROIs: shapes and SI statistics, geometry, canvas conversion, labels, copies between slices."""
