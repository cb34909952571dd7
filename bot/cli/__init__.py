"""The ``pasici`` command line."""
