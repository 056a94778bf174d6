"""Users, and the shape every reference list shares."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower


class User(AbstractUser):
    """A person who signs in. What they may do comes from their role (a group)."""

    class Meta:
        ordering = ["first_name", "last_name", "username"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_when_present",
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.username


class ReferenceItem(models.Model):
    """An entry in an admin-editable list: a stable code, the label people see, an order.

    Entries are retired with ``is_active`` rather than deleted, so history keeps its meaning.
    """

    code = models.SlugField(max_length=40, unique=True, allow_unicode=False)
    label = models.CharField(max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        abstract = True
        ordering = ["order", "label"]

    def __str__(self):
        return self.label
