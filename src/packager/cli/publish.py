"""``packager publish wordpress``: a course's pages into a WordPress site, over its REST API.

The application password comes from ``WORDPRESS_APP_PASSWORD`` or ``--password-file``, never
from the command line (which other users of the machine and shell histories can read) and is
never printed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from packager.api import check_all
from packager.cli.common import (
    EXIT_INPUT,
    LANGUAGE,
    EnvironmentProblem,
    State,
    project_option,
    verbosity,
)
from packager.diagnostics import InputError, Problems

PASSWORD_ENV = "WORDPRESS_APP_PASSWORD"
USER_ENV = "WORDPRESS_USER"
ACTIONS = ("upload", "create", "update", "unchanged", "remove", "kept")  # the summary's order


@click.group("publish")
def publish_command() -> None:
    """Publish a course into a live platform (WordPress)."""


@publish_command.command("wordpress")
@verbosity
@click.argument("course")
@click.option(
    "--site", required=True, help="The site's address; {lang} in it: a site per language."
)
@click.option("--lang", "langs", type=LANGUAGE, multiple=True, help="A language to publish.")
@click.option("--all-langs", is_flag=True, help="Every published language of the course.")
@click.option(
    "--tree",
    is_flag=True,
    help="Each language under a root page of its own (the default with --all-langs and one site).",
)
@click.option("--user", default=None, help=f"The WordPress user [default: ${USER_ENV}].")
@click.option(
    "--password-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"A file holding the application password [default: ${PASSWORD_ENV}].",
)
@click.option("--dry-run", is_flag=True, help="Print the plan; change nothing.")
@project_option
@click.pass_obj
def wordpress_command(
    state: State,
    course: str,
    site: str,
    langs: tuple[str, ...],
    all_langs: bool,
    tree: bool,
    user: str | None,
    password_file: Path | None,
    dry_run: bool,
    project: Path,
) -> None:
    """Publish COURSE into the WordPress site at --site.

    Pages are created in reading order with modules as parents; re-publishing updates the pages
    packager made, in place, and never touches pages it did not make or pages edited in
    WordPress. Exit 1 on problems in the course or a refusal of the site.
    """
    from packager.publish.client import Client, Site, WordPressError
    from packager.publish.wordpress import Publisher

    user = user or os.environ.get(USER_ENV)
    if not user:
        raise EnvironmentProblem(f"name the WordPress user with --user or ${USER_ENV}")
    password = _password(password_file)
    if all_langs and langs:
        raise click.UsageError("give --lang or --all-langs, not both")
    problems = Problems()
    try:
        editions = check_all(project, (course,), problems)
    except InputError as exc:
        problems.extend(exc.diagnostics)
    if problems.fails(False):
        state.report(problems.sorted(), False)
        sys.exit(EXIT_INPUT)
    editions = [e for e in editions if e.course.id == course]
    if not all_langs:
        wanted = langs or (editions[0].course.language,) if editions else langs
        unknown = [lang for lang in wanted if lang not in {e.lang for e in editions}]
        if unknown:
            raise click.UsageError(f"{course} is not published in {', '.join(unknown)}")
        editions = [e for e in editions if e.lang in wanted]
    per_language = "{lang}" in site
    tree = tree or (len(editions) > 1 and not per_language)
    publishers: dict[str, Publisher] = {}
    try:
        for edition in editions:
            url = site.replace("{lang}", edition.lang)
            if url not in publishers:
                client = Client(Site(url, user, password))
                publishers[url] = Publisher(client, lambda line: _say(state, line))
                publishers[url].load()
            steps = publishers[url].publish(edition, tree=tree, dry_run=dry_run)
            if dry_run or state.verbose:
                for step in steps:
                    state.out.print(step.line(), markup=False)
            counts: dict[str, int] = {}
            for step in steps:
                counts[step.action] = counts.get(step.action, 0) + 1
            summary = ", ".join(f"{counts[a]} {a}" for a in ACTIONS if a in counts)
            verb = "would publish" if dry_run else "published"
            if not state.quiet:
                state.out.print(
                    f"{verb} {course} [{edition.lang}] to {url}: {summary}", markup=False
                )
    except WordPressError as exc:
        state.err.print(f"error: {exc}", style="bold red", markup=False)
        sys.exit(EXIT_INPUT)


def _say(state: State, line: str) -> None:
    if state.verbose > 1:
        state.err.print(line, markup=False)


def _password(path: Path | None) -> str:
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise EnvironmentProblem(
                f"{path}: cannot read the password file: {exc.strerror}"
            ) from None
        if not text:
            raise EnvironmentProblem(f"{path}: the password file is empty")
        return text
    text = os.environ.get(PASSWORD_ENV, "").strip()
    if not text:
        raise EnvironmentProblem(
            f"set ${PASSWORD_ENV} or give --password-file (an application password: "
            "WordPress -> Users -> Profile -> Application Passwords)"
        )
    return text
