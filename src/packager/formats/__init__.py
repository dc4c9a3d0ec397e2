"""Stage 3, the output formats: each renders an edition into the bytes of one output."""
