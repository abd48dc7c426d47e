"""The JSON API for scripts (Bearer token) and the admin (session)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from privacydesk.auth import Permission
from privacydesk.register.service import current_register
from privacydesk.web.access import Principal, require, require_login

router = APIRouter(prefix="/api", tags=["api"])


@router.get("/me")
def me(principal: Annotated[Principal, Depends(require_login)]) -> dict[str, Any]:
    """Who the token or session belongs to, and its role."""
    return {"user_id": principal.user.id, "role": principal.role.value, "via": principal.via}


@router.get("/register")
def register(
    request: Request, principal: Annotated[Principal, Depends(require(Permission.VIEW_REGISTER))]
) -> dict[str, Any]:
    """The register in force, as JSON."""
    with request.app.state.db.session_scope(readonly=True) as session:
        version, reg = current_register(session)
        return {
            "version": version.number,
            "content_hash": version.content_hash,
            "register": reg.model_dump(mode="json"),
        }
