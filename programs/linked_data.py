"""Structured data about programs (issue #13): schema.org JSON-LD for detail pages, and Credential
Engine's CTDL for credential registries.

A fact the sources do not give is NULL and leaves its key out: never a guess, never a 0. Where a
figure is approximate or rests on a provider's own word, the text beside it says so in the words
the pages use (`programs.facts` qualifiers), because neither vocabulary has a term for "about" or
"according to". The README's "Structured data and the credential registry format" lists every
term mapped and every fact left out, with the reason.
"""

import re
import uuid
from collections.abc import Callable
from decimal import Decimal
from urllib.parse import urlencode, urljoin

from django.urls import reverse

from programs import display, output_safety
from programs.facts import Fact, facts_for
from programs.models import Citation, CostItem, Program, RoleFit

SCHEMA_CONTEXT = "https://schema.org"
CTDL_CONTEXT = "https://credreg.net/ctdl/schema/context/json"
LANGUAGE = "en-US"
"""The language of the catalogue's own text (names, summaries, qualifiers), not of the programs:
the sources do not say what language a program is taught in, so no `inLanguage` is given."""

PAGING_CONTEXT = {
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "totalItems": "hydra:totalItems",
    "first": {"@id": "hydra:first", "@type": "@id"},
    "last": {"@id": "hydra:last", "@type": "@id"},
    "next": {"@id": "hydra:next", "@type": "@id"},
    "previous": {"@id": "hydra:previous", "@type": "@id"},
}
"""The catalogue document's paging keys, defined in Hydra's vocabulary so a JSON-LD processor
keeps them (CTDL has no paging terms); plain JSON readers just follow `next`."""

CATALOGUE_PAGE_SIZE = 100
"""Programs a page of /programs/ctdl.json."""

CTID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "ctid.certcatalog.programs")
"""Never change: a program's CTID is derived from this and its slug, so it stays the same across
exports (a new slug is a new CTID)."""

CREDENTIAL_CATEGORY = {
    Program.CredentialKind.CERTIFICATE: "certificate",
    Program.CredentialKind.SPECIALIZATION: "certificate",
    Program.CredentialKind.CERTIFICATION: "certification",
}
"""schema.org credentialCategory: a specialization is a certificate of a course sequence."""

CTDL_TYPE = {
    Program.CredentialKind.CERTIFICATE: "ceterms:Certificate",
    Program.CredentialKind.SPECIALIZATION: "ceterms:Certificate",
    Program.CredentialKind.CERTIFICATION: "ceterms:Certification",
}

CTDL_COST_TYPE = {
    Program.PriceBasis.PER_EXAM: "costType:StandaloneAssessment",
}
"""A program's price has a CTDL cost type only where its basis says what it is (an exam's
price). A whole-program or per-course price is not labelled Tuition: the sources do not say
what it covers (issue #24), so its CostProfile has no `directCostType`."""

CTDL_ITEM_COST_TYPE = {
    CostItem.Kind.TUITION: "costType:Tuition",
    CostItem.Kind.EXAM_FEE: "costType:StandaloneAssessment",
}
"""A cost item's CTDL cost type (credreg.net/ctdl/terms/CostType), only where a concept means
its kind. Membership, a credit certificate and "other" have none in the scheme (its nearest,
ProgramSpecificFee or GraduationFee, would say more than the source), so they go untyped."""

CREDENTIAL_FACTS = (
    "credential_kind",
    "assessment_type",
    "proctoring",
    "exam",
    "cme_credit",
    "validity",
    "framework",
)
DURATION_FACTS = ("duration", "weekly_hours", "total_hours")
TIME_FACTS = ("format", *DURATION_FACTS)
ASSESSMENT_FACTS = ("assessment_type", "proctoring", "exam")
"""Which of `programs.facts.FACTS` each description is written from, in the pages' words."""


