"""The ``packager`` command line."""
