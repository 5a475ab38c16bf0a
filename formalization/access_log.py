"""«¿Quién ha consultado mi trámite?» for a formalization application: the reads
of the application itself and the reads and acts on each of its cases, merged in
one table in time order (newest first), each row naming the procedure it is about.
Merged rather than grouped per case: the citizen asks who looked at their file,
and one list answers that at a glance."""

from django.utils.translation import gettext as _

from procedures.access_log import AccessEntry, File, access_log_of

from .models import Application
from .services import APPLICATION_VIEWED


def application_access_log(application: Application, items) -> list[AccessEntry]:
    """``items``: the application's items with their case and procedure loaded."""
    files = [File(application.audit_chain, _("La solicitud"))] + [
        File(item.case.audit_chain, item.procedure.title)
        for item in items
        if item.case is not None
    ]
    return access_log_of(
        files,
        applicant_id=application.applicant_id,
        extra_actions={APPLICATION_VIEWED: _("Consultó la solicitud")},
    )