def course(program: Program, *, page_url: str) -> dict:
    """schema.org `Course` for the detail page (Google's "Course info"): every published fact that
    has a schema.org term, none that is not published."""
    facts = _facts(program)
    data = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Course",
        "@id": f"{page_url}#course",
        "url": page_url,
        "name": program.name,
        "description": _described(program),
        "provider": _organization(program),
        "sameAs": output_safety.web_address(program.url),  # never a stored javascript: URL
        "offers": _offer(program, facts),
        "hasCourseInstance": _course_instances(program, facts),
        # An exact duration only where the source gives one: "about 15 weeks" is no P15W.
        "timeRequired": None if program.weeks_are_approximate else _weeks(program.total_weeks),
        "educationalCredentialAwarded": _credential(program, facts),
        "coursePrerequisites": _statement(facts, ("prerequisites",), label=False),
        "about": [{"@type": "Thing", "name": name} for name in program.topic_list],
        "audience": [
            {
                "@type": "EducationalAudience",
                "educationalRole": fit.role.name,
                "description": _fit_words(fit),
            }
            for fit in _fits(program)
        ],
        "syllabusSections": [_syllabus(module, program) for module in program.modules.all()],
    }
    return _known(data)


def ctdl_program(program: Program, *, base: str) -> dict:
    """One program as a CTDL credential, for /programs/<slug>.ctdl.json."""
    return {"@context": CTDL_CONTEXT, **ctdl_credential(program, base=base)}


def ctdl_catalogue(page, *, base: str, graph: list[dict] | None = None) -> dict:
    """One page of the catalogue in CTDL (a Paginator page of programs loaded with
    `for_detail()`): the credentials as a graph, with Hydra paging links around it. `graph` is
    the page's credentials when the caller built them already (`ctdl_credential`, issue #22);
    the page then only gives the paging."""
    paginator = page.paginator

    def page_url(number: int) -> str:
        return f"{urljoin(base, reverse('programs:ctdl'))}?{urlencode({'page': number})}"

    document = {
        "@context": [CTDL_CONTEXT, PAGING_CONTEXT],
        "@id": page_url(page.number),
        "@type": "hydra:PartialCollectionView",
        "totalItems": paginator.count,
        "first": page_url(1),
        "last": page_url(paginator.num_pages),
        "previous": page_url(page.previous_page_number()) if page.has_previous() else None,
        "next": page_url(page.next_page_number()) if page.has_next() else None,
    }
    document = _known(document)
    if graph is None:
        links = ctdl_links(base)
        graph = [ctdl_credential(program, base=base, links=links) for program in page]
    document["@graph"] = graph
    return document


# schema.org parts


def _organization(program: Program) -> dict:
    provider = program.provider
    alternate = provider.short_name if provider.short_name != provider.name else None
    return _known({"@type": "Organization", "name": provider.name, "alternateName": alternate})


def _offer(program: Program, facts: dict[str, Fact]) -> dict | None:
    """An Offer only where the whole program's price is published; "about" lives in its
    description, since schema.org has no approximate price."""
    total = program.total_cost
    if total is None:
        return None
    return {
        "@type": "Offer",
        "category": "Free" if total == 0 else "Paid",
        "price": _number(total),
        "priceCurrency": program.price_currency,
        "description": _statement(facts, ("total_cost",)),
    }


def _course_instance(program: Program, facts: dict[str, Fact]) -> dict | None:
    """How the course runs: mode, length and pace, workload, each only where published."""
    instance = {
        "@type": "CourseInstance",
        "courseMode": "Online" if _online(program) else None,
        "courseWorkload": _hours(_one_figure(program.total_hours)),
        "courseSchedule": _schedule(program),
        "description": _statement(facts, TIME_FACTS),
    }
    instance = _known(instance)
    return instance if len(instance) > 1 else None


