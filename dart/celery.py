import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dart.settings.production")

app = Celery("dart")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
