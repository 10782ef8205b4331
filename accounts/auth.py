"""The API's token authentication: django-rest-knox's hashed tokens, with the refusals of ``accounts.tokens``."""

from hmac import compare_digest

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework import exceptions

from accounts import tokens
from accounts.models import ApiToken


class TokenAuthentication(KnoxTokenAuthentication):
    """``Authorization: Token <text>``. Unlike knox's own, an expired token is refused with a clear message and
    left on its owner's profile (knox deletes it silently), and the account must be one that could log in now."""

    def authenticate_credentials(self, token: bytes):
        text = token.decode("utf-8", "replace")
        digest = hash_token(text)
        candidates = ApiToken.objects.filter(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH]).select_related("user")
        for candidate in candidates:
            if compare_digest(digest, candidate.digest):
                return self.validate_user(candidate)
        raise exceptions.AuthenticationFailed(_("Invalid token."))

    def validate_user(self, auth_token: ApiToken):
        refusal = tokens.token_refusal(auth_token)
        if refusal is not None:
            tokens.token_refused(token=auth_token, refusal=refusal)
            if refusal.forbidden:
                raise exceptions.PermissionDenied(refusal.message)
            raise exceptions.AuthenticationFailed(refusal.message)
        tokens.token_used(auth_token)
        return auth_token.user, auth_token


class TokenScheme(OpenApiAuthenticationExtension):
    """The API schema's description of the header (the same name as DRF's own token scheme had)."""

    target_class = "accounts.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
