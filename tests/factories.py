"""factory-boy factories for every catalogue model.

Synthetic data only: real facts live in fixtures/."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from programs import support
from programs.models import Citation, Document, Module, Program, Provider, Role, RoleFit, Topic


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    title = factory.Sequence(lambda n: f"Synthetic source {n}")
    author = "Test Author"
    text = "A synthetic reason. Synthetic sentences for tests follow."


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Provider {n}")
    short_name = factory.Sequence(lambda n: f"P{n}")
    slug = factory.Sequence(lambda n: f"provider-{n}")
    kind = Provider.Kind.UNIVERSITY


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    name = factory.Sequence(lambda n: f"Role {n}")
    slug = factory.Sequence(lambda n: f"role-{n}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class _Unchecked(factory.django.DjangoModelFactory):
    """Synthetic programs and parts have no source sentences: they are written unchecked
    (programs/support.py), as the bulk catalogue builder writes its programs."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with support.unchecked():
            return super()._create(model_class, *args, **kwargs)


class ProgramFactory(_Unchecked):
    class Meta:
        model = Program

    status = Program.Status.PUBLISHED
    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"Program {n:04d}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    summary = "A synthetic program for tests."
    credential_kind = Program.CredentialKind.CERTIFICATE
    last_verified = datetime.date(2026, 1, 1)

    class Params:
        priced = factory.Trait(
            price_amount=Decimal("1000.00"),
            price_currency="USD",
            price_basis=Program.PriceBasis.PROGRAM,
        )


class ModuleFactory(_Unchecked):
    class Meta:
        model = Module

    program = factory.SubFactory(ProgramFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Module {n}")


class RoleFitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleFit

    program = factory.SubFactory(ProgramFactory)
    role = factory.SubFactory(RoleFactory)
    strength = RoleFit.Strength.RECOMMENDED
    rationale = "A synthetic reason."
    grade = factory.LazyAttribute(lambda fit: fit.rationale.split()[0])
    source = factory.SubFactory(DocumentFactory, text=factory.SelfAttribute("..rationale"))


class CitationFactory(_Unchecked):
    class Meta:
        model = Citation

    program = factory.SubFactory(ProgramFactory)
    field = Citation.Field.SUMMARY
    quote = factory.Sequence(lambda n: f"Synthetic sentence {n}.")
    document = factory.SubFactory(DocumentFactory, text=factory.SelfAttribute("..quote"))


class StaffUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = "editor"
    email = "editor@example.com"
    is_staff = True
    is_superuser = True
    password = factory.django.Password("correct horse battery staple")
