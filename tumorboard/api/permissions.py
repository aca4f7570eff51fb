from rest_framework.exceptions import PermissionDenied


def require(user, perm: str, obj=None) -> None:
    """The same rules as the pages: 403 for a role that may not act."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied("Your role does not allow this.")
