"""The caller's own API tokens: list them (never their secret), revoke one."""

from datetime import datetime

from flask import g, jsonify

from disputedesk.app.api.answers import Answer
from disputedesk.app.api.params import id_param, id_rule
from disputedesk.app.api.registry import operation
from disputedesk.app.models import ApiToken
from disputedesk.app.services.tokens import revoke_token, tokens_of


class Token(Answer):
    id: int
    name: str | None
    scopes: list[str]
    created_at: datetime | None
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenList(Answer):
    items: list[Token]


def token_document(token: ApiToken) -> dict:
    def when(moment) -> str | None:  # noqa: ANN001
        return moment.isoformat() if moment else None

    return {
        "id": token.id,
        "name": token.name,
        "scopes": token.scopes.split(),
        "created_at": when(token.created_at),
        "expires_at": when(token.expires_at),
        "last_used_at": when(token.last_used_at),
        "revoked_at": when(token.revoked_at),
    }


@operation("GET", "/tokens", scope="read", answers={200: TokenList},
           summary="List your API tokens: scopes, expiry, last use (never the secret)")  # fmt: skip
def tokens_index():  # noqa: ANN201
    return jsonify(items=[token_document(t) for t in tokens_of(g.user)])


@operation("DELETE", f"/tokens/{id_rule('token_id')}", scope="write",
           answers={200: Token}, refusals=(404,),
           path_params=id_param("token_id", "the token's id"),
           summary="Revoke one of your API tokens at once")  # fmt: skip
def tokens_revoke(token_id: int):  # noqa: ANN201
    return jsonify(token_document(revoke_token(token_id, g.user)))
