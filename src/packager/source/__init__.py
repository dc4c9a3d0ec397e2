"""Stage 1, load and check: ``course.yaml`` and the Markdown pages become a frozen
:class:`~packager.source.model.Course`, every problem located at its file, line and column."""
