"""The ``packager`` command line.

Exit codes: 0 success; 1 problems in the input (each printed as ``path:line:col: ...``);
2 wrong usage; 3 an internal error (a bug: please report it with the traceback); 130
interrupted (Ctrl-C or SIGTERM: every output is whole, the previous one or the new one).
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

import click

from packager import __version__
from packager.cli.author import check_command, new_command
from packager.cli.build import build_command, index_command
from packager.cli.common import EXIT_INTERNAL, EXIT_USAGE, State
from packager.cli.preview import serve_command
from packager.cli.publish import publish_command
from packager.cli.translate import (
    export_memory_command,
    extract_command,
    init_command,
    stats_command,
    update_command,
)

if TYPE_CHECKING:
    pass


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="packager")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", count=True, help="Print more about what is done.")
@click.option(
    "-C",
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The project folder [default: .].",
)
@click.pass_context
def cli(ctx: click.Context, quiet: bool, verbose: int, project: Path | None) -> None:
    """Package Markdown micro-courses as HTML sites, in every language.

    Exit codes: 0 success, 1 problems in the input, 2 wrong usage, 3 internal error.
    """
    state = ctx.ensure_object(State)
    state.quiet = state.quiet or quiet
    state.verbose += verbose
    state.project = project


for command in (
    build_command,
    serve_command,
    index_command,
    check_command,
    new_command,
    extract_command,
    init_command,
    update_command,
    stats_command,
    export_memory_command,
    publish_command,
):
    cli.add_command(command)


def main() -> None:
    """Entry point: run the command line, turning unexpected exceptions into exit code 3."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except BaseException:
        traceback.print_exc()
        click.echo(
            "internal error: this is a bug in packager; please report it with the text above",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
