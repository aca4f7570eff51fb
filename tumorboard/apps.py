from django.apps import AppConfig


class TumorboardConfig(AppConfig):
    name = "tumorboard"
    verbose_name = "Tumor board"
