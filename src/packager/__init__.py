"""packager: multilingual micro-course packager.

Importing the package imports nothing: `packager` the command imports it before `__main__` can
guard against Ctrl-C, so the version is looked up only when it is asked for.
"""

_VERSION: list[str] = []


def __getattr__(name: str) -> str:
    if name != "__version__":
        raise AttributeError(f"module 'packager' has no attribute {name!r}")
    if not _VERSION:
        from packager.resources import versions

        # "0.0.0": a source tree without install
        _VERSION.append(versions(["packager"])["packager"] or "0.0.0")
    return _VERSION[0]
