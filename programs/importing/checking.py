"""Checking rows: each against the models' own rules and the catalogue as it is, every error
collected with its row and column; a row without errors becomes a ProgramChange."""

import json
from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connections, models, router
from django.db.models import Prefetch, Q, Value
from django.db.models.functions import Coalesce
from django.utils.text import slugify

from programs import exchange, support, text
from programs.importing.cells import MAX_JSON_DEPTH, Invalid, json_too_deep, read_value, shown
from programs.importing.writing import (
    MODULE_FIELDS,
    ProgramChange,
    citation_key,
    citation_parts,
    fit_parts,
    module_parts,
)
from programs.models import Citation, Document, Module, Program, Provider, Role, RoleFit, Topic

LOAD_CHUNK = 500
"""Programs looked up per query: well under every database's limit on query parameters."""

_PROVIDER_COLUMNS = {
    "name" if column == "provider" else column.removeprefix("provider_"): column
    for column in exchange.PROVIDER_FIELDS
}
"""Provider field → column: `provider` is its name, `provider_<field>` the rest."""
_NAMED_BY = {"role": "slug", "source": "title", "document": "title"}
"""Related rows a role fit or citation names: by the role's slug and the document's title."""
_ITEM_KEYS = {
    "modules": exchange.MODULE_KEYS,
    "role_fits": exchange.ROLE_FIT_KEYS,
    "citations": exchange.CITATION_KEYS,
}


