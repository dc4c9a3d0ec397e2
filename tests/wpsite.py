"""A real WordPress for the tests: Debian's ``wordpress`` (6.1), MariaDB and PHP's built-in
server, all on 127.0.0.1 inside a temporary folder, installed from the command line.

wp-cli is not in Debian, so the install and the application password are small PHP scripts
over ``wp-load.php`` and ``wp-admin/includes/upgrade.php``. WordPress 6.1 allows application
passwords over plain http only when ``WP_ENVIRONMENT_TYPE`` is ``local``, which the config sets.
Every wait is bounded; :meth:`WordPress.stop` ends both servers (the fixture calls it).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

WORDPRESS = Path("/usr/share/wordpress")
MARIADBD = shutil.which("mariadbd") or "/usr/sbin/mariadbd"
INSTALL_DB = shutil.which("mariadb-install-db") or "/usr/bin/mariadb-install-db"
PHP = shutil.which("php") or "/usr/bin/php"
TIMEOUT = 60  # seconds for a server to come up or a script to run

CONFIG = """<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost:{socket}');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_ENVIRONMENT_TYPE', 'local');
define('ALLOW_UNFILTERED_UPLOADS', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('DISABLE_WP_CRON', true);
define('WP_CONTENT_DIR', '{root}/wp-content');
define('WP_CONTENT_URL', '{url}/wp-content');
$table_prefix = 'wp_';
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
"""

INSTALL = """<?php
define('WP_INSTALLING', true);
$_SERVER['HTTP_HOST'] = '{host}';
require '{root}/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
wp_install('Course site', 'admin', 'admin@example.org', true, '', 'not-used-by-the-tests');
update_option('siteurl', '{url}');
update_option('home', '{url}');
update_option('permalink_structure', '/%postname%/');
update_option('template', 'packager-test');
update_option('stylesheet', 'packager-test');
"""

APP_PASSWORD = """<?php
$_SERVER['HTTP_HOST'] = '{host}';
require '{root}/wp-load.php';
list($password) = WP_Application_Passwords::create_new_application_password(1, ['name' => 'tests']);
echo $password;
"""

# A theme that shows a page as it is (Debian ships none): the title, then the content.
THEME_CSS = "/*\nTheme Name: packager test\n*/\n"
THEME_INDEX = """<!DOCTYPE html><html <?php language_attributes(); ?>><head><?php wp_head(); ?></head>
<body><?php while (have_posts()) { the_post(); ?><h1><?php the_title(); ?></h1>
<main><?php the_content(); ?></main><?php } ?></body></html>
"""

ROUTER = """<?php
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path !== '/' && file_exists(__DIR__ . $path) && !is_dir(__DIR__ . $path)) return false;
require __DIR__ . '/index.php';
"""


def missing() -> str:
    """What this machine lacks to run a WordPress ("" when nothing)."""
    for path, package in (
        (WORDPRESS / "wp-load.php", "wordpress"),
        (Path(MARIADBD), "mariadb-server"),
        (Path(PHP), "php-cli"),
    ):
        if not path.exists():
            return package
    done = subprocess.run([PHP, "-m"], capture_output=True, text=True, timeout=TIMEOUT)
    return "" if "mysqli" in done.stdout else "php-mysql"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(check: object, what: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped with {process.returncode}")
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start in {TIMEOUT} s")


@dataclass
class WordPress:
    """A running site: its address, the admin's user name and application password."""

    folder: Path
    url: str = ""
    user: str = "admin"
    password: str = ""
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[IO[bytes]] = field(default_factory=list)

    def start(self) -> WordPress:
        db, root = self.folder / "db", self.folder / "wp"
        sock = self.folder / "mysqld.sock"
        user = ["--user=root"] if os.geteuid() == 0 else []
        subprocess.run(
            [
                INSTALL_DB,
                "--no-defaults",
                f"--datadir={db}",
                "--auth-root-authentication-method=normal",
                *user,
            ],
            check=True,
            capture_output=True,
            timeout=TIMEOUT * 2,
        )
        log = (self.folder / "mariadb.log").open("wb")
        self.logs.append(log)
        mariadb = subprocess.Popen(
            [
                MARIADBD,
                "--no-defaults",
                f"--datadir={db}",
                f"--socket={sock}",
                "--skip-networking",
                f"--pid-file={self.folder / 'mysqld.pid'}",
                *user,
            ],
            stdout=log,
            stderr=log,
        )
        self.processes.append(mariadb)
        _wait(sock.exists, "MariaDB", mariadb)
        subprocess.run(
            ["mariadb", f"--socket={sock}", "-uroot", "-e", "CREATE DATABASE wordpress"],
            check=True,
            capture_output=True,
            timeout=TIMEOUT,
        )
        shutil.copytree(WORDPRESS, root, symlinks=True)
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        values = {
            "socket": str(sock),
            "root": str(root),
            "url": self.url,
            "host": f"127.0.0.1:{port}",
        }
        (root / "wp-config.php").write_text(CONFIG.format(**values))
        theme = root / "wp-content/themes/packager-test"
        theme.mkdir(parents=True)
        (theme / "style.css").write_text(THEME_CSS)
        (theme / "index.php").write_text(THEME_INDEX)
        (root / "router.php").write_text(ROUTER)
        self.php(INSTALL.format(**values))
        self.password = self.php(APP_PASSWORD.format(**values)).strip()
        log = (self.folder / "php.log").open("wb")
        self.logs.append(log)
        server = subprocess.Popen(
            [PHP, "-S", f"127.0.0.1:{port}", "-t", str(root), str(root / "router.php")],
            stdout=log,
            stderr=log,
            cwd=root,
        )
        self.processes.append(server)
        _wait(self._answers, "PHP's server", server)
        return self

    def php(self, script: str) -> str:
        path = self.folder / "script.php"
        path.write_text(script)
        done = subprocess.run(
            [PHP, str(path)], capture_output=True, text=True, timeout=TIMEOUT, cwd=self.folder
        )
        if done.returncode != 0:
            raise RuntimeError(f"PHP script failed: {done.stdout}{done.stderr}")
        return done.stdout

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/?rest_route=/", timeout=5) as response:
                return bool(json.load(response).get("name"))
        except OSError:
            return False

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        self.processes.clear()
        for log in self.logs:
            log.close()
        self.logs.clear()
