"""The password rules reject the common patterns of Chinese passwords; real passphrases pass."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.validators import CommonPatternValidator


def user():
    return User(username="somebody")


@pytest.mark.parametrize(
    "password",
    [
        "P@ssw0rd12",
        "Admin@12345",
        "Zhangwei@1990",
        "1qaz@WSX3edc",
        "Woaini@520131",
        "Root#2024abc",
        "Liuyang_1988!",
        "Qwerty!23456",
        "Asdfgh@2023",
        "Welcome@2026",
        "Passw0rd!2025",
        "@dmin_2024!",
        "Wangxiaoming#01",
        "Abc@123456",
        "Test$1234567",
        "!QAZ2wsx#EDC",
    ],
)
def test_common_patterns_are_rejected(db, password):
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user())
    assert any(e.code == "password_common_pattern" for e in caught.value.error_list)


@pytest.mark.parametrize(
    "password",
    [
        "Qiu-lan 河边 7 棵柳",
        "7Gq!mZt2#pLw",
        "Qingshan-2026-xj",
        "Kit-Passw0rd-2026",
        "Xishan-2026-xyz",
        "mZ8#Admin-vq4T",
    ],
)
def test_real_passphrases_pass(db, password):
    validate_password(password, user())


def test_django_common_list_is_kept():
    names = [v["NAME"] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert "django.contrib.auth.password_validation.CommonPasswordValidator" in names
    assert "accounts.validators.CommonPatternValidator" in names


def test_the_lists_are_data():
    validator = CommonPatternValidator()
    assert {"zhang", "wang", "li"} <= validator.surnames
    assert "woaini" in validator.stems and "admin" in validator.stems
    assert any("1qaz2wsx" in walk for walk in validator.walks)


def test_demo_passwords_pass_the_rules(db):
    """The demo accounts' generated passwords go through every validator, this one included."""
    from accounts.demo import strong_password

    for _ in range(20):
        validate_password(strong_password([user()]), user())
