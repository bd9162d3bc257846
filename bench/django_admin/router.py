"""Our tables are read on the "wuye" alias (bench_wuye); Django's own on "default"."""

OURS = "wuye"


class WuyeRouter:
    def db_for_read(self, model, **hints):
        return OURS if model._meta.app_label == "wuye" else None

    def db_for_write(self, model, **hints):
        return OURS if model._meta.app_label == "wuye" else None

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Never touch our database: its tables are ours (unmanaged models), and Django's
        # auth/session/admin tables belong in the scratch database only.
        if db == OURS:
            return False
        return app_label != "wuye"
