"""Settings shared by every deployment. Everything is configured from the environment or DATA_DIR/.env."""

import os
from pathlib import Path

import dj_database_url

from .datadir import data_dir, load_env_file, secret_file

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = data_dir()
load_env_file(DATA_DIR / ".env")


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


SECRET_KEY = os.environ.get("GOVCIO_SECRET_KEY") or secret_file("secret.key", 32)
# SM4 key (128 bit) for personal and authentication data at rest.
GOVCIO_SM4_KEY = os.environ.get("GOVCIO_SM4_KEY") or secret_file("sm4.key", 16)

DEBUG = env_bool("GOVCIO_DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("GOVCIO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "core",
    "accounts",
    "inventory",
    "security",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SecurityPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "govcio.urls"
WSGI_APPLICATION = "govcio.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'govcio.sqlite3'}",
        conn_max_age=env_int("GOVCIO_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Password policy (GB/T 22239-2019 level 3: complexity and periodic change).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.validators.NotUsernameValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
GOVCIO_PASSWORD_MAX_AGE_DAYS = env_int("GOVCIO_PASSWORD_MAX_AGE_DAYS", 90)
GOVCIO_LOCKOUT_THRESHOLD = env_int("GOVCIO_LOCKOUT_THRESHOLD", 5)
GOVCIO_LOCKOUT_MINUTES = env_int("GOVCIO_LOCKOUT_MINUTES", 15)
GOVCIO_IDLE_TIMEOUT_MINUTES = env_int("GOVCIO_IDLE_TIMEOUT_MINUTES", 30)
GOVCIO_AUDIT_MIN_RETENTION_DAYS = 180  # Cybersecurity Law art. 21: at least six months.

SESSION_COOKIE_AGE = GOVCIO_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "uploads"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.GatePermission"],
    "DEFAULT_FILTER_BACKENDS": ["core.api.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.GovAutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "govcio API",
    "DESCRIPTION": (
        "Workbench of a grassroots government CIO office (govcio). Sign in with `Authorization: Token <key>` "
        "(`govcio token USERNAME`). Every read and write obeys the user's roles and scope: a record outside it "
        "answers 404. Lists are cursor-paginated (`limit` 1–1000, and the `next`/`previous` links as they are). "
        "A change to an existing record (PUT, PATCH, DELETE, a workflow step) needs `If-Match` with the ETag of "
        "the record as read, which is its version: 428 without it, 400 when malformed, 412 when the record has "
        "changed since. Errors are JSON: `detail`, or messages by field or query parameter (400). "
        "See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets shared by several fields get one name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "HarmObjectEnum": "security.choices.HarmObject",
        "HarmDegreeEnum": "security.choices.HarmDegree",
        "MlpsLevelEnum": "security.choices.Level",
        "ConclusionEnum": "security.choices.Conclusion",
    },
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("GOVCIO_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}

# Upload limits for imports; checked before any parsing.
GOVCIO_IMPORT_MAX_BYTES = env_int("GOVCIO_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
GOVCIO_IMPORT_MAX_UNZIPPED_BYTES = env_int("GOVCIO_IMPORT_MAX_UNZIPPED_BYTES", 400 * 1024 * 1024)
GOVCIO_IMPORT_MAX_ZIP_ENTRIES = env_int("GOVCIO_IMPORT_MAX_ZIP_ENTRIES", 2000)
GOVCIO_UPLOAD_MAX_BYTES = env_int("GOVCIO_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GOVCIO_LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}