def _course_instances(program: Program, facts: dict[str, Fact]) -> dict | list[dict] | None:
    """One CourseInstance per upcoming cohort, each with its `startDate` (and the enrolment
    deadline as its offer's `availabilityEnds`); without published dates, the one instance
    describing how the course runs. Never a start that has passed (issue #24)."""
    instance = _course_instance(program, facts)
    cohorts = program.upcoming_cohorts()
    if not cohorts:
        return instance
    base = instance or {"@type": "CourseInstance"}
    return [
        base
        | _known(
            {
                "startDate": cohort.start_date.isoformat(),
                "offers": _enrolment_offer(cohort),
            }
        )
        for cohort in cohorts
    ]


def _enrolment_offer(cohort) -> dict | None:
    if cohort.enrolment_deadline is None:
        return None
    return {"@type": "Offer", "availabilityEnds": cohort.enrolment_deadline.isoformat()}


def _schedule(program: Program) -> dict | None:
    """Weekly for the program's whole weeks (schema.org's repeatCount is a whole number)."""
    weeks = program.total_weeks
    if weeks is None or weeks != weeks.to_integral_value():
        return None
    weekly = _one_figure(_weekly_hours(program))
    return _known(
        {
            "@type": "Schedule",
            "repeatFrequency": "Weekly",
            "repeatCount": int(weeks),
            "duration": _hours(weekly),
        }
    )


def _credential(program: Program, facts: dict[str, Fact]) -> dict:
    return _known(
        {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": CREDENTIAL_CATEGORY[program.credential_kind],
            "description": _statement(facts, CREDENTIAL_FACTS),
            "validFor": _months(program.validity_months),
        }
    )


def _syllabus(module, program: Program) -> dict:
    return _known(
        {
            "@type": "Syllabus",
            "name": module.title,
            "description": display.module_details(module, program),
            "timeRequired": None if module.weeks_is_approximate else _weeks(module.weeks),
        }
    )


# CTDL parts


Links = Callable[[Program], tuple[str, str]]
"""A program's page address and its CTDL address on one site."""

_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
_MARKER = "0-slug-0"


def ctdl_links(base: str) -> Links:
    """Each program's page and CTDL addresses under `base`, resolved once for the whole
    catalogue instead of twice a program (reverse() and urljoin() were a sixth of the CTDL's
    time at 10,000 programs). A slug the URL pattern would not take is resolved as before."""
    page_head, page_tail = urljoin(base, Program(slug=_MARKER).get_absolute_url()).split(_MARKER)
    ctdl_head, ctdl_tail = urljoin(base, _ctdl_path(_MARKER)).split(_MARKER)

    def links(program: Program) -> tuple[str, str]:
        slug = program.slug
        if _SLUG.match(slug):
            return f"{page_head}{slug}{page_tail}", f"{ctdl_head}{slug}{ctdl_tail}"
        return urljoin(base, program.get_absolute_url()), urljoin(base, _ctdl_path(slug))

    return links


def _ctdl_path(slug: str) -> str:
    return reverse("programs:program_ctdl", kwargs={"slug": slug})


def ctdl_credential(
    program: Program, *, base: str, facts: list[Fact] | None = None, links: Links | None = None
) -> dict:
    """One program as a CTDL credential node. `facts` (its `facts_for()`) and `links`
    (`ctdl_links(base)`) may be given by a caller that has them for many programs."""
    facts = _facts(program) if facts is None else {fact.key: fact for fact in facts}
    detail_url, ctdl_url = (links or ctdl_links(base))(program)
    organization = [
        {"@type": "ceterms:CredentialOrganization", "ceterms:name": _lang(program.provider.name)}
    ]
    node = {
        "@id": ctdl_url,
        "@type": CTDL_TYPE[program.credential_kind],
        "ceterms:ctid": ctid(program.slug),
        "ceterms:name": _lang(program.name),
        "ceterms:description": _lang(_described(program)),
        "ceterms:subjectWebpage": detail_url,
        "ceterms:ownedBy": organization,
        "ceterms:offeredBy": organization,
        "ceterms:estimatedCost": _ctdl_cost(program, facts),
        "ceterms:estimatedDuration": _ctdl_duration(program, facts),
        "ceterms:learningDeliveryType": (
            [_concept("deliveryType:OnlineOnly")] if _online(program) else None
        ),
        "ceterms:keyword": _lang(program.topic_list or None),
        "ceterms:occupationType": [
            {
                "@type": "ceterms:CredentialAlignmentObject",
                "ceterms:targetNodeName": _lang(fit.role.name),
                "ceterms:targetNodeDescription": _lang(_fit_words(fit)),
            }
            for fit in _fits(program)
        ],
        "ceterms:requires": _ctdl_assessment(program, facts),
        "ceterms:renewalFrequency": _months(program.validity_months),
    }
    return _known(node)


