"""Production settings: the defaults of config.settings, hardened. Select with
DJANGO_SETTINGS_MODULE=config.settings.production (deploy/compose.yaml does).

Everything secret or site-specific still comes from the environment (deploy/env.example lists every
variable); here only what must differ from the zero-setup defaults, and refusals to start when a
production value is missing rather than run insecurely.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE, env, env_bool, env_list

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
if len(SECRET_KEY) < 40 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("生产环境须设置至少 40 个字符的 SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("生产环境须设置 ALLOWED_HOSTS（逗号分隔的域名）")
if not env("DATABASE_URL"):
    raise ImproperlyConfigured("生产环境须设置 DATABASE_URL（PostgreSQL）")

# Behind nginx, which terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# The health endpoints are probed over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Pages read the token from their forms, never from the cookie.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Joining the browsers' preload list is a decision for the bureau's domain as a whole, not for one
# application: off, and its deploy-check warning silenced on purpose.
SECURE_HSTS_PRELOAD = False
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]  # noqa: F405
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: everything from this origin (no CDN is ever used); media may come from the
# object store's presigned URLs (its origin in S3_PUBLIC_ORIGIN).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        f"media-src 'self' blob: {env('S3_PUBLIC_ORIGIN', '')}".strip(),
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)
MIDDLEWARE = [*MIDDLEWARE, "core.middleware.ContentSecurityPolicyMiddleware"]

# Logs as one JSON object per line on stdout, for the log collector.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "WARNING", "propagate": True}},
}
