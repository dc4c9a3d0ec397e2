"""Stages 0, 4 and 5: plan the outputs and skip the unchanged, run jobs on worker processes,
write atomically, and report (the catalogue page, ``report.json``)."""
