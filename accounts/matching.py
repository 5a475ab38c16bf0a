"""A person's points of contact as match digests (docs/risk-events.md): the one
place that says which of an account's facts the risk detectors compare, for
applicants (on the filing) and officers (on their acts) alike."""

from django.core.exceptions import ObjectDoesNotExist

from audit.personal import match_digest


def _profile(user):
    try:
        return user.applicant_profile
    except ObjectDoesNotExist:
        return None


def match_digests(user) -> dict[str, str]:
    """``{kind: digest}`` of the user's e-mail, its domain, surname and, from their
    profile, phone, address, document and (acting for a company) its NIT; kinds
    without a value are left out. At most one query: the profile, when not loaded."""
    if user is None:
        return {}
    profile = _profile(user)
    values = {
        "email": user.email,
        "email_domain": user.email,
        "surname": user.last_name,
    }
    if profile is not None:
        values |= {
            "phone": profile.phone,
            "document": profile.document_number,
            "address": profile.address,
        }
        if profile.acts_for_company:
            values["company"] = profile.company_nit
    digests = {kind: match_digest(kind, value) for kind, value in values.items()}
    return {kind: digest for kind, digest in digests.items() if digest}
