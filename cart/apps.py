from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "cart"
    verbose_name = "Carts"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (merges a guest cart on sign-in)