class Checker:
    """Reads the rows against the catalogue as it is; collects every error on the way."""

    def __init__(self):
        self.errors: list[str] = []
        self.roles = {role.slug: role for role in Role.objects.all()}
        self.documents: dict[str, list[Document]] = {}
        for document in Document.objects.all():
            self.documents.setdefault(document.title, []).append(document)
        self.providers = {provider.name: provider for provider in Provider.objects.all()}
        self.provider_slugs = set(Provider.objects.values_list("slug", flat=True))
        self.topics = {topic.name: topic for topic in Topic.objects.all()}
        self.topic_slugs = set(Topic.objects.values_list("slug", flat=True))
        self.existing: dict[str, Program] = {}
        self.provider_rows: dict[str, tuple[int, dict[str, str]]] = {}
        self.provider_changes: dict[str, list[str]] = {}
        self.new_providers: list[Provider] = []
        self.new_topics: list[Topic] = []
        self.slug_rows: dict[str, int] = {}
        self._unsaved: list[Provider | Topic] = []
        self._refused: set[tuple[int, str]] = set()

    def load(self, slugs: Iterable[str]) -> None:
        """Look up the programs the next rows name (with their parts), in place of the last
        chunk's: the import reads the file a chunk of rows at a time."""
        self.existing = _existing_programs(slugs)

    def take_providers(self) -> list[Provider]:
        """The providers the rows checked so far create or change, not yet handed out."""
        providers = [obj for obj in self._unsaved if isinstance(obj, Provider)]
        self._unsaved = [obj for obj in self._unsaved if not isinstance(obj, Provider)]
        return providers

    def take_topics(self) -> list[Topic]:
        """The topics the rows checked so far create, not yet handed out."""
        topics = [obj for obj in self._unsaved if isinstance(obj, Topic)]
        self._unsaved = [obj for obj in self._unsaved if not isinstance(obj, Topic)]
        return topics

    def error(self, row: int, column: str | None, message: str) -> None:
        if (row, column) in self._refused:
            return  # a refused character is reported once, not again for what it holds
        self.errors.append(f"row {row}, {column}: {message}" if column else f"row {row}: {message}")

    def read(self, row: int, where: str, model, names: Iterable[str], source: dict, columns=None):
        """The named fields from cells or a JSON object; a value that cannot be read is left
        out (and reported), so the model's own checks skip it."""
        values = {}
        for name in names:
            try:
                values[name] = read_value(model._meta.get_field(name), source.get(name))
            except Invalid as invalid:
                self.error(row, f"{where}{(columns or {}).get(name, name)}", str(invalid))
        return values

    def clean(self, row: int, where: str, obj: models.Model, *, exclude: set[str], columns=None):
        """Validate `obj` with its model's rules (fields, `clean`, constraints), reporting each
        error under its column; a constraint's error names every column it involves."""
        model = type(obj)
        found: list[tuple[str | None, str]] = []
        try:
            obj.full_clean(exclude=exclude, validate_constraints=False)
        except ValidationError as error:
            found += [
                (None if name == NON_FIELD_ERRORS else name, message)
                for name, messages in error.message_dict.items()
                for message in messages
            ]
        # A value already refused is not sent to the database (PostgreSQL refuses NUL outright).
        exclude = exclude | {name for name, _ in found if name}
        using = router.db_for_write(model, instance=obj)
        for constraint in _constraints_to_check(obj, exclude=exclude, using=using):
            try:
                constraint.validate(model, obj, exclude=exclude, using=using)
            except ValidationError as error:
                names = getattr(constraint, "fields", ()) or [
                    f.name
                    for f in model._meta.fields
                    if f.name in constraint.condition.referenced_base_fields
                ]
                found += [(", ".join(names), message) for message in error.messages]
        for name, message in found:
            column = (columns or {}).get(name, name)
            self.error(row, f"{where}{column}" if column else where.rstrip(", ") or None, message)

    # One row --------------------------------------------------------------------------------

    def check(self, row: int, cells: dict[str, str]) -> ProgramChange | None:
        errors_before = len(self.errors)
        values = self.read(row, "", Program, exchange.PROGRAM_FIELDS, cells)
        slug = values.get("slug")
        if slug in self.slug_rows:
            self.error(row, "slug", f"{shown(slug)} is also in row {self.slug_rows[slug]}.")
        elif slug:
            self.slug_rows[slug] = row
        existing = self.existing.get(slug)
        program = existing or Program()
        before = {name: getattr(program, name) for name in exchange.PROGRAM_FIELDS}
        provider_before = program.provider_id
        provider = self.provider(row, cells)
        topics = self.topic_list(row, cells["topics"])
        items = {name: self.items(row, name, cells[name]) for name in exchange.RELATED_FIELDS[1:]}
        listed = len(items["modules"] or [])
        if listed and "course_count" in values:
            if values["course_count"] is None:
                values["course_count"] = listed
            elif values["course_count"] != listed:
                self.error(
                    row,
                    "course_count",
                    f"is {values['course_count']}, but {listed} modules are listed: with modules "
                    "listed, the number of courses is their number.",
                )
        for name, value in values.items():
            setattr(program, name, value)
        if provider is not None:
            program.provider = provider
        failed = set(exchange.PROGRAM_FIELDS) - set(values)
        self.clean(row, "", program, exclude=failed | {"provider", "topics"})
        modules = self.modules(row, program, items["modules"] or [])
        fits, fit_modules = self.role_fits(row, program, items["role_fits"] or [], modules)
        citations = self.citations(row, program, items["citations"] or [])
        if len(self.errors) > errors_before or None in items.values() or provider is None:
            return None
        if program.is_published:
            found = support.problems(program, citations=citations, modules=modules, topics=topics)
            for problem in found:
                self.error(row, _support_column(problem), problem.message)
            if found:
                return None
        fields = [name for name, old in before.items() if getattr(program, name) != old]
        if provider.pk is None or provider.pk != provider_before:
            fields.insert(0, "provider")
        old_topics = {topic.name for topic in existing.topics.all()} if existing else set()
        return ProgramChange(
            row=row,
            program=program,
            created=existing is None,
            fields=fields,
            topics=topics,
            topics_changed={topic.name for topic in topics} != old_topics,
            modules=module_parts(existing, modules),
            role_fits=fit_parts(existing, fits, fit_modules),
            citations=citation_parts(existing, citations),
            fit_modules=fit_modules,
        )

    def provider(self, row: int, cells: dict[str, str]) -> Provider | None:
        values = self.read(
            row, "", Provider, _PROVIDER_COLUMNS, _provider_cells(cells), _PROVIDER_COLUMNS
        )
        name = values.get("name")
        if name is None:
            return None
        if name in self.provider_rows:
            first_row, first = self.provider_rows[name]
            for model_name, column in _PROVIDER_COLUMNS.items():
                if model_name in values and values[model_name] != first.get(model_name):
                    self.error(
                        row,
                        column,
                        f"{shown(values[model_name])} differs from row {first_row} for the same "
                        f"provider ({shown(first.get(model_name, ''))}).",
                    )
            return self.providers.get(name)
        self.provider_rows[name] = (row, values)
        provider = self.providers.get(name)
        if provider is None:
            provider = Provider(
                slug=_unique_slug(values.get("short_name") or name, self.provider_slugs)
            )
            self.providers[name] = provider
            self.new_providers.append(provider)
        changed = [n for n, v in values.items() if getattr(provider, n) != v and provider.pk]
        for model_name, value in values.items():
            setattr(provider, model_name, value)
        if changed:
            self.provider_changes[name] = changed
        if provider.pk is None or changed:
            self._unsaved.append(provider)
        failed = set(_PROVIDER_COLUMNS) - set(values)
        self.clean(row, "", provider, exclude=failed, columns=_PROVIDER_COLUMNS)
        return provider

    def topic_list(self, row: int, cell: str) -> list[Topic]:
        names = dict.fromkeys(name.strip() for name in cell.split(";") if name.strip())
        topics = []
        for name in names:
            topic = self.topics.get(name)
            if topic is None:
                topic = Topic(name=name, slug=_unique_slug(name, self.topic_slugs))
                self.clean(
                    row, f"topics, {shown(name)}", topic, exclude={"slug"}, columns={"name": ""}
                )
                self.topics[name] = topic
                self.new_topics.append(topic)
                self._unsaved.append(topic)
            topics.append(topic)
        return topics

    def items(self, row: int, column: str, cell: str) -> list[dict] | None:
        """A JSON list cell (modules, role fits, citations); an empty cell is an empty list."""
        keys = _ITEM_KEYS[column]
        if not cell.strip():
            return []
        if (at := json_too_deep(cell)) is not None:
            self.error(
                row,
                column,
                f"nests deeper than {MAX_JSON_DEPTH} levels (at character {at:,}); the export "
                "writes a list of objects of plain values.",
            )
            return None
        try:
            items = json.loads(cell)
        except json.JSONDecodeError as error:
            self.error(
                row, column, f"is not a JSON list ({error.msg}, at character {error.pos + 1})."
            )
            return None
        except ValueError as error:  # e.g. a number longer than Python reads (4,300 digits)
            self.error(row, column, f"is not a JSON list that can be read ({error}).")
            return None
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            self.error(row, column, "must be a JSON list of objects, as the export writes it.")
            return None
        for number, item in enumerate(items, 1):
            for key, value in item.items():
                if isinstance(value, str) and (problem := text.problem(value)):
                    where = f"{column}, item {number}, {text.visible(key)}"
                    self.error(row, where, problem)
                    self._refused.add((row, where))
                    item[key] = text.REFUSED.sub("", value)
            unknown = [key for key in item if key not in keys]
            if unknown:
                self.error(
                    row,
                    f"{column}, item {number}",
                    f"has no key {', '.join(map(shown, unknown))}; the keys are {', '.join(keys)}.",
                )
        return items

    def named(self, row: int, where: str, key: str, item: dict):
        """The role (by slug) or document (by title) an item names; they must already exist."""
        name = item.get(key)
        if name is None or name == "":
            self.error(row, f"{where}{key}", "cannot be empty.")
            return None
        if not isinstance(name, str):
            self.error(row, f"{where}{key}", f"{shown(name)} is not a {_NAMED_BY[key]}.")
            return None
        if key == "role":
            role = self.roles.get(name)
            if role is None:
                known = ", ".join(sorted(self.roles))
                self.error(
                    row, f"{where}{key}", f"{shown(name)} is not a role; the roles are {known}."
                )
            return role
        documents = self.documents.get(name, [])
        if len(documents) != 1:
            titles = ", ".join(map(shown, sorted(self.documents)))
            problem = (
                "is the title of several documents" if documents else "is not a document's title"
            )
            self.error(
                row, f"{where}{key}", f"{shown(name)} {problem}; the documents are {titles}."
            )
            return None
        return documents[0]

    def modules(self, row: int, program: Program, items: list[dict]) -> list[Module]:
        modules, positions = [], {}
        for number, item in enumerate(items, 1):
            where = f"modules, item {number}, "
            values = self.read(row, where, Module, ("position", *MODULE_FIELDS), item)
            position = values.get("position")
            if position in positions:
                self.error(
                    row, f"{where}position", f"{position} is also item {positions[position]}."
                )
            elif position is not None:
                positions[position] = number
            module = Module(program=program, **values)
            failed = {"position", *MODULE_FIELDS} - set(values)
            self.clean(row, where, module, exclude=failed | {"program"})
            modules.append(module)
        return modules

    FIT_VALUES = ("strength", "grade", "condition", "rationale", "referent")

    def role_fits(
        self, row: int, program: Program, items: list[dict], modules: list[Module]
    ) -> tuple[list[RoleFit], dict[int, int | None]]:
        fits, fit_modules, roles = [], {}, {}
        positions = sorted(m.position for m in modules if m.position is not None)
        for number, item in enumerate(items, 1):
            where = f"role_fits, item {number}, "
            values = self.read(row, where, RoleFit, self.FIT_VALUES, item)
            role = self.named(row, where, "role", item)
            source = self.named(row, where, "source", item)
            fit = RoleFit(program=program, role=role, source=source, **values)
            position = None
            if item.get("module") not in (None, ""):  # the whole program, when empty
                try:
                    position = read_value(Module._meta.get_field("position"), item["module"])
                except Invalid as invalid:
                    self.error(row, f"{where}module", str(invalid))
            if position is not None and position not in positions:
                listed = ", ".join(map(str, positions)) or "none"
                self.error(
                    row,
                    f"{where}module",
                    f"no module has position {position} in this row's modules "
                    f"(positions: {listed}).",
                )
            if role is not None:
                if role.pk in roles:
                    self.error(
                        row, f"{where}role", f"{shown(role.slug)} is also item {roles[role.pk]}."
                    )
                roles[role.pk] = number
                fit_modules[role.pk] = position
            failed = set(self.FIT_VALUES) - set(values)
            self.clean(row, where, fit, exclude=failed | {"program", "role", "source", "module"})
            fits.append(fit)
        return fits, fit_modules

    def citations(self, row: int, program: Program, items: list[dict]) -> list[Citation]:
        citations, keys = [], {}
        for number, item in enumerate(items, 1):
            where = f"citations, item {number}, "
            # A file written before "referent" and "superseded" were exported reads without them.
            optional = tuple(key for key in ("referent", "superseded") if key in item)
            values = self.read(
                row, where, Citation, ("field", "standing", "quote", *optional), item
            )
            document = self.named(row, where, "document", item)
            citation = Citation(program=program, document=document, **values)
            citation._given = ("field", "standing", "document_id", "quote", *optional)
            key = citation_key(citation)
            if document is not None and key in keys:
                self.error(row, where.rstrip(", "), f"repeats item {keys[key]}.")
            keys.setdefault(key, number)
            failed = {"field", "standing", "quote"} - set(values)
            self.clean(row, where, citation, exclude=failed | {"program", "document"})
            citations.append(citation)
        return citations


