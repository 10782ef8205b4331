"""The data directory holds all state: database file, uploads and keys. It is the owner's alone.

The directory is 0700 and everything govcio writes in it is 0600 (folders 0700). Three layers, so that no single one
has to be right:
- the process umask is 0o077 from the moment the settings are read, which every entry point (manage.py, the govcio
  command, wsgi under gunicorn, the tests) does before it writes anything: whatever else lands here (jieba's cache,
  temporary exports) is private too;
- files whose modes matter are created with explicit modes: the keys here, the SQLite file (``private_sqlite``;
  SQLite gives its -wal and -shm files the mode of the database file), uploads through FILE_UPLOAD_PERMISSIONS,
  staged imports in core.files;
- a data directory found with looser modes (made by an older version, or by hand) is tightened when the settings are
  read, with a warning naming what changed. Only the directory and its direct entries: anything deeper sits behind
  a 0700 folder already. The collected static files are public and left alone.

Secrets are generated on first use, so no default secret exists anywhere.
"""

import logging
import os
import secrets
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077
PUBLIC_ENTRIES = {"static"}  # STATIC_ROOT: collected static files, served to anyone anyway

log = logging.getLogger("govcio.datadir")


def data_dir() -> Path:
    path = Path(os.environ.get("GOVCIO_DATA_DIR", "data")).resolve()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def prepare_data_dir() -> Path:
    """Set the private umask, create the data directory (0700) and tighten it if it was left looser."""
    os.umask(PRIVATE_UMASK)
    path = data_dir()
    tighten(path, [path, *(entry for entry in path.iterdir() if entry.name not in PUBLIC_ENTRIES)])
    return path


def tighten(data: Path, paths) -> None:
    """Take the group and other bits off ``paths`` (never loosening the owner's own), and say what changed."""
    changed, failed = [], []
    for path in paths:
        try:
            info = path.lstat()
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(info.st_mode):
            continue  # chmod would change the target, which may lie outside the data directory
        mode = stat.S_IMODE(info.st_mode)
        if not mode & 0o077:
            continue
        try:
            path.chmod(mode & ~0o077)
        except OSError as exc:
            failed.append(f"{path} ({exc.strerror})")
        else:
            changed.append(f"{path} {mode:04o} → {mode & ~0o077:04o}")
    if changed:
        log.warning(
            "govcio: the data directory %s was readable by others; made it the owner's alone (folders 0700, files "
            "0600): %s",
            data,
            "; ".join(changed),
        )
    if failed:
        log.warning("govcio: could not make these private (change their owner or mode by hand): %s", "; ".join(failed))


def private_sqlite(name: str) -> None:
    """Create the SQLite database file 0600 before SQLite does (it would use 0644 less the umask) and tighten an
    existing one with its -wal and -shm files; SQLite creates those two with the database file's mode."""
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # an empty file is an empty database
    except FileExistsError:
        pass
    except FileNotFoundError:
        return  # no such folder: SQLite will say so when it connects
    tighten(path.parent, [path, Path(f"{name}-wal"), Path(f"{name}-shm")])


def load_env_file(path: Path) -> None:
    """Read KEY=VALUE lines from an .env file in the data directory; the real environment wins."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


def new_secret_file(path: Path, nbytes: int) -> str:
    """Write a new hex secret to ``path`` (created 0600) and return it; FileExistsError if the file exists."""
    value = secrets.token_hex(nbytes)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value


def secret_file(name: str, nbytes: int) -> str:
    """Return the hex secret stored in ``name``, creating it (0600) if it does not exist."""
    path = data_dir() / name
    if not path.exists():
        return new_secret_file(path, nbytes)
    return path.read_text().strip()
