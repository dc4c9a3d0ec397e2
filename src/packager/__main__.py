"""`python -m packager` and the `packager` command: the command line, Ctrl-C-safe from the start.

Ctrl-C while the command line's modules are still being imported must end as quietly as later
on (exit 130, no traceback), so every import is guarded here, and nothing runs unguarded before:
`import packager` (which Python does first) imports nothing, and this module imports only `sys`,
which the interpreter has loaded already. (Before the interpreter itself has set up its Ctrl-C
handler, in its first milliseconds, a Ctrl-C ends it as the signal does: shells report 130.)
"""

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
