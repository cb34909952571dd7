"""The learned layer: encoder + rule features -> calibrated per-category scores (numpy only)."""
