"""Demo set-up: the page tree, groups with their permissions, the moderation
workflow and the demo users. Every function is idempotent."""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from accounts.models import ApplicantProfile
from catalog.models import Entity, ProcedureIndexPage
from catalog.seed import read_yaml_unique
from oversight.selectors import head_group_name

from .models import ContentPage, HomePage, SiteIdentity, SiteMapPage

CONTENT_PAGES = Path(__file__).resolve().parent / "data" / "pages.yaml"

DEMO_PASSWORD = "Ventanilla-2026"
MODERATORS = "Moderadores del catálogo"
AUDITORS = "Auditores"
WORKFLOW_NAME = "Moderación del catálogo"


def editor_group_name(entity_code: str) -> str:
    return f"Editores {entity_code}"


def officer_group_name(entity_code: str) -> str:
    return f"Funcionarios {entity_code}"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    groups: tuple[str, ...] = ()
    staff: bool = False
    entity: str = ""  # Officers: the code of the entity whose queue they work.
    heads: str = ""  # Entity heads: the code of the entity they head.


DEMO_USERS = (
    DemoUser("ciudadano", "Carlos", "Rodríguez", "Ciudadano (emprendedor)"),
    DemoUser("ciudadana2", "Luisa", "Martínez", "Ciudadana"),
    DemoUser(
        "editor",
        "Elena",
        "Gómez",
        "Editora de contenidos (Hacienda, SDH)",
        (editor_group_name("SDH"),),
        True,
    ),
    DemoUser(
        "moderador", "Mario", "Pérez", "Moderador del catálogo", (MODERATORS,), True
    ),
    DemoUser(
        "funcionario_ccb",
        "Camila",
        "Ruiz",
        "Funcionaria de la Cámara de Comercio",
        (officer_group_name("CCB"),),
        True,
        "CCB",
    ),
    DemoUser(
        "funcionario_shd",
        "Sergio",
        "Hernández",
        "Funcionario de Hacienda (SDH)",
        (officer_group_name("SDH"),),
        True,
        "SDH",
    ),
    DemoUser(
        "funcionario_sdde",
        "Diana",
        "Castro",
        "Funcionaria de Desarrollo Económico",
        (officer_group_name("SDDE"),),
        True,
        "SDDE",
    ),
    DemoUser(
        "auditor", "Andrés", "Torres", "Auditor (solo lectura)", (AUDITORS,), True
    ),
)


# Names for the officers derived per entity, taken in turn (first name, surname, title).
OFFICER_NAMES = (
    ("Natalia", "Suárez", "Funcionaria"),
    ("Julián", "Moreno", "Funcionario"),
    ("Paola", "Jiménez", "Funcionaria"),
    ("Andrés Felipe", "Rojas", "Funcionario"),
    ("Marcela", "Ospina", "Funcionaria"),
    ("Hernán", "Quintero", "Funcionario"),
    ("Adriana", "Vargas", "Funcionaria"),
    ("Jorge", "Cárdenas", "Funcionario"),
    ("Liliana", "Beltrán", "Funcionaria"),
    ("Óscar", "Salazar", "Funcionario"),
    ("Claudia", "Parra", "Funcionaria"),
    ("Fernando", "Guzmán", "Funcionario"),
)


def officer_username(entity_code: str) -> str:
    return f"funcionario_{entity_code.lower()}"


def demo_officers() -> list[DemoUser]:
    """One officer per entity that owns published procedures, so every case filed
    here (each of the 25 formalization procedures included) reaches a person.
    Entities whose officer is named in DEMO_USERS keep that one."""
    covered = {demo.entity for demo in DEMO_USERS if demo.entity}
    entities = (
        Entity.objects.filter(procedures__live=True)
        .exclude(code__in=covered)
        .distinct()
        .order_by("code")
    )
    officers = []
    for number, entity in enumerate(entities):
        first, last, title = OFFICER_NAMES[number % len(OFFICER_NAMES)]
        officers.append(
            DemoUser(
                officer_username(entity.code),
                first,
                last,
                f"{title} ({entity.code})",
                (officer_group_name(entity.code),),
                True,
                entity.code,
            )
        )
    return officers


