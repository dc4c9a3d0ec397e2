"""`python -m packager` and the `packager` command: the command line, Ctrl-C-safe from the start.

Ctrl-C while the command line's modules are still being imported must end as quietly as later
on (exit 130, no traceback), so the import itself is guarded here.
"""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from packager.cli.main import main as cli_main
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    cli_main()


if __name__ == "__main__":
    main()
