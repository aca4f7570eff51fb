"""Who may do what: roles within a site. Site scoping itself lives in the selectors (404)."""

import rules

from core.models import Role


def _role(*roles: str):
    @rules.predicate
    def has_role(user) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and user.role in roles

    return has_role


@rules.predicate
def same_site(user, obj) -> bool:
    if obj is None:
        return True
    site_id = getattr(obj, "site_id", None)
    if site_id is None and hasattr(obj, "site"):
        site_id = obj.site.id
    return site_id is not None and site_id == getattr(user, "site_id", None)


is_molecular_biologist = _role(Role.MOLECULAR_BIOLOGIST)
is_board_member = _role(Role.BOARD_MEMBER)
is_board_chair = _role(Role.BOARD_CHAIR)
is_oncologist = _role(Role.ONCOLOGIST)
is_site_admin = _role(Role.SITE_ADMIN)
is_clinical = _role(Role.MOLECULAR_BIOLOGIST, Role.BOARD_MEMBER, Role.BOARD_CHAIR, Role.ONCOLOGIST)

rules.add_perm("tumorboard.view_case", is_clinical & same_site)
rules.add_perm("tumorboard.add_case", is_molecular_biologist | is_oncologist)
rules.add_perm("tumorboard.upload_data", is_molecular_biologist & same_site)
rules.add_perm("tumorboard.mark_ready", (is_molecular_biologist | is_board_chair) & same_site)
rules.add_perm("tumorboard.generate_report", (is_board_chair | is_oncologist) & same_site)
rules.add_perm("tumorboard.sign_report", is_board_chair & same_site)
rules.add_perm("tumorboard.download_report", is_clinical & same_site)
rules.add_perm("core.view_audit", is_site_admin)

# Imaging: uploading imaging data is a lab task; the model registry is shared by the consortium,
# so registering a model (an executable program) is left to site admins and molecular biologists.
rules.add_perm("imaging.upload_imaging", is_molecular_biologist & same_site)
rules.add_perm("imaging.view_imaging", is_clinical & same_site)
rules.add_perm("imaging.register_model", is_site_admin | is_molecular_biologist)
rules.add_perm("imaging.view_models", is_clinical | is_site_admin)