def demo_heads(officers: list[DemoUser]) -> list[DemoUser]:
    """One head ("Jefatura <code>") per entity that has a demo officer, named after
    the officer's login: funcionario_ccb's entity is headed by jefe_ccb."""
    heads = {}
    for officer in officers:
        if officer.entity and officer.entity not in heads:
            heads[officer.entity] = DemoUser(
                officer.username.replace("funcionario_", "jefe_", 1),
                "Jefe",
                officer.entity,
                f"Jefatura ({officer.entity})",
                (head_group_name(officer.entity),),
                True,
                heads=officer.entity,
            )
    return list(heads.values())


def _create_root() -> Page:
    # Wagtail's migrations create the root; a flushed database (transactional tests) has none.
    from django.conf import settings
    from django.utils.translation import get_supported_language_variant

    from wagtail.models import Locale

    locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_language_variant(settings.LANGUAGE_CODE)
    )
    return Page.add_root(instance=Page(title="Root", slug="root", locale=locale))


@transaction.atomic
def ensure_site() -> ProcedureIndexPage:
    """Home page as the default site's root, with the catalog index below it."""
    root = Page.get_first_root_node() or _create_root()
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(
            title="Ventanilla Bogotá",
            slug="inicio",
            intro="Encuentre los trámites y servicios del Distrito, radíquelos en línea y formalice su empresa en un solo lugar.",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Ventanilla Bogotá",
        )
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "Ventanilla Bogotá"
        site.save()
        if old_root.specific_class is Page and old_root.pk != root.pk:
            old_root.delete()  # Wagtail's placeholder "Welcome" page.
    index = ProcedureIndexPage.objects.first()
    if index is None:
        index = ProcedureIndexPage(
            title="Trámites y servicios",
            slug="tramites",
            intro="Catálogo de trámites, otros procedimientos administrativos y consultas de las entidades del Distrito y de las que acompañan la formalización empresarial.",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    return index


def _permissions(*codenames: str) -> list[Permission]:
    perms = []
    for name in codenames:
        app_label, codename = name.split(".")
        perms.append(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return perms


def _page_permissions(group: Group, page: Page, codenames: tuple[str, ...]) -> None:
    for perm in _permissions(*(f"wagtailcore.{c}" for c in codenames)):
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=perm
        )


@transaction.atomic
def ensure_groups(index: ProcedureIndexPage) -> None:
    """Editors per entity (edit and submit), moderators (publish), officers, auditors."""
    admin_access = _permissions("wagtailadmin.access_admin")
    moderators, _ = Group.objects.get_or_create(name=MODERATORS)
    moderators.permissions.add(
        *admin_access,
        *_permissions(
            "catalog.manage_all_procedures",
            "catalog.change_entity",
            "catalog.add_entity",
            "catalog.change_servicepoint",
            "catalog.add_servicepoint",
            # The footer's contact data and policy pages (Settings › Identidad).
            "cms.change_siteidentity",
            # Catalog search: synonyms, promoted results and what people search.
            "catalog.add_searchsynonym",
            "catalog.change_searchsynonym",
            "catalog.delete_searchsynonym",
            "catalog.view_searchqueryday",
            "wagtailsearchpromotions.add_searchpromotion",
            "wagtailsearchpromotions.change_searchpromotion",
            "wagtailsearchpromotions.delete_searchpromotion",
        ),
    )
    _page_permissions(
        moderators, index, ("add_page", "change_page", "publish_page", "lock_page")
    )
    # The policy pages and the site map, beside the catalog below the home page.
    for page in Page.objects.type(ContentPage, SiteMapPage).child_of(
        index.get_parent()
    ):
        _page_permissions(moderators, page, ("add_page", "change_page", "publish_page"))
    for entity in Entity.objects.all():
        editors, _ = Group.objects.get_or_create(name=editor_group_name(entity.code))
        editors.permissions.add(*admin_access)
        _page_permissions(editors, index, ("add_page", "change_page"))
        officers, _ = Group.objects.get_or_create(name=officer_group_name(entity.code))
        officers.permissions.add(*admin_access)
        if (entity.editor_group_id, entity.officer_group_id) != (
            editors.pk,
            officers.pk,
        ):
            entity.editor_group, entity.officer_group = editors, officers
            entity.save(update_fields=["editor_group", "officer_group"])
        # Entity heads see their entity's open risk flags as counts on the admin
        # home (oversight), found by the group's name; nothing else.
        heads, _ = Group.objects.get_or_create(name=head_group_name(entity.code))
        heads.permissions.add(*admin_access)
    auditors, _ = Group.objects.get_or_create(name=AUDITORS)
    auditors.permissions.add(*admin_access, *_permissions("audit.audit_trail"))


@transaction.atomic
def ensure_workflow(index: ProcedureIndexPage) -> Workflow:
    """Editor submits, a moderator approves, the page is published."""
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    task = GroupApprovalTask.objects.filter(name="Aprobación de moderadores").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="Aprobación de moderadores")
        task.groups.set([Group.objects.get(name=MODERATORS)])
    # WorkflowTask.objects, not workflow.workflow_tasks: modelcluster would keep it in memory.
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def ensure_demo_users(password: str = DEMO_PASSWORD) -> list[DemoUser]:
    """The named demo users, one officer per entity with published procedures and
    one head for each of those entities."""
    User = get_user_model()
    demos = [*DEMO_USERS, *demo_officers()]
    demos += demo_heads(demos)
    for demo in demos:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "email": f"{demo.username}@demo.ventanilla.bogota.gov.co",
                "is_staff": demo.staff,
            },
        )
        if created:
            user.set_password(password)
            user.save()
        user.groups.set(Group.objects.filter(name__in=demo.groups))
        if demo.username in DEMO_CITIZEN_DOCUMENTS:
            # A citizen's identity is known, so filing forms come prefilled.
            ApplicantProfile.objects.get_or_create(
                user=user,
                defaults={
                    "document_type": "CC",
                    "document_number": DEMO_CITIZEN_DOCUMENTS[demo.username],
                },
            )
    return demos


