"""Data: the ``Dataset`` record and its generators, the catalog of built-in datasets with their settings,
CSV files, and single samples."""
