import factory

from core.models import Role, Site, User
from tumorboard.models import Case, Patient

PASSWORD = "correct-horse-battery"


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"site-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    site = factory.SubFactory(SiteFactory)
    role = Role.MOLECULAR_BIOLOGIST
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    site = factory.SubFactory(SiteFactory)
    pseudonym = factory.Sequence(lambda n: f"PSN-{n:05d}")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    site = factory.SubFactory(SiteFactory)
    patient = factory.SubFactory(PatientFactory, site=factory.SelfAttribute("..site"))
    tumor_type = "COADREAD"
    assembly = "GRCh38"
