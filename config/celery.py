"""The Celery app, configured from Django settings (CELERY_*). With no broker configured, tasks
run eagerly in-process (the zero-setup default)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("zhifa")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
