from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager):
    """Shoppers and staff sign in with their e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("email_verified_at", timezone.now())  # made by an operator, not a sign-up
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email: str):
        return self.get(email__iexact=email)


class User(AbstractUser):
    username = None
    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    # Set when the shopper opens the link the outbox sent; a new account cannot check out until then.
    email_verified_at = models.DateTimeField("e-mail verified at", null=True, blank=True)
    # Set when the account is erased (privacy's erasure service): the row stays, anonymised, because orders
    # and registers kept under a legal hold still point at it, and those records are then restricted.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class ApiTokenSecondFactor(models.Model):
    """Marks an API token (knox) that was issued for a password *and* a valid TOTP code. The
    pharmacist endpoints accept only tokens that have one; removing the device unmarks its tokens."""

    token = models.OneToOneField(
        "knox.AuthToken", primary_key=True, on_delete=models.CASCADE, related_name="second_factor"
    )
    device = models.ForeignKey("otp_totp.TOTPDevice", on_delete=models.CASCADE, related_name="+")
    verified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "API token second factor"

    def __str__(self) -> str:
        return f"second factor of a token of user {self.token.user_id}"


class PharmacistsMembershipChange(models.Model):
    """The audit trail of the Pharmacists group: who added or removed whom, and when.
    Only a superuser or a holder of `accounts.manage_pharmacists` may make such a change."""

    class Action(models.TextChoices):
        ADDED = "added", "Added to the Pharmacists group"
        REMOVED = "removed", "Removed from the Pharmacists group"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="pharmacists_membership_changes")
    actor = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=8, choices=Action.choices)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("manage_pharmacists", "Can add users to and remove them from the Pharmacists group")]

    def __str__(self) -> str:
        return f"{self.user} {self.action} by {self.actor or 'the system'}"


class RoleChangeQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Role changes are an audit trail: rows are never changed.")

    def delete(self):
        raise TypeError("Role changes are an audit trail: rows are never deleted.")


class RoleChange(models.Model):
    """The audit trail of the guarded roles (accounts.roles and dispensing's pharmacist profiles): who
    changed whose superuser status, user permissions, Superintendent pharmacists membership, or pharmacist
    profile (its user, registration number, superintendent flag), from what to what, and when.
    Append-only; the Pharmacists group keeps its own trail (PharmacistsMembershipChange)."""

    class Role(models.TextChoices):
        SUPERUSER = "superuser", "Superuser status"
        PERMISSIONS = "permissions", "User permissions"
        SUPERINTENDENTS_GROUP = "superintendents_group", "Superintendent pharmacists group"
        SUPERINTENDENT = "superintendent", "Superintendent pharmacist (profile)"
        PROFILE_USER = "profile_user", "Pharmacist profile's user"
        REGISTRATION_NUMBER = "registration_number", "GPhC registration number"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_changes",
                             help_text="Whose role changed (for a profile's user: its new user).")
    actor = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=24, choices=Role.choices)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = RoleChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} of {self.user}: {self.old_value or '-'} → {self.new_value or '-'}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Role changes are an audit trail: rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Role changes are an audit trail: rows are never deleted.")


class AccountMessageKind(models.TextChoices):
    """The outbox messages about an account, not an order (their builder: emails.build_account_email,
    registered with the outbox at AccountsConfig.ready()). Their links carry tokens computed at send time.
    The values are stored in the outbox and never change."""

    EMAIL_VERIFICATION = "email_verification", "Confirm your e-mail address"
    PASSWORD_RESET = "password_reset", "Password reset"
    SIGN_UP_ATTEMPT = "sign_up_attempt", "Sign-up with an address that has an account"
