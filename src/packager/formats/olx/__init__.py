"""The Open edX course export (OLX): the course (``course.py``), its problems (``problems.py``),
the reproducible ``.tar.gz`` and its structural check (``container.py``)."""
