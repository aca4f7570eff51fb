"""``python manage.py kb_load``: load knowledge-base releases, one transaction per source."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from genomics.io.errors import InputError
from genomics.services.kb import BUNDLED, LOADERS, kb_release_load


class Command(BaseCommand):
    help = (
        "Load knowledge-base releases. Give SOURCE or SOURCE=PATH for each: curated and "
        "oncotree are bundled (no path needed); moalmanac, civic and cgi need the path of your "
        "download. A failing source is reported and leaves the others alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "sources",
            nargs="*",
            metavar="SOURCE[=PATH]",
            help=f"one of {', '.join(LOADERS)}; default: {' '.join(BUNDLED)}",
        )
        parser.add_argument(
            "--research-only",
            action="store_true",
            help="allow research-only sources (the 2017 CGI table)",
        )
        parser.add_argument("--user", help="username recorded as loaded_by")

    def handle(self, *args, **opts):
        user = None
        if opts["user"]:
            user = get_user_model().objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"There is no user {opts['user']}.")
        failed = 0
        for spec in opts["sources"] or list(BUNDLED):
            source, _, path = spec.partition("=")
            try:
                release = kb_release_load(
                    source=source,
                    path=path or None,
                    user=user,
                    allow_research_only=opts["research_only"],
                )
            except InputError as exc:
                failed += 1
                self.stderr.write(f"{source}: {exc}")
                continue
            self.stdout.write(
                f"{source}: {release.name} {release.version} current "
                f"({release.item_count} evidence items, {release.licence})"
            )
        if failed:
            raise CommandError(f"{failed} source(s) failed to load; the others are loaded.")
