"""A synthetic catalogue of any size, built with bulk inserts: the one builder for every test
that needs a big catalogue (query counts at two sizes, exports, sitemaps) and for `make bench`.

Bulk inserts skip the write path (history, stored totals, the catalogue version per row), so a
500-program catalogue takes about a second instead of minutes; tests of the write path itself use
the factories in tests/factories.py. Synthetic programs are spread over every filter value (priced
and not, each assessment, format, framework and CME answer, every role) so filtered pages do real
work. Facts are invented for load only: a test's transaction or the benchmark's database is
thrown away after the run.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from programs import caching
from programs.models import Cohort, Module, Program, Provider, Role, RoleFit

BATCH = 2000


@transaction.atomic
def grow(total: int) -> None:
    """Add synthetic programs (one module and one role fit each) until there are `total`."""
    start = Program.objects.count()
    if total <= start:
        return
    roles = list(Role.objects.order_by("pk"))
    guide = RoleFit.objects.select_related("source").first()
    providers = [
        Provider.objects.get_or_create(
            slug=f"bench-provider-{i}",
            defaults={"name": f"Bench provider {i}", "short_name": f"Bench {i}", "kind": kind},
        )[0]
        for i, kind in enumerate(k for k, _ in Provider.Kind.choices)
    ]
    assessments = [None, *Program.AssessmentType.values]
    formats = [None, *Program.Format.values]
    frameworks = [None, *Program.Framework.values]
    programs = []
    for i in range(start, total):
        priced = i % 3 != 0
        weeks = Decimal(4 + i % 40)
        programs.append(
            Program(
                provider=providers[i % len(providers)],
                name=f"Bench program {i:05d} in clinical AI",
                slug=f"bench-{i}",
                # Synthetic and uncited: bulk inserts skip the support check (programs/support.py).
                status=Program.Status.PUBLISHED,
                summary="A synthetic program for load measurements, with governance and ethics.",
                credential_kind=Program.CredentialKind.CERTIFICATE,
                format=formats[i % len(formats)],
                assessment_type=assessments[i % len(assessments)],
                framework=frameworks[i % len(frameworks)],
                cme_credit=[True, False, None][i % 3],
                price_amount=Decimal(200 + (i * 37) % 5000) if priced else None,
                price_currency="USD" if priced else None,
                price_basis=Program.PriceBasis.PROGRAM if priced else None,
                duration_weeks=weeks,
                total_weeks_value=weeks,
                weekly_hours_min=Decimal(2),
                weekly_hours_max=Decimal(2 + i % 8),
                last_verified=datetime.date(2026, 1, 1),
            )
        )
    Program.objects.bulk_create(programs, batch_size=BATCH)
    created = list(Program.objects.filter(slug__startswith="bench-").only("pk", "slug"))
    Module.objects.bulk_create(
        [Module(program=p, position=1, title="Foundations", weeks=4) for p in created],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    if guide is not None and roles:
        RoleFit.objects.bulk_create(
            [
                RoleFit(
                    program=p,
                    role=roles[int(p.slug.split("-")[1]) % len(roles)],
                    strength=guide.strength,
                    grade=guide.grade,
                    condition=guide.condition,
                    rationale=guide.rationale,
                    source=guide.source,
                )
                for p in created
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
    if guide is not None:
        # Cohort programs get a started intake and an upcoming one (dates invented for load).
        today = timezone.localdate()
        cohort_programs = Program.objects.filter(
            slug__startswith="bench-", format=Program.Format.COHORT
        ).only("pk", "slug")
        Cohort.objects.bulk_create(
            [
                Cohort(
                    program=p,
                    start_date=today + datetime.timedelta(days=days),
                    document=guide.source,
                    quote="A synthetic intake for load measurements.",
                )
                for p in cohort_programs
                for days in (-30, 1 + int(p.slug.split("-")[1]) % 90)
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
    caching.bump()  # bulk inserts send no signals
