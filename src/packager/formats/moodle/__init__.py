"""The Moodle backup (``.mbz``) output format."""
