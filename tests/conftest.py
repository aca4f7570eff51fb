from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
TEST_DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public example data beside the checkout (../shared/data)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(reason="../shared/data is not present on this machine")
    return SHARED_DATA


@pytest.fixture(scope="session")
def test_data() -> Path:
    return TEST_DATA


@pytest.fixture
def site(db):
    from tests.factories import SiteFactory

    return SiteFactory(slug="home", name="Home Centre")


@pytest.fixture
def other_site(db):
    from tests.factories import SiteFactory

    return SiteFactory(slug="elsewhere", name="Elsewhere Centre")


@pytest.fixture
def users(site):
    """One user per role at the home site, keyed by role value."""
    from core.models import Role
    from tests.factories import UserFactory

    return {
        role.value: UserFactory(username=f"home-{role.value}", site=site, role=role)
        for role in Role
    }


@pytest.fixture
def case(site):
    from tests.factories import CaseFactory

    return CaseFactory(site=site)


@pytest.fixture
def other_case(other_site):
    from tests.factories import CaseFactory

    return CaseFactory(site=other_site)


@pytest.fixture(autouse=True)
def _close_progress_connection():
    """Job progress is written on a second connection; a test leaves none of it open."""
    yield
    from django.db import connections

    if "progress" in connections.settings:
        connections["progress"].close()
