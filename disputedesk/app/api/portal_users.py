"""The billing system invites an advertiser's or agency's people to the portal."""

from flask import Response, g, url_for

from disputedesk.app.api.fields import Answer, Email, Request, line
from disputedesk.app.api.params import REF
from disputedesk.app.api.registry import operation, reply
from disputedesk.app.services import portal


class PortalInvite(Request):
    email: Email
    name: line(120) | None = None


class PortalInvitation(Answer):
    email: str
    advertiser: str
    new_account: bool
    set_password_url: str | None  # the one-time link of a new account, to send to them


@operation(
    "POST", "/advertisers/<ref>/portal-users", scope="integration", path_params=REF,
    body=PortalInvite, answers={201: PortalInvitation}, refusals=(403, 404),
    summary="Give a person the advertiser's cases in the portal (a new account: its link)",
)  # fmt: skip
def portal_users_invite(ref: str, body: PortalInvite) -> Response:
    user, token = portal.invite(g.user, ref, body.email, body.name or "")
    link = url_for("account.set_password", token=token, _external=True) if token else None
    answer = PortalInvitation(email=user.email, advertiser=ref, new_account=token is not None,
                              set_password_url=link)  # fmt: skip
    return reply(answer, 201)
