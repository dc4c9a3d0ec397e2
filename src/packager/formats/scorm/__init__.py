"""SCORM 1.2 and SCORM 2004 4th Edition packages: the course as one trackable SCO."""
