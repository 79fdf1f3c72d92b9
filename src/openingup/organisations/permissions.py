"""Who may do what; each check is named after the service it guards."""

from __future__ import annotations

from typing import Any

from openingup.organisations.models import Membership, Organisation


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_admin(user: Any) -> bool:
    return _authenticated(user) and bool(user.is_superuser)


def _lineage(organisation: Organisation | None) -> list[Organisation]:
    """The organisation and its parents: an editor of a municipality may edit for its departments."""
    chain: list[Organisation] = []
    while organisation is not None and organisation not in chain:
        chain.append(organisation)
        organisation = organisation.parent
    return chain


def role_in(user: Any, organisation: Organisation | None) -> str | None:
    if not _authenticated(user) or organisation is None:
        return None
    roles = set(
        Membership.objects.filter(user=user, organisation__in=_lineage(organisation)).values_list(
            "role", flat=True
        )
    )
    if Membership.Role.EDITOR in roles:
        return Membership.Role.EDITOR
    return Membership.Role.VIEWER if roles else None


def can_create_dataset(user: Any, organisation: Organisation | None) -> bool:
    return is_admin(user) or role_in(user, organisation) == Membership.Role.EDITOR


def can_edit_dataset(user: Any, dataset: Any) -> bool:
    return can_create_dataset(user, dataset.publisher)


can_publish_dataset = can_edit_dataset
can_delete_dataset = can_edit_dataset


def can_edit_data_service(user: Any, service: Any) -> bool:
    return can_create_dataset(user, service.publisher)


can_delete_data_service = can_edit_data_service


def visible_organisation_ids(user: Any) -> set[Any]:
    """Organisations whose drafts the user may see: memberships of any role, and their descendants."""
    if not _authenticated(user):
        return set()
    found = set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
    frontier = set(found)
    while frontier:
        frontier = (
            set(Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        )
        found |= frontier
    return found


def can_view_dataset(user: Any, dataset: Any) -> bool:
    """Published and archived datasets are public; drafts only for members of the publisher."""
    if dataset.status != "draft":
        return True
    return is_admin(user) or role_in(user, dataset.publisher) is not None


def can_manage_organisation(user: Any, organisation: Organisation | None = None) -> bool:
    return is_admin(user)


def editable_organisations(user: Any) -> list[Organisation]:
    if is_admin(user):
        return list(Organisation.objects.exclude(kind=Organisation.Kind.EXTERNAL))
    if not _authenticated(user):
        return []
    direct = Organisation.objects.filter(memberships__user=user, memberships__role=Membership.Role.EDITOR)
    found: dict[Any, Organisation] = {}
    for org in direct:
        found[org.pk] = org
        for child in Organisation.objects.filter(parent=org):
            found[child.pk] = child
    return sorted(found.values(), key=lambda o: o.slug)
