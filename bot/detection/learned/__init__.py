"""The learned layer: sentence-encoder + rule features -> calibrated per-category scores (numpy only)."""