DEMO_CITIZEN_DOCUMENTS = {"ciudadano": "79123456"}


@transaction.atomic
def ensure_content_pages() -> dict[str, Page]:
    """The footer's policy pages and the site map, below the home page, linked from
    the site's identity settings. A page that exists (found by slug) is the
    editors' own and is left as it is; a settings link they changed stays too."""
    home = HomePage.objects.get()
    identity = SiteIdentity.load()
    pages = {}
    for entry in read_yaml_unique(CONTENT_PAGES):
        page = home.get_children().filter(slug=entry["slug"]).first()
        if page is None:
            page = ContentPage(
                title=entry["title"],
                slug=entry["slug"],
                intro=entry["intro"],
                body=entry["body"],
                reviewed_on=_as_date(entry["reviewed_on"]),
            )
            home.add_child(instance=page)
            page.save_revision().publish()
        pages[entry["setting"]] = page
    site_map = SiteMapPage.objects.first()
    if site_map is None:
        site_map = SiteMapPage(
            title="Mapa del sitio",
            slug="mapa-del-sitio",
            intro="Todas las secciones de Ventanilla en una sola página.",
        )
        home.add_child(instance=site_map)
        site_map.save_revision().publish()
    pages["site_map_page"] = site_map
    changed = [
        name for name, page in pages.items() if getattr(identity, f"{name}_id") is None
    ]
    for name in changed:
        setattr(identity, name, pages[name])
    if changed:
        identity.save(update_fields=changed)
    return pages


def _as_date(value) -> datetime.date:
    return (
        value
        if isinstance(value, datetime.date)
        else datetime.date.fromisoformat(value)
    )
