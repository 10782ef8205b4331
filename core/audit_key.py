"""The audit chain's key, and the seal that says which records it covers.

Each record's hash is HMAC-SM3 under a key that is not in the database (``GOVCIO_AUDIT_KEY``, or ``audit.key`` in the
data directory, mode 0600, beside the SM4 key): whoever can write the database but not read that key cannot
recompute the chain after an edit.

The key is made once, for a new installation: when the first record of an empty log is written, or when a chain from
before the key is sealed (core migration 0008). Anywhere else a missing key is an error, never a new key — a new key
would call every existing record forged and leave nothing to tell a loss from an attack.

The seal, ``HMAC(key, "govcio-audit-seal:S:H")`` in the head, names the last record written before the key (S, its
hash H; 0 and the genesis hash on installations that always had one). Records after S are keyed; those up to S keep
their plain SM3 hashes and are held by H, which only the key holder can move. See docs/decisions/0005.
"""

import contextlib
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from core.crypto import hmac_sm3_hex

KEY_BYTES = 32
_MIN_BYTES = 16
_cache: dict[tuple[str, str], bytes] = {}


class AuditKeyError(Exception):
    """The audit key is missing or unusable. ``missing`` tells the two apart."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


def key_path() -> Path:
    return Path(settings.GOVCIO_AUDIT_KEY_FILE)


def configured() -> bytes | None:
    """The key from the environment or the key file; None if neither exists; AuditKeyError if it is malformed."""
    text, path = settings.GOVCIO_AUDIT_KEY, str(key_path())
    found = _cache.get((text, path))
    if found is not None:
        return found
    source = "GOVCIO_AUDIT_KEY"
    if not text:
        try:
            text = key_path().read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeError) as exc:
            message = _("The audit key file {path} cannot be read: {error}").format(path=path, error=exc)
            raise AuditKeyError(message) from exc
        source = path
    key = _parse(text, source)
    _cache[(settings.GOVCIO_AUDIT_KEY, path)] = key
    return key


def _parse(text: str, source: str) -> bytes:
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < _MIN_BYTES:
        raise AuditKeyError(
            _("The audit key in {source} is not a hexadecimal key of at least {n} bytes.").format(
                source=source, n=_MIN_BYTES
            )
        )
    return key


def missing_error() -> AuditKeyError:
    return AuditKeyError(
        _(
            "The audit key is missing: {path} does not exist and GOVCIO_AUDIT_KEY is not set. This installation's "
            "audit records were written with it: restore the file from the backup of the data directory. A new key "
            "is made only for an empty audit log."
        ).format(path=key_path()),
        missing=True,
    )


def key() -> bytes:
    """The key, which must exist."""
    found = configured()
    if found is None:
        raise missing_error()
    return found


def create() -> bytes:
    """The key of a new installation (or of a chain from before the key): the configured one, else a new key file."""
    from govcio.settings.datadir import new_secret_file

    found = configured()
    if found is not None:
        return found
    path = key_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
        new_secret_file(path, KEY_BYTES)
    return key()


def seal(key_bytes: bytes, seq: int, digest: str) -> str:
    return hmac_sm3_hex(key_bytes, f"govcio-audit-seal:{seq}:{digest}".encode("ascii"))
