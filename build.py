"""Build every course in every language: ``python build.py`` does what ``packager build`` does.

Extra arguments are passed on (``python build.py oer-recommendation --strict``). Run it with the
project's environment (``./dev build`` creates it), or after ``pip install -e .``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from packager.__main__ import main

if __name__ == "__main__":
    sys.argv[1:1] = ["build"]
    main()
