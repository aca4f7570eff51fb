from django.conf import settings

from core.models import Site


def site_default() -> Site:
    """The configured default site, created on first use of a fresh install."""
    slug = settings.DART_DEFAULT_SITE
    site, _ = Site.objects.get_or_create(
        slug=slug, defaults={"name": slug.replace("-", " ").title()}
    )
    return site
