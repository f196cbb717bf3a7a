"""Create an editor account: staff, in the Editors group, never a superuser (issue #12)."""

import getpass
import os

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

EDITORS = "Editors"


class Command(BaseCommand):
    help = (
        "Create a staff account in the Editors group. The password is asked for, or read from "
        "DJANGO_EDITOR_PASSWORD when --noinput is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--noinput", action="store_true")

    def handle(self, *args, username, email, noinput, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"An account named “{username}” already exists.")
        try:
            editors = Group.objects.get(name=EDITORS)
        except Group.DoesNotExist:
            raise CommandError("The Editors group is missing: run manage.py migrate.") from None
        if noinput:
            password = os.environ.get("DJANGO_EDITOR_PASSWORD", "")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        user = User(username=username, email=email, is_staff=True)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        user.save()
        user.groups.add(editors)
        self.stdout.write(f"Editor “{username}” created (staff, Editors group, not a superuser).")
