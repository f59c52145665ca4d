"""The store's named errors. Messages are in Chinese, name the layer or case, and say what to do."""

from chuangcheng.geo import workflow


class StoreError(ValueError):
    """Something about the store is wrong (unreachable, not migrated, refused write)."""


class StaleWriteError(StoreError):
    """Someone else changed the record or layer since the user read it; nothing was written."""


class PermissionDenied(StoreError, workflow.PermissionDenied):
    """The acting user's role may not make this change (also a workflow refusal, so pages that
    catch either see it)."""


class RecordError(StoreError):
    """A record that cannot be stored as given (the message says which field and why)."""


def require(actor: workflow.Actor | None, action: str) -> None:
    """``geo.permissions.require``, raising the store's ``PermissionDenied`` (a ``StoreError``)."""
    from chuangcheng.geo import permissions

    try:
        permissions.require(actor, action)
    except workflow.PermissionDenied as exc:
        raise PermissionDenied(str(exc)) from None
