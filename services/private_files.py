"""Files that hold the school's personal data (the SQLite database, backups) are readable by
the bot's own user only: directories 0700, files 0600, whatever the process's umask.

The modes are set explicitly with ``chmod`` after creation, because ``mkdir(mode=...)`` and
``open(..., mode)`` are both narrowed by the umask but never widened or tightened by it.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600


def _mine(st: os.stat_result) -> bool:
    getuid = getattr(os, "getuid", None)
    return getuid is None or st.st_uid == getuid()


def _chmod(path: Path, mode: int) -> None:
    try:
        os.chmod(path, mode)
    except OSError as exc:  # a foreign file system (FAT, a share) may not keep modes
        log.warning(
            "cannot restrict permissions",
            extra={"path": str(path), "mode": oct(mode), "error": type(exc).__name__},
        )


def private_dir(path: Path | str, *, tighten_existing: bool = False) -> Path:
    """Create ``path`` (and its parents) with the last directory 0700.

    An existing directory is tightened only with ``tighten_existing`` and only when it is the
    bot's own and not a shared sticky directory such as ``/tmp``.
    """
    path = Path(path)
    existed = path.is_dir()
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if not existed:
        _chmod(path, DIR_MODE)
        return path
    if tighten_existing:
        st = path.stat()
        if _mine(st) and not st.st_mode & stat.S_ISVTX and stat.S_IMODE(st.st_mode) & 0o077:
            _chmod(path, DIR_MODE)
    return path


def private_file(path: Path | str) -> Path:
    """Make sure ``path`` exists as a 0600 file (created empty when missing)."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        restrict(path)
    else:
        os.close(fd)
        _chmod(path, FILE_MODE)
    return path


def restrict(path: Path | str) -> None:
    """Take the group's and others' access away from an existing file of the bot's (a missing
    file is left alone)."""
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    mode = stat.S_IMODE(st.st_mode)
    if _mine(st) and mode & 0o077:
        _chmod(path, mode & 0o700)
