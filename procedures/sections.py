"""Sections that an upper app adds to the citizen's pages of this app.

``procedures`` sits below ``formalization`` in the import direction, so "Mis trámites"
and a case's page cannot name the wizard's applications. Instead, an upper app
registers a Wagtail hook that returns a section (a template and what it reads) or
``None`` when it has nothing to show::

    @hooks.register(MY_CASES_SECTIONS)
    def applications_section(request):
        return {"template": "formalization/my_cases_section.html", "applications": ...}

``MY_CASES_SECTIONS`` hooks receive the request; ``CASE_SECTIONS`` hooks receive the
request and the case. The page includes each section's template with the section
in its context as ``section``.
"""

from wagtail import hooks

MY_CASES_SECTIONS = "procedures_my_cases_sections"
CASE_SECTIONS = "procedures_case_sections"


def page_sections(hook_name: str, *args) -> list[dict]:
    """The sections the registered hooks give for these arguments, in hook order."""
    found = (hook(*args) for hook in hooks.get_hooks(hook_name))
    return [section for section in found if section]
