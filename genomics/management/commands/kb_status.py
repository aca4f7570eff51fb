"""``python manage.py kb_status``: the knowledge-base releases loaded, current ones marked."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from genomics.models.kb import KnowledgeBaseRelease


class Command(BaseCommand):
    help = "List knowledge-base releases: source, version, items, licence, loaded at and by."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="include superseded releases")

    def handle(self, *args, **opts):
        releases = KnowledgeBaseRelease.objects.select_related("loaded_by").order_by(
            "source", "-loaded_at"
        )
        if not opts["all"]:
            releases = releases.filter(is_current=True)
        if not releases:
            self.stdout.write("No knowledge-base release is loaded; run `manage.py kb_load`.")
            return
        for r in releases:
            flags = ["current" if r.is_current else "superseded"]
            if r.research_only:
                flags.append("RESEARCH ONLY")
            self.stdout.write(
                f"{r.source:<10} {r.name} {r.version}  items={r.item_count}  "
                f"licence={r.licence}  loaded={r.loaded_at:%Y-%m-%d %H:%M} "
                f"by={r.loaded_by or '-'}  sha256={r.checksum[:12]}  {', '.join(flags)}"
            )
