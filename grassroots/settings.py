"""Django settings, read from the environment (see README "Configuration")."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from grassroots.env import envbool, envheader, envint, envjson, envstr, several_nodes, stored_secret

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("GRASSROOTS_VAR_DIR", str(BASE_DIR / "var")))
ENV = envstr("GRASSROOTS_ENV", "development")
PRODUCTION = ENV == "production"
TESTING = "pytest" in sys.modules or envbool("GRASSROOTS_TESTING")

SECRET_KEY = stored_secret("GRASSROOTS_SECRET_KEY", VAR_DIR, production=PRODUCTION, kind="token")
FIELD_KEY = stored_secret("GRASSROOTS_FIELD_KEY", VAR_DIR, production=PRODUCTION, kind="fernet")
# --- audit (issue #14): the audit log's MAC key; empty = derived from SECRET_KEY (decision 0015)
AUDIT_KEY = envstr("GRASSROOTS_AUDIT_KEY")
# --- end audit
# Faults: tracebacks and the URL list only when a developer asks for them (GRASSROOTS_DEBUG=1);
# `grassroots serve` and `make run` answer with the readable error pages of core.errors.
DEBUG = envbool("GRASSROOTS_DEBUG", default=False)
ALLOWED_HOSTS = [
    h for h in envstr("GRASSROOTS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [o for o in envstr("GRASSROOTS_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Where the site answers, for links in messages sent outside it (e-mail, robots, SMS).
SITE_URL = envstr("GRASSROOTS_SITE_URL", "http://127.0.0.1:8000")

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
    # Both would rewrite TEMPLATES' loaders on their own; the loaders are set below instead.
    "template_partials.apps.SimpleAppConfig",
    "django_cotton.apps.SimpleAppConfig",
    "axes",
    "huey.contrib.djhuey",
    # --- otp (issue #14): two-factor login (TOTP and one-time recovery codes)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # --- end otp
    "grassroots.core",
    "grassroots.accounts",
    "grassroots.grid",
    "grassroots.party",
    "grassroots.exchange",
    "grassroots.analytics",
    "grassroots.cases",
    "grassroots.notify",
    "grassroots.open311",
    "grassroots.orglife",
    "grassroots.alliances",
    "grassroots.rectify",
    "grassroots.trainings",
    "grassroots.sites",
    "grassroots.inspections",
    "grassroots.duties",
    "grassroots.cadence",
    "grassroots.dashboards",
    "grassroots.reports",
    "grassroots.portal",
    "grassroots.demo",
    "grassroots.bench",
    "grassroots.home",
]

MIDDLEWARE = [
    # --- proxy (issue #15): REMOTE_ADDR is the client, not nginx (GRASSROOTS_TRUSTED_PROXIES)
    "grassroots.core.middleware.ClientAddressMiddleware",
    # --- end proxy
    "django.middleware.security.SecurityMiddleware",
    # --- audit (issue #14): the client address of the audit rows a request writes
    "grassroots.core.middleware.AuditSourceMiddleware",
    # --- end audit
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "grassroots.core.middleware.DefaultLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "grassroots.accounts.middleware.IdleTimeoutMiddleware",
    # --- accounts (issue #14)
    "grassroots.accounts.middleware.MustChangePasswordMiddleware",
    # --- end accounts
    # --- audit (issue #14): the audit administrator opens the audit pages only
    "grassroots.core.middleware.AuditAdministratorMiddleware",
    # --- end audit
    # --- otp (issue #14): the system and security administrators open the account pages only
    "grassroots.core.middleware.InstallationAdministratorMiddleware",
    # --- end otp
    # --- begin replica (issue #15): marks the replica reads, pins a user who wrote
    "grassroots.core.dbrouter.ReplicaReadMiddleware",
    # --- end replica
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
        "OPTIONS": {
            # Partials (template_partials) around the cached loader; cotton compiles the
            # `<c-...>` components (grassroots/templates/cotton/, docs/UI-KIT.md) first.
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django_cotton.cotton_loader.Loader",
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
            "builtins": [
                "django_cotton.templatetags.cotton",
                "grassroots.core.templatetags.kit",
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "grassroots.core.context_processors.site",
                "grassroots.core.context_processors.nav",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'grassroots.sqlite3'}"),
        conn_max_age=envint("GRASSROOTS_DB_CONN_MAX_AGE", 60),
        # Faults: a kept connection that a database restart broke is replaced, not used.
        conn_health_checks=True,
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
# --- begin replica (issue #15, decision 0024): reads of lists, dashboards and exports from a
# streaming standby. Unset: no replica, no router, the middleware removes itself.
DATABASE_REPLICA_URL = envstr("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    from grassroots.env import replica_database

    DATABASES["replica"] = replica_database(DATABASE_REPLICA_URL, DATABASES["default"])
    DATABASE_ROUTERS = ["grassroots.core.dbrouter.ReplicaRouter"]
# After a user's own write, their reads stay on the primary this long (a signed cookie).
REPLICA_PIN_SECONDS = envint("GRASSROOTS_REPLICA_PIN_SECONDS", 10)
# --- end replica

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
# --- accounts (issue #14): not similar to the username or name, never the username itself
AUTH_PASSWORD_VALIDATORS += [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "grassroots.accounts.validators.NotUsernameValidator"},
]
# --- end accounts
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = envint("GRASSROOTS_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = envbool("GRASSROOTS_AXES", True)
# --- otp (issue #14): administrators sign in with a second factor: `required` (the default in
# production) or `optional` (the default elsewhere, so the demo opens without an authenticator)
ADMIN_2FA = envstr("GRASSROOTS_ADMIN_2FA", "required" if PRODUCTION else "optional")
if ADMIN_2FA not in ("required", "optional"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("GRASSROOTS_ADMIN_2FA must be 'required' or 'optional'")
OTP_TOTP_ISSUER = envstr("GRASSROOTS_OTP_ISSUER", "Grassroots")
# --- end otp

SESSION_COOKIE_AGE = 12 * 3600
IDLE_TIMEOUT_SECONDS = envint("GRASSROOTS_IDLE_TIMEOUT", 30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
# Faults: a refused form says in the interface language what to do (core.errors).
CSRF_FAILURE_VIEW = "grassroots.core.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Faults / production security: HTTPS only, and browsers told so for a year (HSTS). Behind a
# TLS-terminating proxy, GRASSROOTS_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https" says
# which header marks a request that arrived over HTTPS (set it only if the proxy overwrites it).
SECURE_PROXY_SSL_HEADER = envheader("GRASSROOTS_SECURE_PROXY_SSL_HEADER")
# The reverse proxies in front (addresses or networks, comma-separated, e.g. "127.0.0.1"): from
# them, X-Forwarded-For names the client (core.middleware.ClientAddressMiddleware). Empty: the
# peer is the client, and X-Forwarded-For is never read (anyone can send it).
TRUSTED_PROXIES = [p for p in envstr("GRASSROOTS_TRUSTED_PROXIES", "").split(",") if p.strip()]
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("GRASSROOTS_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # local probes speak plain HTTP
    SECURE_HSTS_SECONDS = envint("GRASSROOTS_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("GRASSROOTS_HSTS_INCLUDE_SUBDOMAINS", True)

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
# --- backup (issue #14): between here and its end marker
# `grassroots backup` writes here by default; the worker's daily backups go to daily/
# at GRASSROOTS_BACKUP_HOUR (town time), keeping the newest GRASSROOTS_BACKUP_KEEP.
BACKUP_DIR = Path(envstr("GRASSROOTS_BACKUP_DIR", str(VAR_DIR / "backups")))
BACKUP_HOUR = envstr("GRASSROOTS_BACKUP_HOUR", "02:30")
BACKUP_KEEP = envint("GRASSROOTS_BACKUP_KEEP", 7)
PG_BIN = envstr("GRASSROOTS_PG_BIN")  # the directory of pg_dump/pg_restore; found if unset
# --- end backup
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            # Faults: a name the manifest lacks is served as is, never a 500 (core.staticfiles).
            else "grassroots.core.staticfiles.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
# A file is immutable (cached for a year) when its name carries the manifest's 12-hex hash.
# Whitenoise's default test asks the storage for the URL of every file it finds at start-up,
# which warned "not collected" for each source map and unminified twin nobody links.
WHITENOISE_IMMUTABLE_FILE_TEST = r"^.+\.[0-9a-f]{12}\..+$"
# Forms render their fields the kit's way: label above without Django's ":" suffix, help,
# inline errors (core/ui/forms.py).
FORM_RENDERER = "grassroots.core.ui.forms.FormRenderer"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "grassroots.accounts.authentication.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "grassroots.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # input: JSON bodies capped in size (413) and depth (400), never a RecursionError
    "DEFAULT_PARSER_CLASSES": [
        "grassroots.core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Faults: every error body is {"detail", "code"}, and an unavailable database is a 503.
    "EXCEPTION_HANDLER": "grassroots.core.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Grassroots API",
    "DESCRIPTION": "Grid governance and Party-building records, scoped to the caller.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI is served from our own static files (no CDN: CSP and no internet).
    "SWAGGER_UI_DIST": "SIDECAR",
    # About 150 operations: the tags start folded, a reader opens the one they need.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "docExpansion": "none"},
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
        # orglife + alliances (issue #11)
        "MeetingKindEnum": "grassroots.orglife.models.MeetingKind",
        "AttendanceStatusEnum": "grassroots.orglife.models.Attendance.Status",
        "AllianceKindEnum": "grassroots.alliances.models.AllianceKind",
        "UnitKindEnum": "grassroots.alliances.models.UnitKind",
        "ProjectStatusEnum": "grassroots.alliances.models.ProjectStatus",
        # rectify (issue #11)
        "RectificationStatusEnum": "grassroots.rectify.models.Status",
        "RectificationKindEnum": "grassroots.rectify.models.Kind",
        # trainings: programmes part (issue #12)
        "TrainingKindEnum": "grassroots.trainings.models.Kind",
        "TrainingModeEnum": "grassroots.trainings.models.Mode",
        "TrainingEnrolmentSourceEnum": "grassroots.trainings.models.Enrolment.Source",
        "VisitModeEnum": "grassroots.grid.models.Visit.Mode",
        "RectificationSourceEnum": "grassroots.rectify.models.Source",
        # sites (issue #12)
        "SiteStageEnum": "grassroots.sites.models.Stage",
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
        # Crontabs are read in the town's time (Django sets the process's TZ to TIME_ZONE):
        # the reports' 03:10 is 03:10 in the town, not in UTC.
        "utc": False,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "grassroots",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": TESTING,
        # Crontabs are read in the town's time (Django sets the process's TZ to TIME_ZONE):
        # the reports' 03:10 is 03:10 in the town, not in UTC.
        "utc": False,
    }

# Shared cache (issue #9, privacy): rate-limit counters must hold across gunicorn workers,
# so they never live in a process's memory. Redis when REDIS_URL is set; otherwise the
# database (table made by core's migration 0003; `incr` made atomic by core.cache). Tests
# use the database even with REDIS_URL set: they clear the cache, which must never flush
# a Redis that others share.
CACHE_PREFIX = envstr("GRASSROOTS_CACHE_PREFIX", "grassroots")
if REDIS_URL and not TESTING:
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_PREFIX,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "grassroots.core.cache.AtomicDatabaseCache",
            "LOCATION": "grassroots_cache",
            "KEY_PREFIX": CACHE_PREFIX,
            # Culling deletes live rows too: keep room for every caller's counter.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# begin nodes (issue #15, decision 0025): memos over Redis, the queue's name, PgBouncer
MEMO_REDIS_URL, DATABASE_POOLER = several_nodes(DATABASES["default"], HUEY, REDIS_URL, TESTING)
# end nodes

# --- messages (issue #14): between here and its end marker
# Outgoing e-mail: SMTP when GRASSROOTS_SMTP_HOST is set, else the console (development).
EMAIL_HOST = envstr("GRASSROOTS_SMTP_HOST", "")
EMAIL_PORT = envint("GRASSROOTS_SMTP_PORT", 25)
EMAIL_HOST_USER = envstr("GRASSROOTS_SMTP_USER", "")
EMAIL_HOST_PASSWORD = envstr("GRASSROOTS_SMTP_PASSWORD", "")
EMAIL_USE_TLS = envbool("GRASSROOTS_SMTP_TLS", default=False)  # STARTTLS after connecting
EMAIL_USE_SSL = envbool("GRASSROOTS_SMTP_SSL", default=False)  # TLS from the first byte
EMAIL_TIMEOUT = envint("GRASSROOTS_SMTP_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = envstr("GRASSROOTS_EMAIL_FROM", "grassroots@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_BACKEND = envstr(
    "GRASSROOTS_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("set GRASSROOTS_SMTP_TLS or GRASSROOTS_SMTP_SSL, not both")
# SMS: a provider's gateway (notify/sms.py) when GRASSROOTS_SMS_PROVIDER is set, else the log.
SMS_PROVIDER = envstr("GRASSROOTS_SMS_PROVIDER", "")  # aliyun | tencent
NOTIFY_SMS = {
    "PROVIDER": SMS_PROVIDER,
    "KEY_ID": envstr("GRASSROOTS_SMS_KEY_ID", ""),  # AccessKey ID / SecretId
    "KEY_SECRET": envstr("GRASSROOTS_SMS_KEY_SECRET", ""),  # AccessKey secret / SecretKey
    "SIGN_NAME": envstr("GRASSROOTS_SMS_SIGN_NAME", ""),
    "APP_ID": envstr("GRASSROOTS_SMS_APP_ID", ""),  # Tencent's SmsSdkAppId
    "REGION": envstr("GRASSROOTS_SMS_REGION", ""),
    "ENDPOINT": envstr("GRASSROOTS_SMS_ENDPOINT", ""),  # the provider's own when empty
    "TEMPLATES": envjson("GRASSROOTS_SMS_TEMPLATES", {}),  # notice kind -> template
}
NOTIFY_SMS_BACKEND = {
    "": "grassroots.notify.channels.LogSmsBackend",
    "aliyun": "grassroots.notify.sms.AliyunSms",
    "tencent": "grassroots.notify.sms.TencentSms",
}.get(SMS_PROVIDER, "")
if not NOTIFY_SMS_BACKEND:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("GRASSROOTS_SMS_PROVIDER must be aliyun or tencent (or unset)")
# --- end messages

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Faults: a request failed by an unavailable database is one line, not a traceback each.
    "filters": {"database_outage": {"()": "grassroots.core.outage.DatabaseOutageFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["database_outage"]},
    },
    "root": {"handlers": ["console"], "level": envstr("GRASSROOTS_LOG_LEVEL", "WARNING")},
    # The Huey consumer installs its own handler; propagating would print every line twice.
    "loggers": {"huey": {"level": "INFO", "propagate": False, "filters": ["database_outage"]}},
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