def _support_column(problem: support.Problem) -> str:
    """The column a fact's support problem belongs under (its field's, or its module item's)."""
    if problem.module is not None:
        return f"modules, item {problem.module}, {problem.field}"
    return problem.field


def _provider_cells(cells: dict[str, str]) -> dict[str, str]:
    return {model_name: cells[column] for model_name, column in _PROVIDER_COLUMNS.items()}


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:70] or "item"
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


def _existing_programs(slugs: Iterable[str]) -> dict[str, Program]:
    """The programs the file names that the catalogue holds, with their parts, a chunk at a time."""
    slugs = sorted({slug for slug in slugs if slug})
    programs: dict[str, Program] = {}
    for start in range(0, len(slugs), LOAD_CHUNK):
        queryset = (
            Program.objects.filter(slug__in=slugs[start : start + LOAD_CHUNK])
            .select_related("provider")
            .prefetch_related(
                "topics",
                "modules",
                Prefetch("role_fits", queryset=RoleFit.objects.select_related("module")),
                Prefetch("citations", queryset=Citation.objects.order_by("pk")),
            )
        )
        programs |= {program.slug: program for program in queryset}
    return programs


def _constraints_to_check(obj: models.Model, *, exclude: set[str], using: str) -> list:
    """The model's constraints that may fail for `obj`: all of them, unless its check constraints
    pass together in one query (the usual case), which spares one query (and one savepoint) per
    constraint, some twenty for a program. Each is checked as `CheckConstraint.validate` does."""
    model = type(obj)
    constraints = list(model._meta.constraints)
    checks = [
        constraint
        for constraint in constraints
        if isinstance(constraint, models.CheckConstraint)
        and not constraint.condition.referenced_base_fields & exclude
    ]
    if not checks:
        return constraints
    fields = [
        model._meta.get_field(name) for c in checks for name in c.condition.referenced_base_fields
    ]
    against = {f.name: Value(getattr(obj, f.attname), output_field=f) for f in fields}
    conditions = [constraint.condition for constraint in checks]
    if connections[using].features.supports_comparing_boolean_expr:
        # A check does not fail when it evaluates to UNKNOWN (NULL).
        conditions = [Coalesce(c, True, output_field=models.BooleanField()) for c in conditions]
    if Q(*conditions).check(against, using=using):
        return [constraint for constraint in constraints if constraint not in checks]
    return constraints
