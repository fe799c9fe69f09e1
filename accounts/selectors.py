from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import Certificate, Organisation, User
from accounts.policy import Policy, fold_policy


def organisation_subtree(*, organisation: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(path__startswith=organisation.path)


def visible_organisations(*, user: User) -> QuerySet[Organisation]:
    """The organisations this user may see: its own organisation's subtree (SPEC §1).

    A superuser sees everything; a user with no organisation sees nothing.
    """
    if user.is_superuser:
        return Organisation.objects.all()
    if not user.is_authenticated or user.organisation_id is None:
        return Organisation.objects.none()
    return organisation_subtree(organisation=user.organisation)


def user_can_see_organisation(*, user: User, organisation_id: int) -> bool:
    if user.is_superuser:
        return True
    if user.organisation_id is None:
        return False
    if organisation_id == user.organisation_id:
        return True
    return Organisation.objects.filter(pk=organisation_id, path__startswith=user.organisation.path).exists()


def organisation_policy(*, organisation: Organisation) -> Policy:
    """The effective settings of an organisation: its own, else its nearest ancestor's, else the default."""
    ids = organisation.ancestor_ids() or [organisation.pk]
    by_id = {o.pk: o for o in Organisation.objects.filter(pk__in=ids)}
    chain = [by_id[pk].explicit_settings() for pk in ids if pk in by_id]
    return fold_policy(chain)


def certified_users(*, on: date) -> QuerySet[User]:
    """Users holding an enforcement certificate valid on the given day."""
    valid = Certificate.objects.filter(user=OuterRef("pk"), valid_from__lte=on, valid_to__gte=on)
    return User.objects.filter(Exists(valid))


def users_with_role(*, role: str, organisation: Organisation) -> QuerySet[User]:
    return User.objects.filter(
        organisation=organisation, role_assignments__role=role, is_active=True
    ).distinct()
