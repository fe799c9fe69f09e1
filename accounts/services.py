from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from accounts.models import Certificate, Organisation, User, UserRole
from accounts.roles import Role
from law.bounds import bound_errors


def _path_for(organisation: Organisation) -> str:
    parent_path = organisation.parent.path if organisation.parent_id else "/"
    return f"{parent_path}{organisation.pk}/"


@transaction.atomic
def organisation_save(*, organisation: Organisation) -> Organisation:
    """Create or update an organisation and keep the materialised paths of its subtree right."""
    if organisation.parent_id and organisation.pk:
        parent = Organisation.objects.get(pk=organisation.parent_id)
        if f"/{organisation.pk}/" in parent.path:
            raise ValidationError({"parent": "上级机构不能是本机构或其下级机构"})
    organisation.full_clean(exclude=["path"])
    out_of_bounds = bound_errors(organisation.explicit_settings())
    if out_of_bounds:
        raise ValidationError({name: [message] for name, message in out_of_bounds.items()})
    old_path = organisation.path
    organisation.save()
    new_path = _path_for(organisation)
    if new_path != old_path:
        Organisation.objects.filter(pk=organisation.pk).update(path=new_path)
        if old_path:
            # Re-root the descendants: replace the old prefix with the new one in one statement.
            Organisation.objects.filter(path__startswith=old_path).exclude(pk=organisation.pk).update(
                path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1))
            )
        organisation.path = new_path
    return organisation


def organisation_create(
    *,
    code: str,
    name: str,
    level: str,
    case_number_prefix: str,
    parent: Organisation | None = None,
    **settings: object,
) -> Organisation:
    organisation = Organisation(
        code=code, name=name, level=level, parent=parent, case_number_prefix=case_number_prefix, **settings
    )
    return organisation_save(organisation=organisation)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    full_name: str,
    organisation: Organisation | None,
    roles: Iterable[str] = (),
    email: str = "",
    certificates: Iterable[dict[str, Any]] = (),
) -> User:
    user = User(username=username, full_name=full_name, organisation=organisation, email=email)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user_set_roles(user=user, roles=roles)
    for certificate in certificates:
        certificate_issue(user=user, **certificate)
    return user


@transaction.atomic
def user_set_roles(*, user: User, roles: Iterable[str]) -> None:
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValidationError({"roles": f"未知角色：{', '.join(sorted(unknown))}"})
    if wanted and user.organisation_id is None:
        raise ValidationError({"organisation": "持有业务角色的用户必须属于一个机构"})
    UserRole.objects.filter(user=user).exclude(role__in=wanted).delete()
    existing = set(UserRole.objects.filter(user=user).values_list("role", flat=True))
    UserRole.objects.bulk_create([UserRole(user=user, role=role) for role in wanted - existing])
    user._role_codes = frozenset(wanted)


def certificate_issue(
    *, user: User, number: str, valid_from: date, valid_to: date, issued_by: str = ""
) -> Certificate:
    certificate = Certificate(
        user=user, number=number, valid_from=valid_from, valid_to=valid_to, issued_by=issued_by
    )
    certificate.full_clean()
    certificate.save()
    return certificate
