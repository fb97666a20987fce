from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "encaisse.imports"
    label = "imports"

    def ready(self) -> None:
        from encaisse.imports.kinds import register_import_kinds

        register_import_kinds()
