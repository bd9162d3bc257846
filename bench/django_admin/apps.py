"""The Django app holding our tables' models and their ModelAdmins."""

from django.apps import AppConfig


class WuyeConfig(AppConfig):
    name = "bench.django_admin"
    label = "wuye"
    verbose_name = "物业"
    default_auto_field = "django.db.models.AutoField"
