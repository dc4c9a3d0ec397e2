"""The EPUB 3 format: the book (XHTML documents, navigation), its package and container."""
