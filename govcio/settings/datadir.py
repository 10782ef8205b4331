"""The data directory holds all state: database file, uploads and keys.

Secrets are generated on first use and written with mode 0600, so no default secret exists anywhere.
"""

import os
import secrets
from pathlib import Path


def data_dir() -> Path:
    path = Path(os.environ.get("GOVCIO_DATA_DIR", "data")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


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
