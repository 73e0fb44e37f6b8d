"""Command line shared by the dataset generators ``data/<name>/build.py``.

Each generator writes its bundled files into a folder and calls :func:`main` for the rest: a plain run rewrites
the committed files, ``--check`` rebuilds them into a temporary folder and compares them byte for byte, so a
test (or a reviewer) can tell whether the committed files are still what the generator and its ``source/``
produce, without touching them. Standard library only, because the generators run outside the package.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path


def check(build: Callable[[Path], Iterable[str] | None], folder: Path, outputs: Sequence[str]) -> bool:
    """Rebuild into a temporary folder and print, per output file, whether it matches the committed one.

    Args:
        build: writes the files into the folder it is given.
        folder: the folder that holds the committed files.
        outputs: names of the files ``build`` writes, in the order to report them.

    Returns:
        True when every file is the same.
    """
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        # The summary lines describe the rebuild, not the comparison, so --check leaves them out.
        build(Path(tmp))
        for name in outputs:
            committed, rebuilt = folder / name, Path(tmp) / name
            # A file missing on either side counts as a difference rather than an error, so every file gets its line.
            same = committed.is_file() and rebuilt.is_file() and committed.read_bytes() == rebuilt.read_bytes()
            print(f"{name}: {'same' if same else 'DIFFERS'}")
            ok = ok and same
    return ok


def main(
    build: Callable[[Path], Iterable[str] | None],
    folder: Path,
    outputs: Sequence[str],
    description: str,
    argv: Sequence[str] | None = None,
) -> int:
    """Run a generator's command line: write the files, or with ``--check`` compare a rebuild with them.

    Args:
        build: writes the files into the folder it is given and returns summary lines to print (or None).
        folder: the folder that holds the committed files; a plain run rewrites them there.
        outputs: names of the files ``build`` writes, the ones ``--check`` compares.
        description: one line for ``--help``.
        argv: command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0, or 1 when ``--check`` found a file that differs.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--check", action="store_true", help="rebuild into a temporary folder and compare with the committed files"
    )
    args = parser.parse_args(argv)
    if args.check:
        return 0 if check(build, folder, outputs) else 1
    for line in build(folder) or ():
        print(line)
    return 0
