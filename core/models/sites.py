from django.contrib.auth.models import AbstractUser
from django.db import models

from .base import BaseModel


class Site(BaseModel):
    """A cancer centre of the consortium; patients and their data belong to one site."""

    slug = models.SlugField(unique=True, max_length=50)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    MOLECULAR_BIOLOGIST = "molecular_biologist", "Molecular biologist"
    BOARD_MEMBER = "board_member", "Tumor board member"
    BOARD_CHAIR = "board_chair", "Board chair"
    ONCOLOGIST = "oncologist", "Oncologist"
    SITE_ADMIN = "site_admin", "Site admin"


class User(AbstractUser):
    """A DART user works at one site in one role."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True)
    role = models.CharField(max_length=32, choices=Role.choices, blank=True)

    def __str__(self) -> str:
        return self.get_full_name() or self.username
