"""gunicorn settings for the web container (values from the environment, sane defaults)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# Long evidence uploads stream through the app: a generous timeout, no request buffering limits here
# (nginx streams the body on with proxy_request_buffering off).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "3600"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "*")
