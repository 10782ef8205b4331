"""SM3 digests, HMAC-SM3 and SM4 encryption (GB/T 32905, GB/T 15852.2, GB/T 32907) from OpenSSL.

SM4 runs in GCM mode: confidentiality and integrity of each value. The key comes from settings (the data directory).
"""

import base64
import functools
import hashlib
import hmac
import os
from collections.abc import Callable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
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


def _hmac_sm3_openssl(key: bytes, data: bytes) -> str:
    return hmac.digest(key, data, "sm3").hex()


def _hmac_sm3_cryptography(key: bytes, data: bytes) -> str:
    mac = crypto_hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


_OPENSSL_SM3 = "sm3" in hashlib.algorithms_available
hmac_sm3_hex = _hmac_sm3_openssl if _OPENSSL_SM3 else _hmac_sm3_cryptography
_BLOCK = 64  # SM3's block size in bytes


def _hmac_sm3_pads(key: bytes) -> Callable[[bytes], str]:
    if len(key) > _BLOCK:
        key = hashlib.new("sm3", key).digest()
    block = key.ljust(_BLOCK, b"\0")
    inner = hashlib.new("sm3", bytes(b ^ 0x36 for b in block)).copy
    outer = hashlib.new("sm3", bytes(b ^ 0x5C for b in block)).copy

    def mac(data: bytes) -> str:
        state = inner()
        state.update(data)
        final = outer()
        final.update(state.digest())
        return final.hexdigest()

    return mac


def hmac_sm3(key: bytes) -> Callable[[bytes], str]:
    """HMAC-SM3 under ``key``, as a function of the message giving the hex digest, for many messages (the audit chain).

    The key's inner and outer pads are hashed once (RFC 2104, section 4), so each message costs one SM3 over it plus
    one block: about plain SM3. OpenSSL 3's one-shot HMAC (``hmac.digest``) sets the MAC up again on every call and
    measured 1.5-2 times that here. ``hmac_sm3_hex`` is the one-shot form, for single messages; a test holds the two
    (and the ``cryptography`` fallback) to the same answers."""
    if not _OPENSSL_SM3:
        return functools.partial(_hmac_sm3_cryptography, key)
    return _hmac_sm3_pads(key)


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
