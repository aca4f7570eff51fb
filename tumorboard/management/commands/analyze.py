"""One-shot analysis for pipelines: the same services as the web path, run in-process.

Exit 0 on success, 1 on bad input (one sentence on stderr), 2 on a usage error.
"""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.models import Site, Upload
from core.services.audit import audit_record
from core.services.sites import site_default
from genomics.io.errors import InputError

INPUTS = [
    ("vcf", Upload.Kind.SOMATIC_VCF, "somatic small-variant VCF (plain, gzip or bgzip)"),
    ("germline_vcf", Upload.Kind.GERMLINE_VCF, "germline VCF of the normal"),
    ("rna_vcf", Upload.Kind.RNA_VCF, "RNA variant calls (VCF)"),
    ("fusions", Upload.Kind.FUSIONS, "fusion calls (Arriba, STAR-Fusion)"),
    ("sv_vcf", Upload.Kind.SV_VCF, "structural variants as VCF breakends"),
    ("cnv", Upload.Kind.COPY_NUMBER, "copy-number segments (CNVkit, PURPLE, ASCAT, CNV VCF)"),
    ("expression", Upload.Kind.EXPRESSION, "gene expression (salmon, RSEM, kallisto, TPM)"),
]


class BadInput(Exception):
    pass


class Command(BaseCommand):
    help = "Analyse a tumor's files and write the ranked result as JSON (and a PDF report)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--vcf", required=True, help=INPUTS[0][2])
        for name, _, text in INPUTS[1:]:
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, help=text)
        parser.add_argument("--tumor-type", help="OncoTree code, e.g. MEL, COADREAD, NSCLC")
        parser.add_argument("--assembly", choices=["GRCh37", "GRCh38"], default=None)
        parser.add_argument("--tumor-sample")
        parser.add_argument("--normal-sample")
        parser.add_argument("--purity", type=float)
        parser.add_argument("--ploidy", type=float)
        parser.add_argument("--assay", choices=["WES", "WGS", "panel"], default="WES")
        parser.add_argument("--bed", help="callable territory of a panel (BED)")
        parser.add_argument("--imaging", help="imaging predictions JSON")
        parser.add_argument("--site", help="site slug (default: the configured default site)")
        parser.add_argument("--json", dest="json_out", help="write the JSON here (default stdout)")
        parser.add_argument("--pdf", dest="pdf_out", help="write a PDF report here")

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except BadInput as error:
            self.stderr.write(str(error))
            sys.exit(1)

    def handle(self, *args, **options) -> None:
        from tumorboard.services.cases import case_create

        _quiet_console_logging()

        for name in [name for name, _, _ in INPUTS] + ["bed", "imaging"]:
            if options.get(name) and not Path(options[name]).is_file():
                raise BadInput(f"{options[name]}: no such file")
        for name in ("json_out", "pdf_out"):
            if options.get(name) and not Path(options[name]).resolve().parent.is_dir():
                raise BadInput(f"{options[name]}: the folder to write it in does not exist")
        if options["purity"] is not None and not 0 < options["purity"] <= 1:
            raise CommandError("--purity must be between 0 and 1.", returncode=2)
        if options.get("tumor_type"):
            options["tumor_type"] = self._tumor_type(options["tumor_type"])
        site = self._site(options.get("site"))
        assembly = options.get("assembly") or self._assembly(options["vcf"])
        case = case_create(
            user=None,
            site=site,
            tumor_type=options.get("tumor_type") or "",
            assembly=assembly,
            diagnosis="analysis from the command line",
        )
        audit_record(
            actor=None,
            action="create",
            obj=case,
            site=site,
            summary=f"analyze command run by {getpass.getuser()}",
            data={"os_user": getpass.getuser(), "argv": sys.argv[1:][:40]},
        )
        try:
            self._ingest_all(case, options)
        except BadInput:
            from tumorboard.services.discard import case_discard

            case_discard(case=case)
            raise
        self._write_outputs(case, options)

    def _tumor_type(self, code: str) -> str:
        from genomics.kb import oncotree

        current = oncotree.bundled().resolve(code)
        if current is None:
            raise CommandError(
                f"--tumor-type {code}: not an OncoTree code (e.g. MEL, COADREAD, LUAD, NSCLC).",
                returncode=2,
            )
        return current

    def _site(self, slug: str | None) -> Site:
        if not slug:
            return site_default()
        site = Site.objects.filter(slug=slug).first()
        if site is None:
            raise BadInput(f"There is no site '{slug}'.")
        return site

    def _assembly(self, path: str) -> str:
        from genomics.io import vcf

        try:
            header = vcf.read_header(path, filename=Path(path).name)
        except InputError as error:
            raise BadInput(str(error)) from error
        return header.assembly or "GRCh38"

    def _ingest_all(self, case, options) -> None:
        from genomics.services.ingest import upload_ingest
        from genomics.services.uploads import upload_register

        common = {
            "tumor_sample": options.get("tumor_sample"),
            "normal_sample": options.get("normal_sample"),
            "purity": options.get("purity"),
            "ploidy": options.get("ploidy"),
            "assay": options.get("assay"),
            "bed": str(Path(options["bed"]).resolve()) if options.get("bed") else None,
        }
        steps = [(name, kind) for name, kind, _ in INPUTS if options.get(name)]
        bar = self._progress(len(steps))
        for name, kind in steps:
            path = Path(options[name])
            try:
                upload = upload_register(
                    user=None,
                    case=case,
                    kind=kind,
                    source=path,
                    original_name=path.name,
                    options=common if kind != Upload.Kind.RNA_VCF else {},
                    dispatch=False,
                )
            except (InputError, ValidationError) as error:
                raise BadInput(_sentence(error)) from error
            upload_ingest(upload_id=upload.pk)
            upload.job.refresh_from_db()
            if upload.job.state != "done":
                raise BadInput(upload.job.error or f"{path.name}: the file was not ingested.")
            if bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()
        if options.get("imaging"):
            self._imaging(case, options["imaging"])

    def _imaging(self, case, path: str) -> None:
        try:
            from imaging.services import imaging_predictions_import
        except ImportError as error:  # the imaging app is optional in slim deployments
            raise BadInput(f"{path}: imaging is not available in this installation.") from error
        try:
            imaging_predictions_import(case=case, path=Path(path), user=None)
        except (InputError, ValidationError) as error:
            raise BadInput(_sentence(error)) from error

    def _progress(self, total: int):
        if not sys.stderr.isatty():
            return None
        from tqdm import tqdm

        return tqdm(total=total, desc="analyze", unit="file", file=sys.stderr)

    def _write_outputs(self, case, options) -> None:
        from tumorboard.results import case_result
        from tumorboard.services.reports import report_generate

        document = case_result(case=case)
        text = json.dumps(document, indent=2, ensure_ascii=False)
        target = options.get("json_out")
        try:
            if target:
                Path(target).write_text(text + "\n", encoding="utf-8")
            else:
                self.stdout.write(text)
            if options.get("pdf_out"):
                target = options["pdf_out"]
                report = report_generate(case=case, user=None)
                with report.pdf.open("rb") as handle:
                    Path(target).write_bytes(handle.read())
        except OSError as error:
            raise BadInput(f"{target}: cannot be written ({error.strerror})") from error


def _quiet_console_logging() -> None:
    """Errors go to the log file; the user sees one sentence on stderr, never a traceback."""
    import logging

    from django.conf import settings

    log_dir = Path(settings.DART_LOG_DIR)
    log_dir.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.StreamHandler) and not isinstance(
            handler, logging.FileHandler
        ):
            root.removeHandler(handler)
    root.addHandler(logging.FileHandler(log_dir / "analyze.log"))


def _sentence(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
