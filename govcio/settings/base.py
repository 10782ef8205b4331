"""Settings shared by every deployment. Everything is configured from the environment or DATA_DIR/.env."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from .datadir import load_env_file, prepare_data_dir, private_sqlite, secret_file

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Also sets the process umask to 0o077: see datadir.py for why the data directory is private and how it stays so.
DATA_DIR = prepare_data_dir()
load_env_file(DATA_DIR / ".env")


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


SECRET_KEY = os.environ.get("GOVCIO_SECRET_KEY") or secret_file("secret.key", 32)
# SM4 key (128 bit) for personal and authentication data at rest.
GOVCIO_SM4_KEY = os.environ.get("GOVCIO_SM4_KEY") or secret_file("sm4.key", 16)
# HMAC-SM3 key (256 bit) of the audit chain, or the file holding it (0600). Not made here: core.audit_key makes it for
# a new installation only, so that a lost key is an error and not a new key that calls every record forged.
GOVCIO_AUDIT_KEY = os.environ.get("GOVCIO_AUDIT_KEY", "")
GOVCIO_AUDIT_KEY_FILE = DATA_DIR / "audit.key"
# The audit chain's daily anchors (core.audit_anchor): an append-only file, by default in the data directory.
GOVCIO_AUDIT_ANCHOR_FILE = Path(os.environ.get("GOVCIO_AUDIT_ANCHOR_FILE") or DATA_DIR / "audit-anchors.txt")
# Local abbreviations for search, read after core/data/search_aliases.yaml (core.search.aliases).
GOVCIO_SEARCH_ALIASES_FILE = os.environ.get("GOVCIO_SEARCH_ALIASES_FILE", "")

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
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
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
    # Below WhiteNoise, so static files keep their caching; above the rest, so it sees every response they make.
    "core.middleware.NeverCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.uploads.UploadLimitMiddleware",  # before CSRF, which would read the body first
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.UnitFocusMiddleware",  # the unit switcher narrows the gate (core.gate.focus_on)
    "accounts.middleware.PasswordExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "inventory.middleware.GraphPendingMiddleware",  # a page needing the impact graph before its first build
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
    private_sqlite(DATABASES["default"]["NAME"])
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the reports' queries pass its cost threshold and spent more compiling than running
    # (docs/decisions/0020-postgresql-without-jit.md).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Password policy (GB/T 22239-2019 level 3: complexity and periodic change).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.validators.CommonPatternValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.validators.NotUsernameValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
GOVCIO_PASSWORD_MAX_AGE_DAYS = env_int("GOVCIO_PASSWORD_MAX_AGE_DAYS", 90)
GOVCIO_LOCKOUT_THRESHOLD = env_int("GOVCIO_LOCKOUT_THRESHOLD", 5)
GOVCIO_LOCKOUT_MINUTES = env_int("GOVCIO_LOCKOUT_MINUTES", 15)
# Failed passwords and second-factor codes from one client address, across accounts (0 = no limit).
GOVCIO_IP_FAILURE_LIMIT = env_int("GOVCIO_IP_FAILURE_LIMIT", 30)
GOVCIO_IP_FAILURE_WINDOW_MINUTES = env_int("GOVCIO_IP_FAILURE_WINDOW_MINUTES", 15)
# The reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For names the client.
GOVCIO_TRUSTED_PROXIES = os.environ.get("GOVCIO_TRUSTED_PROXIES", "")
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
# Uploaded files are the owner's alone, whatever the umask (govcio/settings/datadir.py).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Content-Security-Policy (django-csp). Scripts come from our own static files only: no inline script, no inline event
# handler, no eval (htmx runs with allowEval off, see base.html); page data reaches the scripts through json_script.
# Styles likewise come from our style sheets only: the templates carry no style attribute (govcio.css has a class for
# each size they used). What scripts set through element.style (ECharts, Bootstrap's dropdowns) is not inline style
# to the policy. img-src allows data: for the SVG icons inside Tabler's style sheet. The API documentation pages need
# more and say so where they are served (govcio/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy): nothing here uses the camera, microphone, location, payments or
# devices, so no page (or anything injected into one) may ask for them.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "serial",
        "hid",
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.GatePermission"],
    "DEFAULT_FILTER_BACKENDS": ["core.api.filters.FilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.GovAutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
}
# API tokens (django-rest-knox, hashed at rest; accounts/tokens.py decides who gets one and for how long).
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations would still create its (swapped-out) token table: an empty table whose key to the users
# makes PostgreSQL refuse to TRUNCATE them (manage.py flush, transactional tests). accounts.ApiToken is the table.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {"AUTH_HEADER_PREFIX": "Token", "TOKEN_TTL": None, "AUTO_REFRESH": False}
# Days until a token expires: administrators' always expire; 0 = never for everyone else.
GOVCIO_API_TOKEN_DAYS = env_int("GOVCIO_API_TOKEN_DAYS", 90)
GOVCIO_ADMIN_TOKEN_DAYS = max(1, env_int("GOVCIO_ADMIN_TOKEN_DAYS", 7))
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
    # The schema and its documentation are for signed-in users (session or API token): anonymous callers get 401.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI and ReDoc from the vendored drf-spectacular-sidecar package, served from /static/ (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets shared by several fields get one name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "HarmObjectEnum": "security.choices.HarmObject",
        "HarmDegreeEnum": "security.choices.HarmDegree",
        "MlpsLevelEnum": "security.choices.Level",
        "ConclusionEnum": "security.choices.Conclusion",
    },
}

# Figures shared by every process (core.figures): the database cache by default; Redis when GOVCIO_REDIS_URL is set
# (production, several machines). The cache table is made by migration core 0010.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["GOVCIO_REDIS_URL"]}
        if os.environ.get("GOVCIO_REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "govcio_cache"}
    )
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("GOVCIO_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Bounded work per request: what one import may hold (checked while streaming, before anything is parsed whole),
# and what one parser may read. README's configuration table explains each.
GOVCIO_IMPORT_MAX_BYTES = env_int("GOVCIO_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
# A background import whose worker cannot be asked (another host, or none took it yet) counts as ended after this.
GOVCIO_IMPORT_STALE_SECONDS = env_int("GOVCIO_IMPORT_STALE_SECONDS", 60 * 60)
GOVCIO_IMPORT_MAX_UNZIPPED_BYTES = env_int("GOVCIO_IMPORT_MAX_UNZIPPED_BYTES", 400 * 1024 * 1024)
GOVCIO_IMPORT_MAX_ZIP_ENTRIES = env_int("GOVCIO_IMPORT_MAX_ZIP_ENTRIES", 2000)
GOVCIO_IMPORT_MAX_ROWS = env_int("GOVCIO_IMPORT_MAX_ROWS", 1_000_000)
GOVCIO_IMPORT_MAX_COLUMNS = env_int("GOVCIO_IMPORT_MAX_COLUMNS", 500)
GOVCIO_IMPORT_MAX_CELLS = env_int("GOVCIO_IMPORT_MAX_CELLS", 5_000_000)
GOVCIO_IMPORT_MAX_CELL_CHARS = env_int("GOVCIO_IMPORT_MAX_CELL_CHARS", 131_072)
GOVCIO_IMPORT_MAX_HEADER_CHARS = env_int("GOVCIO_IMPORT_MAX_HEADER_CHARS", 255)
GOVCIO_IMPORT_MAX_XML_DEPTH = env_int("GOVCIO_IMPORT_MAX_XML_DEPTH", 64)
GOVCIO_JSON_MAX_VALUES = env_int("GOVCIO_JSON_MAX_VALUES", 2_000_000)
GOVCIO_JSON_MAX_PART_VALUES = env_int("GOVCIO_JSON_MAX_PART_VALUES", 100_000)
# Statements in a Turtle or RDF/XML catalog (parsed whole by rdflib, within GOVCIO_IMPORT_MAX_BYTES too).
GOVCIO_RDF_MAX_TRIPLES = env_int("GOVCIO_RDF_MAX_TRIPLES", 1_000_000)
GOVCIO_JSON_MAX_DEPTH = env_int("GOVCIO_JSON_MAX_DEPTH", 32)
GOVCIO_JSON_MAX_STRING_CHARS = env_int("GOVCIO_JSON_MAX_STRING_CHARS", 131_072)
GOVCIO_API_MAX_JSON_VALUES = env_int("GOVCIO_API_MAX_JSON_VALUES", 100_000)
GOVCIO_UPLOAD_MAX_BYTES = env_int("GOVCIO_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
GOVCIO_UPLOAD_MAX_FILES = env_int("GOVCIO_UPLOAD_MAX_FILES", 20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# core.uploads: each file is counted as it streams in, and the upload stopped past the route's limit.
FILE_UPLOAD_HANDLERS = [
    "core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GOVCIO_LOG_LEVEL", "INFO")},
    # govcio.audit: the audit chain's daily anchors and failed verifications, for the operator's log.
    "loggers": {"jieba": {"level": "WARNING"}, "govcio.audit": {"level": "INFO"}},
}
