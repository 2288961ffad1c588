"""Settings of the Constructys portal.

Everything that differs between a developer's machine and production comes from environment variables; the
defaults are those of the project-local services that `make run` and `make test` start (see scripts/services.sh),
so a fresh clone needs no editing.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = Path(env_str("LOCAL_DIR", str(BASE_DIR / ".local")))

DEBUG = env_bool("DJANGO_DEBUG", True)

_DEV_SECRET_KEY = "dev-only-secret-key-never-used-in-production-0123456789abcdef"
SECRET_KEY = env_str("DJANGO_SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Public address of the portal, used in emails (links must work outside a request).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "backoffice.site.AdminSiteConfig",  # django.contrib.admin with the back office's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "template_partials",
    "common",
    "outbox",  # every email goes through its table (sent by Celery)
    "referentials",
    "accounts",
    "webhooks",  # signed event notifications to the organisations' endpoints (docs/webhooks.md)
    "dossiers",
    "messaging",
    "payments",
    "deadlines",  # échéances: the dated events of each dossier, precomputed; the iCalendar feeds
    "funding",
    "banking",
    "contributions",
    "invoicing",  # NPEC referential, payment schedule, CFA invoices
    "egestion",
    "ogestion",
    "demo",
    "digests",
    "invest",  # Digit Invest (the CFAs' investment-request campaign)
    "ninja",  # the API's Swagger UI, served from the package's own static files (no CDN)
    "api",  # /api/v1/ and its keys ("Mon compte" → "Accès API")
    # Portal content (home-page announcements, advisors), then the back office (roles, imports), last: it sets up
    # the staff roles after every app's permissions exist.
    "content",
    "backoffice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy, Permissions-Policy, and no caching of what a logged-in user receives.
    "common.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view opts out with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Portal pages wait for the current RGPD and CGU to be accepted; staff reach the admin only with TOTP set up.
    "accounts.middleware.ConsentRequiredMiddleware",
    "accounts.middleware.StaffTOTPRequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A document storage (S3) outage answers 503 with a message where the page does not show it itself.
    "common.storage_middleware.StorageUnavailableMiddleware",
]

if not DEBUG:
    # In production gunicorn serves the collected static files itself; runserver and the tests use staticfiles.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "common.context_processors.portal_menu",
            ],
        },
    },
    {
        # Plain-text emails: the same templates, without HTML escaping (an apostrophe stays an apostrophe).
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# Inputs, selects and textareas rendered in Python, the same HTML as Django's templates (common/widget_renderer.py).
FORM_RENDERER = "common.widget_renderer.WidgetRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5433/constructys"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("The portal runs on PostgreSQL only: DATABASE_URL must be a postgres:// URL.")
# An unreachable database fails fast, and a statement that runs away is cut instead of holding a web or Celery
# worker (and its locks): 30 s is far above the slowest admin page at 200 000 dossiers (bench/admin_pages.py, about
# 0.3 s of SQL) and a digest batch's statements. 0 turns the statement timeout off; long one-off jobs (`migrate` on a
# large database, `seed_demo --scale`) lift it for their own session.
DATABASE_STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 30_000)
_DB_OPTIONS = DATABASES["default"].setdefault("OPTIONS", {})
_DB_OPTIONS["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
# No JIT: the portal runs short queries, and PostgreSQL compiled some of them (their cost estimate crossing
# jit_above_cost on a large database) for longer than they run (bench/README.md, issues 18 and 21).
_server_settings = [_DB_OPTIONS.get("options", ""), "-c jit=off"]
if DATABASE_STATEMENT_TIMEOUT_MS:
    _server_settings.append(f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}")
_DB_OPTIONS["options"] = " ".join(filter(None, _server_settings))
# Statements prepared on the server: a query the connection has run twice is parsed and planned by PostgreSQL once,
# then only executed (planning was up to half of a portal page's SQL time: bench/README.md, issue 18). It needs
# parameters bound on the server and persistent connections; set 0 behind a pooler that shares server connections
# between clients (PgBouncer in transaction mode), which does not keep a connection's prepared statements.
DATABASE_PREPARE_THRESHOLD = env_int("DATABASE_PREPARE_THRESHOLD", 2)
if DATABASE_PREPARE_THRESHOLD:
    _DB_OPTIONS["server_side_binding"] = True
    _DB_OPTIONS["prepare_threshold"] = DATABASE_PREPARE_THRESHOLD
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6380/0")
# The cache holds only what can be recomputed: when Redis is unreachable, reads are misses and writes are skipped
# (common/cache.py), for CACHE_RETRY_AFTER_SECONDS before the next try, so pages and logins go on without it.
CACHE_OPTIONS = {
    "socket_connect_timeout": env_int("CACHE_SOCKET_TIMEOUT_MS", 500) / 1000,
    "socket_timeout": env_int("CACHE_SOCKET_TIMEOUT_MS", 500) / 1000,
    "RETRY_AFTER": env_int("CACHE_RETRY_AFTER_SECONDS", 5),
}
CACHES = {
    "default": {
        "BACKEND": "common.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "constructys"),
        "OPTIONS": CACHE_OPTIONS,
    }
}
# Sessions in PostgreSQL only (one indexed read per request): they survive a Redis outage, and a logout is final
# (with "cached_db", a logout during an outage would leave the old session in Redis, valid again when it returns).
# The engine is Django's database one, its read prepared once per process (common/sessions.py).
SESSION_ENGINE = "common.sessions"

AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's, the user of each request read by a prepared query (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AllauthBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.passwords.ComplexityValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"

# django-allauth: login by email; the portals have no open sign-up (company self-service comes with its own form).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_REDIRECT_URL = "landing"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Constructys - "
# A reset request never tells whether the address has an account; the reset page checks AUTH_PASSWORD_VALIDATORS.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_FORMS = {
    "reset_password": "accounts.allauth_forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.allauth_forms.ResetPasswordKeyForm",
}
# Emails after a password reset or change ("password_reset", "password_changed"...), in templates/account/email/.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Counted in the cache (Redis): "amount/period/per" where per is the IP, the key (the e-mail typed) or the user.
# Sized so that a company office or an information session behind one IP never reaches the per-IP figures (README,
# "Login limits"). After 5 failed logins for one address in 15 minutes the password alone is no longer enough for
# that address: the right password leads to a 6-digit code emailed to the address (accounts/login_limits.py), so an
# attacker can neither keep guessing nor lock the owner out.
ACCOUNT_RATE_LIMITS = {
    "login": "120/m/ip",
    "login_failed": "100/15m/ip",
    "login_failed_address": "5/15m/key",
    "login_code_address": "10/h/key",
    "reset_password": "30/m/ip,3/5m/key",
    "reset_password_from_key": "30/m/ip",
    "change_password": "5/m/user",
    "reauthenticate": "10/m/user",
    # eGestion's self-service sign-up sends an email each time.
    "signup": "60/h/ip",
    "signup_email": "3/h/key",
}
# The one-time login code of accounts/login_limits.py: 6 digits, valid 10 minutes, 3 tries, then log in again.
ACCOUNT_LOGIN_BY_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
# Number of reverse proxies in front of gunicorn that append to X-Forwarded-For: the client address the per-IP limits
# count is the entry that many places from the end (0: REMOTE_ADDR, development; 1: docker-compose.yml's shape).
# (accounts.adapters.AccountAdapter.get_client_ip).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Second factor (django-allauth mfa): an authenticator app (TOTP) with recovery codes; pages under /comptes/2fa/.
# Mandatory for staff before they reach the admin (accounts.middleware.StaffTOTPRequiredMiddleware).
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Constructys"
# Accept the code of the previous or next 30-second period too (phone clocks drift).
MFA_TOTP_TOLERANCE = 1

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
# 03/12/2026 17:20 wherever a date is printed without an explicit format (config/formats/fr/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = LOCAL_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded documents are never served from a public URL: only permission-checked views stream them.
MEDIA_ROOT = LOCAL_DIR / "media"

# Uploads: every file is scanned by clamd (ClamAV, INSTREAM protocol) before it is kept; when scanning is
# unavailable the upload is refused, never accepted unscanned. Turning scanning off is for development only.
CLAMAV_ENABLED = env_bool("CLAMAV_ENABLED", True)
CLAMAV_URL = env_str("CLAMAV_URL", "tcp://127.0.0.1:3311")  # or unix:///path/to/clamd.sock
CLAMAV_TIMEOUT = env_int("CLAMAV_TIMEOUT", 15)  # seconds, for connecting and for the scan's answer
# Images (PNG, JPEG) above this many pixels are refused, read from the header without decoding the image.
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 40_000_000)

STORAGE_BACKEND = env_str("STORAGE_BACKEND", "local")
if STORAGE_BACKEND == "s3":
    from botocore.config import Config as _BotoConfig

    _default_storage = {
        # S3Storage whose outages answer a French message instead of a 500 (common/storage.py).
        "BACKEND": "common.storage.DocumentS3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID"),
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            # Short timeouts and few retries: an S3 outage must not hold a web worker.
            "client_config": _BotoConfig(
                connect_timeout=5, read_timeout=30, retries={"max_attempts": 3, "mode": "standard"}
            ),
        },
    }
elif STORAGE_BACKEND == "local":
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
else:
    raise ImproperlyConfigured("STORAGE_BACKEND must be 'local' or 's3'.")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "common.static_storage.KeptUrlsStaticFilesStorage"
    },
}

# Email: SMTP in production; in development every message is printed and kept as an .eml file to open.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "common.mail.DevelopmentEmailBackend" if DEBUG else "")
if not EMAIL_BACKEND:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_FILE_PATH = LOCAL_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Only the Celery worker talks to SMTP (through the outbox): a short timeout frees it quickly from a hanging server.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Constructys <ne-pas-repondre@constructys.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The outbox (outbox app, docs/operations.md): "celery" publishes a task once the email's transaction commits;
# "inline" sends in the same process (tests); "sweeper" leaves everything to the beat task (every minute).
OUTBOX_DELIVERY = env_str("OUTBOX_DELIVERY", "celery")
OUTBOX_PUBLISH_TIMEOUT = env_int("OUTBOX_PUBLISH_TIMEOUT", 2)  # seconds a request may wait for the broker
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300)  # a row "sending" longer than this is sent again
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 30)  # then doubling at each failure...
OUTBOX_RETRY_MAX_SECONDS = env_int("OUTBOX_RETRY_MAX_SECONDS", 600)  # ... up to this
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 30)  # about 4 h 30 of failures, then "failed"
OUTBOX_SWEEP_SECONDS = env_int("OUTBOX_SWEEP_SECONDS", 50)  # time budget of one sweep
OUTBOX_MESSAGE_ID_DOMAIN = env_str("OUTBOX_MESSAGE_ID_DOMAIN", DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> "))

# Webhooks (webhooks app, docs/webhooks.md): deliveries are POSTed by Celery like the outbox's emails ("celery",
# "inline" in the same process, "sweeper" leaves them to the beat task), retried with exponential backoff for
# WEBHOOKS_RETRY_HOURS; an endpoint failing WEBHOOKS_DISABLE_AFTER_FAILURES times in a row for at least
# WEBHOOKS_DISABLE_AFTER_SECONDS is disabled and its owners emailed. Only HTTPS to public addresses, unless
# WEBHOOKS_ALLOW_PRIVATE_URLS (tests and local development only: it lets the portal call its own network).
WEBHOOKS_DELIVERY = env_str("WEBHOOKS_DELIVERY", "celery")
WEBHOOKS_ALLOW_PRIVATE_URLS = env_bool("WEBHOOKS_ALLOW_PRIVATE_URLS", False)
WEBHOOKS_TIMEOUT_SECONDS = env_int("WEBHOOKS_TIMEOUT_SECONDS", 5)  # connect, then each read
WEBHOOKS_LEASE_SECONDS = env_int("WEBHOOKS_LEASE_SECONDS", 60)  # a delivery "sending" longer is sent again
WEBHOOKS_RETRY_BASE_SECONDS = env_int("WEBHOOKS_RETRY_BASE_SECONDS", 60)  # then doubling at each failure...
WEBHOOKS_RETRY_MAX_SECONDS = env_int("WEBHOOKS_RETRY_MAX_SECONDS", 3600)  # ... up to an hour
WEBHOOKS_RETRY_HOURS = env_int("WEBHOOKS_RETRY_HOURS", 24)  # then the delivery is abandoned
WEBHOOKS_COUNTDOWN_MAX_SECONDS = env_int("WEBHOOKS_COUNTDOWN_MAX_SECONDS", 300)  # nearer retries get their own task
WEBHOOKS_DISABLE_AFTER_FAILURES = env_int("WEBHOOKS_DISABLE_AFTER_FAILURES", 20)
WEBHOOKS_DISABLE_AFTER_SECONDS = env_int("WEBHOOKS_DISABLE_AFTER_SECONDS", 6 * 3600)
WEBHOOKS_SWEEP_SECONDS = env_int("WEBHOOKS_SWEEP_SECONDS", 50)  # time budget of one sweep
# Payloads quote messages and names: emptied this long after the event once every delivery is over.
WEBHOOKS_PAYLOAD_RETENTION_DAYS = env_int("WEBHOOKS_PAYLOAD_RETENTION_DAYS", 30)

# Celery: Redis as broker; the schedule of periodic work lives in config/celery.py.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A killed worker's work comes back (docs/operations.md): a task whose pool process dies is requeued at once; a
# task taken by a worker that disappears altogether is handed out again once unacknowledged for
# CELERY_VISIBILITY_TIMEOUT seconds. The longest task (a digest batch of 500 users) takes seconds, and the hard time
# limit keeps every task well under the visibility timeout, so a running task is never handed out twice.
# A countdown or ETA must stay under the visibility timeout too (Redis would hand the waiting task out again).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 600)
CELERY_TASK_TIME_LIMIT = CELERY_VISIBILITY_TIMEOUT // 2
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
# A task whose acknowledgement can no longer reach Redis is stopped: it is handed out again after the outage.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Redis outages: the worker and beat retry forever (kombu backs off up to 30 s between tries), and a dead or hanging
# connection is noticed within seconds instead of blocking.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Look for abandoned tasks every 30 s (10 s x 3) rather than every 100 s.
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 3,
    "socket_connect_timeout": 5,
    "socket_timeout": 10,
    "socket_keepalive": True,
    "retry_on_timeout": True,
    "health_check_interval": 25,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 5
CELERY_REDIS_SOCKET_TIMEOUT = 10
CELERY_REDIS_BACKEND_HEALTH_CHECK_INTERVAL = 25
CELERY_RESULT_BACKEND_ALWAYS_RETRY = True
CELERY_RESULT_BACKEND_MAX_RETRIES = 10
CELERY_BEAT_SCHEDULE_FILENAME = str(LOCAL_DIR / "celerybeat-schedule")

# The left-hand menu of each portal (see common/menus.py).
PORTAL_MENUS = {"egestion": "egestion.menu.MENU", "ogestion": "ogestion.menu.MENU", "invest": "invest.menu.MENU"}

# Links shown to users.
REGIONAL_CONTACTS_URL = env_str("REGIONAL_CONTACTS_URL", "https://www.constructys.fr/vos-contacts/")
SUPPORT_PHONE = "0 800 940 999"
# The number the bank-details emails give to call "if you did not ask for this change" (accounting's fraud line).
BANK_DETAILS_ALERT_PHONE = env_str("BANK_DETAILS_ALERT_PHONE", SUPPORT_PHONE)

SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# common/security.py. No inline script anywhere (templates/ and Django's admin load theirs from files; a browser test
# fails on any violation); inline style attributes only (style-src-attr), no <style> element; data: images for the
# TOTP QR code. CSP_REPORT_ONLY=1 only reports violations in the browser's console instead of enforcing.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)
# Calls per minute and API key (api.rate_limits; beyond: 429 with Retry-After).
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 120)
# Apprenticeship drafts a CFA's key may propose to employers per day (api.resources.drafts, anti-abuse).
API_PROPOSALS_PER_DAY = env_int("API_PROPOSALS_PER_DAY", 200)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
# Messages ("Votre mot de passe est enregistré"...) live in the server-side session, not in a cookie a script or
# another user of the computer could read.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
ACCOUNT_TOKEN_HOURS = env_int("ACCOUNT_TOKEN_HOURS", 72)
# The "forgotten password" link lasts as long as the other account links (the page and the email say so).
PASSWORD_RESET_TIMEOUT = ACCOUNT_TOKEN_HOURS * 60 * 60

# Email digests (digests app): beat runs them on these days at this time (TIME_ZONE), in batches of users.
DIGEST_DAYS = env_list("DIGEST_DAYS", "mon,thu")
DIGEST_HOUR = env_int("DIGEST_HOUR", 7)
DIGEST_MINUTE = env_int("DIGEST_MINUTE", 0)
DIGEST_BATCH_SIZE = env_int("DIGEST_BATCH_SIZE", 500)

# /sante/ (common/health.py): the public answer is one word; the details (each component, the heartbeat's age) go to
# staff and to requests carrying this token in the X-Health-Token header (empty: staff only).
HEALTH_TOKEN = env_str("HEALTH_TOKEN")
# Beat schedules the worker's heartbeat every minute: older than this, background work is considered stopped.
HEALTH_HEARTBEAT_MAX_AGE = env_int("HEALTH_HEARTBEAT_MAX_AGE", 180)
