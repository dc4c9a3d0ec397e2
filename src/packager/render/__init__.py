"""What every output format shares to render an edition: document tokens to HTML, the
Jinja2 environment, numbers and dates per language."""
