"""Training of the learned layer (``pasici train``): data loading, public-set mapping, fitting."""
