"""`python -m packager` and the `packager` command: the command line, Ctrl-C-safe from the start.

Ctrl-C while the command line's modules are still being imported must end as quietly as later
on (exit 130, no traceback), so every import is guarded here, and nothing runs unguarded before:
`import packager` (which Python does first) imports nothing, and this module imports only `sys`
and `_signal`, which the interpreter has loaded already. (Before the interpreter itself has set up its Ctrl-C
handler, in its first milliseconds, a Ctrl-C ends it as the signal does: shells report 130.)
"""

import _signal  # type: ignore[import-not-found]  # loaded already, unlike the signal module
import sys


def main() -> None:
    try:
        from packager.cli.main import main as cli_main
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    try:
        cli_main()
    finally:
        # The command has finished and said so. A Ctrl-C while Python then shuts down must not
        # turn its exit status into a death by the signal (-2): Python restores the default
        # handler at shutdown, but leaves an ignored signal ignored.
        _signal.signal(_signal.SIGINT, _signal.SIG_IGN)


if __name__ == "__main__":
    main()
