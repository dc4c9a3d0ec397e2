"""WordPress: the pages ' markup (shared with the publisher) and the WXR export file."""
