"""Publishing a course into a live platform (WordPress) over its API."""
