import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from catalog.models import Pack
from pharmacy.money import Money


class Cart(models.Model):
    """A signed-in shopper has one cart; a guest's cart is found by the `token` kept in their session."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="cart"
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    currency = models.CharField(max_length=3, default=settings.PHARMACY_CURRENCY)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["updated_at"], condition=Q(user__isnull=True), name="cart_guest_updated")]

    def __str__(self) -> str:
        return f"Cart of {self.user}" if self.user_id else f"Guest cart {self.token}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "pack"], name="cart_line_one_per_pack"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="cart_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.pack}"

    @property
    def unit_price(self) -> Money:
        return self.pack.price

    @property
    def line_total(self) -> Money:
        return self.pack.price * self.quantity

    @property
    def prescription_required(self) -> bool:
        return self.pack.product.prescription_required
