"""Django settings, read from the environment (see README "Configuration")."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from grassroots.env import envbool, envint, envstr, stored_secret

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("GRASSROOTS_VAR_DIR", str(BASE_DIR / "var")))
ENV = envstr("GRASSROOTS_ENV", "development")
PRODUCTION = ENV == "production"
TESTING = "pytest" in sys.modules or envbool("GRASSROOTS_TESTING")

SECRET_KEY = stored_secret("GRASSROOTS_SECRET_KEY", VAR_DIR, production=PRODUCTION, kind="token")
FIELD_KEY = stored_secret("GRASSROOTS_FIELD_KEY", VAR_DIR, production=PRODUCTION, kind="fernet")
DEBUG = envbool("GRASSROOTS_DEBUG", default=not PRODUCTION and not TESTING)
ALLOWED_HOSTS = [
    h for h in envstr("GRASSROOTS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in envstr("GRASSROOTS_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "treebeard",
    "django_htmx",
    "template_partials",
    "axes",
    "huey.contrib.djhuey",
    "grassroots.core",
    "grassroots.accounts",
    "grassroots.grid",
    "grassroots.party",
    "grassroots.exchange",
    "grassroots.analytics",
    "grassroots.cases",
    "grassroots.notify",
    "grassroots.open311",
    "grassroots.demo",
    "grassroots.bench",
    "grassroots.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "grassroots.core.middleware.DefaultLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "grassroots.accounts.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "grassroots.urls"
WSGI_APPLICATION = "grassroots.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "grassroots" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "grassroots.core.context_processors.site",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'grassroots.sqlite3'}"),
        conn_max_age=envint("GRASSROOTS_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
            ),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = envint("GRASSROOTS_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = envbool("GRASSROOTS_AXES", True)

SESSION_COOKIE_AGE = 12 * 3600
IDLE_TIMEOUT_SECONDS = envint("GRASSROOTS_IDLE_TIMEOUT", 30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "grassroots" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on a missing root
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "grassroots.accounts.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "grassroots.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Grassroots API",
    "DESCRIPTION": "Grid governance and Party-building records, scoped to the caller.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI is served from our own static files (no CDN: CSP and no internet).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `kind`; name their enums instead of hashing them.
    "ENUM_NAME_OVERRIDES": {
        "PlaceKindEnum": "grassroots.grid.models.Place.Kind",
        "OrganizationKindEnum": "grassroots.party.models.Organization.Kind",
        "InstructorKindEnum": "grassroots.party.models.Instructor.Kind",
        "MemberStatusEnum": "grassroots.party.models.Member.Status",
        "CaseStatusEnum": "grassroots.cases.models.Status",
        "CasePriorityEnum": "grassroots.cases.models.Priority",
        "DeliveryStatusEnum": "grassroots.notify.models.Delivery.Status",
    },
    # Schema honesty (issue #9, schemathesis' status-code check): document the error
    # answers every operation can give, beside the default enum post-processing.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "grassroots.core.schema.document_errors",
    ],
}

REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "grassroots",
        "url": REDIS_URL,
        "immediate": TESTING,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "grassroots",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": TESTING,
    }

EMAIL_BACKEND = envstr("GRASSROOTS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("GRASSROOTS_LOG_LEVEL", "WARNING")},
    # The Huey consumer installs its own handler; propagating would print every line twice.
    "loggers": {"huey": {"level": "INFO", "propagate": False}},
}

# Domain defaults (DOMAIN.md §5), configurable per deployment.
GRASSROOTS = {
    "REP_HOUSEHOLDS_MIN": envint("GRASSROOTS_REP_HOUSEHOLDS_MIN", 5),
    "REP_HOUSEHOLDS_MAX": envint("GRASSROOTS_REP_HOUSEHOLDS_MAX", 15),
    "VISIT_STALE_DAYS": envint("GRASSROOTS_VISIT_STALE_DAYS", 30),
    "VISIT_WARN_DAYS": envint("GRASSROOTS_VISIT_WARN_DAYS", 14),
    "INSTRUCTOR_REMIND_DAYS": envint("GRASSROOTS_INSTRUCTOR_REMIND_DAYS", 30),
}

if os.environ.get("GRASSROOTS_ENV") == "production" and DEBUG:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("GRASSROOTS_DEBUG must be off in production")
