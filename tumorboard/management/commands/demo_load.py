"""Load the demo site, one user per role and the demo case (idempotent)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from core.models import Role, Site, Upload, User
from core.services.sites import site_default

DEMO_VCF = Path(__file__).resolve().parents[2] / "demo" / "T001-COAD.tcga_consensus.grch38.vcf.gz"
DEMO_PSEUDONYM = "DEMO-COAD-001"
DEMO_PASSWORD = "dart-demo"  # noqa: S105 - printed for the local demo only


class Command(BaseCommand):
    help = "Create the demo site, demo users of every role and the demo case."

    def handle(self, *args, **options) -> None:
        from genomics.services.ingest import upload_ingest
        from genomics.services.uploads import upload_register
        from tumorboard.models import Case
        from tumorboard.services.cases import case_create

        site = site_default()
        other, _ = Site.objects.get_or_create(
            slug="other-centre", defaults={"name": "Other Centre"}
        )
        users = {}
        with transaction.atomic():
            for role in Role:
                users[role] = self._user(f"demo-{role.value.replace('_', '-')}", site, role)
            self._user("other-molecular-biologist", other, Role.MOLECULAR_BIOLOGIST)
        case = Case.objects.filter(site=site, patient__pseudonym=DEMO_PSEUDONYM).first()
        if case is None:
            case = case_create(
                user=users[Role.MOLECULAR_BIOLOGIST],
                site=site,
                pseudonym=DEMO_PSEUDONYM,
                tumor_type="COADREAD",
                diagnosis="Colorectal adenocarcinoma, metastatic",
                clinical_question="Targeted options after FOLFOX progression?",
                assembly="GRCh38",
            )
            upload = upload_register(
                user=users[Role.MOLECULAR_BIOLOGIST],
                case=case,
                kind=Upload.Kind.SOMATIC_VCF,
                source=DEMO_VCF,
                original_name=DEMO_VCF.name,
                options={"assay": "WES"},
                dispatch=False,
            )
            upload_ingest(upload_id=upload.pk)
        self.stdout.write(self.style.SUCCESS("Demo case: " + DEMO_PSEUDONYM))
        self.stdout.write(f"Demo logins (password '{DEMO_PASSWORD}' for all):")
        for role, user in users.items():
            self.stdout.write(f"  {user.username:<28} {role.label}")
        self.stdout.write("Open http://127.0.0.1:8000/ once the server below has started.")

    def _user(self, username: str, site: Site, role: str) -> User:
        user, created = User.objects.get_or_create(
            username=username, defaults={"site": site, "role": role}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user
