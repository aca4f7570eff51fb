"""Files of several GB are registered from the server's import folder, never sent through a form."""

import shutil

import pytest

from core.models import Upload
from tests.tumorboard.conftest import DEMO_VCF, login


@pytest.fixture
def import_root(settings, tmp_path):
    root = tmp_path / "import"
    (root / "run42").mkdir(parents=True)
    shutil.copy(DEMO_VCF, root / "run42" / DEMO_VCF.name)
    settings.DART_IMPORT_ROOT = root
    return root


def post(client, case, **data):
    return client.post(f"/cases/{case.uuid}/uploads/", {"kind": "somatic_vcf", **data}, follow=True)


@pytest.mark.django_db
def test_a_file_under_the_import_folder_is_registered_from_the_upload_form(
    client, users, case, import_root
):
    login(client, users["molecular_biologist"])

    response = post(client, case, server_path=f"run42/{DEMO_VCF.name}")

    assert f"{DEMO_VCF.name} accepted" in response.content.decode()
    upload = Upload.objects.get(case=case)
    assert upload.original_name == DEMO_VCF.name
    assert upload.size == DEMO_VCF.stat().st_size


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd", "run42/missing.vcf"])
def test_a_path_outside_the_import_folder_or_missing_is_refused(
    client, users, case, import_root, path
):
    login(client, users["molecular_biologist"])

    response = post(client, case, server_path=path)

    assert "Upload refused" in response.content.decode()
    assert not Upload.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_a_file_and_a_server_path_together_are_refused(client, users, case, import_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, users["molecular_biologist"])
    file = SimpleUploadedFile(DEMO_VCF.name, DEMO_VCF.read_bytes())

    response = post(client, case, file=file, server_path=f"run42/{DEMO_VCF.name}")

    assert "not both" in response.content.decode()
    assert not Upload.objects.filter(case=case).exists()
