import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.models import Entity
from catalog.seed import load_catalog
from cms import seed
from cms.seed_applications import seed_applications
from cms.seed_history import seed_history
from cms.seed_risk import seed_risk_patterns
from oversight import scan


class Command(BaseCommand):
    help = (
        "Deja lista la demostración: páginas, 200+ trámites, grupos, flujo de moderación "
        "y usuarios de demostración. Se puede ejecutar varias veces sin duplicar nada."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-demo-users",
            action="store_true",
            help="Crear usuarios de demostración aunque DEBUG esté desactivado.",
        )
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="URL que se imprime para ingresar.",
        )
        parser.add_argument(
            "--history",
            type=int,
            default=None,
            metavar="N",
            help=(
                "Casos de historia de demostración radicados y tramitados en los "
                "últimos 12 meses (por defecto DEMO_HISTORY_CASES; 0 para ninguno)."
            ),
        )

    def handle(self, *args, allow_demo_users, history=None, **options):
        if not settings.DEBUG and not allow_demo_users:
            raise CommandError(
                "Los usuarios de demostración solo se crean con DEBUG activo (o --allow-demo-users)."
            )
        index = seed.ensure_site()
        counts = load_catalog(index)
        seed.ensure_content_pages()
        seed.ensure_groups(index)
        seed.ensure_workflow(index)
        users = seed.ensure_demo_users()
        self.stdout.write(f"Catálogo: {counts}.")
        if history is None:
            history = settings.DEMO_HISTORY_CASES
        if history:
            started = time.monotonic()
            outcomes = seed_history(history)
            self.stdout.write(
                f"Historia: {sum(outcomes.values())} casos nuevos en "
                f"{time.monotonic() - started:.0f} s ({outcomes})."
            )
            started = time.monotonic()
            filed = seed_applications()
            self.stdout.write(
                f"Solicitudes de formalización: {len(filed)} nuevas en "
                f"{time.monotonic() - started:.0f} s "
                f"({', '.join(f'{plot} {radicado}' for plot, radicado in filed.items())})."
            )
            planted = seed_risk_patterns()
            self.stdout.write(
                "Patrones de riesgo sembrados a propósito: "
                + "; ".join(
                    f"{code} {', '.join(radicados)}"
                    for code, radicados in planted.items()
                )
                + "."
            )
            started = time.monotonic()
            scanned = scan.full()
            self.stdout.write(
                f"Revisión de riesgos: {scanned.events} eventos, "
                f"{scanned.created} alertas nuevas en {time.monotonic() - started:.0f} s."
            )
        self.stdout.write(
            f"\nUsuarios de demostración (contraseña de todos: {seed.DEMO_PASSWORD}):"
        )
        base_url = options["base_url"]
        for user in users:
            if user.entity or user.heads:
                continue
            where = "/admin/" if user.staff else "/cuenta/ingresar/"
            self.stdout.write(
                f"  {user.username:<18} {user.role:<42} {base_url}{where}"
            )
        self._write_officers(users, base_url)

    def _write_officers(self, users, base_url):
        """Officer logins grouped by entity: whoever works each queue."""
        by_entity, heads = {}, {}
        for user in users:
            if user.entity:
                by_entity.setdefault(user.entity, []).append(user)
            if user.heads:
                heads[user.heads] = user.username
        names = dict(
            Entity.objects.filter(code__in=by_entity).values_list("code", "name")
        )
        self.stdout.write(
            f"\nFuncionarios por entidad ({len(by_entity)} entidades; "
            f"sus casos en {base_url}/admin/casos/):"
        )
        for code in sorted(by_entity):
            logins = ", ".join(
                f"{u.username} ({u.first_name} {u.last_name})" for u in by_entity[code]
            )
            if code in heads:
                # The entity head sees only counts of open risk alerts on /admin/.
                logins += f"; jefatura: {heads[code]}"
            self.stdout.write(f"  {code:<13} {names.get(code, '')[:60]:<60} {logins}")
