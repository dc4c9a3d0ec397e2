"""The PDF format: the book's HTML, WeasyPrint, the fonts it draws with."""
