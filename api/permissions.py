from __future__ import annotations

from accounts.models import User
from accounts.roles import Role
from core.errors import Forbidden, Reason


def require_role(user: User, *roles: str) -> None:
    """403 unless the user holds one of the roles (a superuser administers everything)."""
    if user.is_superuser or any(user.has_role(r) for r in roles):
        return
    labels = "、".join(Role(r).label for r in roles)
    raise Forbidden(f"需要以下角色之一：{labels}", reasons=[Reason("role_required", f"需要“{labels}”角色")])