def ctid(slug: str) -> str:
    """The program's Credential Transparency Identifier: "ce-" and a UUID made from its slug, so
    every export gives a program the same one. The CTID grammar asks for a version 4 UUID, so
    the name-based (version 5) hash is given version 4's version and variant bits."""
    return f"ce-{uuid.UUID(bytes=uuid.uuid5(CTID_NAMESPACE, slug).bytes, version=4)}"


def _ctdl_cost(program: Program, facts: dict[str, Fact]) -> list[dict] | None:
    """The price, then each cost item, as CostProfiles; a cost type only where it is known."""
    profiles = []
    price = program.base_cost
    if price is not None:
        kind = CTDL_COST_TYPE.get(program.price_basis)
        profiles.append(
            _known(
                {
                    "@type": "ceterms:CostProfile",
                    "ceterms:price": _number(price),
                    "ceterms:currency": program.price_currency,
                    "ceterms:description": _lang(_statement(facts, ("total_cost",))),
                    "ceterms:directCostType": _concept(kind) if kind else None,
                }
            )
        )
    for item in program.listed_cost_items:
        kind = CTDL_ITEM_COST_TYPE.get(item.kind)
        profiles.append(
            _known(
                {
                    "@type": "ceterms:CostProfile",
                    "ceterms:price": _number(item.amount),
                    "ceterms:currency": item.currency,
                    "ceterms:description": _lang(item.shown),
                    "ceterms:directCostType": _concept(kind) if kind else None,
                }
            )
        )
    return profiles or None


def _ctdl_duration(program: Program, facts: dict[str, Fact]) -> list[dict] | None:
    weeks = program.total_weeks
    if weeks is None:
        return None
    return [
        _known(
            {
                "@type": "ceterms:DurationProfile",
                "ceterms:exactDuration": None if program.weeks_are_approximate else _weeks(weeks),
                "ceterms:description": _lang(_statement(facts, DURATION_FACTS)),
            }
        )
    ]


def _ctdl_assessment(program: Program, facts: dict[str, Fact]) -> list[dict] | None:
    """How the credential is earned, as a requirement. A credential has no assessment-method
    term of its own in CTDL: the method and proctoring belong to the assessment it requires.
    "Exam" is said only of a proctored exam or an assessment whose questions are published."""
    if program.assessment_type is None:
        return None
    description = _lang(_statement(facts, ASSESSMENT_FACTS))
    condition = {"@type": "ceterms:ConditionProfile", "ceterms:description": description}
    if program.assessment_type == Program.AssessmentType.COMPLETION_BASED:
        return [condition]
    is_exam = (
        program.assessment_type == Program.AssessmentType.PROCTORED_EXAM
        or program.exam_questions is not None
    )
    exam_length = None
    if program.exam_minutes is not None:
        exam_length = [
            {
                "@type": "ceterms:DurationProfile",
                "ceterms:exactDuration": f"PT{program.exam_minutes}M",
            }
        ]
    assessment = {
        "@type": "ceterms:AssessmentProfile",
        "ceterms:name": _lang(f"Assessment for {program.name}"),
        "ceterms:description": description,
        "ceterms:assessmentMethodType": [_concept("assessMethod:Exam")] if is_exam else None,
        "ceterms:isProctored": program.is_proctored,
        "ceterms:estimatedDuration": exam_length,
    }
    return [{**condition, "ceterms:targetAssessment": [_known(assessment)]}]


