"""Settings read from the environment (a `.env` file in the project folder may set it).

With nothing set, the project runs on its embedded defaults: a SQLite file in the project
folder, Celery tasks run eagerly, evidence on local disk. Production values come from the
environment only (see deploy/ and .env.example).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent.parent
load_dotenv(BASE_DIR / ".env")


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me-7b1f0c9a8e")
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_celery_beat",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "casefiles",
    "workflow",
    "api",
    "web",
    "notifications",
    "reports",
    "documents",
    "review",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChineseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context.navigation",
            ],
        },
    },
]

# The statistics use covering indexes (INCLUDE columns) on PostgreSQL; SQLite, the zero-setup
# database, ignores the extra columns — which is fine for trying the product out.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is the zero-setup default only; a busy timeout keeps the dev server and a
    # management command from tripping over each other's write lock.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Users think in Chinese terms: Simplified Chinese by default, English available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an anonymous request a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "执法案卷审核与法制审核 API",
    "DESCRIPTION": "Enforcement cases, legal checks, evidence, case-file review and annual statistics (SPEC §10).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs UI is served from local static files: it must work with no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "PartyKindEnum": "casefiles.models.Party.Kind",
        "EvidenceKindEnum": "casefiles.models.Evidence.Kind",
        "PrecheckResultEnum": "law.findings.RESULT_CHOICES",
    },
}

# Celery. No broker configured → tasks run in-process, eagerly (the zero-setup default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "") or "memory://"
CELERY_TASK_ALWAYS_EAGER = not env("CELERY_BROKER_URL", "")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", "") or None
CELERY_TIMEZONE = "Asia/Shanghai"
# A task is acknowledged when done, not when received: a worker killed mid-task leaves it queued.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# Redis redelivers a task that is not acknowledged within this time (a worker that died mid-task).
# It must exceed the longest task's time limit (evidence re-verification: 4 h), or a task still
# running would be handed to a second worker.
# Workers look for such messages every CELERY_UNACKED_RESTORE_INTERVAL seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", str(5 * 60 * 60))),
    "unacked_restore_interval": int(env("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": 1,
}
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "zhifa")
# Tasks write their results to the database (notifications, report runs); a result store only
# when one is configured.
CELERY_TASK_IGNORE_RESULT = not CELERY_RESULT_BACKEND
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Deadline reminders: lead times in working days before a deadline (SPEC §4).
REMINDER_LEAD_WORKDAYS = tuple(int(x) for x in env_list("REMINDER_LEAD_WORKDAYS", "3,1"))
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "zhifa@localhost")
# Notifications are always stored and shown; e-mail only where a mail server is configured.
EMAIL_NOTIFICATIONS = bool(EMAIL_HOST) or env_bool("EMAIL_NOTIFICATIONS", False)

# Evidence store (issue: object storage). `local` is the zero-setup default.
EVIDENCE_STORAGE = env("EVIDENCE_STORAGE", "local")
S3_ENDPOINT = env("S3_ENDPOINT", "")
S3_ACCESS_KEY = env("S3_ACCESS_KEY", "")
S3_SECRET_KEY = env("S3_SECRET_KEY", "")
S3_BUCKET = env("S3_BUCKET", "evidence")
S3_SECURE = env_bool("S3_SECURE", False)
# Object lock mode for verified evidence: COMPLIANCE (nobody can shorten it) or GOVERNANCE.
EVIDENCE_LOCK_MODE = env("EVIDENCE_LOCK_MODE", "COMPLIANCE")
EVIDENCE_PART_SIZE = int(env("EVIDENCE_PART_SIZE", str(16 * 1024 * 1024)))
# Parts in flight at once to S3: memory stays bounded by threads × part size, whatever the file size.
EVIDENCE_UPLOAD_THREADS = int(env("EVIDENCE_UPLOAD_THREADS", "3"))
EVIDENCE_MAX_UPLOAD_BYTES = int(env("EVIDENCE_MAX_UPLOAD_BYTES", str(50 * 1024**3)))
EVIDENCE_URL_TTL_SECONDS = int(env("EVIDENCE_URL_TTL_SECONDS", "300"))
EVIDENCE_UPLOAD_SESSION_HOURS = int(env("EVIDENCE_UPLOAD_SESSION_HOURS", "24"))
# Retention by category (days). Recordings used as evidence stay with the case file (案卷"长期",
# 30 years); routine recordings not used as evidence: at least 6 months (provincial 执法全过程记录 rules).
EVIDENCE_RETENTION_DAYS = {"case_evidence": 30 * 365, "routine_record": 183}

# Enforcement documents and the electronic case file (issue 7).
# LibreOffice converts Word to PDF (installed by scripts/system-packages.sh); one start-up per batch.
DOCUMENTS_SOFFICE = env("DOCUMENTS_SOFFICE", "soffice")
DOCUMENTS_SOFFICE_TIMEOUT = int(env("DOCUMENTS_SOFFICE_TIMEOUT", "180"))
# An uploaded signed scan (PDF or image), at most this size.
DOCUMENTS_ASSEMBLE_ON_ARCHIVE = env_bool("DOCUMENTS_ASSEMBLE_ON_ARCHIVE", True)
DOCUMENTS_MAX_UPLOAD_BYTES = int(env("DOCUMENTS_MAX_UPLOAD_BYTES", str(100 * 1024**2)))
# 保管期限 of a case file: 国家档案局令第8号《机关文件材料归档范围和文书档案保管期限规定》 (永久 /
# 定期30年 / 定期10年) as the reference bureaus apply it to penalty files: major cases permanently,
# other general-procedure cases 30 years, summary-procedure cases 10 years. "永久" locks the object
# for DOCUMENTS_PERMANENT_YEARS.
DOCUMENTS_RETENTION = {"major": ("永久", None), "general": ("30年", 30), "summary": ("10年", 10)}
DOCUMENTS_PERMANENT_YEARS = 100

# Annual statistics (issue 9). A report over at most this many cases (filed or decided in the year,
# in the subtree) is made inline; a larger one by a background run (reports.services). work_mem of
# the statistics queries only, while they run (reports.selectors.statistics_session).
REPORT_INLINE_MAX_CASES = int(env("REPORT_INLINE_MAX_CASES", "20000"))
REPORT_WORK_MEM = env("REPORT_WORK_MEM", "64MB")

# Password shown in README for the seeded demo users.
DEMO_PASSWORD = env("DEMO_PASSWORD", "demo-pass-2026")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
