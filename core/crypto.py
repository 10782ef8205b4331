"""SM3 digests and SM4 encryption (GB/T 32905, GB/T 32907) from ``cryptography``.

SM4 runs in GCM mode: confidentiality and integrity of each value. The key comes from settings (the data directory).
"""

import base64
import hashlib
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

_PREFIX = "sm4:"


def _sm3_cryptography(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def _sm3_hashlib(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


# Both are OpenSSL's SM3; hashlib's is cheaper per call, which matters when verifying millions of audit records.
sm3_hex = _sm3_hashlib if "sm3" in hashlib.algorithms_available else _sm3_cryptography


def _key() -> bytes:
    return bytes.fromhex(settings.GOVCIO_SM4_KEY)


def sm4_encrypt(plain: str) -> str:
    if not plain:
        return ""
    nonce = os.urandom(12)
    encryptor = Cipher(algorithms.SM4(_key()), modes.GCM(nonce)).encryptor()
    body = encryptor.update(plain.encode("utf-8")) + encryptor.finalize()
    return _PREFIX + base64.b64encode(nonce + encryptor.tag + body).decode("ascii")


def sm4_decrypt(token: str) -> str:
    if not token:
        return ""
    if not token.startswith(_PREFIX):
        raise ValueError("not an SM4 token")
    raw = base64.b64decode(token[len(_PREFIX) :])
    nonce, tag, body = raw[:12], raw[12:28], raw[28:]
    decryptor = Cipher(algorithms.SM4(_key()), modes.GCM(nonce, tag)).decryptor()
    return (decryptor.update(body) + decryptor.finalize()).decode("utf-8")


def mask(value: str, keep_start: int = 3, keep_end: int = 4) -> str:
    """138****5678 style masking for phone and ID numbers."""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]
