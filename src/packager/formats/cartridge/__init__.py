"""The IMS Common Cartridge format: writer, profile strings, official schemas, checker."""
