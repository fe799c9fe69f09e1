from __future__ import annotations

from accounts.models import Organisation, User
from accounts.roles import Role
from accounts.selectors import visible_organisations
from core.errors import Forbidden, NotFound, Reason


def require_role(user: User, *roles: str) -> None:
    """403 unless the user holds one of the roles (a superuser administers everything)."""
    if user.is_superuser or any(user.has_role(r) for r in roles):
        return
    labels = "、".join(Role(r).label for r in roles)
    raise Forbidden(f"需要以下角色之一：{labels}", reasons=[Reason("role_required", f"需要“{labels}”角色")])


def visible_organisation(user: User, pk: int) -> Organisation:
    """An organisation named in a request: 404 when it is outside the user's subtree, as if absent."""
    organisation = visible_organisations(user=user).filter(pk=pk).first()
    if organisation is None:
        raise NotFound("机构不存在")
    return organisation
