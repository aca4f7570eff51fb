import uuid

from django.db import models


class BaseModel(models.Model):
    """Every row DART shows has a UUID public id and timestamps; integer keys stay internal."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