def _concept(node: str) -> dict:
    return {"@type": "ceterms:CredentialAlignmentObject", "ceterms:targetNode": node}


def _lang(value):
    return None if value is None else {LANGUAGE: value}


# Shared


def _facts(program: Program) -> dict[str, Fact]:
    return {fact.key: fact for fact in facts_for(program)}


def _statement(facts: dict[str, Fact], keys, *, label: bool = True) -> str | None:
    """The published facts among `keys` in the pages' words, each with who says so and how sure
    ("Format: Self-paced (according to IABAC)."), then the sources they come from; None when
    none is published."""
    sentences, sources = [], []
    for key in keys:
        fact = facts[key]
        if fact.value is None:
            continue
        text = (f"{fact.label}: {fact.value}" if label else fact.value).rstrip(".")
        note = fact.note
        if note and not note.endswith("."):  # a phrase ("3 courses × about $1,600")
            text, note = f"{text} ({note})", None
        if fact.qualifier:
            text += f" ({fact.qualifier})"
        sentences.append(f"{text}.")
        if note:  # a sentence of its own, as the page prints it
            sentences.append(note)
        sources += [c.document for c in fact.citations]
    if not sentences:
        return None
    return " ".join([*sentences, _sources_sentence(sources)]).rstrip()


def _described(program: Program) -> str | None:
    """The summary, with the documents it is written from: who says so, as beside it on the page."""
    if program.summary is None:
        return None
    cited = [c.document for c in program.citations.all() if c.field == Citation.Field.SUMMARY]
    return f"{program.summary} {_sources_sentence(cited)}".rstrip()


def _sources_sentence(documents) -> str:
    """'Source: the 2026 guide (which promotes IABAC).', each document once; '' for none."""
    names = []
    for document in documents:
        badge = f" (which {document.badge})" if document.badge else ""
        if f"{document.short_name}{badge}" not in names:
            names.append(f"{document.short_name}{badge}")
    if not names:
        return ""
    return f"{'Source' if len(names) == 1 else 'Sources'}: {'; '.join(names)}."


def _fits(program: Program) -> list[RoleFit]:
    """Role fits as the page lists them: strongest first, then by role order."""
    return sorted(program.role_fits.all(), key=RoleFit.reading_order)


def _fit_words(fit: RoleFit) -> str:
    """As the page shows a fit: '“a direct match” (Recommended for this role), says the 2026
    guide (which promotes IABAC): “…sentence…”', with a one-module fit's caveat."""
    module = (
        f" The source recommends one module, not the whole program: {fit.module.title}."
        if fit.module_id
        else ""
    )
    return (
        f"{fit.words} ({fit.get_strength_display()}), says {fit.judge}: “{fit.rationale}”{module}"
    )


def _online(program: Program) -> bool:
    """Online only where the format note the page shows says so: the catalogue has no delivery
    field, and a cohort or self-paced program is not online unless a source says it is."""
    return bool(program.format_note and re.match(r"online\b", program.format_note, re.I))


def _weekly_hours(program: Program) -> tuple[Decimal, Decimal] | None:
    if program.weekly_hours_min is None or program.weekly_hours_max is None:
        return None
    return (program.weekly_hours_min, program.weekly_hours_max)


def _one_figure(span: tuple[Decimal, Decimal] | None) -> Decimal | None:
    """A single figure from a (min, max) pair, or None for a range: an ISO 8601 duration
    cannot say "60–75 hours", and either end alone would state a figure no source gives."""
    if span is None or span[0] != span[1]:
        return None
    return span[0]


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _figure(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _weeks(value: Decimal | None) -> str | None:
    return None if value is None else f"P{_figure(value)}W"


def _hours(value: Decimal | None) -> str | None:
    return None if value is None else f"PT{_figure(value)}H"


def _months(value: int | None) -> str | None:
    return None if value is None else f"P{value}M"


def _known(data: dict) -> dict:
    """The dict without its unknown values: None and empty lists leave their key out."""
    return {key: value for key, value in data.items() if value is not None and value != []}
