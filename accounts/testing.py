"""The testing kit's part that only accounts can play: a confirmed second factor and an API token for a user."""

from accounts.models import User


def enable_second_factor(user: User) -> str:
    """Give ``user`` a confirmed TOTP second factor straight in the database; returns the secret."""
    import pyotp

    secret = pyotp.random_base32()
    user.totp_secret = secret
    user.totp_confirmed = True
    user.save(update_fields=["totp_secret_encrypted", "totp_confirmed"])
    return secret


def make_token(user: User, name: str = "") -> str:
    """A new API token of ``user`` through the one service that makes them; returns its text."""
    from accounts.tokens import token_create

    return token_create(user=user, actor=None, name=name)[1]
